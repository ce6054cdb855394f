from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.award import (
	award_per_line,
	award_whole_tender,
	first_round_prices,
	purchase_order_groups,
	savings,
)
from crm_ext.logic.tender.comparison import build_matrix
from crm_ext.logic.tender.currency import ExchangeRates
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.evaluated_price import EvaluationBasis
from crm_ext.logic.tender.model import Bid, BidLine, TenderLine
from crm_ext.logic.tender.scoring import Weights
from tests.tender.factories import T0, evaluation_cases, make_tender

BASIS = EvaluationBasis(rates=ExchangeRates("EUR", {"USD": "0.5"}))
LINES = (TenderLine("L1", 10, budget_unit_price=12), TenderLine("L2", 4), TenderLine("L3", 1))
TENDER = make_tender(lines=LINES)


def bid(supplier, rows, minute=0, currency="EUR"):
	lines = tuple(
		BidLine(line_id, price, qty, delivery_days=days, alternative_item=alt)
		for line_id, (price, qty, days, alt) in rows.items()
	)
	return Bid(supplier, currency, lines, submitted_at=T0 + timedelta(minutes=minute))


BIDS = [
	# fast, qualified, dearer
	bid("A", {"L1": (11, 10, 2, ""), "L2": (50, 4, 2, ""), "L3": (9, 1, 2, "")}, minute=1),
	# cheap, slow, complete
	bid("B", {"L1": (10, 10, 30, ""), "L2": (45, 4, 30, "ALT-9"), "L3": (0, 0, None, "")}, minute=2),
	# cheapest line 1 in USD but only half the quantity; L3 cheapest
	bid(
		"C", {"L1": (18, 5, 10, ""), "L2": (0, 0, None, ""), "L3": (12, 1, 10, "")}, minute=3, currency="USD"
	),
]
QUALIFICATION = {"A": 100, "B": 40, "C": 70}


def matrix(bids=BIDS, tender=TENDER):
	return build_matrix(tender, bids, BASIS)


def test_per_line_award_by_price_takes_the_cheapest_offered_line():
	awards = award_per_line(matrix())
	assert {line: a.supplier for line, a in awards.items()} == {"L1": "C", "L2": "B", "L3": "C"}
	l1 = awards["L1"]
	assert (l1.currency, l1.unit_price, l1.converted_unit_price, l1.qty, l1.requested_qty) == (
		"USD",
		18,
		9,
		5,
		10,
	)
	assert l1.shortfall == 5 and awards["L2"].shortfall == 0
	assert awards["L2"].alternative_item == "ALT-9"
	assert awards["L1"].score == 100


def test_per_line_award_with_weights_can_prefer_fast_and_qualified():
	awards = award_per_line(matrix(), Weights(40, 30, 30), QUALIFICATION)
	assert {line: a.supplier for line, a in awards.items()} == {"L1": "A", "L2": "A", "L3": "A"}


def test_a_line_nobody_offered_is_not_awarded():
	bids = [bid("A", {"L1": (1, 10, 1, ""), "L2": (0, 0, None, ""), "L3": (0, 0, None, "")})]
	assert award_per_line(matrix(bids))["L2"] is None


def test_equal_lines_go_to_the_earlier_bid():
	rows = {"L1": (1, 10, 1, ""), "L2": (1, 4, 1, ""), "L3": (1, 1, 1, "")}
	awards = award_per_line(matrix([bid("Z", rows, minute=0), bid("A", rows, minute=1)]))
	assert {a.supplier for a in awards.values()} == {"Z"}


def test_whole_tender_goes_to_a_complete_bid_only():
	m = matrix()
	assert [m.is_complete(s) for s in "ABC"] == [True, False, False]
	whole = award_whole_tender(m)
	assert whole.supplier == "A"
	assert whole.evaluated_total == 11 * 10 + 50 * 4 + 9
	assert set(whole.lines) == {"L1", "L2", "L3"}
	assert all(line.supplier == "A" for line in whole.lines.values())


def test_whole_tender_lowest_total_or_best_score():
	rows_cheap = {"L1": (10, 10, 60, ""), "L2": (40, 4, 60, ""), "L3": (5, 1, 60, "")}
	rows_fast = {"L1": (11, 10, 1, ""), "L2": (45, 4, 1, ""), "L3": (6, 1, 1, "")}
	m = matrix([bid("CHEAP", rows_cheap), bid("FAST", rows_fast)])
	assert award_whole_tender(m).supplier == "CHEAP"
	assert award_whole_tender(m, Weights(50, 50, 0), method="best_score").supplier == "FAST"
	assert award_whole_tender(m, Weights(50, 50, 0), method="lowest_total").supplier == "CHEAP"
	with pytest.raises(ValueError):
		award_whole_tender(m, method="cheapest")


def test_no_complete_bid_no_whole_tender_award():
	assert award_whole_tender(matrix(BIDS[1:])) is None


def test_bad_qualification_score_is_refused():
	with pytest.raises(TenderError):
		award_per_line(matrix(), Weights(1, 1, 1), {"A": 120})


def test_purchase_orders_group_awarded_lines_by_supplier():
	groups = purchase_order_groups(award_per_line(matrix()).values())
	assert {s: [a.line_id for a in lines] for s, lines in groups.items()} == {"C": ["L1", "L3"], "B": ["L2"]}
	assert purchase_order_groups([None]) == {}


def test_savings_against_budget_then_first_round():
	first = matrix(
		[bid("A", {"L1": (20, 10, 1, ""), "L2": (60, 4, 1, ""), "L3": (15, 1, 1, "")})]
	)  # first round: one bid only
	baseline = first_round_prices(first)
	assert baseline == {"L1": 20, "L2": 60, "L3": 15}
	awards = award_per_line(matrix())
	result = savings(LINES, awards.values(), baseline)
	by_line = {s.line_id: s for s in result.lines}
	# L1: budget 12, awarded 9 EUR (18 USD) x 5
	assert (by_line["L1"].baseline_source, by_line["L1"].amount) == ("budget", 15)
	# L2: no budget, first round 60, awarded 45 x 4
	assert (by_line["L2"].baseline_source, by_line["L2"].amount) == ("first_round", 60)
	# L3: first round 15, awarded 12 USD = 6 EUR x 1
	assert by_line["L3"].amount == 9
	assert result.total == 84
	assert result.lines_without_baseline == ()


def test_savings_can_be_negative_and_lines_without_baseline_are_listed():
	lines = (
		TenderLine("L1", 10, budget_unit_price=8),
		TenderLine("L2", 4, budget_unit_price=0),
		TenderLine("L3", 1),
	)
	result = savings(lines, award_per_line(matrix()).values())
	assert result.total == (8 - 9) * 5
	assert result.lines_without_baseline == ("L2", "L3")


# --- properties --------------------------------------------------------------------------------

weights = st.sampled_from(
	[Weights(), Weights(60, 20, 20), Weights(0, 1, 0), Weights(1, 1, 1), Weights(0, 0, 1)]
)
qualifications = st.dictionaries(
	st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=3), st.integers(0, 100), max_size=10
)


@given(evaluation_cases(), weights, qualifications)
def test_per_line_award_never_picks_a_not_offered_line(case, w, quals):
	tender, bids, basis = case
	m = build_matrix(tender, bids, basis)
	awards = award_per_line(m, w, quals)
	assert list(awards) == list(m.line_ids)
	for line_id, award in awards.items():
		offered = m.offered_cells(line_id)
		if award is None:
			assert not offered
			continue
		cell = m.cell(line_id, award.supplier)
		assert cell.offered and award.unit_price > 0 and award.qty > 0
		assert award.evaluated_unit_price == cell.evaluated_unit_price
		assert 0 <= award.score <= 100


@given(evaluation_cases(), weights, qualifications, st.sampled_from(["lowest_total", "best_score"]))
def test_whole_tender_award_never_contains_a_not_offered_line(case, w, quals, method):
	tender, bids, basis = case
	m = build_matrix(tender, bids, basis)
	whole = award_whole_tender(m, w, quals, method)
	complete = [s for s in m.suppliers if m.is_complete(s)]
	if whole is None:
		assert not complete
		return
	assert whole.supplier in complete
	assert list(whole.lines) == list(m.line_ids)
	for line_id, award in whole.lines.items():
		assert m.cell(line_id, whole.supplier).offered
		assert award.qty >= m.requested_qty[line_id]
	if method == "lowest_total":
		assert whole.evaluated_total == min(m.evaluated_total(s) for s in complete)


@given(evaluation_cases())
def test_price_only_per_line_award_agrees_with_the_matrix_best(case):
	tender, bids, basis = case
	m = build_matrix(tender, bids, basis)
	awards = award_per_line(m)
	assert {line: a.supplier if a else None for line, a in awards.items()} == m.best


@given(evaluation_cases(), weights, qualifications, st.randoms())
def test_awards_do_not_depend_on_bid_order(case, w, quals, rnd):
	tender, bids, basis = case
	shuffled = list(bids)
	rnd.shuffle(shuffled)
	a = build_matrix(tender, bids, basis)
	b = build_matrix(tender, shuffled, basis)
	assert award_per_line(a, w, quals) == award_per_line(b, w, quals)
	assert award_whole_tender(a, w, quals, "best_score") == award_whole_tender(b, w, quals, "best_score")


@given(evaluation_cases())
def test_savings_add_up_over_awarded_lines(case):
	tender, bids, basis = case
	m = build_matrix(tender, bids, basis)
	awards = award_per_line(m)
	result = savings(tender.lines, awards.values(), first_round_prices(m))
	assert result.total == sum((s.amount for s in result.lines), Decimal(0))
	awarded = [a for a in awards.values() if a]
	assert len(result.lines) + len(result.lines_without_baseline) == len(awarded)
	assert not result.lines_without_baseline  # every awarded line has a first-round price
	for line in result.lines:
		if line.baseline_source == "first_round":
			# the baseline is the lowest converted price of this very round: nothing beats it
			assert line.amount <= 0


def test_a_missing_delivery_time_counts_as_the_slowest_not_the_fastest():
	rows_known = {"L1": (10, 10, 20, ""), "L2": (10, 4, 20, ""), "L3": (10, 1, 20, "")}
	rows_unknown = {"L1": (10, 10, None, ""), "L2": (10, 4, None, ""), "L3": (10, 1, None, "")}
	m = matrix([bid("UNKNOWN", rows_unknown, minute=0), bid("KNOWN", rows_known, minute=1)])
	awards = award_per_line(m, Weights(0, 1, 0))
	assert all(a.supplier == "KNOWN" for a in awards.values())  # unknown counts as 21 days
	rows_fast = {"L1": (10, 10, 19, ""), "L2": (10, 4, 19, ""), "L3": (10, 1, 19, "")}
	m = matrix([bid("UNKNOWN", rows_unknown, minute=0), bid("FAST", rows_fast, minute=1)])
	assert all(a.supplier == "FAST" for a in award_per_line(m, Weights(0, 1, 0)).values())
	assert award_whole_tender(m, Weights(0, 1, 0), method="best_score").supplier == "FAST"
