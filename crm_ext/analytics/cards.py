"""Number cards computed by the app (Number Card type "Custom")."""

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, getdate, nowdate

from crm_ext.logic.receivables import share_pct

RECEIVABLES_REPORT = "Receivables Health"
DEFAULT_PERIOD_DAYS = 90


@frappe.whitelist()
def receivables_overdue_share(filters: str | dict | None = None) -> dict:
	"""Overdue part of the company's receivables, in %: the totals of the Receivables Health report
	(same ledger, same rules), for whoever may run that report."""
	from crm_ext.crm_ext.report.receivables_health.receivables_health import execute

	if not frappe.get_doc("Report", RECEIVABLES_REPORT).is_permitted():
		frappe.throw(_("Not permitted to see receivables."), frappe.PermissionError)
	company = frappe.parse_json(filters or {}).get("company") or frappe.defaults.get_user_default("Company")
	if not company:
		return {"value": 0, "fieldtype": "Percent"}
	today = getdate(nowdate())
	period = (
		cint(frappe.db.get_single_value("CRM Ext Settings", "shipments_period_days")) or DEFAULT_PERIOD_DAYS
	)
	_columns, rows = execute(
		{"company": company, "report_date": today, "from_date": add_days(today, -period)}
	)
	receivable = sum(flt(r.receivable) for r in rows if flt(r.receivable) > 0)
	overdue = sum(flt(r.overdue) for r in rows if flt(r.receivable) > 0)
	share = share_pct(overdue, receivable)
	return {"value": flt(share or 0, 1), "fieldtype": "Percent"}


PLAN_REPORT = "Plan vs Fact"


@frappe.whitelist()
def plan_done_this_month(filters: str | dict | None = None) -> dict:
	"""% of this month's sales plan done: the Plan vs Fact report's team total for whoever sees every
	rep, the user's own row for a rep (same report, same row rule), for whoever may run it."""
	from crm_ext.crm_ext.report.plan_vs_fact.plan_vs_fact import execute

	if not frappe.get_doc("Report", PLAN_REPORT).is_permitted():
		frappe.throw(_("Not permitted to see sales plans."), frappe.PermissionError)
	company = frappe.parse_json(filters or {}).get("company") or frappe.defaults.get_user_default("Company")
	if not company:
		return {"value": 0, "fieldtype": "Percent"}
	_columns, data, *_rest = execute({"company": company, "period_type": "Month", "date": nowdate()})
	line = [row for row in data if row.get("is_total")] or data
	return {"value": flt(line[0]["percent"] or 0, 1) if line else 0, "fieldtype": "Percent"}
