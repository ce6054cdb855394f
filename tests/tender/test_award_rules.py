"""Who may win a line, and on what: eligibility per line, the line's own price and delivery time,
the tender's weights (issue 12: the demo's line went to the dearest bidder, not qualified for the
category, on the delivery weight)."""

from datetime import timedelta
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from crm_ext.logic.tender.award import (
	LineStanding,
	award_per_line,
	award_whole_tender,
	line_standing,
)
from crm_ext.logic.tender.comparison import build_matrix
from crm_ext.logic.tender.currency import ExchangeRates
from crm_ext.logic.tender.evaluated_price import EvaluationBasis
from crm_ext.logic.tender.model import Bid, BidLine, TenderLine
from crm_ext.logic.tender.scoring import DELIVERY_SCALE_DAYS, Weights
from tests.tender.factories import T0, evaluation_cases, make_tender

BASIS = EvaluationBasis(rates=ExchangeRates("EUR", {}))


def one_line_bid(supplier: str, price, days: int, minute: int = 0, line: str = "STEEL") -> Bid:
	return Bid(
		supplier,
		"EUR",
		(BidLine(line, price, 1500, delivery_days=days),),
		submitted_at=T0 + timedelta(minutes=minute),
	)


def steel_matrix(bids):
	return build_matrix(make_tender(lines=(TenderLine("STEEL", 1500),), currencies={"EUR"}), bids, BASIS)


# --- the demo case ------------------------------------------------------------------------------

# Steel beams, 1500 pcs, weights 60 / 30 / 10. BUDGET is qualified for steel (score 70) and
# cheapest in 14 days; STEADY is qualified (80), 100 a piece in 21 days; EXPRESS quotes 130 with
# a delivery time left at 1 day and is qualified only for another category (score 90 there).
DEMO_WEIGHTS = Weights(60, 30, 10)
DEMO_BIDS = [
	one_line_bid("STEADY", 100, 21, minute=1),
	one_line_bid("BUDGET", 92, 14, minute=2),
	one_line_bid("EXPRESS", 130, 1, minute=3),
]


def test_demo_line_goes_to_the_cheapest_qualified_bidder_when_express_is_not_eligible():
	standings = {
		"STEEL": {
			"STEADY": LineStanding(True, 80),
			"BUDGET": LineStanding(True, 70),
			# eligibility "Warn": may compete only where no qualified supplier offered the line
			"EXPRESS": LineStanding(False, 0),
		}
	}
	award = award_per_line(steel_matrix(DEMO_BIDS), DEMO_WEIGHTS, standings=standings)["STEEL"]
	assert (award.supplier, award.unit_price) == ("BUDGET", 92)


def test_demo_line_does_not_go_to_the_dearest_on_delivery_even_were_it_qualified():
	standings = {
		"STEEL": {
			"STEADY": LineStanding(True, 80),
			"BUDGET": LineStanding(True, 70),
			"EXPRESS": LineStanding(True, 90),
		}
	}
	award = award_per_line(steel_matrix(DEMO_BIDS), DEMO_WEIGHTS, standings=standings)["STEEL"]
	assert award.supplier == "BUDGET"


def test_an_unqualified_bidder_wins_a_line_only_when_no_qualified_one_offered_it():
	standings = {"STEEL": {"EXPRESS": LineStanding(False, 0), "STEADY": LineStanding(True, 80)}}
	only_express = steel_matrix([DEMO_BIDS[2]])
	assert award_per_line(only_express, DEMO_WEIGHTS, standings=standings)["STEEL"].supplier == "EXPRESS"
	# not eligible at all (blocked): nobody gets the line
	assert award_per_line(only_express, DEMO_WEIGHTS, standings={"STEEL": {}})["STEEL"] is None


def test_line_standing_rules():
	# blocked by the eligibility answer, or admitted only as qualified and not qualified: no standing
	assert line_standing(False, True, True, False) is None
	assert line_standing(True, False, True, True) is None
	assert line_standing(True, False, False, True) is None
	# qualified: preferred, with the score of the qualification covering the category
	assert line_standing(True, True, True, False, 75) == LineStanding(True, Decimal(75))
	# "Warn": eligible, not preferred; "Off": qualification is not asked, everyone preferred
	assert line_standing(True, False, True, False) == LineStanding(False, Decimal(0))
	assert line_standing(True, False, False, False) == LineStanding(True, Decimal(0))


# --- properties ---------------------------------------------------------------------------------

weights = st.sampled_from(
	[
		Weights(),
		Weights(60, 30, 10),
		Weights(60, 20, 20),
		Weights(0, 1, 0),
		Weights(1, 1, 1),
		Weights(0, 0, 1),
	]
)


@st.composite
def standings_for(draw, matrix):
	"""Random standings: each (line, supplier) absent (not eligible), preferred or fallback."""
	standings = {}
	for line_id in matrix.line_ids:
		standings[line_id] = {}
		for supplier in matrix.suppliers:
			kind = draw(st.sampled_from(["absent", "preferred", "preferred", "fallback"]))
			if kind != "absent":
				standings[line_id][supplier] = LineStanding(kind == "preferred", draw(st.integers(0, 100)))
	return standings


@given(evaluation_cases(), weights, st.data())
def test_a_line_is_never_awarded_to_a_supplier_not_eligible_for_it(case, w, data):
	tender, bids, basis = case
	m = build_matrix(tender, bids, basis)
	standings = data.draw(standings_for(m))
	for line_id, award in award_per_line(m, w, standings=standings).items():
		eligible_offers = [c for c in m.offered_cells(line_id) if c.supplier in standings[line_id]]
		if award is None:
			assert not eligible_offers
			continue
		assert award.supplier in standings[line_id]
		assert m.cell(line_id, award.supplier).offered
		if any(standings[line_id][c.supplier].preferred for c in eligible_offers):
			assert standings[line_id][award.supplier].preferred


@given(evaluation_cases(), weights, st.data(), st.sampled_from(["lowest_total", "best_score"]))
def test_the_whole_tender_goes_only_to_a_supplier_eligible_for_every_line(case, w, data, method):
	tender, bids, basis = case
	m = build_matrix(tender, bids, basis)
	standings = data.draw(standings_for(m))
	whole = award_whole_tender(m, w, None, method, standings)
	eligible = [
		s for s in m.suppliers if m.is_complete(s) and all(s in standings[line] for line in m.line_ids)
	]
	if whole is None:
		assert not eligible
		return
	assert whole.supplier in eligible
	if any(all(standings[line][s].preferred for line in m.line_ids) for s in eligible):
		assert all(standings[line][whole.supplier].preferred for line in m.line_ids)


def replace_other_lines(bid: Bid, keep: str, price: Decimal, days: int) -> Bid:
	lines = tuple(
		line
		if line.line_id == keep
		else BidLine(line.line_id, price if line.unit_price else 0, line.qty if line.unit_price else 0, days)
		for line in bid.lines
	)
	return Bid(
		bid.supplier,
		bid.currency,
		lines,
		incoterm=bid.incoterm,
		incoterm_location=bid.incoterm_location,
		credit_days=bid.credit_days,
		submitted_at=bid.submitted_at,
	)


@given(evaluation_cases(), weights, st.data())
def test_a_lines_award_depends_on_that_line_only(case, w, data):
	"""Prices and delivery times of a supplier's other lines never decide who gets a line."""
	tender, bids, basis = case
	m = build_matrix(tender, bids, basis)
	line_id = data.draw(st.sampled_from(m.line_ids))
	standings = data.draw(standings_for(m))
	changed = [
		replace_other_lines(
			b, line_id, data.draw(st.sampled_from([Decimal(1), Decimal(99)])), data.draw(st.integers(0, 90))
		)
		for b in bids
	]
	before = award_per_line(m, w, standings=standings)[line_id]
	after = award_per_line(build_matrix(tender, changed, basis), w, standings=standings)[line_id]
	assert before == after


@given(
	st.decimals(min_value=Decimal("1"), max_value=Decimal("1000"), places=2),
	st.integers(0, 120),
	st.integers(1, 120),
	st.decimals(min_value=Decimal("0"), max_value=Decimal("2"), places=3),
	st.integers(0, 100),
	st.integers(0, 100),
)
def test_the_dearer_offer_never_wins_on_a_smaller_delivery_advantage(
	cheap, dear_days, slower_by, extra, wd, more
):
	"""Between two equally qualified offers, with the price weighing at least as much as the
	delivery time, the dearer one never wins when its price excess (dearer / cheaper) is at least
	its delivery advantage ((scale + slower days) / (scale + faster days))."""
	cheap_days = dear_days + slower_by
	wp = wd + more
	assume(wp > 0)
	advantage = Decimal(DELIVERY_SCALE_DAYS + cheap_days) / Decimal(DELIVERY_SCALE_DAYS + dear_days)
	dear = (cheap * advantage * (1 + extra)).quantize(Decimal("0.0001"), rounding="ROUND_CEILING")
	standings = {"STEEL": {"CHEAP": LineStanding(True, 50), "DEAR": LineStanding(True, 50)}}
	m = steel_matrix([one_line_bid("DEAR", dear, dear_days, 0), one_line_bid("CHEAP", cheap, cheap_days, 1)])
	award = award_per_line(m, Weights(wp, wd, 0), standings=standings)["STEEL"]
	assert award.supplier == "CHEAP"


@given(evaluation_cases(), st.data())
def test_qualification_counted_on_a_line_is_the_lines_own(case, data):
	"""With the qualification weight only, a line goes to the best score for *that* line's
	category, whatever the supplier's score elsewhere."""
	tender, bids, basis = case
	m = build_matrix(tender, bids, basis)
	standings = data.draw(standings_for(m))
	supplier_scores = {s: 100 for s in m.suppliers}  # ignored when standings are given
	for line_id, award in award_per_line(m, Weights(0, 0, 1), supplier_scores, standings).items():
		if award is None:
			continue
		competing = [
			standings[line_id][c.supplier]
			for c in m.offered_cells(line_id)
			if c.supplier in standings[line_id]
			and standings[line_id][c.supplier].preferred == standings[line_id][award.supplier].preferred
		]
		assert standings[line_id][award.supplier].qualification == max(s.qualification for s in competing)
