from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.agreements import AwardedLine, agreements, check_validity, within
from crm_ext.logic.tender.errors import TenderError

TODAY = date(2026, 11, 26)


def line(line_id, supplier, item, qty, price, currency="USD"):
	return AwardedLine(line_id, supplier, item, qty, price, currency)


def test_one_agreement_per_winner_with_one_row_per_item():
	result = agreements(
		[
			line("L1", "A", "BOLT", 100, 9),
			line("L2", "B", "GEAR", 4, 450, "EUR"),
			line("L3", "A", "BOLT", 10, 9),
			line("L4", "A", "NUT", 5, 1.5),
		]
	)
	assert [(a.supplier, a.currency) for a in result] == [("A", "USD"), ("B", "EUR")]
	assert [(i.item_code, i.qty, i.rate, i.line_ids) for i in result[0].items] == [
		("BOLT", 110, 9, ("L1", "L3")),
		("NUT", 5, Decimal("1.5"), ("L4",)),
	]
	assert result[0].total == Decimal("997.5")


def test_two_prices_of_one_item_cannot_be_one_agreement():
	with pytest.raises(TenderError) as error:
		agreements([line("L1", "A", "BOLT", 100, 9), line("L3", "A", "BOLT", 10, 9.5)])
	assert error.value.field == "unit_price"
	# two suppliers may have their own prices for one item
	assert len(agreements([line("L1", "A", "BOLT", 1, 9), line("L2", "B", "BOLT", 1, 8)])) == 2


def test_every_line_needs_an_item():
	with pytest.raises(TenderError):
		agreements([line("L1", "A", "", 1, 9)])


def test_validity():
	check_validity(TODAY, TODAY + timedelta(days=365), TODAY)
	for valid_from, valid_to in ((None, TODAY), (TODAY, None), (TODAY, TODAY - timedelta(days=1))):
		with pytest.raises(TenderError):
			check_validity(valid_from, valid_to, TODAY)
	with pytest.raises(TenderError):  # over already
		check_validity(TODAY - timedelta(days=30), TODAY - timedelta(days=1), TODAY)


def test_within_what_was_agreed():
	assert within(10, 90, 100) and not within(11, 90, 100)


awarded = st.lists(
	st.tuples(
		st.sampled_from("ABC"),
		st.sampled_from(["BOLT", "GEAR", "NUT"]),
		st.decimals(min_value=1, max_value=1000, places=2),
	),
	max_size=15,
)


@given(awarded)
def test_quantities_are_kept_per_supplier_and_item(rows):
	# one price per supplier and item: the agreement holds every awarded unit, once
	price = {(s, i): Decimal(len(s) + len(i)) for s in "ABC" for i in ("BOLT", "GEAR", "NUT")}
	lines = [line(f"L{n}", s, i, q, price[s, i]) for n, (s, i, q) in enumerate(rows)]
	result = agreements(lines)
	assert len({a.supplier for a in result}) == len(result) == len({s for s, _i, _q in rows})
	for agreement in result:
		assert len({i.item_code for i in agreement.items}) == len(agreement.items)
		for item in agreement.items:
			expected = sum(
				(q for s, i, q in rows if (s, i) == (agreement.supplier, item.item_code)), Decimal(0)
			)
			assert item.qty == expected and item.rate == price[agreement.supplier, item.item_code]
	assert sorted(lid for a in result for i in a.items for lid in i.line_ids) == sorted(
		l.line_id for l in lines
	)
