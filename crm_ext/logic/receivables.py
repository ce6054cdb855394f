"""Money on a deal and receivables control: payment status, totals, ageing, health ratios.

The Frappe layer reads the ledger (submitted Sales Invoices in company currency) and hands
plain values to these functions; they never increment stored totals, they recompute them, so
cancellations, amendments and concurrent payments stay right.

Amounts are computed as :class:`~decimal.Decimal`. Inputs may be Decimal, int, float (read
through its shortest ``repr``, so ``0.1`` is exactly ``Decimal("0.1")``), a numeric string
(thousands commas are dropped) or None (zero: an empty Currency field).

Credit notes (Sales Invoices with ``is_return``) carry negative amounts in ERPNext; they are
netted into the totals, so "invoiced" is the net amount invoiced and "outstanding" the net
amount the customer owes (negative when the customer holds a credit).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import (
	ROUND_HALF_DOWN,
	ROUND_HALF_EVEN,
	ROUND_HALF_UP,
	Context,
	Decimal,
	DivisionByZero,
	InvalidOperation,
	Overflow,
	localcontext,
)
from itertools import pairwise

from crm_ext.logic.errors import LogicError, _

Amount = Decimal | int | float | str | None

# Payment status of a deal (values of a Select field; translated where they are shown).
NOT_INVOICED = "Not invoiced"
UNPAID = "Unpaid"
PARTLY_PAID = "Partly paid"
PAID = "Paid"
OVERDUE = "Overdue"
PAYMENT_STATUSES = (NOT_INVOICED, UNPAID, PARTLY_PAID, PAID, OVERDUE)

# Frappe's System Settings "Rounding Method" options.
BANKERS_ROUNDING_LEGACY = "Banker's Rounding (legacy)"
BANKERS_ROUNDING = "Banker's Rounding"
COMMERCIAL_ROUNDING = "Commercial Rounding"
ROUNDING_METHODS = (BANKERS_ROUNDING_LEGACY, BANKERS_ROUNDING, COMMERCIAL_ROUNDING)

DEFAULT_AGEING_EDGES = (30, 60, 90)
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
# Wide enough that sums and roundings of money never lose a digit.
_WIDE = Context(prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])


def to_decimal(value: Amount, field: str = "amount") -> Decimal:
	"""``value`` as a finite Decimal (None and "" are zero), raising LogicError naming ``field``."""
	if value is None:
		return _ZERO
	if isinstance(value, Decimal):
		number = value
	elif isinstance(value, int):
		number = Decimal(value)
	elif isinstance(value, float):
		number = Decimal(repr(value))
	elif isinstance(value, str):
		text = value.replace(",", "").strip()
		try:
			number = Decimal(text) if text else _ZERO
		except InvalidOperation:
			raise LogicError(_("{0} is not a number."), value, field=field) from None
	else:
		raise LogicError(_("{0} is not a number."), repr(value), field=field)
	if not number.is_finite():
		raise LogicError(_("{0} is not a number."), str(value), field=field)
	return number


# --- rounding -------------------------------------------------------------------------------


def round_amount(
	value: Amount, precision: int, rounding_method: str | None = BANKERS_ROUNDING_LEGACY
) -> Decimal:
	"""``value`` rounded to ``precision`` decimal places the way ``frappe.utils.flt`` does.

	Frappe's rounding depends on System Settings > Rounding Method (pass it; when it is empty,
	Frappe's own fallback, the legacy method, is used):

	- "Banker's Rounding (legacy)": first rounded to 8 places after scaling (Frappe's guard
	  against float noise), then a tie goes *up* (towards +infinity: 2.345 -> 2.35,
	  -2.345 -> -2.34) when ``precision`` is not 0, and to the even neighbour when it is 0
	  (0.5 -> 0, 1.5 -> 2).
	- "Banker's Rounding": ties to the even neighbour (2.345 -> 2.34).
	- "Commercial Rounding": ties away from zero (2.345 -> 2.35, -2.345 -> -2.35).

	For positive amounts and ``precision >= 1`` the legacy and commercial methods are both plain
	round-half-up. Rounding works on the decimal representation (floats through their shortest
	``repr``), so ``1.005`` rounds to ``1.01``, not to ``1.00`` as its binary value would.
	This gives Frappe's results for amounts of up to about 12 significant digits; beyond that
	Frappe's float arithmetic can break a tie differently, and this is the exact result.
	A negative ``precision`` rounds to tens, hundreds, ...
	"""
	number = to_decimal(value)
	rounding_method = rounding_method or BANKERS_ROUNDING_LEGACY
	with localcontext(_WIDE):
		if rounding_method == BANKERS_ROUNDING:
			return number.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_EVEN)
		if rounding_method == COMMERCIAL_ROUNDING:
			return number.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)
		if rounding_method != BANKERS_ROUNDING_LEGACY:
			raise LogicError(_("Unknown rounding method {0}."), rounding_method, field="rounding_method")
		scaled = number.scaleb(precision).quantize(Decimal("1e-8"), ROUND_HALF_EVEN)
		if precision == 0:
			mode = ROUND_HALF_EVEN
		else:
			mode = ROUND_HALF_UP if scaled >= 0 else ROUND_HALF_DOWN
		return scaled.quantize(Decimal(1), mode).scaleb(-precision)


def flt(
	value: Amount, precision: int | None = None, rounding_method: str | None = BANKERS_ROUNDING_LEGACY
) -> float:
	"""A float like ``frappe.utils.flt``: unreadable values are 0.0, and with ``precision`` the
	value is rounded as by :func:`round_amount`. Prefer :func:`round_amount` for sums."""
	try:
		number = to_decimal(value)
	except LogicError:
		return 0.0
	if precision is None:
		return float(number)
	return float(round_amount(number, precision, rounding_method))


# --- payment status -------------------------------------------------------------------------


def payment_status(
	invoiced: Amount, outstanding: Amount, earliest_overdue_due_date: date | None, today: date
) -> str:
	"""Payment status of a deal from its net amounts, one of :data:`PAYMENT_STATUSES`.

	``invoiced`` and ``outstanding`` are net of credit notes and should already be rounded to
	the currency precision; ``earliest_overdue_due_date`` is the earliest due date among the
	invoices that still have something outstanding (None when there is none). In order:

	1. Nothing owed (``outstanding <= 0``): "Not invoiced" when the net invoiced amount is not
	   positive (no invoice, or invoices fully cancelled out by credit notes), else "Paid"
	   (a negative outstanding, a credit in the customer's favour, is still "Paid").
	2. Something owed and an invoice past its due date (due date before ``today``; on the due
	   date itself it is not yet overdue, as in ERPNext): "Overdue".
	3. Owed as much as (or more than) invoiced: "Unpaid".
	4. Otherwise "Partly paid".

	So money owed is never shown as "Not invoiced" or "Paid", even when credit notes make the
	net invoiced amount zero or negative.
	"""
	invoiced = to_decimal(invoiced, "invoiced")
	outstanding = to_decimal(outstanding, "outstanding")
	if outstanding <= 0:
		return NOT_INVOICED if invoiced <= 0 else PAID
	if earliest_overdue_due_date is not None and earliest_overdue_due_date < today:
		return OVERDUE
	if outstanding >= invoiced:
		return UNPAID
	return PARTLY_PAID


@dataclass(frozen=True)
class InvoiceRow:
	"""One submitted Sales Invoice, amounts in company currency.

	A credit note (``is_return``) counts negatively whatever sign its amounts are given with.
	``schedule`` is the invoice's payment schedule, ``((due_date, amount), ...)`` (ERPNext's Payment
	Schedule rows, ``base_payment_amount``); empty for a POS invoice or one without instalments, which
	falls due as a whole on ``due_date``.
	"""

	grand_total: Amount
	outstanding_amount: Amount
	due_date: date | None = None
	is_return: bool = False
	schedule: tuple[tuple[date, Amount], ...] = ()


def invoice_overdue(
	row: InvoiceRow,
	today: date,
	precision: int,
	rounding_method: str | None = BANKERS_ROUNDING_LEGACY,
) -> tuple[Decimal, date | None]:
	"""The overdue part of one invoice's outstanding amount on ``today`` and the due date it is late
	since (``(0, None)`` when nothing is overdue), following the payment schedule as ERPNext's own
	invoice status does (``erpnext.accounts.doctype.sales_invoice.sales_invoice.is_overdue``).

	With a schedule: what fell due (instalments due before ``today``; on its due date an instalment
	is not yet late) minus what was paid towards the schedule (its total less the outstanding
	amount: payments and credit notes against the invoice settle the earliest instalments first),
	at most the outstanding amount; late since the earliest instalment not covered. When the
	schedule adds up to the invoice total (no advance or write-off deducted) this is exactly
	ERPNext's rule "overdue when paid < payable till date". Without a schedule: the whole
	outstanding amount once ``due_date`` is past. Credit notes are never overdue; an amount that
	rounds to zero at ``precision`` is not overdue.
	"""
	none = (_ZERO, None)
	if row.is_return:
		return none
	with localcontext(_WIDE):
		owed = to_decimal(row.outstanding_amount, "outstanding_amount")
		if round_amount(owed, precision, rounding_method) <= 0:
			return none
		if not row.schedule:
			if row.due_date is None or row.due_date >= today:
				return none
			return owed, row.due_date
		instalments = sorted((due, to_decimal(amount, "payment_amount")) for due, amount in row.schedule)
		paid = sum((amount for _due, amount in instalments), _ZERO) - owed
		fallen_due, since = _ZERO, None
		for due, amount in instalments:
			if due >= today:
				break
			fallen_due += amount
			if since is None and round_amount(fallen_due - paid, precision, rounding_method) > 0:
				since = due
		late = min(owed, fallen_due - paid)
		if since is None or round_amount(late, precision, rounding_method) <= 0:
			return none
		return late, since


@dataclass(frozen=True)
class MoneySummary:
	"""Money on a deal, rounded to the currency precision; ``paid + outstanding == invoiced``
	exactly. ``overdue`` is the part of ``outstanding`` on invoices past their due date."""

	invoiced: Decimal
	paid: Decimal
	outstanding: Decimal
	overdue: Decimal
	status: str


def lead_money_summary(
	invoices: Iterable[InvoiceRow],
	today: date,
	precision: int,
	rounding_method: str | None = BANKERS_ROUNDING_LEGACY,
) -> MoneySummary:
	"""Invoiced, paid, outstanding, overdue amounts and payment status of a deal's invoices.

	Totals are summed exactly and rounded once with :func:`round_amount`; ``paid`` is
	``invoiced - outstanding`` of the rounded totals, so the three always add up. The overdue part
	of each invoice follows its payment schedule (:func:`invoice_overdue`). ``overdue`` is at most
	the net outstanding: a credit the customer holds is taken to settle the oldest debt first.
	"""
	invoiced = outstanding = overdue = _ZERO
	earliest_overdue = None
	with localcontext(_WIDE):
		for row in invoices:
			total = to_decimal(row.grand_total, "grand_total")
			owed = to_decimal(row.outstanding_amount, "outstanding_amount")
			if row.is_return:
				total, owed = -abs(total), -abs(owed)
			invoiced += total
			outstanding += owed
			late, since = invoice_overdue(row, today, precision, rounding_method)
			if since is not None:
				overdue += late
				earliest_overdue = min(since, earliest_overdue or since)
		invoiced = round_amount(invoiced, precision, rounding_method)
		outstanding = round_amount(outstanding, precision, rounding_method)
		overdue = min(round_amount(overdue, precision, rounding_method), max(outstanding, _ZERO))
		paid = invoiced - outstanding
	return MoneySummary(
		invoiced=invoiced,
		paid=paid,
		outstanding=outstanding,
		overdue=overdue,
		status=payment_status(invoiced, outstanding, earliest_overdue, today),
	)


# --- ageing ---------------------------------------------------------------------------------


def ageing_bucket_labels(edges: Sequence[int] = DEFAULT_AGEING_EDGES) -> tuple[str, ...]:
	"""Labels of the ageing buckets for ``edges``: (30, 60, 90) gives
	"0-30", "31-60", "61-90", "90+"."""
	_check_edges(edges)
	labels, low = [], 0
	for edge in edges:
		labels.append(f"{low}-{edge}")
		low = edge + 1
	labels.append(f"{edges[-1]}+")
	return tuple(labels)


def ageing_buckets(
	rows: Iterable[tuple[date, Amount]], as_of: date, edges: Sequence[int] = DEFAULT_AGEING_EDGES
) -> dict[str, Decimal]:
	"""Outstanding amounts by age, as ``{label: amount}`` in the order of the buckets.

	Each row is ``(date, outstanding)``, the date being the due date (or the posting date, for
	ageing by posting date). The age is ``as_of - date`` in days; a row whose age is at most the
	first edge goes in the first bucket, and so on; older than the last edge goes in the last
	("90+"). Rows not yet due (negative age) count in the first bucket, "0-30", as in ERPNext's
	Accounts Receivable report. Credit notes (negative amounts) are aged by their date like any
	row. The buckets add up exactly to the total outstanding of the rows.
	"""
	labels = ageing_bucket_labels(edges)
	buckets = dict.fromkeys(labels, _ZERO)
	with localcontext(_WIDE):
		for when, amount in rows:
			if when is None:
				raise LogicError(_("An outstanding amount has no due date to age it by."), field="due_date")
			age = (as_of - when).days
			index = next((i for i, edge in enumerate(edges) if age <= edge), len(edges))
			buckets[labels[index]] += to_decimal(amount, "outstanding_amount")
	return buckets


def _check_edges(edges: Sequence[int]) -> None:
	if (
		not edges
		or any(not isinstance(edge, int) or isinstance(edge, bool) or edge < 1 for edge in edges)
		or any(a >= b for a, b in pairwise(edges))
	):
		raise LogicError(
			_("Ageing ranges must be increasing whole numbers of days, such as 30, 60, 90."), field="edges"
		)


# --- receivables health ---------------------------------------------------------------------


def share_pct(part: Amount, whole: Amount) -> Decimal | None:
	"""``part`` as a percentage of ``whole``; None when ``whole`` is zero or negative (no base
	to compare with)."""
	part, whole = to_decimal(part), to_decimal(whole)
	if whole <= 0:
		return None
	return part * _HUNDRED / whole


@dataclass(frozen=True)
class Health:
	"""Receivables health of a customer or a rep.

	- ``receivable_share``: receivable as a % of shipments (None without shipments);
	- ``overdue_share``: overdue as a % of receivable (None without receivable);
	- ``receivable_alert`` / ``overdue_alert``: the share is over its threshold.
	"""

	receivable_share: Decimal | None
	overdue_share: Decimal | None
	receivable_alert: bool
	overdue_alert: bool

	@property
	def healthy(self) -> bool:
		return not (self.receivable_alert or self.overdue_alert)


def receivables_health(
	receivable: Amount,
	shipments: Amount,
	overdue: Amount,
	receivable_threshold_pct: Amount = 20,
	overdue_threshold_pct: Amount = 5,
) -> Health:
	"""Ratios and alerts for receivables control.

	Healthy is receivable at most ``receivable_threshold_pct`` % of shipments (invoiced sales
	of the period) and overdue at most ``overdue_threshold_pct`` % of receivable; a share
	exactly at its threshold is healthy, any share above it raises the alert. Without a base
	(no shipments, no receivable) the share is None and raises no alert.
	"""
	receivable_threshold = to_decimal(receivable_threshold_pct, "receivable_threshold_pct")
	overdue_threshold = to_decimal(overdue_threshold_pct, "overdue_threshold_pct")
	for threshold, fieldname in (
		(receivable_threshold, "receivable_threshold_pct"),
		(overdue_threshold, "overdue_threshold_pct"),
	):
		if threshold < 0:
			raise LogicError(_("A threshold cannot be negative ({0} %)."), threshold, field=fieldname)
	receivable_share = share_pct(receivable, shipments)
	overdue_share = share_pct(overdue, receivable)
	return Health(
		receivable_share=receivable_share,
		overdue_share=overdue_share,
		receivable_alert=receivable_share is not None and receivable_share > receivable_threshold,
		overdue_alert=overdue_share is not None and overdue_share > overdue_threshold,
	)


def credit_limit_use(outstanding: Amount, credit_limit: Amount) -> Decimal | None:
	"""Share of the credit limit in use, in %; None when there is no limit (0 or empty, as in
	ERPNext). A customer in credit (outstanding below zero) uses 0 %. Above 100 % the limit is
	exceeded. ``outstanding`` is what ERPNext counts against the limit (for example
	``erpnext.selling.doctype.customer.customer.get_customer_outstanding``)."""
	outstanding = to_decimal(outstanding, "outstanding")
	return share_pct(max(outstanding, _ZERO), credit_limit)
