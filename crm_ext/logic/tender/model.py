"""A tender and a bid as plain values, built by the controllers from their documents.

Amounts may be given as Decimal, int, str or float (converted through :mod:`.amounts`); sets of
names as any iterable (stored as frozensets). Identifiers are the Frappe document / row names.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from crm_ext.logic.tender.amounts import ZERO, Number, coerce_fields

# Tender statuses (the Select options of Tender.status).
DRAFT = "Draft"
PUBLISHED = "Published"
CLOSED = "Closed"
AWARDED = "Awarded"
CANCELLED = "Cancelled"


@dataclass(frozen=True)
class Question:
	"""A question the bidder answers; a mandatory one blocks submission while unanswered."""

	question_id: str
	mandatory: bool = False
	text: str = ""


@dataclass(frozen=True)
class TenderLine:
	"""One requested item: ``qty`` in the line's UOM, optional budget unit price.

	``budget_unit_price`` is in company currency, excluding VAT; it is the savings baseline
	(None or 0: no budget, as an empty Currency field reads 0).
	"""

	line_id: str
	qty: Number
	item_code: str = ""
	budget_unit_price: Number | None = None

	def __post_init__(self):
		coerce_fields(self, "qty", optional=("budget_unit_price",))


@dataclass(frozen=True)
class Tender:
	"""What a bid is checked against.

	- ``deadline``: the last moment is *before* it: at ``now == deadline`` submission is closed.
	- ``currencies``: the currencies a bid may be made in.
	- ``incoterm`` and ``delivery_location``: the requested delivery basis (both mandatory).
	  ``allowed_incoterms`` may admit other Incoterms (empty: only ``incoterm``); a bid on another
	  Incoterm must name its own place, and is made comparable by the Incoterm cost adders.
	- ``invited_suppliers``: who may bid; or ``open_to_qualified`` and then
	  ``qualified_suppliers`` (qualified for the items' categories) may bid, invited or not.
	- ``allow_excess_qty``: a bid may offer more than the requested quantity (pack sizes,
	  minimum order quantities); otherwise ``0 < offered qty <= requested qty``.
	- ``allow_alternatives``: a bid line may propose an alternative item / description.
	"""

	status: str
	deadline: datetime
	currencies: frozenset[str]
	incoterm: str
	delivery_location: str
	lines: tuple[TenderLine, ...]
	questions: tuple[Question, ...] = ()
	invited_suppliers: frozenset[str] = frozenset()
	open_to_qualified: bool = False
	qualified_suppliers: frozenset[str] = frozenset()
	allowed_incoterms: frozenset[str] = frozenset()
	allow_excess_qty: bool = False
	allow_alternatives: bool = True

	def __post_init__(self):
		for name in ("currencies", "invited_suppliers", "qualified_suppliers", "allowed_incoterms"):
			object.__setattr__(self, name, frozenset(getattr(self, name)))
		object.__setattr__(self, "lines", tuple(self.lines))
		object.__setattr__(self, "questions", tuple(self.questions))

	def accepts_incoterm(self, incoterm: str) -> bool:
		"""True when a bid may be made on ``incoterm``."""
		return incoterm == self.incoterm or incoterm in self.allowed_incoterms


@dataclass(frozen=True)
class BidLine:
	"""A bid's answer to one tender line.

	``unit_price`` excludes VAT, in the bid currency. A zero price means "not offered" and then
	``qty`` must be zero too. ``delivery_days`` counts calendar days from the purchase order.
	"""

	line_id: str
	unit_price: Number
	qty: Number
	delivery_days: int | None = None
	alternative_item: str = ""
	alternative_description: str = ""

	def __post_init__(self):
		coerce_fields(self, "unit_price", "qty")

	@property
	def offered(self) -> bool:
		return self.unit_price != ZERO

	@property
	def has_alternative(self) -> bool:
		return bool(self.alternative_item.strip() or self.alternative_description.strip())


@dataclass(frozen=True)
class Bid:
	"""A supplier's offer on a tender.

	``incoterm`` blank means the tender's Incoterm (and place); ``credit_days`` are the days of
	credit the supplier grants (its payment terms); ``answers`` maps question id to answer text.
	``submitted_at`` breaks ties between equal offers (earlier wins).
	"""

	supplier: str
	currency: str
	lines: tuple[BidLine, ...]
	answers: Mapping[str, str] = field(default_factory=dict)
	incoterm: str = ""
	incoterm_location: str = ""
	credit_days: int = 0
	submitted_at: datetime | None = None

	def __post_init__(self):
		object.__setattr__(self, "lines", tuple(self.lines))

	def effective_incoterm(self, tender: Tender) -> str:
		return self.incoterm.strip() or tender.incoterm

	def line_for(self, line_id: str) -> BidLine | None:
		"""The bid's row for a tender line (the first one, if a broken bid has several)."""
		return next((line for line in self.lines if line.line_id == line_id), None)


def total_offered(bid: Bid) -> Decimal:
	"""Sum of unit price x offered qty over the bid's lines, in the bid currency."""
	return sum((line.unit_price * line.qty for line in bid.lines), ZERO)
