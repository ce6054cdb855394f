"""Award to a framework agreement: a winner's awarded lines as one Blanket Order.

ERPNext's Blanket Order has one row per item with one rate, no currency of its own (a Purchase
Order made against it takes the rate as it stands), and a validity (from / to). So a supplier's
agreement gathers its awarded lines item by item: quantities add up, and the lines of one item
must share one price (two prices for one item cannot be one agreement: the buyer orders those
lines directly instead). No Frappe here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crm_ext.logic.errors import _
from crm_ext.logic.tender.amounts import ZERO, Number, to_decimal
from crm_ext.logic.tender.errors import TenderError


@dataclass(frozen=True)
class AwardedLine:
	"""A tender line awarded to a supplier, to go into its framework agreement."""

	line_id: str
	supplier: str
	item_code: str
	qty: Decimal
	unit_price: Decimal
	currency: str

	def __post_init__(self):
		object.__setattr__(self, "qty", to_decimal(self.qty))
		object.__setattr__(self, "unit_price", to_decimal(self.unit_price))


@dataclass(frozen=True)
class AgreementItem:
	item_code: str
	qty: Decimal
	rate: Decimal
	line_ids: tuple[str, ...]


@dataclass(frozen=True)
class Agreement:
	"""One winner's framework agreement (one Blanket Order)."""

	supplier: str
	currency: str
	items: tuple[AgreementItem, ...]

	@property
	def total(self) -> Decimal:
		return sum((i.qty * i.rate for i in self.items), ZERO)


def agreements(lines: Iterable[AwardedLine]) -> list[Agreement]:
	"""One agreement per supplier (first seen first), its items in the order of their lines.
	Raises TenderError for a line without an item or two prices of one item for one supplier."""
	by_supplier: dict[str, dict[str, list[AwardedLine]]] = {}
	for line in lines:
		if not line.item_code:
			raise TenderError(
				_("Line {0}: a framework agreement needs an Item on every line."),
				line.line_id,
				field="item_code",
			)
		by_supplier.setdefault(line.supplier, {}).setdefault(line.item_code, []).append(line)
	result = []
	for supplier, items in by_supplier.items():
		currencies = {line.currency for group in items.values() for line in group}
		if len(currencies) != 1:  # a bid has one currency: only a mixed-up award gets here
			raise TenderError(_("Supplier {0} is awarded lines in several currencies."), supplier)
		rows = []
		for item_code, group in items.items():
			prices = sorted({line.unit_price for line in group})
			if len(prices) > 1:
				raise TenderError(
					_(
						"Item {0} is awarded to {1} at {2} different prices ({3}): a framework agreement has one price per item. Order these lines directly."
					),
					item_code,
					supplier,
					len(prices),
					", ".join(str(p) for p in prices),
					field="unit_price",
				)
			rows.append(
				AgreementItem(
					item_code,
					sum((line.qty for line in group), ZERO),
					prices[0],
					tuple(line.line_id for line in group),
				)
			)
		result.append(Agreement(supplier, currencies.pop(), tuple(rows)))
	return result


def check_validity(valid_from: date | None, valid_to: date | None, today: date) -> None:
	"""A framework agreement's validity: both dates, from <= to, and not over already."""
	if not valid_from or not valid_to:
		raise TenderError(
			_("Set the agreement's validity (from and to) for the lines awarded to a framework agreement."),
			field="agreement_from" if not valid_from else "agreement_to",
		)
	if valid_from > valid_to:
		raise TenderError(_("The agreement cannot end before it starts."), field="agreement_to")
	if valid_to < today:
		raise TenderError(
			_("The agreement's validity is already over: move its end date."), field="agreement_to"
		)


def within(qty: Number, ordered: Number, agreed: Number) -> bool:
	"""A new order of ``qty`` keeps what is ordered against an agreement within what was agreed."""
	return to_decimal(ordered) + to_decimal(qty) <= to_decimal(agreed)
