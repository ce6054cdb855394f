"""From need to tender: Material Request lines merged into tender lines, and an awarded quantity
split back across them.

A Material Request line still to be ordered (:class:`NeedLine`) carries its pending quantity in the
item's stock UOM, as ERPNext counts it (``stock_qty - ordered_qty``). :func:`merge` turns the lines of
several requests into tender lines, one per (item, required date); each keeps its source lines.
When a line is awarded, :func:`split` hands the awarded stock quantity to the source lines in their
order, each at most what it still needs; what is left over (a supplier allowed to offer more) is
ordered without a request. No Frappe here: plain values in, plain values out.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crm_ext.logic.tender.amounts import ZERO, Number, to_decimal

ONE = Decimal(1)
# the finest quantity a Frappe Float column keeps
QTY_STEP = Decimal("0.000000001")


@dataclass(frozen=True)
class NeedLine:
	"""A Material Request line with what is still to be ordered (in stock units)."""

	row_id: str
	request: str
	item_code: str
	required_by: date | None
	uom: str
	conversion_factor: Decimal  # stock units per ``uom``
	stock_uom: str
	pending_stock_qty: Decimal

	def __post_init__(self):
		object.__setattr__(self, "conversion_factor", to_decimal(self.conversion_factor))
		object.__setattr__(self, "pending_stock_qty", to_decimal(self.pending_stock_qty))
		if self.conversion_factor <= ZERO:
			raise ValueError(f"{self.row_id}: the conversion factor must be more than 0")


@dataclass(frozen=True)
class MergedLine:
	"""One tender line: an item needed by one date, from one or more Material Request lines."""

	item_code: str
	required_by: date | None
	uom: str
	conversion_factor: Decimal
	qty: Decimal  # in ``uom``
	sources: tuple[NeedLine, ...]

	@property
	def stock_qty(self) -> Decimal:
		return sum((s.pending_stock_qty for s in self.sources), ZERO)


@dataclass(frozen=True)
class Allocation:
	"""A part of an awarded quantity: for one source line (``row_id``), or beyond them (None)."""

	row_id: str | None
	stock_qty: Decimal


def pending(stock_qty: Number, ordered_qty: Number) -> Decimal:
	"""What a Material Request line still needs (never negative: over-ordering leaves nothing)."""
	return max(to_decimal(stock_qty) - to_decimal(ordered_qty), ZERO)


def merge(lines: Iterable[NeedLine]) -> list[MergedLine]:
	"""Tender lines from Material Request lines, merged by item and required date (first seen
	first). A merged line keeps its sources' UOM when they share it and the quantity is whole in
	it, else it counts in the stock UOM. Lines with nothing pending are left out."""
	groups: dict[tuple[str, date | None], list[NeedLine]] = {}
	for line in lines:
		if line.pending_stock_qty > ZERO:
			groups.setdefault((line.item_code, line.required_by), []).append(line)
	merged = []
	for (item_code, required_by), sources in groups.items():
		stock_qty = sum((s.pending_stock_qty for s in sources), ZERO)
		units = {(s.uom, s.conversion_factor) for s in sources}
		uom, factor = units.pop() if len(units) == 1 else (sources[0].stock_uom, ONE)
		qty = stock_qty / factor
		if qty.quantize(QTY_STEP) != qty or qty * factor != stock_qty:
			# not an exact quantity in the purchase UOM: count in stock units
			uom, factor, qty = sources[0].stock_uom, ONE, stock_qty
		merged.append(MergedLine(item_code, required_by, uom, factor, qty, tuple(sources)))
	return merged


def split(stock_qty: Number, sources: Sequence[tuple[str, Number]]) -> list[Allocation]:
	"""Share an awarded stock quantity across ``sources`` [(row id, what it may still take), ...]
	in their order, each filled before the next; the rest goes to no source (row id None).
	The parts add up to ``stock_qty`` exactly; parts of zero are left out."""
	remaining = to_decimal(stock_qty)
	if remaining < ZERO:
		raise ValueError("an awarded quantity cannot be negative")
	parts = []
	for row_id, room in sources:
		take = min(remaining, max(to_decimal(room), ZERO))
		if take > ZERO:
			parts.append(Allocation(row_id, take))
			remaining -= take
	if remaining > ZERO:
		parts.append(Allocation(None, remaining))
	return parts
