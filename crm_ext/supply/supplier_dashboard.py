"""Adds Supplier Qualification to the Supplier form's connections (``override_doctype_dashboards``)."""

from frappe import _


def get_data(data: dict) -> dict:
	transactions = data.setdefault("transactions", [])
	transactions.append({"label": _("Qualification"), "items": ["Supplier Qualification"]})
	return data
