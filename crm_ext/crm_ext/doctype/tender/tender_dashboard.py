from frappe import _


def get_data():
	return {
		"fieldname": "tender",
		"transactions": [
			{"label": _("Bids"), "items": ["Tender Bid", "Tender Log"]},
			{"label": _("Agreements"), "items": ["Blanket Order", "Supplier Quotation"]},
			{"label": _("Purchase"), "items": ["Purchase Order", "Purchase Invoice", "Payment Entry"]},
		],
	}
