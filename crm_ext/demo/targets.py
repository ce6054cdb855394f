"""The reps' sales plans of the demo: one plan per rep for this month, set by the head of sales
somewhat above what the rep invoiced in an average month of the last quarter, so that Plan vs Fact
and the "Plan Done This Month" card show reps ahead of and behind their plan."""

import frappe
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, flt, get_first_day, nowdate

from crm_ext.demo.base import acting_as, company
from crm_ext.demo.people import HEAD_OF_SALES

FLOOR = 10000  # a rep without invoices yet still gets a plan
STRETCH = (1.1, 1.5, 0.8)  # by rep, in turn: a little above, far above, below the recent average


def monthly_average(rep: str, since) -> float:
	invoice, lead = frappe.qb.DocType("Sales Invoice"), frappe.qb.DocType("Sales Lead")
	total = (
		frappe.qb.from_(invoice)
		.join(lead)
		.on(lead.name == invoice.sales_lead)
		.select(Sum(invoice.base_net_total))
		.where((invoice.docstatus == 1) & (invoice.posting_date >= since) & (lead.lead_owner == rep))
		.where(invoice.company == company())
		.run()
	)[0][0]
	return flt(total) / 3


def ensure_plans(reps: list[str]) -> int:
	"""A month plan for each rep without one this month; returns how many were made."""
	month, made = get_first_day(nowdate()), 0
	since = add_days(month, -90)
	with acting_as(HEAD_OF_SALES):
		for index, rep in enumerate(reps):
			plan = {"sales_rep": rep, "company": company(), "period_type": "Month", "period_start": month}
			if frappe.db.exists("Sales Plan", plan):
				continue
			amount = max(FLOOR, monthly_average(rep, since) * STRETCH[index % len(STRETCH)])
			frappe.get_doc({"doctype": "Sales Plan", **plan, "plan_amount": round(amount, -3)}).insert()
			made += 1
	return made
