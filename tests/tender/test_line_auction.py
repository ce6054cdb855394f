"""Tier 1: the reverse auction per line (lot) and the award override (crm_ext.logic.tender.line_auction)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.auction import MinStep, check_auction_offer
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.line_auction import (
	LineOffer,
	LineOfferError,
	changed_lines,
	check_line_offers,
	check_override,
	last_prices,
	line_standings,
	line_step,
)

START = datetime(2025, 5, 1, 10, 0)
END = START + timedelta(hours=1)
NOW = START + timedelta(minutes=20)
STEPS = {"L1": MinStep(1), "L2": MinStep(50)}
LINES = ("L1", "L2")


def offer(line, supplier, price, minute=0) -> LineOffer:
	return LineOffer(line, supplier, price, START + timedelta(minutes=minute))


def check(changed, supplier="A", history=(), now=NOW, eligible=LINES, steps=STEPS):
	check_line_offers(changed, supplier, history, steps, now, START, END, eligible)


def refused(*args, **kwargs) -> TenderError:
	with pytest.raises(TenderError) as e:
		check(*args, **kwargs)
	return e.value


# --- the step of a line -------------------------------------------------------------------------


def test_a_line_step_overrides_the_tender_step_and_keeps_its_kind():
	assert line_step(5, MinStep(1, "percent")) == MinStep(5, "percent")
	assert line_step(0, MinStep(2)) == MinStep(2)
	assert line_step(None, MinStep(2)) == MinStep(2)


# --- what a submission offers -------------------------------------------------------------------


def test_changed_lines_are_the_offers():
	assert changed_lines({}, {"L1": 10, "L2": 0}) == {"L1": Decimal(10)}
	assert changed_lines({"L1": 10}, {"L1": 10, "L2": 400}) == {"L2": Decimal(400)}
	assert changed_lines({"L1": 10}, {"L1": 9.5}) == {"L1": Decimal("9.5")}
	# an offered line set back to 0 is an offer of 0 (refused by the rules), not silence
	assert changed_lines({"L1": 10}, {"L1": 0}) == {"L1": Decimal(0)}


def test_last_prices_are_the_lowest_own_offers_per_line():
	history = [offer("L1", "A", 10), offer("L1", "A", 9, 1), offer("L1", "B", 8, 2), offer("L2", "A", 400)]
	assert last_prices(history, "A") == {"L1": Decimal(9), "L2": Decimal(400)}
	assert last_prices(history, "C") == {}


# --- accepting offers on lines ------------------------------------------------------------------


def test_each_line_has_its_own_best_and_step():
	history = [offer("L1", "B", 10), offer("L2", "B", 500)]
	check({"L1": 9}, history=history)  # beats 10 by 1 (L1's step)
	assert refused({"L2": 460}, history=history).line == "L2"  # beats 500 by 40 < L2's step of 50
	check({"L2": 450}, history=history)
	error = refused({"L1": 9.5}, history=history)
	assert isinstance(error, LineOfferError) and error.line == "L1" and error.field == "total"


def test_a_line_the_supplier_is_not_eligible_for_takes_no_offer():
	error = refused({"L1": 9, "L2": 400}, eligible=("L1",))
	assert error.line == "L2"
	assert "eligible" in error.message


def test_a_line_of_another_tender_is_refused():
	assert refused({"X9": 5}).line == "X9"


def test_no_offer_without_a_lower_line_price():
	assert refused({}).field == "unit_price"


def test_offers_only_while_the_auction_runs():
	refused({"L1": 5}, now=END)
	refused({"L1": 5}, now=START - timedelta(seconds=1))


def test_own_previous_offer_on_the_line_must_be_beaten():
	history = [offer("L1", "A", 10), offer("L1", "B", 20)]
	assert "previous" in refused({"L1": 10}, history=history).message


@given(
	prices=st.lists(
		st.tuples(st.sampled_from(LINES), st.sampled_from("ABC"), st.integers(min_value=-5, max_value=1000)),
		max_size=40,
	)
)
def test_replaying_accepted_offers_per_line_matches_the_whole_bid_rules(prices):
	"""Whatever sequence of offers arrives, each line's accepted offers are exactly those the
	whole-bid auction rules accept on that line alone: lines never influence each other."""
	history: list[LineOffer] = []
	for minute, (line, supplier, price) in enumerate(prices):
		own = [o.price for o in history if o.line == line and o.supplier == supplier]
		best = min((o.price for o in history if o.line == line), default=None)
		try:
			check_auction_offer(price, min(own) if own else None, best, STEPS[line], NOW, START, END)
			expected = True
		except TenderError:
			expected = False
		try:
			check({line: price}, supplier=supplier, history=history)
			accepted = True
		except LineOfferError as e:
			assert e.line == line
			accepted = False
		assert accepted == expected
		if accepted:
			history.append(offer(line, supplier, price, minute))
	# every line's best is strictly decreasing in log order, by at least the line's step
	for line in LINES:
		bests = []
		for o in history:
			if o.line == line:
				if bests:
					assert o.price <= bests[-1] - STEPS[line].amount_below(bests[-1])
				bests.append(o.price if not bests else min(bests[-1], o.price))


@given(
	st.lists(
		st.tuples(st.sampled_from(LINES), st.sampled_from("ABCD"), st.integers(1, 50), st.integers(0, 30)),
		max_size=30,
	)
)
def test_line_ranks_are_1_to_n_per_line_by_each_suppliers_best(rows):
	history = [offer(line, s, price, minute) for line, s, price, minute in rows]
	table = line_standings(history, LINES)
	for line in LINES:
		suppliers = {o.supplier for o in history if o.line == line}
		assert [s.rank for s in table[line]] == list(range(1, len(suppliers) + 1))
		for standing in table[line]:
			assert standing.total == min(
				o.price for o in history if o.line == line and o.supplier == standing.supplier
			)
		assert [s.total for s in table[line]] == sorted(s.total for s in table[line])


# --- overriding the proposed award ---------------------------------------------------------------


def test_override_needs_a_reason():
	for reason in ("", "   ", None, "cheaper"):
		with pytest.raises(TenderError) as e:
			check_override(reason, "B", "A", ["A", "B"], ["A", "B"])
		assert e.value.field == "reason"


def test_override_to_an_ineligible_or_silent_supplier_is_refused():
	reason = "Better warranty terms on this line"
	with pytest.raises(TenderError) as e:
		check_override(reason, "B", "A", ["A", "B"], ["A"])
	assert e.value.field == "supplier" and "eligible" in e.value.message
	with pytest.raises(TenderError) as e:
		check_override(reason, "C", "A", ["A", "B"], ["A", "B", "C"])
	assert "no offer" in e.value.message
	with pytest.raises(TenderError):
		check_override(reason, "A", "A", ["A", "B"], ["A", "B"])
	assert check_override(f"  {reason} ", "B", "A", ["A", "B"], ["A", "B"]) == reason
	assert check_override(reason, "B", None, ["B"], ["B"]) == reason


@given(reason=st.text(max_size=30), supplier=st.sampled_from("ABC"), eligible=st.sets(st.sampled_from("ABC")))
def test_an_accepted_override_always_has_a_reason_and_an_eligible_offering_supplier(
	reason, supplier, eligible
):
	try:
		text = check_override(reason, supplier, "A", ["A", "B"], eligible)
	except TenderError:
		return
	assert len(text) >= 10 and text == text.strip()
	assert supplier in eligible and supplier in ("A", "B") and supplier != "A"
