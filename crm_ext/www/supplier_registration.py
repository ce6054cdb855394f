"""Portal page /supplier-registration: a new company registers for review (no Supplier until approved).

Only a website user not linked to a supplier may register (``crm_ext.supply.portal.require_registrant``);
anyone else is told why instead of being shown the form."""

import frappe
from frappe import _

from crm_ext.supply.portal import open_templates, require_registrant

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/supplier-registration"
		raise frappe.Redirect
	context.title = _("Supplier Registration")
	try:
		require_registrant()
	except frappe.PermissionError as e:
		frappe.clear_last_message()
		context.refused = str(e)
		return context
	context.templates = open_templates()
	context.countries = frappe.get_all("Country", pluck="name", order_by="name")
	context.item_groups = frappe.get_all("Item Group", filters={"is_group": 0}, pluck="name", order_by="name")
	return context
