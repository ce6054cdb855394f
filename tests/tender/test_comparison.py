from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.comparison import build_matrix
from crm_ext.logic.tender.currency import ExchangeRates
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.evaluated_price import CostAdder, EvaluationBasis
from crm_ext.logic.tender.model import Bid, BidLine, TenderLine
from tests.tender.factories import T0, evaluation_cases, make_tender

BASIS = EvaluationBasis(
	rates=ExchangeRates("EUR", {"USD": "0.8"}),
	incoterm_adders={"EXW": CostAdder(10)},
	annual_interest_percent=0,
)
TENDER = make_tender(
	lines=(TenderLine("L1", 100), TenderLine("L2", 10), TenderLine("L3", 1)), allowed_incoterms={"EXW"}
)


def bid(supplier, currency, prices, minute=0, incoterm="", qty=None, days=7):
	lines = []
	for (line, price), requested in zip(prices.items(), (100, 10, 1), strict=False):
		offered_qty = (qty or {}).get(line, requested) if price else 0
		lines.append(BidLine(line, price, offered_qty, delivery_days=days if price else None))
	return Bid(
		supplier=supplier,
		currency=currency,
		lines=tuple(lines),
		incoterm=incoterm,
		incoterm_location="Shanghai" if incoterm else "",
		submitted_at=T0 + timedelta(minutes=minute),
	)


BIDS = [
	bid("A", "EUR", {"L1": 2, "L2": 30, "L3": 0}, minute=5),
	bid("B", "USD", {"L1": "2.5", "L2": 0, "L3": 900}, minute=1),  # 2.5 USD = 2 EUR
	bid("C", "EUR", {"L1": "1.9", "L2": 25, "L3": 1000}, minute=3, incoterm="EXW", days=20),  # +10 %
]


def test_matrix_converts_evaluates_and_marks_not_offered():
	m = build_matrix(TENDER, BIDS, BASIS)
	assert m.line_ids == ("L1", "L2", "L3") and m.suppliers == ("A", "B", "C")
	assert m.company_currency == "EUR"
	b1 = m.cell("L1", "B")
	assert (b1.offered, b1.currency, b1.unit_price, b1.converted_unit_price, b1.evaluated_unit_price) == (
		True,
		"USD",
		Decimal("2.5"),
		Decimal("2.00"),
		Decimal("2.00"),
	)
	c1 = m.cell("L1", "C")
	assert c1.converted_unit_price == Decimal("1.9") and c1.evaluated_unit_price == Decimal("2.09")
	b2 = m.cell("L2", "B")
	assert not b2.offered and b2.converted_unit_price is None and b2.evaluated_unit_price is None
	assert [c.supplier for c in m.offered_cells("L2")] == ["A", "C"]


def test_best_per_line_is_the_lowest_evaluated_price_ties_to_the_earlier_bid():
	m = build_matrix(TENDER, BIDS, BASIS)
	# L1: A 2 EUR (minute 5) ties B 2.5 USD = 2 EUR (minute 1): B submitted first; C is 2.09 evaluated
	assert m.best == {"L1": "B", "L2": "C", "L3": "B"}


def test_bid_without_submission_time_loses_ties():
	late = Bid("Z", "EUR", (BidLine("L1", 2, 100, delivery_days=1),))
	early = Bid("Y", "EUR", (BidLine("L1", 2, 100, delivery_days=1),), submitted_at=T0)
	assert build_matrix(TENDER, [late, early], BASIS).best["L1"] == "Y"
	assert (
		build_matrix(TENDER, [Bid("Z", "EUR", late.lines), Bid("Y", "EUR", late.lines)], BASIS).best["L1"]
		== "Y"
	)


def test_missing_row_is_not_offered():
	m = build_matrix(TENDER, [Bid("A", "EUR", (BidLine("L2", 1, 10, delivery_days=1),))], BASIS)
	assert not m.cell("L1", "A").offered
	assert m.best == {"L1": None, "L2": "A", "L3": None}


def test_totals_price_the_requested_basket_and_completeness_needs_full_quantities():
	m = build_matrix(TENDER, BIDS, BASIS)
	assert m.evaluated_total("A") == 2 * 100 + 30 * 10
	assert m.evaluated_total("C") == Decimal("2.09") * 100 + Decimal("27.5") * 10 + Decimal("1100")
	assert [m.is_complete(s) for s in "ABC"] == [False, False, True]
	assert m.max_delivery_days("C") == 20
	partial = bid("D", "EUR", {"L1": 1, "L2": 1, "L3": 1}, qty={"L2": 5})
	m = build_matrix(TENDER, [partial], BASIS)
	assert not m.is_complete("D")
	assert m.evaluated_total("D") == 100 + 10 + 1  # requested, not offered, quantities


def test_a_supplier_appears_once():
	with pytest.raises(TenderError) as e:
		build_matrix(TENDER, [BIDS[0], BIDS[0]], BASIS)
	assert e.value.field == "supplier" and "A" in e.value.message


def test_a_currency_without_rate_is_reported():
	with pytest.raises(TenderError) as e:
		build_matrix(TENDER, [bid("A", "GBP", {"L1": 1})], BASIS)
	assert e.value.field == "currency"


@given(evaluation_cases(), st.randoms())
def test_matrix_properties(case, rnd):
	tender, bids, basis = case
	m = build_matrix(tender, bids, basis)
	for line_id in m.line_ids:
		assert set(m.cells[line_id]) == set(m.suppliers)
		offered = m.offered_cells(line_id)
		for cell in m.cells[line_id].values():
			assert cell.offered == (cell.evaluated_unit_price is not None) == (cell.unit_price > 0)
		if not offered:
			assert m.best[line_id] is None
		else:
			best = m.cell(line_id, m.best[line_id])
			assert best.offered
			assert best.evaluated_unit_price == min(c.evaluated_unit_price for c in offered)
	shuffled = list(bids)
	rnd.shuffle(shuffled)
	assert build_matrix(tender, shuffled, basis).best == m.best
