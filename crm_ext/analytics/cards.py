"""Number cards computed by the app (Number Card type "Custom")."""

import frappe
from frappe import _
from frappe.query_builder.terms import NamedParameterWrapper
from frappe.utils import flt, getdate, nowdate

from crm_ext.logic.receivables import share_pct

RECEIVABLES_REPORT = "Receivables Health"
RECEIVABLES_CARD = "Receivables Overdue"


# the app's method cards -> the report whose numbers each shows: the card is for whoever may run it
FORECAST_REPORT = "Revenue Forecast"
CARD_REPORTS = {
	RECEIVABLES_CARD: RECEIVABLES_REPORT,
	"Plan Done This Month": "Plan vs Fact",
	"Weighted Pipeline": FORECAST_REPORT,
}


def may_run_report(report: str, user: str | None = None) -> bool:
	"""Whether ``user`` has one of the roles of ``report``."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	roles = set(frappe.get_roles(user))
	allowed = frappe.get_all("Has Role", filters={"parent": report, "parenttype": "Report"}, pluck="role")
	return bool(roles & set(allowed))


def may_see_receivables(user: str | None = None) -> bool:
	"""Whoever may run the Receivables Health report (its roles)."""
	return may_run_report(RECEIVABLES_REPORT, user)


def number_card_has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""``has_permission`` of Number Card: the app's method cards are for whoever may run the report
	they total. Each names its report's doctype as its document type so that Frappe's own check (a
	method card is judged on its document type) lets those people see it; someone who reads that
	doctype but may not run the report (a rep and the receivables) is refused here. Every other
	card: Frappe decides."""
	from crm_ext.access import no_objection

	report = CARD_REPORTS.get(doc.name)
	if report and not may_run_report(report, user):
		return False
	return no_objection()


@frappe.whitelist()
@frappe.read_only()
def receivables_overdue_share(filters: str | dict | None = None) -> dict:
	"""Overdue part of the company's receivables, in %: the totals of the Receivables Health report
	(same ledger query, same rules: customers with a positive balance, each one's overdue at most
	its balance, amounts at the money precision), for whoever may run that report. Only the two
	totals are computed (the report's shipments, credit limits, orders and reps are not needed)."""
	from crm_ext.accounts.money import money_precision
	from crm_ext.accounts.receivables import receivables_query
	from crm_ext.analytics.filters import check_company

	if not may_see_receivables():
		frappe.throw(_("Not permitted to see receivables."), frappe.PermissionError)
	company = frappe.parse_json(filters or {}).get("company") or frappe.defaults.get_user_default("Company")
	if not company:
		return {"value": 0, "fieldtype": "Percent"}
	check_company(company)
	params = NamedParameterWrapper()
	per_customer = receivables_query(company, getdate(nowdate())).get_sql(param_wrapper=params)
	precision = int(money_precision())
	receivable, overdue = frappe.db.sql(
		f"""select sum(x.receivable), sum(least(x.overdue, x.receivable))
		from (select round(c.receivable, {precision}) receivable, round(c.overdue, {precision}) overdue
			from ({per_customer}) c) x
		where x.receivable > 0""",
		params.get_parameters(),
	)[0]
	share = share_pct(overdue or 0, receivable or 0)
	return {"value": flt(share or 0, 1), "fieldtype": "Percent"}


@frappe.whitelist()
@frappe.read_only()
def weighted_pipeline(filters: str | dict | None = None) -> dict:
	"""The Revenue Forecast's Weighted Pipeline over its twelve months (open cards' expected amount x
	stage probability, company currency, the user's cards), for whoever may run that report: one
	grouped query instead of the whole report with its months and invoices."""
	from crm_ext.analytics.filters import check_company
	from crm_ext.crm_ext.report.revenue_forecast.revenue_forecast import weighted_pipeline_total

	if not may_run_report(FORECAST_REPORT):
		frappe.throw(_("Not permitted to see the revenue forecast."), frappe.PermissionError)
	company = frappe.parse_json(filters or {}).get("company") or frappe.defaults.get_user_default("Company")
	if not company:
		return {"value": 0, "fieldtype": "Currency"}
	check_company(company)
	return {"value": weighted_pipeline_total(company), "fieldtype": "Currency"}


PLAN_REPORT = "Plan vs Fact"


@frappe.whitelist()
def plan_done_this_month(filters: str | dict | None = None) -> dict:
	"""% of this month's sales plan done: the Plan vs Fact report's team total for whoever sees every
	rep, the user's own row for a rep (same report, same row rule), for whoever may run it."""
	from crm_ext.crm_ext.report.plan_vs_fact.plan_vs_fact import execute

	if not may_run_report(PLAN_REPORT):
		frappe.throw(_("Not permitted to see sales plans."), frappe.PermissionError)
	company = frappe.parse_json(filters or {}).get("company") or frappe.defaults.get_user_default("Company")
	if not company:
		return {"value": 0, "fieldtype": "Percent"}
	_columns, data, *_rest = execute({"company": company, "period_type": "Month", "date": nowdate()})
	line = [row for row in data if row.get("is_total")] or data
	return {"value": flt(line[0]["percent"] or 0, 1) if line else 0, "fieldtype": "Percent"}
