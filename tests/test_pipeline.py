from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.errors import LogicError
from crm_ext.logic.pipeline import (
	LOST,
	OPEN,
	WON,
	Stage,
	check_pipeline,
	check_stage_entry,
	days_between,
	fields_to_enter,
	initial_stage,
	is_stale,
	ordered,
	stage_default_probability,
)

NEW = Stage("Retail-New", "Retail", OPEN, 1, 10)
QUOTE = Stage(
	"Retail-Quote", "Retail", OPEN, 2, 50, required_fields=("expected_amount", "expected_close_date")
)
WON_STAGE = Stage("Retail-Won", "Retail", WON, 8, 100)
LOST_STAGE = Stage("Retail-Lost", "Retail", LOST, 9, 0)
OTHER = Stage("Wholesale-New", "Wholesale", OPEN, 1, 10)


def error(card, stage, pipeline="Retail", labels=None) -> LogicError:
	with pytest.raises(LogicError) as e:
		check_stage_entry(card, pipeline, stage, labels)
	return e.value


def test_open_stage_accepts_any_card():
	check_stage_entry({}, "Retail", NEW)


def test_stage_of_another_pipeline_is_refused():
	e = error({}, OTHER)
	assert e.field == "stage"
	assert "Wholesale" in e.message and "Retail" in e.message


def test_won_needs_customer():
	assert error({"customer": ""}, WON_STAGE).field == "customer"
	check_stage_entry({"customer": "CUST-1"}, "Retail", WON_STAGE)


def test_lost_needs_reason():
	assert error({"lost_reason": "  "}, LOST_STAGE).field == "lost_reason"
	check_stage_entry({"lost_reason": "Too expensive"}, "Retail", LOST_STAGE)


def test_zero_amount_does_not_fill_a_required_field():
	e = error({"expected_amount": 0, "expected_close_date": "2026-12-01"}, QUOTE)
	assert e.field == "expected_amount"


def test_required_fields_are_named_by_label():
	e = error({"expected_amount": 100}, QUOTE, labels={"expected_close_date": "Expected Close Date"})
	assert e.field == "expected_close_date"
	assert "Expected Close Date" in e.message
	check_stage_entry({"expected_amount": 100, "expected_close_date": "2026-12-01"}, "Retail", QUOTE)


def test_pipeline_shape():
	check_pipeline([NEW, QUOTE, WON_STAGE, LOST_STAGE])
	with pytest.raises(LogicError, match="Open stage"):
		check_pipeline([WON_STAGE, LOST_STAGE])
	with pytest.raises(LogicError, match="same order"):
		check_pipeline([NEW, Stage("Retail-B", "Retail", OPEN, 1)])
	with pytest.raises(LogicError, match="between 0 and 100"):
		check_pipeline([Stage("X", "Retail", OPEN, 1, 120)])
	with pytest.raises(LogicError, match="Open, Won or Lost"):
		check_pipeline([NEW, Stage("X", "Retail", "Maybe", 3)])


def test_initial_stage_is_first_open_by_order():
	assert initial_stage([LOST_STAGE, QUOTE, WON_STAGE, NEW]) == NEW
	assert initial_stage([WON_STAGE]) is None
	assert [s.name for s in ordered([QUOTE, NEW])] == ["Retail-New", "Retail-Quote"]


def test_probability_of_closed_stages():
	assert stage_default_probability(WON, 30) == 100
	assert stage_default_probability(LOST, 30) == 0
	assert stage_default_probability(OPEN, 30) == 30


def test_staleness():
	now = datetime(2026, 11, 23, 12)
	assert is_stale(now - timedelta(days=8), now, 7)
	assert not is_stale(now - timedelta(days=6), now, 7)
	assert not is_stale(now - timedelta(days=80), now, 0)
	assert not is_stale(now - timedelta(days=80), now, 7, kind=WON)
	assert not is_stale(None, now, 7)


kinds = st.sampled_from([OPEN, WON, LOST])
values = st.one_of(st.none(), st.just(""), st.text(min_size=1, max_size=5))


@given(kinds, values, values)
def test_entry_rule_is_exactly_the_spec(kind, customer, reason):
	"""A closed stage is entered iff its one requirement is met; open stages never refuse."""
	stage = Stage("S", "P", kind, 1)
	card = {"customer": customer, "lost_reason": reason}
	ok = {
		OPEN: True,
		WON: bool(customer and customer.strip()),
		LOST: bool(reason and reason.strip()),
	}[kind]
	try:
		check_stage_entry(card, "P", stage)
		assert ok
	except LogicError:
		assert not ok


def test_fields_to_enter_are_asked_in_order():
	assert fields_to_enter({}, NEW) == []
	assert fields_to_enter({}, WON_STAGE) == ["customer"]
	assert fields_to_enter({"customer": "C"}, WON_STAGE) == []
	lost_with_detail = Stage(
		"Retail-Lost", "Retail", LOST, 9, 0, required_fields=("lost_detail", "lost_reason")
	)
	assert fields_to_enter({}, lost_with_detail) == ["lost_reason", "lost_detail"]
	assert fields_to_enter({"expected_amount": 0, "expected_close_date": "2026-12-01"}, QUOTE) == [
		"expected_amount"
	]


required = st.lists(
	st.sampled_from(["expected_amount", "expected_close_date", "customer", "city"]), unique=True
)
cards = st.fixed_dictionaries(
	{},
	optional={
		f: st.one_of(st.none(), st.just(""), st.just(0), st.just("x"), st.just(5))
		for f in ("expected_amount", "expected_close_date", "customer", "lost_reason", "city")
	},
)


@given(kinds, required, cards)
def test_a_card_enters_exactly_when_nothing_is_left_to_fill(kind, fields, card):
	"""What the kanban dialog asks for is what the rule needs: filling it lets the card in."""
	stage = Stage("S", "P", kind, 1, required_fields=tuple(fields))
	missing = fields_to_enter(card, stage)
	assert len(missing) == len(set(missing))
	try:
		check_stage_entry(card, "P", stage)
		assert missing == []
	except LogicError as e:
		assert e.field == missing[0]
	check_stage_entry({**card, **{f: "filled" for f in missing}}, "P", stage)


@given(st.datetimes(), st.datetimes())
def test_days_between_is_never_negative(a, b):
	assert days_between(a, b) >= 0
	assert days_between(None, b) == 0
