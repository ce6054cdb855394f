"""Quotation, Sales Order and Sales Invoice made from a Sales Lead (the desk's Make buttons).

Each returns an unsaved document mapped with Frappe's ``get_mapped_doc`` (``sales_lead`` set by
the mapper: a Link to the source doctype), for the user to add the items and save; the card is
converted to a Customer first when it has none.

Rights, checked before anything is loaded: write on the card (the document will hang on it, and
the card may be converted) and create on the target doctype; POST only, also through Frappe's
``frappe.model.mapper.make_mapped_doc`` (the desk's door to these methods, which calls them
whatever the HTTP verb).
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.mapper import get_mapped_doc

from crm_ext.accounts.receivables import check_customer_credit
from crm_ext.sales.conversion import convert_to_customer

PARTY_FIELD = {"Quotation": "party_name", "Sales Order": "customer", "Sales Invoice": "customer"}


@frappe.whitelist(methods=["POST"])
def make_quotation(source_name: str, target_doc: str | None = None) -> Document:
	return make_from_lead(source_name, "Quotation", target_doc)


@frappe.whitelist(methods=["POST"])
def make_sales_order(source_name: str, target_doc: str | None = None) -> Document:
	return make_from_lead(source_name, "Sales Order", target_doc)


@frappe.whitelist(methods=["POST"])
def make_sales_invoice(source_name: str, target_doc: str | None = None) -> Document:
	return make_from_lead(source_name, "Sales Invoice", target_doc)


def make_from_lead(source_name: str, doctype: str, target_doc=None) -> Document:
	require_post()
	frappe.has_permission("Sales Lead", "write", source_name, throw=True)
	frappe.has_permission(doctype, "create", throw=True)
	lead = frappe.get_doc("Sales Lead", source_name)
	if not lead.customer:
		convert_to_customer(lead.name)
		lead.reload()
	if doctype == "Quotation":
		# a credit-aware pipeline checks before a quotation is made, not only at order submission
		check_customer_credit(lead.customer, lead.company, context=lead.name)

	def postprocess(source, target):
		if doctype == "Quotation":
			target.quotation_to = "Customer"
		target.run_method("set_missing_values")
		target.run_method("calculate_taxes_and_totals")

	return get_mapped_doc(
		"Sales Lead",
		source_name,
		{
			"Sales Lead": {
				"doctype": doctype,
				# nothing by name: a card's naming series, title, currency... are not the document's
				"field_no_map": [df.fieldname for df in lead.meta.fields],
				"field_map": {"company": "company", "customer": PARTY_FIELD[doctype]},
			}
		},
		target_doc,
		postprocess,
	)


def require_post() -> None:
	"""403 unless the request is a POST: ``make_mapped_doc`` is whitelisted for every verb and calls
	these methods without their own verb check, and they may convert the card (a Customer and a
	Contact are created)."""
	request = getattr(frappe.local, "request", None)
	if request is not None and request.method != "POST":
		frappe.throw(_("Use POST to make a document from a Sales Lead."), frappe.PermissionError)
