"""Portal page "My company's users" (/supplier-users): the supplier's master user invites and disables
colleagues and chooses who receives the tender e-mails and the qualification notices
(``crm_ext.supply.supplier_users``); any other user of the supplier sees who its master user is."""

import frappe
from frappe import _

from crm_ext.supply.access import master_user_of, require_login, suppliers_of_user
from crm_ext.supply.supplier_users import colleagues

no_cache = 1


def get_context(context):
	require_login()
	context.show_sidebar = True
	context.title = _("My Company's Users")
	user = frappe.session.user
	mastered = [s for s in suppliers_of_user(user) if master_user_of(s) == user]
	context.admin = colleagues(mastered[0]) if mastered else None
	context.masters = [
		(s, frappe.utils.get_fullname(master_user_of(s)) if master_user_of(s) else _("nobody yet"))
		for s in suppliers_of_user(user)
	]
	return context
