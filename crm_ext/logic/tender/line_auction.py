"""Reverse auction per line (lot): every line of the tender is an auction of its own.

An offer on a line is the supplier's unit price (auction currency, excluding VAT) for the line's
requested quantity; lower is better. Each line applies the rules of the whole-bid auction
(``crm_ext.logic.tender.auction``) to its own offers: the running window, a price below the
supplier's own last offer on the line, and the line's own minimum step below the line's best.
One auction end (with the same anti-sniping extension) covers every line.

- :func:`line_step`: the line's own step (an amount, or a percentage of the line's best, as the
  tender's step kind says); a line without one takes the tender's step.
- :func:`changed_lines`: what a (re-)submission offers: every line whose price differs from the
  supplier's last offer on it (a line it never offered and still prices at 0 is no offer; an
  offered line set back to 0 is an offer of 0, which the rules refuse).
- :func:`check_line_offers`: raises :class:`LineOfferError` (naming the line) for the first
  offer that is not acceptable; a line the supplier is not eligible for takes no offer at all.
- :func:`line_standings`: per line, every supplier's best offer ranked 1..n (the strict order of
  the whole-bid auction: price, then time, then supplier).
- :func:`check_override`: a buyer's change of the proposed award of a line needs a reason, a
  different supplier, one that offered the line and is eligible for its category.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from crm_ext.logic.errors import _
from crm_ext.logic.tender.amounts import ZERO, Number, coerce_fields, to_decimal
from crm_ext.logic.tender.auction import AuctionOffer, MinStep, Standing, check_auction_offer, standings
from crm_ext.logic.tender.errors import TenderError

OVERRIDE_REASON_MIN = 10  # characters: a reason, not a keystroke


@dataclass(frozen=True)
class LineOffer:
	"""An accepted offer: ``supplier`` offered ``price`` per unit on ``line`` at ``at``."""

	line: str
	supplier: str
	price: Number
	at: datetime

	def __post_init__(self):
		coerce_fields(self, "price")


class LineOfferError(TenderError):
	"""An offer on ``line`` is refused (the message does not name the line: the caller does)."""

	def __init__(self, line: str, error: TenderError):
		self.line = line
		super().__init__(error.template, *error.format_args, field=error.field or "unit_price")


def line_step(line_value: Number, tender_step: MinStep) -> MinStep:
	"""The line's own step (of the tender's kind) when set, else the tender's step."""
	value = to_decimal(line_value or 0)
	return MinStep(value, tender_step.kind) if value > ZERO else tender_step


def offers_on(history: Iterable[LineOffer], line: str) -> list[AuctionOffer]:
	"""The offers of one line, as whole-bid auction offers (price for total)."""
	return [AuctionOffer(o.supplier, o.price, o.at) for o in history if o.line == line]


def last_prices(history: Iterable[LineOffer], supplier: str) -> dict[str, Decimal]:
	"""Line -> the supplier's last (= lowest, the rules only go down) accepted price."""
	last: dict[str, Decimal] = {}
	for offer in history:
		if offer.supplier == supplier:
			held = last.get(offer.line)
			last[offer.line] = offer.price if held is None else min(held, offer.price)
	return last


def changed_lines(previous: Mapping[str, Number], current: Mapping[str, Number]) -> dict[str, Decimal]:
	"""Line -> new price, for every line of ``current`` whose price is an offer (see module doc).

	``previous``: the supplier's last accepted price per line; ``current``: the bid's prices."""
	changed = {}
	for line, price in current.items():
		new = to_decimal(price or 0)
		old = previous.get(line)
		if old is None:
			if new != ZERO:
				changed[line] = new
		elif new != to_decimal(old):
			changed[line] = new
	return changed


def check_line_offers(
	changed: Mapping[str, Number],
	supplier: str,
	history: Iterable[LineOffer],
	steps: Mapping[str, MinStep],
	now: datetime,
	start: datetime,
	end: datetime,
	eligible_lines: Iterable[str],
) -> None:
	"""Raise LineOfferError for the first unacceptable offer of ``changed`` (line -> price), in
	the order of ``steps`` (the tender's lines). ``history``: every accepted offer so far."""
	history = list(history)
	if not changed:
		raise TenderError(
			_("An auction takes offers: lower the price of at least one line."), field="unit_price"
		)
	eligible = set(eligible_lines)
	unknown = [line for line in changed if line not in steps]
	if unknown:
		raise LineOfferError(unknown[0], TenderError(_("This line is not part of the tender.")))
	for line, step in steps.items():
		if line not in changed:
			continue
		if line not in eligible:
			raise LineOfferError(
				line, TenderError(_("Your supplier is not eligible for this line's product category."))
			)
		offers = offers_on(history, line)
		own = [o.total for o in offers if o.supplier == supplier]
		best = min((o.total for o in offers), default=None)
		try:
			check_auction_offer(changed[line], min(own) if own else None, best, step, now, start, end)
		except TenderError as e:
			raise LineOfferError(line, e) from e


def line_standings(history: Iterable[LineOffer], lines: Iterable[str]) -> dict[str, list[Standing]]:
	"""Line -> every supplier's best offer on it, leading first, ranks 1..n (lines without offers: [])."""
	history = list(history)
	return {line: standings(offers_on(history, line)) for line in lines}


def check_override(
	reason: str, supplier: str, proposed: str | None, offered: Iterable[str], eligible: Iterable[str]
) -> str:
	"""The reason (stripped) of an override of a line's award to ``supplier``, or TenderError.

	``proposed``: the supplier the evaluation proposed (None: the line was not awarded);
	``offered``: the suppliers with a live offer on the line; ``eligible``: those that may be
	awarded the line (its category)."""
	text = (reason or "").strip()
	if len(text) < OVERRIDE_REASON_MIN:
		raise TenderError(
			_("Reason: say why the proposed award is overridden (at least {0} characters)."),
			OVERRIDE_REASON_MIN,
			field="reason",
		)
	if supplier == proposed:
		raise TenderError(
			_("Supplier {0} is already the proposed award of this line."), supplier, field="supplier"
		)
	if supplier not in set(offered):
		raise TenderError(_("Supplier {0} made no offer on this line."), supplier, field="supplier")
	if supplier not in set(eligible):
		raise TenderError(
			_("Supplier {0} is not eligible for this line's product category: the award is refused."),
			supplier,
			field="supplier",
		)
	return text
