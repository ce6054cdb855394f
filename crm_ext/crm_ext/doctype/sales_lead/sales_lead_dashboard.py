from frappe import _


def get_data():
	return {
		"fieldname": "sales_lead",
		"transactions": [
			{"label": _("History"), "items": ["Sales Lead Stage Log", "Sales Request"]},
		],
	}
