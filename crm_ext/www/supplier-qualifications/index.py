"""Portal page "My qualifications" (/supplier-qualifications)."""

import frappe
from frappe import _

from crm_ext.supply.access import suppliers_of_user
from crm_ext.supply.portal import my_qualifications, open_templates

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to the supplier portal first."), frappe.PermissionError)
	context.show_sidebar = True
	context.title = _("My Qualifications")
	context.suppliers = suppliers_of_user()
	context.qualifications = my_qualifications()
	context.templates = open_templates()
	return context
