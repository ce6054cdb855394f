"""Tier 1: one eligibility answer per supplier, categories and date."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.eligibility import (
	BLOCK,
	MODE_BLOCK,
	MODE_OFF,
	MODE_WARN,
	NOT_QUALIFIED,
	ON_HOLD,
	SCORECARD,
	WARN,
	QualificationRecord,
	Standing,
	eligibility,
)

TODAY = date(2026, 6, 1)
TREE = {"Steel": ["Raw Material", "All Item Groups"], "Raw Material": ["All Item Groups"], "Services": []}


def record(
	name="SQ-1", status="Qualified", groups=("Raw Material",), start=date(2026, 1, 1), end=date(2026, 12, 31)
):
	return QualificationRecord(name, status, start, end, frozenset(groups), 80)


def answer(groups, records=(), standing=None, mode=MODE_WARN, on=TODAY):
	return eligibility("SUP-A", list(groups), on, list(records), TREE, standing or Standing(), mode)


def test_qualified_for_an_ancestor_covers_the_child_category():
	result = answer(["Steel"], [record()])
	assert result.clean and result.eligible
	assert result.qualified_by == {"Steel": "SQ-1"}


def test_not_qualified_warns_or_blocks_as_configured():
	warn = answer(["Services"], [record()], mode=MODE_WARN)
	assert warn.eligible and [r.code for r in warn.warnings] == [NOT_QUALIFIED]
	block = answer(["Services"], [record()], mode=MODE_BLOCK)
	assert not block.eligible and block.blocks[0].item_group == "Services"
	assert answer(["Services"], [record()], mode=MODE_OFF).clean


def test_only_qualified_or_expired_records_inside_their_validity_count():
	for rec in (
		record(status="Draft"),
		record(status="Under Review"),
		record(status="Rejected"),
		record(start=date(2026, 7, 1)),
		record(end=date(2026, 5, 31)),
	):
		assert not answer(["Steel"], [rec]).qualified_by, rec
	# a past date inside an expired qualification's validity is answered by it
	past = answer(["Steel"], [record(status="Expired", end=date(2026, 3, 31))], on=date(2026, 3, 1))
	assert past.qualified_by == {"Steel": "SQ-1"}


def test_scorecard_and_hold_are_part_of_the_answer():
	rec = [record()]
	prevent = answer(["Steel"], rec, Standing(scorecard_prevent=True, scorecard_standing="Very Poor"))
	assert not prevent.eligible and prevent.blocks[0].code == SCORECARD
	caution = answer(["Steel"], rec, Standing(scorecard_warn=True, scorecard_standing="Poor"))
	assert caution.eligible and caution.warnings[0].code == SCORECARD
	held = answer(["Steel"], rec, Standing(on_hold=True, hold_type="All"))
	assert not held.eligible and held.blocks[0].code == ON_HOLD
	invoices_only = answer(["Steel"], rec, Standing(on_hold=True, hold_type="Invoices"))
	assert invoices_only.eligible and invoices_only.warnings[0].code == ON_HOLD
	released = answer(["Steel"], rec, Standing(on_hold=True, hold_type="All", release_date=TODAY))
	assert released.clean
	assert not answer(["Steel"], rec, Standing(disabled=True)).eligible


@given(
	st.lists(st.sampled_from(["Steel", "Raw Material", "Services"]), max_size=4),
	st.integers(min_value=-400, max_value=400),
	st.sampled_from([MODE_OFF, MODE_WARN, MODE_BLOCK]),
	st.booleans(),
	st.booleans(),
)
def test_answer_is_consistent(groups, offset, mode, prevent, hold):
	on = TODAY + timedelta(days=offset)
	standing = Standing(scorecard_prevent=prevent, on_hold=hold, hold_type="All")
	result = answer(groups, [record()], standing, mode, on)
	# every category is either qualified or has a not-qualified reason (unless checks are off)
	for group in set(groups):
		has_reason = any(r.code == NOT_QUALIFIED and r.item_group == group for r in result.reasons)
		if mode == MODE_OFF:
			assert not has_reason
		else:
			assert (group in result.qualified_by) != has_reason
	assert result.eligible == (not any(r.severity == BLOCK for r in result.reasons))
	assert all(r.severity in (BLOCK, WARN) for r in result.reasons)
	if prevent or hold:
		assert not result.eligible
	# messages format without error
	assert all(r.message for r in result.reasons)


def test_a_manually_expired_qualification_stops_covering_from_the_day_it_expired():
	expired = QualificationRecord(
		"SQ-1",
		"Expired",
		date(2026, 1, 1),
		date(2026, 12, 31),
		frozenset({"Raw Material"}),
		80,
		date(2026, 5, 20),
	)
	assert not answer(["Steel"], [expired]).qualified_by  # TODAY is after the expiry, inside validity
	assert answer(["Steel"], [expired], on=date(2026, 5, 19)).qualified_by == {"Steel": "SQ-1"}
	assert not answer(["Steel"], [expired], on=date(2026, 5, 20)).qualified_by
	still = QualificationRecord(**{**expired.__dict__, "status": "Qualified"})
	assert answer(["Steel"], [still]).qualified_by == {"Steel": "SQ-1"}
