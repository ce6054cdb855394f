# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

"""Receivables Health: per customer or per rep, the receivable balance, the period's shipments,
receivable ÷ shipments, overdue ÷ receivable (flagged above the CRM Ext Settings thresholds),
ageing buckets by due date and the ERPNext credit limit with its use.

Per customer, the rep shown is the Responsible of the customer's latest Sales Lead. Per rep, each
invoice (its balance, ageing, payments and credit notes, its shipment) and each open order counts
for the Responsible of the card it belongs to (``sales_lead``); what belongs to no card (an invoice
made without one, a payment not allocated to an invoice) and the customer's credit limit count for
the customer's rep.

All amounts come from SQL aggregation (company currency): one pass over the Payment Ledger
(the ledger ERPNext's Accounts Receivable report reads; each row ages with the invoice it
settles), one over
submitted Sales Invoices for shipments, one over unbilled Sales Orders for the credit exposure,
and the credit limits. Rows not yet due age in the first bucket, so the buckets add up to the
receivable (ERPNext's report leaves them out of its buckets).
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum
from frappe.utils import flt, getdate
from pypika.enums import Order

from crm_ext.accounts.money import money_precision
from crm_ext.accounts.receivables import receivables_query, shipments_query, thresholds
from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import check_company
from crm_ext.logic.errors import LogicError
from crm_ext.logic.receivables import (
	DEFAULT_AGEING_EDGES,
	ageing_bucket_labels,
	credit_limit_use,
	receivables_health,
)
from crm_ext.utils import throw

BUCKET_FIELDS = ("range1", "range2", "range3", "range4")
AMOUNT_FIELDS = ("receivable", "shipments", "overdue", *BUCKET_FIELDS, "credit_limit", "credit_exposure")


@frappe.read_only()
@readable_links
def execute(filters=None):
	filters = frappe._dict(filters or {})
	validate_filters(filters)
	if filters.group_by == "Sales Rep":
		rows = rep_rows(card_rep_rows(filters))
	else:
		rows = customer_rows(filters)
	add_ratios(rows)
	currency = frappe.get_cached_value("Company", filters.company, "default_currency")
	for row in rows:
		row.currency = currency
	if filters.only_flagged:
		rows = [r for r in rows if r.receivable_alert or r.overdue_alert or flt(r.credit_use) > 100]
	return columns(filters), rows


def validate_filters(filters):
	if not filters.company:
		frappe.throw(_("Choose a Company."), title=_("Company Missing"))
	check_company(filters.company)
	filters.report_date = getdate(filters.report_date)
	filters.from_date = getdate(filters.from_date) if filters.from_date else None
	if not filters.from_date or filters.from_date > filters.report_date:
		frappe.throw(_("Shipments From must be a date on or before As On Date."), title=_("Invalid Period"))


def customer_rows(filters) -> list:
	customers = [filters.customer] if filters.customer else None
	as_of = filters.report_date
	balances = receivables_query(filters.company, as_of, customers).run(as_dict=True)
	rows = {r.customer: r for r in balances}
	for customer, shipments in shipments_query(filters.company, filters.from_date, as_of, customers).run():
		rows.setdefault(customer, frappe._dict(customer=customer)).shipments = shipments
	if not rows:
		return []
	limits = credit_limits(filters.company, list(rows))
	unbilled = unbilled_orders(filters.company, list(rows))
	reps = customer_reps(list(rows))
	precision = money_precision()
	result = []
	for customer, row in rows.items():
		row.sales_rep = reps.get(customer)
		if filters.sales_rep and row.sales_rep != filters.sales_rep:
			continue
		for field in AMOUNT_FIELDS:
			row[field] = flt(row.get(field), precision)
		row.overdue = min(row.overdue, max(row.receivable, 0))
		row.credit_limit = flt(limits.get(customer), precision)
		row.credit_exposure = flt(row.receivable + flt(unbilled.get(customer)), precision)
		result.append(row)
	return sorted(result, key=lambda r: -r.receivable)


def credit_limits(company: str, customers: list[str]) -> dict:
	"""ERPNext's credit limit (``get_credit_limit``) of each customer for the company: the
	customer's own, else its group's (unless the group bypasses the check), else the company's.
	Limits are few: all of the company's are read at once (no long IN lists)."""
	ccl = DocType("Customer Credit Limit")
	cust = DocType("Customer")
	own, group_limits = {}, {}
	for parenttype, parent, limit, bypass in (
		frappe.qb.from_(ccl)
		.select(ccl.parenttype, ccl.parent, ccl.credit_limit, ccl.bypass_credit_limit_check)
		.where((ccl.company == company) & ccl.parenttype.isin(["Customer", "Customer Group"]))
		.run()
	):
		if parenttype == "Customer":
			own[parent] = limit
		elif not bypass:
			group_limits[parent] = limit
	groups = {}
	if group_limits:
		query = frappe.qb.from_(cust).select(cust.name, cust.customer_group)
		if len(customers) <= 100:
			query = query.where(cust.name.isin(customers))
		groups = dict(query.run())
	company_limit = flt(frappe.get_cached_value("Company", company, "credit_limit"))
	return {c: flt(own.get(c)) or flt(group_limits.get(groups.get(c))) or company_limit for c in customers}


def unbilled_orders(company: str, customers: list[str]) -> dict:
	"""Unbilled part of submitted, open Sales Orders per customer (as ERPNext's credit check)."""
	so = DocType("Sales Order")
	return dict(
		frappe.qb.from_(so)
		.select(so.customer, Sum(so.base_grand_total * (100 - so.per_billed) / 100))
		.where(
			(so.company == company)
			& (so.docstatus == 1)
			& (so.per_billed < 100)
			& (so.status != "Closed")
			& so.customer.isin(customers)
		)
		.groupby(so.customer)
		.run()
	)


def customer_reps(customers: list[str]) -> dict:
	"""The Responsible of each customer's most recent Sales Lead: per customer, the latest card with
	a Responsible, read from the end of the customer's cards on ``customer_creation_index`` (a few
	index reads per customer however many old cards it has)."""
	if not customers:
		return {}
	lead, customer = DocType("Sales Lead"), DocType("Customer")
	latest = (
		frappe.qb.from_(lead)
		.select(lead.lead_owner)
		.where((lead.customer == customer.name) & lead.lead_owner.isnotnull())
		.orderby(lead.creation, order=Order.desc)
		.orderby(lead.name, order=Order.desc)
		.limit(1)
	)
	query = (
		frappe.qb.from_(customer)
		.select(customer.name, latest.as_("rep"))
		.where(customer.name.isin(customers))
	)
	return {name: rep for name, rep in query.run() if rep}


def card_rep_rows(filters) -> list:
	"""Rows per (customer, rep): each invoice's and open order's amounts credited to the Responsible
	of its card, the rest (and the credit limit) to the customer's rep."""
	lead = DocType("Sales Lead")
	si = DocType("Sales Invoice")
	customers = [filters.customer] if filters.customer else None
	parts: dict = {}

	def part(customer: str, rep: str | None):
		return parts.setdefault((customer, rep), frappe._dict(customer=customer))

	balances = (
		receivables_query(filters.company, filters.report_date, customers)
		.left_join(lead)
		.on(lead.name == si.sales_lead)
		.select(lead.lead_owner.as_("card_rep"))
		.groupby(lead.lead_owner)
	)
	for row in balances.run(as_dict=True):
		target = part(row.customer, row.card_rep)
		for field in ("receivable", "overdue", *BUCKET_FIELDS):
			target[field] = flt(target.get(field)) + flt(row.get(field))
	shipments = (
		shipments_query(filters.company, filters.from_date, filters.report_date, customers)
		.left_join(lead)
		.on(lead.name == si.sales_lead)
		.select(lead.lead_owner.as_("card_rep"))
		.groupby(lead.lead_owner)
	)
	for row in shipments.run(as_dict=True):
		target = part(row.customer, row.card_rep)
		target.shipments = flt(target.get("shipments")) + flt(row.shipments)
	for customer, rep, amount in unbilled_orders_by_card(filters.company, customers):
		target = part(customer, rep)
		target.unbilled = flt(target.get("unbilled")) + flt(amount)
	if not parts:
		return []
	all_customers = sorted({customer for customer, _rep in parts})
	customer_rep = customer_reps(all_customers)
	limits = credit_limits(filters.company, all_customers)
	precision = money_precision()
	rows: dict = {}
	for (customer, card_rep), values in parts.items():
		rep = card_rep or customer_rep.get(customer)
		row = rows.setdefault((customer, rep), frappe._dict(customer=customer, sales_rep=rep))
		for field in (*AMOUNT_FIELDS, "unbilled"):
			row[field] = flt(row.get(field)) + flt(values.get(field))
	for customer in all_customers:
		rep = customer_rep.get(customer)
		row = rows.setdefault((customer, rep), frappe._dict(customer=customer, sales_rep=rep))
		row.credit_limit = flt(limits.get(customer))
	result = []
	for row in rows.values():
		if filters.sales_rep and row.sales_rep != filters.sales_rep:
			continue
		for field in AMOUNT_FIELDS:
			row[field] = flt(row.get(field), precision)
		row.overdue = min(row.overdue, max(row.receivable, 0))
		row.credit_exposure = flt(row.receivable + row.pop("unbilled", 0), precision)
		result.append(row)
	return result


def unbilled_orders_by_card(company: str, customers: list[str] | None) -> list[tuple]:
	"""(customer, Responsible of the order's card, unbilled part) of submitted, open Sales Orders."""
	so = DocType("Sales Order")
	lead = DocType("Sales Lead")
	query = (
		frappe.qb.from_(so)
		.left_join(lead)
		.on(lead.name == so.sales_lead)
		.select(so.customer, lead.lead_owner, Sum(so.base_grand_total * (100 - so.per_billed) / 100))
		.where(
			(so.company == company) & (so.docstatus == 1) & (so.per_billed < 100) & (so.status != "Closed")
		)
		.groupby(so.customer, lead.lead_owner)
	)
	if customers is not None:
		query = query.where(so.customer.isin(customers))
	return query.run()


def rep_rows(rows: list) -> list:
	by_rep: dict = {}
	for row in rows:
		rep = row.sales_rep or ""
		total = by_rep.setdefault(rep, frappe._dict(sales_rep=rep, customers=0))
		total.customers += 1
		for field in AMOUNT_FIELDS:
			total[field] = flt(total.get(field)) + flt(row.get(field))
	return sorted(by_rep.values(), key=lambda r: -r.receivable)


def add_ratios(rows: list):
	receivable_pct, overdue_pct = thresholds()
	for row in rows:
		try:
			health = receivables_health(
				row.receivable, row.shipments, row.overdue, receivable_pct, overdue_pct
			)
		except LogicError as e:
			throw(e)
		row.receivable_share = (
			flt(health.receivable_share, 2) if health.receivable_share is not None else None
		)
		row.overdue_share = flt(health.overdue_share, 2) if health.overdue_share is not None else None
		row.receivable_alert = int(health.receivable_alert)
		row.overdue_alert = int(health.overdue_alert)
		use = credit_limit_use(row.credit_exposure, row.credit_limit)
		row.credit_use = flt(use, 2) if use is not None else None


def columns(filters) -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency", "width": 130}
	if filters.group_by == "Sales Rep":
		head = [
			{
				"label": _("Sales Rep"),
				"fieldname": "sales_rep",
				"fieldtype": "Link",
				"options": "User",
				"width": 180,
			},
			{"label": _("Customers"), "fieldname": "customers", "fieldtype": "Int", "width": 90},
		]
	else:
		head = [
			{
				"label": _("Customer"),
				"fieldname": "customer",
				"fieldtype": "Link",
				"options": "Customer",
				"width": 180,
			},
			{
				"label": _("Sales Rep"),
				"fieldname": "sales_rep",
				"fieldtype": "Link",
				"options": "User",
				"width": 150,
			},
		]
	labels = ageing_bucket_labels(DEFAULT_AGEING_EDGES)
	return [
		*head,
		{"label": _("Receivable"), "fieldname": "receivable", **money},
		{"label": _("Shipments"), "fieldname": "shipments", **money},
		{
			"label": _("Receivable ÷ Shipments %"),
			"fieldname": "receivable_share",
			"fieldtype": "Percent",
			"width": 110,
		},
		{"label": _("Overdue"), "fieldname": "overdue", **money},
		{
			"label": _("Overdue ÷ Receivable %"),
			"fieldname": "overdue_share",
			"fieldtype": "Percent",
			"width": 110,
		},
		*(
			{"label": label, "fieldname": field, **money}
			for label, field in zip(labels, BUCKET_FIELDS, strict=True)
		),
		{"label": _("Credit Limit"), "fieldname": "credit_limit", **money},
		{"label": _("Owed and on Order"), "fieldname": "credit_exposure", **money},
		{"label": _("Credit Limit Used %"), "fieldname": "credit_use", "fieldtype": "Percent", "width": 110},
		{"label": _("Receivable Flag"), "fieldname": "receivable_alert", "fieldtype": "Check", "width": 80},
		{"label": _("Overdue Flag"), "fieldname": "overdue_alert", "fieldtype": "Check", "width": 80},
	]
