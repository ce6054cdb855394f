from frappe import _


def get_data():
	return {
		"fieldname": "sales_lead",
		"non_standard_fieldnames": {"Interaction": "reference_name"},
		"dynamic_links": {"reference_name": ["Sales Lead", "reference_doctype"]},
		"transactions": [
			{"label": _("Selling"), "items": ["Quotation", "Sales Order", "Contract"]},
			{"label": _("Accounting"), "items": ["Sales Invoice", "Payment Entry"]},
			{"label": _("History"), "items": ["Interaction", "Sales Lead Stage Log", "Sales Request"]},
		],
	}
