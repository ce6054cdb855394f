from frappe import _


def get_data():
	return {
		"fieldname": "sales_lead",
		"transactions": [
			{"label": _("Selling"), "items": ["Quotation", "Sales Order"]},
			{"label": _("Accounting"), "items": ["Sales Invoice", "Payment Entry"]},
			{"label": _("History"), "items": ["Sales Lead Stage Log", "Sales Request"]},
		],
	}
