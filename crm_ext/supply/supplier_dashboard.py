"""Adds Supplier Qualification and the portal users' log to the Supplier form's connections
(``override_doctype_dashboards``)."""

from frappe import _


def get_data(data: dict) -> dict:
	transactions = data.setdefault("transactions", [])
	transactions.append({"label": _("Qualification"), "items": ["Supplier Qualification"]})
	transactions.append({"label": _("Portal Administration"), "items": ["Supplier User Log"]})
	return data
