from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.errors import LogicError
from crm_ext.logic.proposals import (
	QuotationRow,
	accepted_quotation,
	check_acceptable,
	should_move_on_acceptance,
)

STATUSES = ["Draft", "Open", "Replied", "Partially Ordered", "Ordered", "Lost", "Cancelled", "Expired"]
rows = st.lists(
	st.builds(
		QuotationRow,
		name=st.text("abcdef", min_size=1, max_size=4),
		status=st.sampled_from(STATUSES),
		docstatus=st.integers(0, 2),
		transaction_date=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
	),
	max_size=8,
)


def q(name, status, day, docstatus=1):
	return QuotationRow(name, status, docstatus, date(2026, 1, day))


def test_ordered_wins_over_a_later_open_one_and_drafts_never_count():
	assert accepted_quotation([q("A", "Ordered", 1), q("B", "Open", 9)]) == "A"
	assert accepted_quotation([q("A", "Open", 1), q("B", "Replied", 5), q("C", "Lost", 9)]) == "B"
	assert accepted_quotation([q("A", "Draft", 9, docstatus=0), q("B", "Expired", 9)]) is None
	assert accepted_quotation([q("A", "Ordered", 1), q("B", "Partially Ordered", 3)]) == "B"
	assert accepted_quotation([]) is None


@given(rows)
def test_the_choice_is_a_submitted_ordered_or_offered_quotation(candidates):
	candidates = [replace(r, name=f"Q{i}") for i, r in enumerate(candidates)]
	chosen = accepted_quotation(candidates)
	eligible = [
		r
		for r in candidates
		if r.docstatus == 1 and r.status in ("Ordered", "Partially Ordered", "Open", "Replied")
	]
	if not eligible:
		assert chosen is None
		return
	row = next(r for r in eligible if r.name == chosen)
	ordered = [r for r in eligible if r.status in ("Ordered", "Partially Ordered")]
	if ordered:
		assert row.status in ("Ordered", "Partially Ordered")
		assert row.transaction_date == max(r.transaction_date for r in ordered)


def test_acceptance_moves_an_open_card_forward_only():
	assert should_move_on_acceptance("Open", 2, "P-Accepted", 4, "P-Quote")
	assert not should_move_on_acceptance("Open", 5, "P-Accepted", 4, "P-Contract")  # never back
	assert not should_move_on_acceptance("Open", 4, "P-Accepted", 4, "P-Accepted")  # there already
	assert not should_move_on_acceptance("Won", 1, "P-Accepted", 4, "P-Won")
	assert not should_move_on_acceptance("Lost", 1, "P-Accepted", 4, "P-Lost")
	assert not should_move_on_acceptance("Open", 1, None, 0, "P-New")  # the pipeline says nothing


@given(st.sampled_from(STATUSES), st.integers(0, 2), st.dates(), st.dates())
def test_only_a_submitted_offer_in_its_validity_can_be_accepted(status, docstatus, valid_till, today):
	acceptable = docstatus == 1 and status in ("Open", "Replied") and valid_till >= today
	if acceptable:
		check_acceptable(docstatus, status, valid_till, today)
	else:
		with pytest.raises(LogicError):
			check_acceptable(docstatus, status, valid_till, today)


def test_acceptance_examples():
	today = date(2026, 11, 26)
	check_acceptable(1, "Open", None, today)  # no validity: open-ended
	check_acceptable(1, "Replied", today, today)  # the last valid day
	with pytest.raises(LogicError) as error:
		check_acceptable(1, "Open", date(2026, 11, 25), today)
	assert error.value.field == "valid_till"
	with pytest.raises(LogicError) as error:
		check_acceptable(1, "Ordered", None, today)
	assert error.value.field == "status"
