from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.errors import LogicError
from crm_ext.logic.tender.bid_rules import (
	bid_problems,
	check_bid_window,
	check_deadline_extension,
	check_supplier_may_bid,
	tender_problems,
	validate_bid,
	validate_tender,
)
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.model import CLOSED, DRAFT, PUBLISHED, BidLine, Question, TenderLine
from tests.tender.factories import (
	DEADLINE,
	NOW,
	make_bid,
	make_tender,
	moments,
	tenders_with_valid_bids,
	with_line,
)


def first_problem(tender, bid, now=NOW) -> TenderError:
	with pytest.raises(TenderError) as e:
		validate_bid(tender, bid, now)
	return e.value


def test_a_valid_bid_passes():
	validate_bid(make_tender(), make_bid(), NOW)
	assert bid_problems(make_tender(), make_bid(), NOW) == []


def test_tender_error_is_a_logic_error_with_row():
	error = first_problem(make_tender(), with_line(make_bid(), 1, unit_price=-1))
	assert isinstance(error, LogicError)
	assert (error.field, error.row) == ("unit_price", 2)
	assert error.message.startswith("Row 2:")


# --- timing and status -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [DRAFT, CLOSED, "Awarded", "Cancelled"])
def test_only_a_published_tender_takes_bids(status):
	error = first_problem(make_tender(status=status), make_bid())
	assert error.field == "tender"
	assert status in error.message and "Published" in error.message


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=1), timedelta(days=3)])
def test_nothing_is_submitted_at_or_after_the_deadline(late):
	error = first_problem(make_tender(), make_bid(), DEADLINE + late)
	assert error.field == "tender"
	assert "submitted" in error.message


def test_one_microsecond_before_the_deadline_is_still_in_time():
	validate_bid(make_tender(), make_bid(), DEADLINE - timedelta(microseconds=1))


@pytest.mark.parametrize(
	"action,word", [("save", "changed"), ("submit", "submitted"), ("withdraw", "withdrawn")]
)
def test_after_the_deadline_a_bid_can_be_neither_changed_nor_withdrawn(action, word):
	check_bid_window(make_tender(), NOW, action)
	with pytest.raises(TenderError) as e:
		check_bid_window(make_tender(), DEADLINE, action)
	assert word in e.value.message


def test_unknown_bid_action_is_a_programming_error():
	with pytest.raises(ValueError):
		check_bid_window(make_tender(), NOW, "amend")


def test_timing_is_reported_before_anything_else():
	bad = make_bid(supplier="Z", currency="JPY", answers={}, lines=())
	assert first_problem(make_tender(), bad, DEADLINE).field == "tender"
	fields = [p.field for p in bid_problems(make_tender(), bad, DEADLINE)]
	assert fields[:3] == ["tender", "supplier", "currency"]


# --- supplier ----------------------------------------------------------------------------------


def test_an_uninvited_supplier_cannot_bid():
	error = first_problem(make_tender(), make_bid(supplier="C"))
	assert error.field == "supplier"
	assert "not invited" in error.message


def test_blank_supplier_is_refused():
	assert first_problem(make_tender(), make_bid(supplier=" ")).field == "supplier"


def test_open_tender_takes_qualified_and_invited_suppliers_only():
	tender = make_tender(open_to_qualified=True, invited_suppliers={"A"}, qualified_suppliers={"Q"})
	validate_bid(tender, make_bid(supplier="Q"), NOW)
	validate_bid(tender, make_bid(supplier="A"), NOW)  # invited, even without qualification
	error = first_problem(tender, make_bid(supplier="U"))
	assert error.field == "supplier"
	assert "not qualified" in error.message
	with pytest.raises(TenderError):
		check_supplier_may_bid(tender, "U")
	check_supplier_may_bid(tender, "Q")


# --- currency, answers, Incoterm, payment terms --------------------------------------------------


def test_only_an_allowed_currency():
	error = first_problem(make_tender(), make_bid(currency="JPY"))
	assert error.field == "currency"
	assert "EUR, USD" in error.message
	assert first_problem(make_tender(), make_bid(currency="")).field == "currency"
	assert first_problem(make_tender(currencies=set()), make_bid()).field == "currency"


@pytest.mark.parametrize("answers", [{}, {"Q1": ""}, {"Q1": "   \n"}, {"Q1": None}, {"Q2": "yes"}])
def test_mandatory_questions_must_be_answered(answers):
	error = first_problem(make_tender(), make_bid(answers=answers))
	assert error.field == "answers"
	assert "ISO 9001" in error.message


def test_optional_questions_may_stay_blank():
	validate_bid(make_tender(), make_bid(answers={"Q1": "x", "Q2": ""}), NOW)


def test_question_without_text_is_named_by_its_id():
	tender = make_tender(questions=(Question("Q-77", mandatory=True),))
	assert "Q-77" in first_problem(tender, make_bid(answers={})).message


def test_the_tender_must_have_incoterm_and_delivery_location():
	assert first_problem(make_tender(delivery_location=" "), make_bid()).field == "incoterm"
	assert first_problem(make_tender(incoterm=""), make_bid()).field == "incoterm"


def test_another_incoterm_needs_to_be_allowed_and_needs_its_place():
	tender = make_tender(allowed_incoterms={"EXW", "FCA"})
	error = first_problem(tender, make_bid(incoterm="CIF"))
	assert error.field == "incoterm"
	assert "DAP, EXW, FCA" in error.message
	assert first_problem(tender, make_bid(incoterm="EXW")).field == "incoterm_location"
	validate_bid(tender, make_bid(incoterm="EXW", incoterm_location="Shanghai"), NOW)
	validate_bid(tender, make_bid(incoterm="DAP"), NOW)  # the tender's own: its location applies


def test_credit_days_cannot_be_negative():
	assert first_problem(make_tender(), make_bid(credit_days=-1)).field == "credit_days"


# --- lines -------------------------------------------------------------------------------------


def test_price_cannot_be_negative():
	error = first_problem(make_tender(), with_line(make_bid(), 0, unit_price="-0.01"))
	assert (error.field, error.row) == ("unit_price", 1)


def test_zero_price_means_not_offered_so_qty_must_be_zero():
	error = first_problem(make_tender(), with_line(make_bid(), 2, qty=5))
	assert (error.field, error.row) == ("qty", 3)
	assert "not offered" in error.message


def test_not_offered_line_cannot_carry_an_alternative():
	error = first_problem(make_tender(), with_line(make_bid(), 2, alternative_item="ALT"))
	assert (error.field, error.row) == ("alternative_item", 3)


@pytest.mark.parametrize("qty", [0, "-1"])
def test_offered_line_needs_a_positive_qty(qty):
	error = first_problem(make_tender(), with_line(make_bid(), 0, qty=qty))
	assert (error.field, error.row) == ("qty", 1)


def test_partial_qty_is_accepted_but_not_more_than_requested():
	validate_bid(make_tender(), with_line(make_bid(), 0, qty=40), NOW)
	error = first_problem(make_tender(), with_line(make_bid(), 0, qty="100.5"))
	assert (error.field, error.row) == ("qty", 1)
	assert "100.5" in error.message and "100 requested" in error.message


def test_more_than_requested_when_the_tender_allows_it():
	validate_bid(make_tender(allow_excess_qty=True), with_line(make_bid(), 0, qty=500), NOW)


@pytest.mark.parametrize("days", [None, -1])
def test_offered_line_needs_delivery_days(days):
	error = first_problem(make_tender(), with_line(make_bid(), 1, delivery_days=days))
	assert (error.field, error.row) == ("delivery_days", 2)


def test_alternatives_only_when_allowed():
	bid = with_line(make_bid(), 0, alternative_description="Same bolt, zinc plated")
	validate_bid(make_tender(), bid, NOW)
	error = first_problem(make_tender(allow_alternatives=False), bid)
	assert (error.field, error.row) == ("alternative_item", 1)


def test_at_least_one_line_offered():
	bid = with_line(with_line(make_bid(), 0, unit_price=0, qty=0), 1, unit_price=0, qty=0)
	error = first_problem(make_tender(), bid)
	assert error.field == "items"
	assert "offers no line" in error.message


def test_one_row_per_tender_line():
	bid = make_bid()
	missing = replace(bid, lines=bid.lines[:2])
	error = first_problem(make_tender(), missing)
	assert error.field == "items"
	assert "WASHER-M8" in error.message

	twice = replace(bid, lines=(*bid.lines, BidLine("L1", 3, 100, delivery_days=1)))
	error = first_problem(make_tender(), twice)
	assert (error.field, error.row) == ("line_id", 4)
	assert "twice" in error.message

	unknown = replace(bid, lines=(*bid.lines, BidLine("L9", 3, 1, delivery_days=1)))
	error = first_problem(make_tender(), unknown)
	assert (error.field, error.row) == ("line_id", 4)


def test_all_problems_are_listed_in_order():
	bid = make_bid(currency="JPY", answers={})
	bid = with_line(with_line(bid, 0, unit_price=-1), 2, qty=3)
	assert [(p.field, p.row) for p in bid_problems(make_tender(), bid, NOW)] == [
		("currency", None),
		("answers", None),
		("unit_price", 1),
		("qty", 3),
	]


# --- deadline extension ------------------------------------------------------------------------


def test_deadline_can_be_extended_before_it_passes_to_a_later_time():
	check_deadline_extension(DEADLINE, DEADLINE + timedelta(days=1), NOW)
	with pytest.raises(TenderError) as e:
		check_deadline_extension(DEADLINE, DEADLINE + timedelta(days=1), DEADLINE)
	assert e.value.field == "deadline" and "passed" in e.value.message
	for new in (DEADLINE, DEADLINE - timedelta(hours=1)):
		with pytest.raises(TenderError) as e:
			check_deadline_extension(DEADLINE, new, NOW)
		assert "later" in e.value.message


@given(moments, moments, moments)
def test_deadline_extension_rule(deadline, new_deadline, now):
	allowed = now < deadline < new_deadline
	try:
		check_deadline_extension(deadline, new_deadline, now)
	except TenderError:
		assert not allowed
	else:
		assert allowed


# --- publishing a tender -----------------------------------------------------------------------


def test_a_good_tender_can_be_published():
	validate_tender(make_tender(), NOW)
	assert tender_problems(make_tender(), NOW) == []


@pytest.mark.parametrize(
	"changes,field",
	[
		({"deadline": NOW}, "deadline"),
		({"currencies": set()}, "currencies"),
		({"incoterm": ""}, "incoterm"),
		({"delivery_location": ""}, "delivery_location"),
		({"invited_suppliers": set()}, "suppliers"),
		({"lines": ()}, "items"),
		({"lines": (TenderLine("L1", 1), TenderLine("L1", 2))}, "line_id"),
		({"lines": (TenderLine("L1", 0),)}, "qty"),
		({"lines": (TenderLine("L1", 1, budget_unit_price=-5),)}, "budget_unit_price"),
		({"questions": (Question("Q"), Question("Q"))}, "questions"),
	],
)
def test_a_tender_with_a_gap_cannot_be_published(changes, field):
	with pytest.raises(TenderError) as e:
		validate_tender(make_tender(**changes), NOW)
	assert e.value.field == field


def test_open_tender_needs_no_invitations():
	validate_tender(make_tender(invited_suppliers=set(), open_to_qualified=True), NOW)


# --- properties --------------------------------------------------------------------------------


@given(tenders_with_valid_bids())
def test_generated_valid_bids_are_accepted(case):
	tender, bid, now = case
	assert bid_problems(tender, bid, now) == []


@given(tenders_with_valid_bids(), st.integers(0, 10**8))
def test_after_the_deadline_every_bid_is_refused_first_for_timing(case, seconds_late):
	tender, bid, _now = case
	late = tender.deadline + timedelta(seconds=seconds_late)
	for action in ("save", "submit", "withdraw"):
		with pytest.raises(TenderError):
			check_bid_window(tender, late, action)
	assert first_problem(tender, bid, late).field == "tender"


MUTATIONS = {
	"supplier": lambda t, b: replace(b, supplier=b.supplier + "-X"),
	"currency": lambda t, b: replace(b, currency="JPY"),
	"credit_days": lambda t, b: replace(b, credit_days=-1),
	"unit_price": lambda t, b: with_line(b, 0, unit_price=Decimal("-1")),
	"qty": lambda t, b: with_line(b, 0, unit_price=Decimal(1), qty=Decimal(0)),
	"delivery_days": lambda t, b: with_line(
		b, 0, unit_price=Decimal(1), qty=Decimal("0.5"), delivery_days=None
	),
	"line_id": lambda t, b: replace(b, lines=(*b.lines, BidLine("NOPE", 1, 1, delivery_days=1))),
	"items": lambda t, b: replace(b, lines=b.lines[1:]),
}


@given(tenders_with_valid_bids(), st.sampled_from(sorted(MUTATIONS)))
def test_one_broken_rule_is_reported_on_its_field(case, field):
	tender, bid, now = case
	broken = MUTATIONS[field](tender, bid)
	problems = bid_problems(tender, broken, now)
	assert problems, f"{field} mutation not detected"
	assert field in {p.field for p in problems}
	assert first_problem(tender, broken, now).field == problems[0].field


@given(tenders_with_valid_bids())
def test_zeroing_every_price_leaves_nothing_offered(case):
	tender, bid, now = case
	for index in range(len(bid.lines)):
		bid = with_line(bid, index, unit_price=0, qty=0, delivery_days=None, alternative_item="")
	assert [p.field for p in bid_problems(tender, bid, now)] == ["items"]


@given(moments, moments, st.sampled_from([DRAFT, PUBLISHED, CLOSED]))
def test_bid_window_is_open_exactly_while_published_and_before_deadline(deadline, now, status):
	tender = make_tender(deadline=deadline, status=status)
	try:
		check_bid_window(tender, now)
	except TenderError:
		assert status != PUBLISHED or now >= deadline
	else:
		assert status == PUBLISHED and now < deadline
