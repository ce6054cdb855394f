from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.needs import Allocation, NeedLine, merge, pending, split

DAY = date(2026, 12, 1)


def need(row_id, item, qty, day=DAY, uom="Nos", factor=1, request="MR-1"):
	return NeedLine(row_id, request, item, day, uom, factor, "Nos", qty)


def test_lines_of_one_item_and_date_merge_across_requests():
	lines = [
		need("r1", "BOLT", 10, request="MR-1"),
		need("r2", "GEAR", 2, request="MR-1"),
		need("r3", "BOLT", 5, request="MR-2"),
		need("r4", "BOLT", 7, day=DAY + timedelta(days=1), request="MR-2"),
	]
	merged = merge(lines)
	assert [(m.item_code, m.required_by, m.qty) for m in merged] == [
		("BOLT", DAY, 15),
		("GEAR", DAY, 2),
		("BOLT", DAY + timedelta(days=1), 7),
	]
	assert [s.row_id for s in merged[0].sources] == ["r1", "r3"]


def test_a_shared_purchase_uom_is_kept_and_mixed_ones_count_in_stock_units():
	boxes = merge(
		[need("r1", "BOLT", 24, uom="Box", factor=12), need("r2", "BOLT", 12, uom="Box", factor=12)]
	)
	assert [(m.uom, m.conversion_factor, m.qty) for m in boxes] == [("Box", 12, 3)]
	mixed = merge([need("r1", "BOLT", 24, uom="Box", factor=12), need("r2", "BOLT", 5)])
	assert [(m.uom, m.conversion_factor, m.qty) for m in mixed] == [("Nos", 1, 29)]
	# 10 units are not a whole number of boxes of 12
	part = merge([need("r1", "BOLT", 10, uom="Box", factor=12)])
	assert [(m.uom, m.qty) for m in part] == [("Nos", 10)]


def test_lines_with_nothing_pending_are_left_out():
	assert merge([need("r1", "BOLT", 0)]) == []
	assert pending(10, 12) == 0 and pending(10, 4) == 6


def test_split_fills_sources_in_order_and_orders_the_rest_without_a_request():
	assert split(12, [("r1", 10), ("r3", 5)]) == [Allocation("r1", 10), Allocation("r3", 2)]
	assert split(18, [("r1", 10), ("r3", 5)]) == [
		Allocation("r1", 10),
		Allocation("r3", 5),
		Allocation(None, 3),
	]
	assert split(5, [("r1", 0), ("r3", 5)]) == [Allocation("r3", 5)]
	assert split(0, [("r1", 10)]) == []
	with pytest.raises(ValueError):
		split(-1, [("r1", 10)])


def test_a_non_positive_conversion_factor_is_refused():
	with pytest.raises(ValueError):
		need("r1", "BOLT", 1, factor=0)


quantities = st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False, allow_infinity=False)
need_lines = st.lists(
	st.tuples(st.sampled_from(["BOLT", "GEAR", "NUT"]), st.integers(0, 3), quantities),
	max_size=12,
)


@given(need_lines)
def test_merging_keeps_every_pending_unit_and_every_source_once(rows):
	lines = [need(f"r{i}", item, qty, day=DAY + timedelta(days=d)) for i, (item, d, qty) in enumerate(rows)]
	merged = merge(lines)
	keys = [(m.item_code, m.required_by) for m in merged]
	assert len(keys) == len(set(keys))
	assert sum((m.stock_qty for m in merged), Decimal(0)) == sum(
		(line.pending_stock_qty for line in lines), Decimal(0)
	)
	sources = [s.row_id for m in merged for s in m.sources]
	assert sorted(sources) == sorted(line.row_id for line in lines if line.pending_stock_qty > 0)
	for m in merged:
		assert m.qty * m.conversion_factor == m.stock_qty
		assert all((s.item_code, s.required_by) == (m.item_code, m.required_by) for s in m.sources)


@given(quantities, st.lists(st.tuples(st.uuids().map(str), quantities), max_size=6, unique_by=lambda s: s[0]))
def test_split_adds_up_fills_in_order_and_never_overfills(awarded, sources):
	parts = split(awarded, sources)
	assert sum((p.stock_qty for p in parts), Decimal(0)) == awarded
	assert all(p.stock_qty > 0 for p in parts)
	room = dict(sources)
	linked = [p for p in parts if p.row_id is not None]
	assert all(p.stock_qty <= room[p.row_id] for p in linked)
	# a source gets something only when every earlier source is full
	order = [row_id for row_id, _ in sources]
	for part in linked:
		for earlier in order[: order.index(part.row_id)]:
			got = next((p.stock_qty for p in linked if p.row_id == earlier), Decimal(0))
			assert got == room[earlier]
	# something goes beyond the requests only when they are all full
	if parts and parts[-1].row_id is None:
		assert sum((p.stock_qty for p in linked), Decimal(0)) == sum(room.values(), Decimal(0))
