"""What a tender must satisfy to be published and a bid to be saved, submitted or withdrawn.

Each ``*_problems`` function lists every violation in a fixed order (useful to show them all at
once); the matching ``validate_*`` / ``check_*`` raises the first one. The order is: timing and
status, supplier, currency, mandatory answers, Incoterm, payment terms, line structure, lines,
"at least one line offered".

Quantity rule: an offered line (price > 0) needs ``0 < qty <= requested qty``. Partial quantities
are accepted (the award then covers what was offered); more than requested only when the tender
sets ``allow_excess_qty``. A line at price 0 is "not offered" and must have qty 0 and no
alternative. A bid has exactly one row per tender line (price 0 for lines it does not offer), so
the comparison matrix never has to guess.
"""

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Literal

from crm_ext.logic.errors import _
from crm_ext.logic.tender.amounts import ZERO
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.model import PUBLISHED, Bid, Tender

BidAction = Literal["save", "submit", "withdraw"]

_CLOSED_TEMPLATES = {
	"save": _("The deadline for this tender passed at {0}: a bid can no longer be changed."),
	"submit": _("The deadline for this tender passed at {0}: a bid can no longer be submitted."),
	"withdraw": _("The deadline for this tender passed at {0}: a bid can no longer be withdrawn."),
}


def _num(value: Decimal) -> str:
	"""A Decimal as plain text for messages (no exponent)."""
	return format(value.normalize(), "f")


# --- the bidding window ------------------------------------------------------------------------


def check_bid_window(tender: Tender, now: datetime, action: BidAction = "submit") -> None:
	"""Raise unless bids may be saved / submitted / withdrawn at ``now``.

	Only a Published tender takes bids, and only strictly before its deadline: after the
	deadline nothing can be submitted, changed or withdrawn, so the opening sees a frozen set.
	"""
	if action not in _CLOSED_TEMPLATES:
		raise ValueError(f"unknown bid action {action!r}")
	if tender.status != PUBLISHED:
		raise TenderError(
			_("The tender is {0}: bids are accepted only while it is Published."),
			tender.status,
			field="tender",
		)
	if now >= tender.deadline:
		raise TenderError(_CLOSED_TEMPLATES[action], tender.deadline.isoformat(sep=" "), field="tender")


def check_supplier_may_bid(tender: Tender, supplier: str) -> None:
	"""Raise unless ``supplier`` is invited, or the tender is open to qualified suppliers and it is."""
	for problem in _supplier_problems(tender, supplier):
		raise problem


def _supplier_problems(tender: Tender, supplier: str) -> Iterator[TenderError]:
	supplier = (supplier or "").strip()
	if not supplier:
		yield TenderError(_("Select the supplier making this bid."), field="supplier")
	elif supplier in tender.invited_suppliers:
		return
	elif tender.open_to_qualified:
		if supplier not in tender.qualified_suppliers:
			yield TenderError(
				_(
					"Supplier {0} is not qualified for this tender's item categories: "
					"it can bid once its Supplier Qualification is approved."
				),
				supplier,
				field="supplier",
			)
	else:
		yield TenderError(
			_("Supplier {0} is not invited to this tender: only invited suppliers can bid."),
			supplier,
			field="supplier",
		)


def check_deadline_extension(deadline: datetime, new_deadline: datetime, now: datetime) -> None:
	"""Raise unless the deadline may move from ``deadline`` to ``new_deadline`` at ``now``.

	A deadline can be extended only while it has not passed (``now < deadline``: once it has
	passed, bidders who gave up must not be surprised) and only to a later time.
	"""
	if now >= deadline:
		raise TenderError(
			_("The deadline {0} has already passed: it can no longer be extended."),
			deadline.isoformat(sep=" "),
			field="deadline",
		)
	if new_deadline <= deadline:
		raise TenderError(
			_("The new deadline must be later than the current one ({0}): a deadline can only be extended."),
			deadline.isoformat(sep=" "),
			field="deadline",
		)


# --- the tender itself -------------------------------------------------------------------------


def tender_problems(tender: Tender, now: datetime) -> list[TenderError]:
	"""Everything that keeps ``tender`` from being published at ``now``, in order."""
	return list(_tender_problems(tender, now))


def validate_tender(tender: Tender, now: datetime) -> None:
	"""Raise the first reason ``tender`` cannot be published at ``now``."""
	for problem in _tender_problems(tender, now):
		raise problem


def _tender_problems(tender: Tender, now: datetime) -> Iterator[TenderError]:
	if tender.deadline <= now:
		yield TenderError(_("Set a submission deadline in the future."), field="deadline")
	if not tender.currencies:
		yield TenderError(_("Allow at least one currency for the bids."), field="currencies")
	if not tender.incoterm.strip():
		yield TenderError(_("Select the Incoterm on which bids are to be made."), field="incoterm")
	if not tender.delivery_location.strip():
		yield TenderError(
			_("Enter the delivery location (the named place of the Incoterm)."), field="delivery_location"
		)
	if not tender.open_to_qualified and not tender.invited_suppliers:
		yield TenderError(
			_("Invite at least one supplier, or open the tender to qualified suppliers."), field="suppliers"
		)
	if not tender.lines:
		yield TenderError(_("Add at least one item to the tender."), field="items")
	seen: set[str] = set()
	for row, line in enumerate(tender.lines, start=1):
		if line.line_id in seen:
			yield TenderError(_("Row {0}: this line appears twice."), row, field="line_id", row=row)
		seen.add(line.line_id)
		if line.qty <= ZERO:
			yield TenderError(_("Row {0}: the quantity must be more than 0."), row, field="qty", row=row)
		if line.budget_unit_price is not None and line.budget_unit_price < ZERO:
			yield TenderError(
				_("Row {0}: the budget price cannot be negative."), row, field="budget_unit_price", row=row
			)
	question_ids = [q.question_id for q in tender.questions]
	if len(set(question_ids)) != len(question_ids):
		yield TenderError(_("Each question can be asked only once."), field="questions")


# --- a bid ---------------------------------------------------------------------------------------


def bid_problems(tender: Tender, bid: Bid, now: datetime) -> list[TenderError]:
	"""Every reason ``bid`` cannot be submitted to ``tender`` at ``now``, in order."""
	return list(_bid_problems(tender, bid, now))


def validate_bid(tender: Tender, bid: Bid, now: datetime) -> None:
	"""Raise the first reason ``bid`` cannot be submitted to ``tender`` at ``now``."""
	for problem in _bid_problems(tender, bid, now):
		raise problem


def _bid_problems(tender: Tender, bid: Bid, now: datetime) -> Iterator[TenderError]:
	try:
		check_bid_window(tender, now, "submit")
	except TenderError as e:
		yield e
	yield from _supplier_problems(tender, bid.supplier)
	yield from _currency_problems(tender, bid)
	yield from _answer_problems(tender, bid)
	yield from _incoterm_problems(tender, bid)
	if bid.credit_days is None or bid.credit_days < 0:
		yield TenderError(_("Credit days cannot be negative."), field="credit_days")
	yield from _line_structure_problems(tender, bid)
	yield from _line_problems(tender, bid)
	if not any(line.offered for line in bid.lines):
		yield TenderError(_("The bid offers no line: enter a price on at least one line."), field="items")


def _currency_problems(tender: Tender, bid: Bid) -> Iterator[TenderError]:
	allowed = ", ".join(sorted(tender.currencies))
	if not tender.currencies:
		yield TenderError(
			_("This tender allows no currency yet: the buyer must set the allowed currencies."),
			field="currency",
		)
	elif not bid.currency:
		yield TenderError(_("Select the bid currency (one of {0})."), allowed, field="currency")
	elif bid.currency not in tender.currencies:
		yield TenderError(
			_("Currency {0} is not allowed for this tender: use one of {1}."),
			bid.currency,
			allowed,
			field="currency",
		)


def _answer_problems(tender: Tender, bid: Bid) -> Iterator[TenderError]:
	for question in tender.questions:
		if question.mandatory and not str(bid.answers.get(question.question_id) or "").strip():
			yield TenderError(
				_("Answer the mandatory question: {0}"),
				question.text or question.question_id,
				field="answers",
			)


def _incoterm_problems(tender: Tender, bid: Bid) -> Iterator[TenderError]:
	if not tender.incoterm.strip() or not tender.delivery_location.strip():
		yield TenderError(
			_(
				"The tender has no Incoterm or delivery location: the buyer must set both before bids are submitted."
			),
			field="incoterm",
		)
		return
	incoterm = bid.effective_incoterm(tender)
	if not tender.accepts_incoterm(incoterm):
		allowed = ", ".join(sorted({tender.incoterm} | tender.allowed_incoterms))
		yield TenderError(
			_("Incoterm {0} is not allowed for this tender: use {1}."), incoterm, allowed, field="incoterm"
		)
	elif incoterm != tender.incoterm and not bid.incoterm_location.strip():
		yield TenderError(
			_("Enter the named place for Incoterm {0} (for example the port or warehouse)."),
			incoterm,
			field="incoterm_location",
		)


def _line_structure_problems(tender: Tender, bid: Bid) -> Iterator[TenderError]:
	tender_ids = {line.line_id for line in tender.lines}
	seen: set[str] = set()
	for row, line in enumerate(bid.lines, start=1):
		if line.line_id not in tender_ids:
			yield TenderError(
				_("Row {0}: line {1} is not part of this tender; remove the row."),
				row,
				line.line_id,
				field="line_id",
				row=row,
			)
		elif line.line_id in seen:
			yield TenderError(
				_("Row {0}: line {1} appears twice; keep one row per tender line."),
				row,
				line.line_id,
				field="line_id",
				row=row,
			)
		seen.add(line.line_id)
	for line in tender.lines:
		if line.line_id not in seen:
			yield TenderError(
				_("Tender line {0} has no row in the bid: add it, with price 0 if you do not offer it."),
				line.item_code or line.line_id,
				field="items",
			)


def _line_problems(tender: Tender, bid: Bid) -> Iterator[TenderError]:
	requested = {line.line_id: line.qty for line in tender.lines}
	for row, line in enumerate(bid.lines, start=1):
		if line.unit_price < ZERO:
			yield TenderError(
				_("Row {0}: the unit price cannot be negative."), row, field="unit_price", row=row
			)
		elif not line.offered:
			if line.qty != ZERO:
				yield TenderError(
					_(
						"Row {0}: a zero price means the line is not offered, so its quantity must be 0: "
						"enter a price or set the quantity to 0."
					),
					row,
					field="qty",
					row=row,
				)
			if line.has_alternative:
				yield TenderError(
					_("Row {0}: the line is not offered (price 0): remove the alternative or enter a price."),
					row,
					field="alternative_item",
					row=row,
				)
		else:
			yield from _offered_line_problems(tender, line, row, requested.get(line.line_id))


def _offered_line_problems(
	tender: Tender, line, row: int, requested: Decimal | None
) -> Iterator[TenderError]:
	if line.qty <= ZERO:
		yield TenderError(
			_("Row {0}: enter the quantity offered at this price (more than 0)."), row, field="qty", row=row
		)
	elif requested is not None and line.qty > requested and not tender.allow_excess_qty:
		yield TenderError(
			_("Row {0}: the quantity offered ({1}) is more than the {2} requested; offer at most {2}."),
			row,
			_num(line.qty),
			_num(requested),
			field="qty",
			row=row,
		)
	if line.delivery_days is None or line.delivery_days < 0:
		yield TenderError(
			_("Row {0}: enter the delivery time in days (0 or more)."), row, field="delivery_days", row=row
		)
	if line.has_alternative and not tender.allow_alternatives:
		yield TenderError(
			_(
				"Row {0}: this tender does not accept alternative items: quote the requested item "
				"or leave the line at price 0."
			),
			row,
			field="alternative_item",
			row=row,
		)
