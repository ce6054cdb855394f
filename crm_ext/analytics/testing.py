"""Builders for the tier-2 tests of the analytics reports (small, hand-countable data sets)."""

from datetime import timedelta

import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from crm_ext.supply import tender_log
from crm_ext.testing import make_customer, make_pipeline, make_sales_lead
from crm_ext.utils.documents import as_procedure

# (stage, kind, probability, required fields): no required fields, so cards move freely
STAGES = (
	("New", "Open", 10, ()),
	("Quote", "Open", 50, ()),
	("Won", "Won", 100, ()),
	("Lost", "Lost", 0, ()),
)


def make_analytics_pipeline(name: str) -> str:
	return make_pipeline(name, STAGES)


def make_lost_reason(name: str) -> str:
	if not frappe.db.exists("Sales Lead Lost Reason", name):
		frappe.get_doc({"doctype": "Sales Lead Lost Reason", "lost_reason": name}).insert(
			ignore_permissions=True
		)
	return name


def lead_through(pipeline: str, *stages: str, **values):
	"""A card created in the pipeline's first stage and moved through ``stages``."""
	lead = make_sales_lead(pipeline=pipeline, **values)
	for stage in stages:
		if stage == "Won" and not lead.customer:
			lead.customer = make_customer()
		if stage == "Lost" and not lead.lost_reason:
			lead.lost_reason = make_lost_reason("_Test Lost Reason")
		lead.stage = f"{pipeline}-{stage}"
		lead.save()
	return lead


def default_company() -> str:
	return (
		frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name", limit=1)[0]
	)


def make_service_item(code: str = "_Test CRM Service") -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": code,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name") or "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
	return code


def make_invoice(
	customer: str,
	amount: float,
	posting_date=None,
	due_date=None,
	company: str | None = None,
	sales_lead: str | None = None,
):
	"""A submitted, unpaid Sales Invoice of one service line in company currency."""
	company = company or default_company()
	posting_date = getdate(posting_date or nowdate())
	invoice = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company,
			"currency": frappe.get_cached_value("Company", company, "default_currency"),
			"set_posting_time": 1,
			"posting_date": posting_date,
			"due_date": getdate(due_date or add_days(posting_date, 30)),
			"items": [{"item_code": make_service_item(), "qty": 1, "rate": amount}],
			"sales_lead": sales_lead,
		}
	)
	invoice.insert(ignore_permissions=True)
	invoice.submit()
	return invoice


def pay_invoice(invoice, amount: float | None = None, posting_date=None, reference: str = "CRM-TEST"):
	"""A submitted Payment Entry for ``invoice`` (in full, or ``amount`` of it) on ``posting_date``."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	payment = get_payment_entry("Sales Invoice", invoice.name, party_amount=amount)
	payment.posting_date = getdate(posting_date or nowdate())
	payment.reference_no = reference
	payment.reference_date = payment.posting_date
	payment.insert(ignore_permissions=True)
	payment.submit()
	return payment


def make_supplier(name: str) -> str:
	if not frappe.db.exists("Supplier", name):
		frappe.get_doc(
			{"doctype": "Supplier", "supplier_name": name, "supplier_group": "All Supplier Groups"}
		).insert(ignore_permissions=True)
	return name


def awarded_tender(
	company: str, lines, savings: float, status: str = "Awarded", days_ago: int = 0, invited=()
) -> str:
	"""A tender in the state an award leaves it (award lines, savings, the *Awarded* log entry),
	built directly; the award itself is tested in test_tender.
	lines: [(qty, budget unit price, supplier, converted unit price)]; ``invited``: suppliers."""
	item = make_service_item()
	tender = frappe.get_doc(
		{
			"doctype": "Tender",
			"title": "_Test Savings",
			"company": company,
			"mode": "Sealed Bid",
			"deadline": add_to_date(now_datetime(), days=2),
			"weight_price": 100,
			"incoterm": frappe.db.get_value("Incoterm", {}, "name"),
			"delivery_location": "Warehouse",
			"currencies": [{"currency": frappe.get_cached_value("Company", company, "default_currency")}],
			"suppliers": [{"supplier": supplier} for supplier in invited],
			"items": [
				{"item_code": item, "qty": qty, "uom": "Nos", "budget_unit_price": b} for qty, b, *_ in lines
			],
		}
	).insert()
	for row, (qty, _budget, supplier, price) in zip(tender.items, lines, strict=True):
		tender.append(
			"awards",
			{
				"tender_item": row.name,
				"item_code": item,
				"supplier": supplier,
				"qty": qty,
				"requested_qty": qty,
				"unit_price": price,
				"converted_unit_price": price,
			},
		)
	as_procedure(tender).save()  # award lines are the procedure's to write
	frappe.db.set_value("Tender", tender.name, {"status": status, "savings": savings})
	if status == "Awarded":
		tender_log.append(tender.name, "Awarded", {})
		if days_ago:
			frappe.db.set_value(
				"Tender Log",
				{"tender": tender.name, "event": "Awarded"},
				"logged_at",
				now_datetime() - timedelta(days=days_ago),
			)
	return tender.name
