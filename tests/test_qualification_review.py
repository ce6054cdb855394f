"""Tier 1: the review workflow of a Supplier Qualification (states, who moves them, four eyes)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.qualification import DRAFT, EXPIRED, QUALIFIED, REJECTED, SUBMITTED, UNDER_REVIEW
from crm_ext.logic.qualification_review import (
	APPROVE,
	DOCSTATUS,
	EXPIRE,
	PARTY,
	PURCHASE_MANAGER,
	PURCHASE_USER,
	REJECT,
	RETURN,
	START_REVIEW,
	SUBMIT,
	TRANSITIONS,
	Actor,
	ReviewError,
	Steps,
	actions,
	check_change,
)

SUPPLIER = Actor("supplier@a", frozenset({"Supplier"}), is_party=True)
RIVAL = Actor("supplier@b", frozenset({"Supplier"}), is_party=False)
REGISTRANT = Actor("applicant@new", frozenset(), is_party=True)
BUYER = Actor("buyer@us", frozenset({PURCHASE_USER}))
MANAGER = Actor("manager@us", frozenset({PURCHASE_MANAGER, PURCHASE_USER}))
OTHER_MANAGER = Actor("manager2@us", frozenset({PURCHASE_MANAGER}))
SALES = Actor("sales@us", frozenset({"Sales User"}))
STEPS = Steps(owner="supplier@a", submitted_by="supplier@a", reviewed_by="buyer@us")
ROLES = st.frozensets(
	st.sampled_from([PURCHASE_USER, PURCHASE_MANAGER, "Supplier", "Sales User", "System Manager"])
)


def move(old, new, actor, steps=STEPS):
	return check_change(old, new, DOCSTATUS[new], actor, steps)


def test_the_happy_path_by_the_right_people():
	assert move(DRAFT, SUBMITTED, SUPPLIER).action == SUBMIT
	assert move(SUBMITTED, UNDER_REVIEW, BUYER).action == START_REVIEW
	assert move(UNDER_REVIEW, QUALIFIED, MANAGER).action == APPROVE
	assert move(UNDER_REVIEW, REJECTED, OTHER_MANAGER).action == REJECT
	assert move(QUALIFIED, EXPIRED, MANAGER).action == EXPIRE
	assert move(UNDER_REVIEW, DRAFT, BUYER).action == RETURN


def test_a_registrant_without_any_role_submits_its_own_registration():
	assert move(DRAFT, SUBMITTED, REGISTRANT).action == SUBMIT


def test_a_supplier_never_reviews_decides_or_moves_another_suppliers_record():
	for old, new in ((SUBMITTED, UNDER_REVIEW), (UNDER_REVIEW, QUALIFIED), (SUBMITTED, DRAFT)):
		with pytest.raises(ReviewError) as err:
			move(old, new, SUPPLIER)
		assert err.value.forbidden
	with pytest.raises(ReviewError) as err:
		move(DRAFT, SUBMITTED, RIVAL)
	assert err.value.forbidden
	with pytest.raises(ReviewError):
		move(DRAFT, SUBMITTED, SALES)


def test_a_purchase_user_cannot_decide():
	with pytest.raises(ReviewError) as err:
		move(UNDER_REVIEW, QUALIFIED, BUYER)
	assert err.value.forbidden


@pytest.mark.parametrize("step", ["owner", "submitted_by", "reviewed_by"])
def test_four_eyes_the_decider_did_no_earlier_step(step):
	steps = Steps(**{step: MANAGER.user})
	for new in (QUALIFIED, REJECTED):
		with pytest.raises(ReviewError) as err:
			check_change(UNDER_REVIEW, new, 1, MANAGER, steps)
		assert err.value.forbidden
		assert MANAGER.user in err.value.message
	assert check_change(UNDER_REVIEW, QUALIFIED, 1, OTHER_MANAGER, steps).action == APPROVE
	assert APPROVE not in actions(UNDER_REVIEW, MANAGER, steps)
	assert APPROVE in actions(UNDER_REVIEW, OTHER_MANAGER, steps)


def test_no_shortcuts_whoever_asks():
	for old, new in ((DRAFT, QUALIFIED), (SUBMITTED, QUALIFIED), (REJECTED, QUALIFIED), (EXPIRED, QUALIFIED)):
		with pytest.raises(ReviewError) as err:
			move(old, new, OTHER_MANAGER)
		assert not err.value.forbidden


def test_docstatus_must_match_the_state():
	# frappe.client.set_value of status Qualified on a draft document
	with pytest.raises(ReviewError):
		check_change(UNDER_REVIEW, QUALIFIED, 0, OTHER_MANAGER, STEPS)
	# frappe.client.submit of a record still Under Review
	with pytest.raises(ReviewError):
		check_change(UNDER_REVIEW, UNDER_REVIEW, 1, OTHER_MANAGER, STEPS)
	# cancel of a decided record
	with pytest.raises(ReviewError):
		check_change(QUALIFIED, QUALIFIED, 2, OTHER_MANAGER, STEPS)


def test_a_new_record_starts_as_draft():
	assert check_change(None, DRAFT, 0, SUPPLIER) is None
	for state in (SUBMITTED, QUALIFIED):
		with pytest.raises(ReviewError):
			check_change(None, state, DOCSTATUS[state], OTHER_MANAGER)


@given(
	old=st.sampled_from(sorted(DOCSTATUS)),
	new=st.sampled_from(sorted(DOCSTATUS)),
	roles=ROLES,
	party=st.booleans(),
	user=st.sampled_from(["u1", "u2", "u3", "u4"]),
	owner=st.sampled_from(["u1", "u2", ""]),
	submitted=st.sampled_from(["u1", "u3", ""]),
	reviewed=st.sampled_from(["u2", "u3", ""]),
)
def test_every_accepted_change_is_a_row_of_the_table_for_the_actor(
	old, new, roles, party, user, owner, submitted, reviewed
):
	actor = Actor(user, roles, party)
	steps = Steps(owner, submitted, reviewed)
	try:
		transition = check_change(old, new, DOCSTATUS[new], actor, steps)
	except ReviewError:
		return
	if old == new:
		assert transition is None
		return
	assert transition in TRANSITIONS
	assert (transition.state, transition.next_state) == (old, new)
	assert (transition.actor == PARTY and party) or transition.actor in roles
	if transition.decision:
		assert user not in (owner, submitted, reviewed)
		assert PURCHASE_MANAGER in roles
	assert transition.action in actions(old, actor, steps)
