from frappe import _


def get_data():
	return {
		"fieldname": "pipeline",
		"transactions": [
			{"label": _("Funnel"), "items": ["Pipeline Stage", "Sales Lead"]},
		],
	}
