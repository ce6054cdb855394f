"""A disabled account is never authenticated (``auth_hooks``).

Frappe v15 (and v16) check ``User.enabled`` at login only: an API key or secret of a disabled user
still authenticates (``frappe.auth.validate_api_key_secret``), and a session lives until it is
cleared. Disabling a supplier's colleague (``crm_ext.supply.supplier_users``) clears its sessions;
this hook ends what is left: a request of a disabled user is a 401, whatever door it comes through.
"""

import frappe
from frappe.utils import cint


def refuse_disabled_user() -> None:
	user = frappe.session.user
	if user in (None, "", "Guest", "Administrator"):
		return
	if not cint(frappe.db.get_value("User", user, "enabled")):
		frappe.set_user("Guest")
		raise frappe.AuthenticationError
