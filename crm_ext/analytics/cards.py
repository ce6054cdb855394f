"""Number cards computed by the app (Number Card type "Custom")."""

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, getdate, nowdate

from crm_ext.logic.receivables import share_pct

RECEIVABLES_REPORT = "Receivables Health"
RECEIVABLES_CARD = "Receivables Overdue"
DEFAULT_PERIOD_DAYS = 90


def may_see_receivables(user: str | None = None) -> bool:
	"""Whoever may run the Receivables Health report (its roles)."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	roles = set(frappe.get_roles(user))
	allowed = frappe.get_all(
		"Has Role", filters={"parent": RECEIVABLES_REPORT, "parenttype": "Report"}, pluck="role"
	)
	return bool(roles & set(allowed))


def number_card_has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""``has_permission`` of Number Card: the app's receivables card is for whoever may run the report
	it totals. The card names Customer (the report's doctype) as its document type so that Frappe's own
	check lets those people see it (Frappe checks a method card against its document type); a rep,
	who reads customers but not the report, is refused here. Every other card: Frappe decides."""
	from crm_ext.access import no_objection

	if doc.name == RECEIVABLES_CARD and not may_see_receivables(user):
		return False
	return no_objection()


@frappe.whitelist()
@frappe.read_only()
def receivables_overdue_share(filters: str | dict | None = None) -> dict:
	"""Overdue part of the company's receivables, in %: the totals of the Receivables Health report
	(same ledger, same rules), for whoever may run that report."""
	from crm_ext.crm_ext.report.receivables_health.receivables_health import execute

	if not may_see_receivables():
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
