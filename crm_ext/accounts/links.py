"""The ``sales_lead`` link along ERPNext's selling chain.

ERPNext's mappers copy ``sales_lead`` (same fieldname) from Quotation to Sales Order to Sales
Invoice, to credit notes and to amendments. These ``validate`` hooks fill it where a document was
made another way (several quotations merged, an invoice made from a delivery note, a return
made by hand), derive it for Payment Entries from what they pay, and refuse a link to a card of
another customer.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType

from crm_ext.logic.credit import single_lead


def leads_of(doctype: str, names) -> list[str | None]:
	"""``sales_lead`` of the documents ``names`` of ``doctype`` (one query)."""
	names = sorted({n for n in names if n})
	if not names:
		return []
	table = DocType(doctype)
	return frappe.qb.from_(table).select(table.sales_lead).where(table.name.isin(names)).run(pluck=True)


def sales_order_validate(doc, method=None):
	if not doc.get("sales_lead"):
		quotations = [row.prevdoc_docname for row in doc.items if row.get("prevdoc_docname")]
		doc.sales_lead = single_lead(leads_of("Quotation", quotations))
	check_lead_customer(doc, doc.customer)


def sales_invoice_validate(doc, method=None):
	if not doc.get("sales_lead"):
		if doc.get("return_against"):
			doc.sales_lead = single_lead(leads_of("Sales Invoice", [doc.return_against]))
		if not doc.get("sales_lead"):
			orders = [row.sales_order for row in doc.items if row.get("sales_order")]
			doc.sales_lead = single_lead(leads_of("Sales Order", orders))
	check_lead_customer(doc, doc.customer)


def quotation_validate(doc, method=None):
	if doc.get("quotation_to") == "Customer":
		check_lead_customer(doc, doc.party_name)


def payment_entry_validate(doc, method=None):
	"""A payment belongs to a card when every invoice and order it pays belongs to that card."""
	if doc.get("party_type") != "Customer":
		doc.sales_lead = None
		return
	by_type: dict[str, list[str]] = {}
	for ref in doc.get("references") or []:
		if ref.reference_doctype in ("Sales Invoice", "Sales Order"):
			by_type.setdefault(ref.reference_doctype, []).append(ref.reference_name)
	leads = []
	for doctype, names in by_type.items():
		leads += leads_of(doctype, names)
	doc.sales_lead = single_lead(leads)


def check_lead_customer(doc, customer: str | None):
	"""A document of customer B cannot name a card converted to customer A."""
	if not doc.get("sales_lead") or not customer:
		return
	lead_customer = frappe.db.get_value("Sales Lead", doc.sales_lead, "customer")
	if lead_customer and lead_customer != customer:
		frappe.throw(
			_(
				"Sales Lead {0} belongs to customer {1}, this document is for {2}: choose a lead of {2} or clear the Sales Lead field."
			).format(frappe.bold(doc.sales_lead), frappe.bold(lead_customer), frappe.bold(customer)),
			title=_("Sales Lead of Another Customer"),
		)
