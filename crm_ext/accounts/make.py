"""Quotation, Sales Order and Sales Invoice made from a Sales Lead (the desk's Make buttons).

Each returns an unsaved document mapped with Frappe's ``get_mapped_doc`` (``sales_lead`` set by
the mapper: a Link to the source doctype), for the user to add the items and save; the card is
converted to a Customer first when it has none.
"""

import frappe
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
	lead = frappe.get_doc("Sales Lead", source_name)
	lead.check_permission("read")
	frappe.has_permission(doctype, "create", throw=True)
	if not lead.customer:
		lead.check_permission("write")
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
