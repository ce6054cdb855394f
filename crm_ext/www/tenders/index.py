"""Portal page "My tenders" (/tenders): open tenders the supplier may bid on, its bids and results."""

from frappe import _

from crm_ext.supply.access import require_login
from crm_ext.supply.tender_portal import my_tenders

no_cache = 1


def get_context(context):
	require_login()
	context.show_sidebar = True
	context.title = _("My Tenders")
	context.tenders = my_tenders()
	return context
