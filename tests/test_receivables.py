from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.errors import LogicError
from crm_ext.logic.receivables import (
	BANKERS_ROUNDING,
	BANKERS_ROUNDING_LEGACY,
	COMMERCIAL_ROUNDING,
	NOT_INVOICED,
	OVERDUE,
	PAID,
	PARTLY_PAID,
	PAYMENT_STATUSES,
	UNPAID,
	InvoiceRow,
	ageing_bucket_labels,
	ageing_buckets,
	credit_limit_use,
	flt,
	invoice_overdue,
	lead_money_summary,
	payment_status,
	receivables_health,
	round_amount,
	share_pct,
	to_decimal,
)

D = Decimal
TODAY = date(2025, 3, 31)
PAST, FUTURE = TODAY - timedelta(days=10), TODAY + timedelta(days=10)


# --- amounts and rounding -------------------------------------------------------------------


@pytest.mark.parametrize(
	"value,expected",
	[
		(None, D(0)),
		("", D(0)),
		(0.1, D("0.1")),
		(3, D(3)),
		(" 1,234.50 ", D("1234.50")),
		(D("2.5"), D("2.5")),
	],
)
def test_to_decimal(value, expected):
	assert to_decimal(value) == expected


@pytest.mark.parametrize("value", ["abc", float("nan"), float("inf"), "NaN", object()])
def test_to_decimal_refuses_what_is_not_a_number(value):
	with pytest.raises(LogicError) as e:
		to_decimal(value, "grand_total")
	assert e.value.field == "grand_total"


@pytest.mark.parametrize(
	"value,precision,expected",
	[
		("0.5", 0, 0),
		("1.5", 0, 2),
		(2.5, 0, 2),
		(0.4, 0, 0),
		(1.455, 0, 1),
		(-0.5, 0, 0),
		(-1.5, 0, -2),
		(123, -1, 120),
		(134.45, -1, 130),
		(135, -1, 140),
		(1.005, 2, 1.01),
		(2.675, 2, 2.68),
		(2.345, 2, 2.35),
		(-2.345, 2, -2.34),
		(1.25, 1, 1.3),
		(1.00499999999, 2, 1.01),  # Frappe's 8-place guard
		(1.004999, 2, 1.0),
	],
)
def test_legacy_rounding_is_frappes_default(value, precision, expected):
	assert flt(value, precision) == expected
	assert round_amount(value, precision) == D(str(expected))


@pytest.mark.parametrize(
	"value,precision,expected",
	[
		(2.5, 0, 2),
		(-2.5, 0, -2),
		(1.25, 1, 1.2),
		(0.15, 1, 0.2),
		(2.675, 2, 2.68),
		(-2.675, 2, -2.68),
		(125, -1, 120),
		(0.05, 1, 0.0),
		(2.25, 1, 2.2),
		(-1.15, 1, -1.2),
	],
)
def test_bankers_rounding(value, precision, expected):
	assert flt(value, precision, BANKERS_ROUNDING) == expected


@pytest.mark.parametrize(
	"value,precision,expected",
	[
		(0.5, 0, 1),
		(-0.5, 0, -1),
		(1.25, 1, 1.3),
		(-1.25, 1, -1.3),
		(125, -1, 130),
		(2.25, 1, 2.3),
		(1.455, 0, 1),
	],
)
def test_commercial_rounding(value, precision, expected):
	assert flt(value, precision, COMMERCIAL_ROUNDING) == expected


def test_flt_reads_like_frappe():
	assert flt("what") == 0.0
	assert flt(None) == 0.0
	assert flt("0.3") == 0.3
	assert flt("1,234.5") == 1234.5
	assert flt(D("7.125"), 2) == 7.13
	assert isinstance(flt(3), float)


def test_empty_rounding_method_is_frappes_fallback():
	assert round_amount(-2.345, 2, None) == round_amount(-2.345, 2, "") == D("-2.34")


def test_unknown_rounding_method_is_refused():
	with pytest.raises(LogicError) as e:
		round_amount(1, 2, "Round to the nearest pizza")
	assert e.value.field == "rounding_method"


money = st.decimals(min_value=-(10**9), max_value=10**9, places=6)
precisions = st.integers(-2, 4)


@given(money, precisions)
def test_bankers_and_commercial_rounding_are_decimal_rounding(number, precision):
	"""The properties Frappe's own tests state for these two methods."""
	assert round_amount(number, precision, BANKERS_ROUNDING) == round(number, precision)
	with localcontext() as ctx:
		ctx.rounding = ROUND_HALF_UP
		expected = round(number, precision)
	assert round_amount(number, precision, COMMERCIAL_ROUNDING) == expected


@given(money, st.integers(1, 4))
def test_legacy_rounding_sends_ties_up_when_precision_is_set(number, precision):
	up = (number.scaleb(precision) + D("0.5")).to_integral_value(ROUND_FLOOR).scaleb(-precision)
	assert round_amount(number, precision) == up


@given(money)
def test_legacy_rounding_to_units_sends_ties_to_even(number):
	assert round_amount(number, 0) == round_amount(number, 0, BANKERS_ROUNDING)


@given(money, precisions, st.sampled_from([BANKERS_ROUNDING_LEGACY, BANKERS_ROUNDING, COMMERCIAL_ROUNDING]))
def test_rounding_is_close_idempotent_and_agrees_with_flt(number, precision, method):
	rounded = round_amount(number, precision, method)
	assert abs(rounded - number) <= D(1).scaleb(-precision) / 2
	assert round_amount(rounded, precision, method) == rounded
	assert flt(float(number), precision, method) == float(rounded)


# --- payment status -------------------------------------------------------------------------


@pytest.mark.parametrize(
	"invoiced,outstanding,overdue_since,expected",
	[
		(0, 0, None, NOT_INVOICED),
		(100, 100, None, UNPAID),
		(100, 100, FUTURE, UNPAID),
		(100, 100, TODAY, UNPAID),  # due today is not overdue yet
		(100, 100, PAST, OVERDUE),
		(100, 40, PAST, OVERDUE),
		(100, 40, None, PARTLY_PAID),
		(100, 0, None, PAID),
		(100, 0, PAST, PAID),  # nothing owed: an old due date does not matter
		(100, -20, None, PAID),  # overpaid: the customer holds a credit
		(0, 0, PAST, NOT_INVOICED),  # invoice fully cancelled by a credit note
		(-50, -50, None, NOT_INVOICED),  # only a credit note
		(0, 30, None, UNPAID),  # credit notes net the invoices out, but money is still owed
		(-10, 30, PAST, OVERDUE),
		(70, 80, None, UNPAID),
	],
)
def test_payment_status(invoiced, outstanding, overdue_since, expected):
	assert payment_status(D(invoiced), D(outstanding), overdue_since, TODAY) == expected


def test_payment_status_accepts_floats():
	assert payment_status(100.0, 0.1 + 0.2, None, TODAY) == PARTLY_PAID


# --- money on a lead ------------------------------------------------------------------------


def test_no_invoices():
	summary = lead_money_summary([], TODAY, 2)
	assert (summary.invoiced, summary.paid, summary.outstanding, summary.overdue) == (0, 0, 0, 0)
	assert summary.status == NOT_INVOICED


def test_unpaid_partly_paid_paid_and_overdue():
	assert lead_money_summary([InvoiceRow(100, 100, FUTURE)], TODAY, 2).status == UNPAID
	partly = lead_money_summary([InvoiceRow(100, 40, FUTURE)], TODAY, 2)
	assert (partly.paid, partly.outstanding, partly.status) == (D(60), D(40), PARTLY_PAID)
	assert lead_money_summary([InvoiceRow(100, 0, PAST)], TODAY, 2).status == PAID
	late = lead_money_summary([InvoiceRow(100, 40, PAST), InvoiceRow(50, 50, FUTURE)], TODAY, 2)
	assert (late.invoiced, late.paid, late.outstanding, late.overdue, late.status) == (
		150,
		60,
		90,
		40,
		OVERDUE,
	)


def test_credit_note_applied_against_its_invoice():
	"""ERPNext lowers the original invoice's outstanding; the credit note itself owes nothing."""
	rows = [InvoiceRow(D("100.00"), D("70.00"), FUTURE), InvoiceRow(D("-30.00"), 0, FUTURE, is_return=True)]
	summary = lead_money_summary(rows, TODAY, 2)
	assert (summary.invoiced, summary.paid, summary.outstanding, summary.status) == (70, 0, 70, UNPAID)


def test_fully_returned_sale_is_not_invoiced():
	rows = [InvoiceRow(100, 0, PAST), InvoiceRow(-100, 0, PAST, is_return=True)]
	assert lead_money_summary(rows, TODAY, 2).status == NOT_INVOICED


def test_credit_note_sign_does_not_depend_on_the_caller():
	positive = lead_money_summary([InvoiceRow(100, 100), InvoiceRow(30, 30, is_return=True)], TODAY, 2)
	negative = lead_money_summary([InvoiceRow(100, 100), InvoiceRow(-30, -30, is_return=True)], TODAY, 2)
	assert positive == negative
	assert (positive.invoiced, positive.outstanding, positive.status) == (70, 70, UNPAID)


def test_unapplied_credit_settles_the_oldest_debt_first():
	rows = [InvoiceRow(100, 100, PAST), InvoiceRow(-60, -60, PAST, is_return=True)]
	summary = lead_money_summary(rows, TODAY, 2)
	assert (summary.outstanding, summary.overdue, summary.status) == (40, 40, OVERDUE)
	rows += [InvoiceRow(200, 0, PAST), InvoiceRow(-50, -50, PAST, is_return=True)]
	summary = lead_money_summary(rows, TODAY, 2)
	assert (summary.invoiced, summary.outstanding, summary.overdue, summary.status) == (190, -10, 0, PAID)


def test_credit_notes_exceeding_the_invoices_are_not_invoiced():
	rows = [InvoiceRow(100, 0, PAST), InvoiceRow(-110, -10, PAST, is_return=True)]
	summary = lead_money_summary(rows, TODAY, 2)
	assert (summary.invoiced, summary.paid, summary.outstanding) == (-10, 0, -10)
	assert summary.status == NOT_INVOICED


def test_totals_are_rounded_once_and_add_up():
	rows = [InvoiceRow(0.1, 0.1), InvoiceRow(0.2, 0.2), InvoiceRow(D("0.004"), 0)]
	summary = lead_money_summary(rows, TODAY, 2)
	assert summary.invoiced == D("0.30")
	assert summary.outstanding == D("0.30")
	assert summary.paid == D("0.00")
	assert summary.status == UNPAID


def test_dust_below_the_precision_is_not_overdue():
	summary = lead_money_summary([InvoiceRow(100, D("0.004"), PAST)], TODAY, 2)
	assert (summary.outstanding, summary.overdue, summary.status) == (0, 0, PAID)


# --- ageing ---------------------------------------------------------------------------------


def test_bucket_labels():
	assert ageing_bucket_labels() == ("0-30", "31-60", "61-90", "90+")
	assert ageing_bucket_labels((15, 45)) == ("0-15", "16-45", "45+")
	assert ageing_bucket_labels([7]) == ("0-7", "7+")


def test_ageing_buckets():
	def aged(days: int, amount) -> tuple[date, Decimal]:
		return (TODAY - timedelta(days=days), D(amount))

	rows = [aged(-10, 1), aged(0, 2), aged(30, 4), aged(31, 8), aged(60, 16), aged(61, 32), aged(90, 64)]
	rows += [aged(91, 128), aged(400, 256), aged(45, "-3.50")]
	assert ageing_buckets(rows, TODAY) == {
		"0-30": D(7),
		"31-60": D("20.50"),
		"61-90": D(96),
		"90+": D(384),
	}
	assert list(ageing_buckets([], TODAY)) == ["0-30", "31-60", "61-90", "90+"]
	assert ageing_buckets([aged(20, 5)], TODAY, (15, 45)) == {"0-15": 0, "16-45": 5, "45+": 0}


@pytest.mark.parametrize("edges", [(), (0,), (30, 30), (60, 30), (30.5,), (True,), (-5, 30)])
def test_bad_ageing_ranges_are_refused(edges):
	with pytest.raises(LogicError) as e:
		ageing_buckets([], TODAY, edges)
	assert e.value.field == "edges"


def test_row_without_date_is_refused():
	with pytest.raises(LogicError) as e:
		ageing_buckets([(None, 10)], TODAY)
	assert e.value.field == "due_date"


# --- receivables health ---------------------------------------------------------------------


def test_receivables_health():
	health = receivables_health(15, 100, 1)
	assert health.receivable_share == 15
	assert health.overdue_share == D(100) / D(15)
	assert (health.receivable_alert, health.overdue_alert, health.healthy) == (False, True, False)
	assert receivables_health(20, 100, 1).receivable_alert is False  # at the threshold: healthy
	assert receivables_health(D("20.01"), 100, 1).receivable_alert is True
	assert receivables_health(10, 100, D("0.5")).healthy
	assert receivables_health(30, 100, 3, receivable_threshold_pct=50, overdue_threshold_pct=15).healthy


def test_health_without_a_base_is_unknown_not_alarming():
	health = receivables_health(50, 0, 0)
	assert health.receivable_share is None and not health.receivable_alert
	health = receivables_health(0, 100, 0)
	assert health.receivable_share == 0 and health.overdue_share is None and health.healthy
	assert share_pct(5, -10) is None


@pytest.mark.parametrize("name", ["receivable_threshold_pct", "overdue_threshold_pct"])
def test_negative_threshold_is_refused(name):
	with pytest.raises(LogicError) as e:
		receivables_health(1, 2, 0, **{name: -1})
	assert e.value.field == name


@pytest.mark.parametrize(
	"outstanding,limit,expected",
	[(50, 200, D(25)), (300, 200, D(150)), (-10, 100, D(0)), (50, 0, None), (50, None, None)],
)
def test_credit_limit_use(outstanding, limit, expected):
	assert credit_limit_use(outstanding, limit) == expected


# --- properties -----------------------------------------------------------------------------

cents = st.decimals(min_value=-(10**9), max_value=10**9, places=2)
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=4)
days = st.dates(date(2024, 1, 1), date(2026, 12, 31))


@st.composite
def invoice_rows(draw):
	total = draw(st.decimals(min_value=0, max_value=10**7, places=3))
	owed = draw(st.decimals(min_value=0, max_value=total, places=3)) if total else D(0)
	is_return = draw(st.booleans())
	sign = -1 if is_return and draw(st.booleans()) else 1
	return InvoiceRow(sign * total, sign * owed, draw(st.none() | days), is_return)


rows_lists = st.lists(invoice_rows(), max_size=12)
edges_strategy = st.lists(st.integers(1, 400), min_size=1, max_size=6, unique=True).map(sorted)


@given(st.lists(st.tuples(days, amounts), max_size=40), days, edges_strategy)
def test_buckets_always_sum_to_the_total(rows, as_of, edges):
	buckets = ageing_buckets(rows, as_of, edges)
	assert list(buckets) == list(ageing_bucket_labels(edges))
	assert sum(buckets.values(), D(0)) == sum((amount for _, amount in rows), D(0))


@given(days, days, days, amounts.filter(bool), edges_strategy)
def test_an_older_amount_never_lands_in_a_younger_bucket(d1, d2, as_of, amount, edges):
	newer, older = max(d1, d2), min(d1, d2)
	labels = ageing_bucket_labels(edges)

	def bucket_of(d):
		buckets = ageing_buckets([(d, amount)], as_of, edges)
		return labels.index(next(label for label, value in buckets.items() if value))

	assert bucket_of(older) >= bucket_of(newer)


@given(rows_lists, days, st.integers(0, 3), st.randoms(use_true_random=False))
def test_summary_adds_up_and_does_not_depend_on_row_order(rows, today, precision, random):
	summary = lead_money_summary(rows, today, precision)
	assert summary.paid + summary.outstanding == summary.invoiced
	unit = D(1).scaleb(-precision)
	signed = [(to_decimal(r.grand_total), to_decimal(r.outstanding_amount), r.is_return) for r in rows]
	exact_invoiced = sum((-abs(total) if is_return else total for total, _, is_return in signed), D(0))
	exact_outstanding = sum((-abs(owed) if is_return else owed for _, owed, is_return in signed), D(0))
	assert abs(summary.invoiced - exact_invoiced) <= unit / 2
	assert abs(summary.outstanding - exact_outstanding) <= unit / 2
	assert abs(summary.paid - (exact_invoiced - exact_outstanding)) <= unit
	shuffled = list(rows)
	random.shuffle(shuffled)
	assert lead_money_summary(shuffled, today, precision) == summary


@given(rows_lists, days, st.integers(0, 3))
def test_status_is_a_function_of_the_amounts_and_dates(rows, today, precision):
	summary = lead_money_summary(rows, today, precision)
	overdue_dates = [
		r.due_date
		for r in rows
		if not r.is_return
		and r.due_date
		and r.due_date < today
		and round_amount(r.outstanding_amount, precision) > 0
	]
	expected = payment_status(summary.invoiced, summary.outstanding, min(overdue_dates, default=None), today)
	assert summary.status == expected
	assert summary.status in PAYMENT_STATUSES
	assert (summary.status == OVERDUE) == (summary.overdue > 0)
	assert D(0) <= summary.overdue <= max(summary.outstanding, D(0))


@given(cents, cents, st.none() | days, days, days)
def test_payment_status_properties(invoiced, outstanding, overdue_since, t1, t2):
	status = payment_status(invoiced, outstanding, overdue_since, t1)
	assert status == payment_status(invoiced, outstanding, overdue_since, t1)
	if outstanding > 0:
		assert status in (UNPAID, PARTLY_PAID, OVERDUE)
	else:
		assert status in (PAID, NOT_INVOICED)
	if status == OVERDUE and t2 >= t1:
		assert payment_status(invoiced, outstanding, overdue_since, t2) == OVERDUE


positive = st.decimals(min_value=D("0.01"), max_value=10**9, places=2)
thresholds = st.decimals(min_value=0, max_value=200, places=2)


@given(cents, cents, positive, cents, thresholds, thresholds)
def test_health_alerts_are_monotone(r1, r2, shipments, overdue, t1, t2):
	low, high = sorted((r1, r2))
	t_low, t_high = sorted((t1, t2))
	if receivables_health(low, shipments, 0, t_low).receivable_alert:
		assert receivables_health(high, shipments, 0, t_low).receivable_alert
	if receivables_health(low, shipments, 0, t_high).receivable_alert:
		assert receivables_health(low, shipments, 0, t_low).receivable_alert
	receivable = abs(r1)
	o_low, o_high = sorted((overdue, r2))
	if receivables_health(receivable, shipments, o_low, overdue_threshold_pct=t_low).overdue_alert:
		assert receivables_health(receivable, shipments, o_high, overdue_threshold_pct=t_low).overdue_alert
	if receivables_health(receivable, shipments, overdue, overdue_threshold_pct=t_high).overdue_alert:
		assert receivables_health(receivable, shipments, overdue, overdue_threshold_pct=t_low).overdue_alert


@given(cents, cents, cents)
def test_shares_are_none_exactly_without_a_base(receivable, shipments, overdue):
	health = receivables_health(receivable, shipments, overdue)
	assert (health.receivable_share is None) == (shipments <= 0)
	assert (health.overdue_share is None) == (receivable <= 0)
	if health.receivable_share is not None:
		assert health.receivable_alert == (health.receivable_share > 20)


@given(cents, cents, cents)
def test_credit_limit_use_is_monotone(o1, o2, limit):
	low, high = sorted((o1, o2))
	use_low, use_high = credit_limit_use(low, limit), credit_limit_use(high, limit)
	if limit <= 0:
		assert use_low is None and use_high is None
	else:
		assert D(0) <= use_low <= use_high


# --- instalments (payment schedule) ---------------------------------------------------------

EARLY, LATER = TODAY - timedelta(days=40), TODAY - timedelta(days=10)
THIRDS = ((EARLY, 100), (LATER, 100), (FUTURE, 100))


def test_a_due_instalment_makes_the_invoice_overdue_before_its_last_due_date():
	"""The issue's case: ERPNext said Overdue (first instalment past), the card said Unpaid."""
	row = InvoiceRow(300, 300, FUTURE, schedule=((EARLY, 150), (FUTURE, 150)))
	assert invoice_overdue(row, TODAY, 2) == (150, EARLY)
	summary = lead_money_summary([row], TODAY, 2)
	assert (summary.outstanding, summary.overdue, summary.status) == (300, 150, OVERDUE)


@pytest.mark.parametrize(
	"owed,expected",
	[
		(300, (200, EARLY)),  # nothing paid: the two instalments that fell due
		(250, (150, EARLY)),  # 50 paid: the rest of the first and all of the second
		(150, (50, LATER)),  # 150 paid: the first is settled, 50 of the second is late
		(100, (0, None)),  # everything due is paid; the third is not due yet
		(0, (0, None)),
	],
)
def test_payments_settle_the_earliest_instalments_first(owed, expected):
	assert invoice_overdue(InvoiceRow(300, owed, FUTURE, schedule=THIRDS), TODAY, 2) == expected


def test_an_instalment_is_not_late_on_its_due_date():
	row = InvoiceRow(100, 100, TODAY, schedule=((TODAY, 100),))
	assert invoice_overdue(row, TODAY, 2) == (0, None)
	assert invoice_overdue(row, TODAY + timedelta(days=1), 2) == (100, TODAY)


def test_credit_notes_and_dust_are_never_overdue():
	assert invoice_overdue(InvoiceRow(-100, -100, PAST, True, ((PAST, -100),)), TODAY, 2) == (0, None)
	assert invoice_overdue(InvoiceRow(100, D("0.004"), PAST, schedule=((PAST, 100),)), TODAY, 2) == (0, None)


def test_an_advance_deducted_from_the_schedule_is_not_counted_twice():
	"""ERPNext's schedule covers the total less advances and write-offs (``set_payment_schedule``):
	what the customer still owes on it is the outstanding amount, all of it late here."""
	row = InvoiceRow(1000, 700, FUTURE, schedule=((EARLY, 700),))
	assert invoice_overdue(row, TODAY, 2) == (700, EARLY)


cent_amounts = st.decimals(min_value=D("0.01"), max_value=10**6, places=2)


@st.composite
def scheduled_invoices(draw):
	"""An invoice whose schedule adds up to its total (ERPNext's default case), partly paid."""
	parts = draw(st.lists(st.tuples(days, cent_amounts), min_size=1, max_size=6))
	total = sum((amount for _, amount in parts), D(0))
	owed = draw(st.decimals(min_value=0, max_value=total, places=2))
	due_date = max(due for due, _ in parts)
	return InvoiceRow(total, owed, due_date, schedule=tuple(parts))


def erpnext_is_overdue(row: InvoiceRow, today: date) -> bool:
	"""``erpnext.accounts.doctype.sales_invoice.sales_invoice.is_overdue``, transcribed."""
	outstanding = to_decimal(row.outstanding_amount)
	if outstanding <= 0:
		return False
	if not row.schedule:
		return row.due_date < today
	payable = sum((to_decimal(amount) for due, amount in row.schedule if due < today), D(0))
	return (to_decimal(row.grand_total) - outstanding) < payable


@given(scheduled_invoices(), days)
def test_overdue_exactly_when_erpnext_says_overdue(row, today):
	late, since = invoice_overdue(row, today, 2)
	assert (late > 0) == erpnext_is_overdue(row, today)
	assert D(0) <= late <= to_decimal(row.outstanding_amount)
	assert (since is None) == (late == 0)
	if since is not None:
		assert since < today
		assert since in [due for due, _ in row.schedule]


@given(scheduled_invoices(), days)
def test_one_instalment_for_the_whole_total_is_the_invoice_due_date(row, today):
	whole = InvoiceRow(
		row.grand_total, row.outstanding_amount, row.due_date, schedule=((row.due_date, row.grand_total),)
	)
	plain = InvoiceRow(row.grand_total, row.outstanding_amount, row.due_date)
	assert invoice_overdue(whole, today, 2) == invoice_overdue(plain, today, 2)
	assert erpnext_is_overdue(plain, today) == erpnext_is_overdue(whole, today)


@given(scheduled_invoices(), days, days)
def test_overdue_grows_with_time_and_shrinks_with_payment(row, d1, d2):
	early, late_day = sorted((d1, d2))
	assert invoice_overdue(row, early, 2)[0] <= invoice_overdue(row, late_day, 2)[0]
	paid_more = InvoiceRow(row.grand_total, row.outstanding_amount / 2, row.due_date, schedule=row.schedule)
	assert invoice_overdue(paid_more, late_day, 3)[0] <= invoice_overdue(row, late_day, 3)[0]


@given(st.lists(scheduled_invoices(), max_size=6), days)
def test_card_overdue_is_the_sum_of_its_invoices(rows, today):
	summary = lead_money_summary(rows, today, 2)
	lates = sum((invoice_overdue(row, today, 2)[0] for row in rows), D(0))
	assert summary.overdue == min(round_amount(lates, 2), max(summary.outstanding, D(0)))
	assert (summary.status == OVERDUE) == any(erpnext_is_overdue(row, today) for row in rows)
