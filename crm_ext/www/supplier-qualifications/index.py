"""Portal page "My qualifications" (/supplier-qualifications): the user's suppliers' qualifications
and its own registrations (a registrant holds no role until approved: listed by explicit code)."""

from frappe import _

from crm_ext.supply.access import require_login, suppliers_of_user
from crm_ext.supply.portal import my_qualifications, open_templates

no_cache = 1


def get_context(context):
	require_login()
	context.show_sidebar = True
	context.title = _("My Qualifications")
	context.suppliers = suppliers_of_user()
	context.qualifications = my_qualifications()
	context.templates = open_templates()
	return context
