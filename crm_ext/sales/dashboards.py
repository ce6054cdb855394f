"""Connections the app adds to ERPNext forms."""

from frappe import _


def customer_dashboard(data: dict) -> dict:
	"""Customer form: its Sales Leads, so the whole deal history is one click away."""
	data.setdefault("non_standard_fieldnames", {})
	data["transactions"].append({"label": _("CRM"), "items": ["Sales Lead"]})
	return data
