"""The comparison matrix: tender lines x suppliers, in company currency.

Every (line, supplier) pair has a :class:`Cell`. A cell is "offered" when the supplier's bid has
a row for the line with a price above 0; otherwise it is kept, marked not offered, with no
prices, so that screens show the gap instead of hiding the supplier. Each offered cell carries
the unit price in the bid currency, converted to company currency, and evaluated (converted +
Incoterm cost adders - payment-term discount, see :mod:`.evaluated_price`).

The best supplier of a line is the one with the lowest evaluated unit price; ties go to the bid
submitted first, then to the supplier name (bids without a submission time come last), so the
matrix is the same whatever order the bids are passed in.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from crm_ext.logic.errors import _
from crm_ext.logic.tender.amounts import ZERO
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.evaluated_price import EvaluationBasis, evaluation_factor
from crm_ext.logic.tender.model import Bid, Tender


@dataclass(slots=True)
class Cell:
	"""One supplier's offer for one tender line (treat as read-only)."""

	line_id: str
	supplier: str
	offered: bool
	currency: str
	unit_price: Decimal
	qty: Decimal
	converted_unit_price: Decimal | None
	evaluated_unit_price: Decimal | None
	delivery_days: int | None
	alternative_item: str = ""
	alternative_description: str = ""


def submission_order_key(submitted_at: datetime | None, supplier: str) -> tuple:
	"""Tie-break between equal offers: earlier submission first, then supplier name; None last."""
	return (submitted_at is None, submitted_at or datetime.min, supplier)


@dataclass(frozen=True)
class ComparisonMatrix:
	"""Cells by line then supplier, in tender-line order and bid order."""

	company_currency: str
	line_ids: tuple[str, ...]
	suppliers: tuple[str, ...]
	requested_qty: dict[str, Decimal]
	submitted_at: dict[str, datetime | None]
	cells: dict[str, dict[str, Cell]]
	best: dict[str, str | None]

	def cell(self, line_id: str, supplier: str) -> Cell:
		return self.cells[line_id][supplier]

	def offered_cells(self, line_id: str) -> list[Cell]:
		"""The offered cells of a line, in bid order."""
		return [cell for cell in self.cells[line_id].values() if cell.offered]

	def tie_key(self, supplier: str) -> tuple:
		return submission_order_key(self.submitted_at[supplier], supplier)

	def is_complete(self, supplier: str) -> bool:
		"""True when the supplier offers every line, each for at least the requested quantity."""
		return all(
			(cell := self.cells[line_id][supplier]).offered and cell.qty >= self.requested_qty[line_id]
			for line_id in self.line_ids
		)

	def evaluated_total(self, supplier: str) -> Decimal:
		"""Sum of evaluated unit price x *requested* qty over the lines the supplier offers.

		Requested, not offered, quantities: totals of different bids then price the same basket.
		"""
		total = ZERO
		for line_id in self.line_ids:
			cell = self.cells[line_id][supplier]
			if cell.offered:
				total += cell.evaluated_unit_price * self.requested_qty[line_id]
		return total

	def max_delivery_days(self, supplier: str) -> int | None:
		"""The slowest offered line of the supplier (when its whole order has arrived)."""
		days = [
			cell.delivery_days
			for line_id in self.line_ids
			if (cell := self.cells[line_id][supplier]).offered and cell.delivery_days is not None
		]
		return max(days) if days else None


def build_matrix(tender: Tender, bids: Sequence[Bid], basis: EvaluationBasis) -> ComparisonMatrix:
	"""The comparison matrix of ``bids`` (one per supplier: its current submitted bid)."""
	suppliers = tuple(bid.supplier for bid in bids)
	if len(set(suppliers)) != len(suppliers):
		duplicate = next(s for s in suppliers if suppliers.count(s) > 1)
		raise TenderError(
			_("Supplier {0} has more than one bid in this comparison: keep only its current bid."),
			duplicate,
			field="supplier",
		)
	line_ids = tuple(line.line_id for line in tender.lines)
	cells: dict[str, dict[str, Cell]] = {line_id: {} for line_id in line_ids}
	for bid in bids:
		rate = basis.rates.rate(bid.currency)
		factor = evaluation_factor(bid.currency, bid.effective_incoterm(tender), bid.credit_days, basis)
		rows = {}
		for row in bid.lines:
			rows.setdefault(row.line_id, row)
		for line_id in line_ids:
			row = rows.get(line_id)
			if row is not None and row.unit_price > ZERO:
				cell = Cell(
					line_id,
					bid.supplier,
					True,
					bid.currency,
					row.unit_price,
					row.qty,
					row.unit_price * rate,
					row.unit_price * factor,
					row.delivery_days,
					row.alternative_item,
					row.alternative_description,
				)
			else:
				cell = Cell(line_id, bid.supplier, False, bid.currency, ZERO, ZERO, None, None, None)
			cells[line_id][bid.supplier] = cell
	submitted_at = {bid.supplier: bid.submitted_at for bid in bids}
	best: dict[str, str | None] = {}
	for line_id in line_ids:
		offered = [cell for cell in cells[line_id].values() if cell.offered]
		best[line_id] = (
			min(
				offered,
				key=lambda c: (
					c.evaluated_unit_price,
					*submission_order_key(submitted_at[c.supplier], c.supplier),
				),
			).supplier
			if offered
			else None
		)
	return ComparisonMatrix(
		company_currency=basis.company_currency,
		line_ids=line_ids,
		suppliers=suppliers,
		requested_qty={line.line_id: line.qty for line in tender.lines},
		submitted_at=submitted_at,
		cells=cells,
		best=best,
	)
