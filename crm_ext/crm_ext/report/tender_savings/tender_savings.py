"""Tender Savings: what the awarded tenders saved against budget or the first offers.

Per tender awarded in the period (the time of its *Awarded* log entry): the awarded value
(awarded quantity x converted unit price, company currency), the budget of the awarded lines that
have one, and the savings the award stored on the tender (``crm_ext.logic.tender.award.savings``:
against the line budget, or else the lowest first-round offer). Savings % is of the baseline
(awarded value + savings), exact when every awarded line had a budget or a first offer.

Two grouped queries (award lines per tender; the tenders with their award time); a bar chart of
savings by month of award and a summary.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Max, Sum
from frappe.utils import flt
from pypika.terms import Case

from crm_ext.analytics.filters import as_filters, month_label, period_criteria, where_all
from crm_ext.logic.analytics import percent

Tender = DocType("Tender")
Award = DocType("Tender Award Line")
Line = DocType("Tender Item")
Log = DocType("Tender Log")


def execute(filters=None):
	filters = as_filters(filters)
	tenders = awarded_tenders(filters)
	lines = award_values([t.name for t in tenders])
	data = []
	for tender in tenders:
		values = lines.get(tender.name) or frappe._dict()
		awarded = flt(values.awarded, 2)
		savings = flt(tender.savings, 2)
		data.append(
			{
				"tender": tender.name,
				"title": tender.title,
				"company": tender.company,
				"mode": tender.mode,
				"awarded_on": tender.awarded_on,
				"suppliers": int(values.suppliers or 0),
				"lines": int(values.lines or 0),
				"budget": flt(values.budget, 2) or None,
				"awarded": awarded,
				"savings": savings,
				"savings_percent": percent(savings, awarded + savings),
				"currency": frappe.get_cached_value("Company", tender.company, "default_currency"),
			}
		)
	return columns(), data, None, chart(data), summary(data)


def awarded_tenders(filters) -> list:
	"""Awarded tenders with the time of their award, in the period, oldest first."""
	awarded_on = (
		frappe.qb.from_(Log)
		.select(Log.tender, Max(Log.logged_at).as_("awarded_on"))
		.where(Log.event == "Awarded")
		.groupby(Log.tender)
	).as_("award")
	query = (
		frappe.qb.from_(Tender)
		.join(awarded_on)
		.on(awarded_on.tender == Tender.name)
		.select(Tender.name, Tender.title, Tender.company, Tender.mode, Tender.savings, awarded_on.awarded_on)
		.where(Tender.status == "Awarded")
		.orderby(awarded_on.awarded_on)
	)
	if filters.get("company"):
		query = query.where(Tender.company == filters.company)
	query = where_all(query, period_criteria(awarded_on.awarded_on, filters))
	return query.run(as_dict=True)


def award_values(tenders: list[str]) -> dict:
	"""{tender: suppliers, lines, awarded value, budget of the awarded lines that have one}."""
	if not tenders:
		return {}
	budget = Line.budget_unit_price * Award.qty
	query = (
		frappe.qb.from_(Award)
		.left_join(Line)
		.on((Line.name == Award.tender_item) & (Line.parent == Award.parent))
		.select(
			Award.parent.as_("tender"),
			Count(Award.supplier).distinct().as_("suppliers"),
			Count("*").as_("lines"),
			Sum(Award.converted_unit_price * Award.qty).as_("awarded"),
			Sum(Case().when(Line.budget_unit_price > 0, budget).else_(0)).as_("budget"),
		)
		.where(Award.parenttype == "Tender")
		.where(Award.parent.isin(tenders))
		.groupby(Award.parent)
	)
	return {row.tender: row for row in query.run(as_dict=True)}


def columns() -> list[dict]:
	def money(fieldname: str, label: str) -> dict:
		return {
			"fieldname": fieldname,
			"label": label,
			"fieldtype": "Currency",
			"options": "currency",
			"width": 130,
		}

	return [
		{"fieldname": "tender", "label": _("Tender"), "fieldtype": "Link", "options": "Tender", "width": 150},
		{"fieldname": "title", "label": _("Title"), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "company",
			"label": _("Company"),
			"fieldtype": "Link",
			"options": "Company",
			"hidden": 1,
		},
		{"fieldname": "mode", "label": _("Mode"), "fieldtype": "Data", "width": 110},
		{"fieldname": "awarded_on", "label": _("Awarded On"), "fieldtype": "Datetime", "width": 150},
		{"fieldname": "suppliers", "label": _("Suppliers"), "fieldtype": "Int", "width": 80},
		{"fieldname": "lines", "label": _("Lines"), "fieldtype": "Int", "width": 70},
		money("budget", _("Budget (Awarded Lines)")),
		money("awarded", _("Awarded Value")),
		money("savings", _("Savings")),
		{"fieldname": "savings_percent", "label": _("Savings %"), "fieldtype": "Percent", "width": 90},
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
	by_month: dict[str, float] = {}
	for row in data:
		month = row["awarded_on"].strftime("%Y-%m")
		by_month[month] = by_month.get(month, 0) + row["savings"]
	months = sorted(by_month)
	return {
		"data": {
			"labels": [month_label(m) for m in months],
			"datasets": [{"name": _("Savings"), "values": [flt(by_month[m], 2) for m in months]}],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def summary(data: list[dict]) -> list[dict]:
	currencies = {row["currency"] for row in data}
	if len(currencies) != 1:
		return []  # no total across company currencies
	currency = currencies.pop()
	awarded = sum(row["awarded"] for row in data)
	savings = sum(row["savings"] for row in data)
	return [
		{"value": len(data), "label": _("Tenders Awarded"), "datatype": "Int"},
		{"value": flt(awarded, 2), "label": _("Awarded Value"), "datatype": "Currency", "currency": currency},
		{
			"value": flt(savings, 2),
			"label": _("Savings"),
			"datatype": "Currency",
			"currency": currency,
			"indicator": "Green" if savings >= 0 else "Red",
		},
		{"value": percent(savings, awarded + savings), "label": _("Savings %"), "datatype": "Percent"},
	]
