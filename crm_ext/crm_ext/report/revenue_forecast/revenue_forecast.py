"""Revenue Forecast: what money is coming, by month.

- Open cards: expected amount x the probability of the card's stage, by expected close month.
- Invoiced, unpaid: outstanding amounts of submitted Sales Invoices, by due date, for the
  customers of the cards in scope (all the company's customers when no card filter is set and
  the user sees every card).
- Coverage: open pipeline and expected money against a target, when one is given.

Everything is in company currency. SQL returns one row per (month, currency, probability) and
per (month, party account currency); :func:`crm_ext.logic.analytics.forecast` weighs and sums.
Months before the period are shown together as "Overdue", cards without a close date last.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_months, flt, get_first_day, get_last_day, getdate, nowdate
from pypika.terms import LiteralValue

from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import (
	Lead,
	YearMonth,
	as_filters,
	customers_in_scope,
	lead_criteria,
	month_key,
	month_label,
	where_all,
)
from crm_ext.logic.analytics import BEFORE_PERIOD, NO_DATE, ForecastLine, coverage, forecast, month_bucket

Stage = DocType("Pipeline Stage")
Invoice = DocType("Sales Invoice")


@frappe.read_only()
@readable_links
def execute(filters=None):
	filters = as_filters(filters)
	company = filters.get("company") or frappe.defaults.get_user_default("Company")
	if not company:
		frappe.throw(_("Choose a Company in the filters."), title=_("Company Missing"))
	filters.company = company
	currency = frappe.get_cached_value("Company", company, "default_currency")
	from_date, to_date = forecast_period(filters)
	first_month = from_date.strftime("%Y-%m")

	pipeline_lines, cards, skipped = open_pipeline(filters, to_date, first_month, currency)
	unpaid_lines = invoiced_unpaid(filters, to_date, first_month, currency)
	buckets = forecast(pipeline_lines, unpaid_lines)

	precision = frappe.get_precision("Sales Lead", "expected_amount") or 2
	data, running = [], 0
	for key, bucket in buckets.items():
		running += bucket.expected
		data.append(
			{
				"month": key,
				"period": bucket_label(key),
				"cards": cards.get(key, 0),
				"pipeline": flt(bucket.pipeline, precision),
				"weighted": flt(bucket.weighted, precision),
				"invoiced_unpaid": flt(bucket.invoiced_unpaid, precision),
				"expected": flt(bucket.expected, precision),
				"cumulative": flt(running, precision),
				"currency": currency,
			}
		)
	message = None
	if skipped:
		message = _("{0} open cards in currencies without an exchange rate to {1} are left out: {2}.").format(
			sum(skipped.values()), currency, ", ".join(sorted(skipped))
		)
	return columns(), data, message, chart(data), summary(data, filters.get("target"), currency, precision)


def forecast_period(filters) -> tuple:
	"""The first day of the from_date's month (default: this month) and the to_date (default: the
	last day of the twelfth month)."""
	from_date = getdate(get_first_day(filters.get("from_date") or nowdate()))
	to_date = getdate(filters.get("to_date") or get_last_day(add_months(from_date, 11)))
	return from_date, to_date


def weighted_pipeline_total(company: str) -> float:
	"""The report's Weighted Pipeline total for the company over its default twelve months, as the
	current user sees it (their cards' row rule), without the months and the invoices."""
	filters = frappe._dict(company=company)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	_from_date, to_date = forecast_period(filters)
	lines, _cards, _skipped = open_pipeline(filters, to_date, "", currency, by_month=False)
	precision = frappe.get_precision("Sales Lead", "expected_amount") or 2
	return flt(sum((b.weighted for b in forecast(lines).values()), 0), precision)


def open_pipeline(filters, to_date, first_month: str, currency: str, by_month: bool = True):
	"""ForecastLines and card counts per bucket of the open cards closing up to ``to_date`` (or
	without a close date), and the cards left out for want of an exchange rate per currency.
	``by_month=False``: one bucket (the totals of the Weighted Pipeline card)."""
	month = YearMonth(Lead.expected_close_date)
	query = (
		frappe.qb.from_(Lead)
		.join(Stage)
		.on(Stage.name == Lead.stage)
		.select(
			(month if by_month else LiteralValue("NULL")).as_("month"),
			Lead.currency,
			Stage.probability,
			Sum(Lead.expected_amount).as_("amount"),
			Count("*").as_("cards"),
		)
		.where(Lead.stage_kind == "Open")
		.where(Lead.expected_close_date.isnull() | (Lead.expected_close_date <= to_date))
		.groupby(*([month] if by_month else []), Lead.currency, Stage.probability)
	)
	query = where_all(query, lead_criteria(filters, period_field=None))
	rates, skipped, lines, cards = {}, {}, [], {}
	for row in query.run(as_dict=True):
		rate = exchange_rate(row.currency or currency, currency, rates)
		if not rate:
			skipped[row.currency] = skipped.get(row.currency, 0) + row.cards
			continue
		bucket = month_bucket(month_key(row.month), first_month)
		lines.append(ForecastLine(bucket, row.amount or 0, row.probability or 0, rate))
		cards[bucket] = cards.get(bucket, 0) + row.cards
	return lines, cards, skipped


def invoiced_unpaid(filters, to_date, first_month: str, currency: str) -> list[ForecastLine]:
	"""ForecastLines of the outstanding amounts of submitted Sales Invoices due up to ``to_date``."""
	month = YearMonth(Invoice.due_date)
	query = (
		frappe.qb.from_(Invoice)
		.select(
			month.as_("month"),
			Invoice.party_account_currency,
			Sum(Invoice.outstanding_amount).as_("outstanding"),
			Sum(Invoice.outstanding_amount * Invoice.conversion_rate).as_("outstanding_converted"),
		)
		.where(Invoice.docstatus == 1)
		.where(Invoice.company == filters.company)
		.where(Invoice.outstanding_amount != 0)
		.where(Invoice.due_date <= to_date)
		.groupby(month, Invoice.party_account_currency)
	)
	query = where_all(query, customers_in_scope(filters, Invoice.customer))
	lines = []
	for row in query.run(as_dict=True):
		same = (row.party_account_currency or currency) == currency
		amount = row.outstanding if same else row.outstanding_converted
		lines.append(ForecastLine(month_bucket(month_key(row.month), first_month), amount or 0))
	return lines


def exchange_rate(from_currency: str, to_currency: str, cache: dict) -> float:
	if from_currency == to_currency:
		return 1
	if from_currency not in cache:
		from erpnext.setup.utils import get_exchange_rate

		cache[from_currency] = flt(get_exchange_rate(from_currency, to_currency, nowdate()))
	return cache[from_currency]


def bucket_label(key: str) -> str:
	if key == BEFORE_PERIOD:
		return _("Overdue")
	if key == NO_DATE:
		return _("No Close Date")
	return month_label(key)


def columns() -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency", "width": 140}
	return [
		{"fieldname": "period", "label": _("Month"), "fieldtype": "Data", "width": 120},
		{"fieldname": "cards", "label": _("Open Cards"), "fieldtype": "Int", "width": 100},
		{"fieldname": "pipeline", "label": _("Open Pipeline"), **money},
		{"fieldname": "weighted", "label": _("Weighted Pipeline"), **money},
		{"fieldname": "invoiced_unpaid", "label": _("Invoiced, Unpaid"), **money},
		{"fieldname": "expected", "label": _("Expected"), **money},
		{"fieldname": "cumulative", "label": _("Cumulative Expected"), **money},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]


def chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [row["period"] for row in data],
			"datasets": [
				{"name": _("Weighted Pipeline"), "values": [row["weighted"] for row in data]},
				{"name": _("Invoiced, Unpaid"), "values": [row["invoiced_unpaid"] for row in data]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"fieldtype": "Currency",
	}


def summary(data: list[dict], target, currency: str, precision: int) -> list[dict]:
	pipeline = flt(sum(row["pipeline"] for row in data), precision)
	expected = flt(sum(row["expected"] for row in data), precision)
	cards = [
		{"value": pipeline, "label": _("Open Pipeline"), "datatype": "Currency", "currency": currency},
		{
			"value": flt(sum(row["weighted"] for row in data), precision),
			"label": _("Weighted Pipeline"),
			"datatype": "Currency",
			"currency": currency,
		},
		{
			"value": flt(sum(row["invoiced_unpaid"] for row in data), precision),
			"label": _("Invoiced, Unpaid"),
			"datatype": "Currency",
			"currency": currency,
		},
		{
			"value": expected,
			"label": _("Expected"),
			"datatype": "Currency",
			"currency": currency,
			"indicator": "Blue",
		},
	]
	if flt(target) > 0:
		pipeline_coverage, expected_coverage = coverage(pipeline, target), coverage(expected, target)
		cards += [
			{
				"value": flt(target, precision),
				"label": _("Target"),
				"datatype": "Currency",
				"currency": currency,
			},
			{
				"value": pipeline_coverage,
				"label": _("Pipeline Coverage %"),
				"datatype": "Percent",
				"indicator": "Green" if pipeline_coverage >= 100 else "Red",
			},
			{
				"value": expected_coverage,
				"label": _("Expected vs Target %"),
				"datatype": "Percent",
				"indicator": "Green" if expected_coverage >= 100 else "Orange",
			},
		]
	return cards
