"""Shared helpers for the tier-2 (real Frappe) tests of crm_ext.

``IntegrationTestCase`` is Frappe v16's test base class; on v15 it falls back to
``FrappeTestCase`` (the same shim frappe/crm uses), so the tests run on both.
"""

import frappe

try:
	from frappe.tests import IntegrationTestCase
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as IntegrationTestCase

__all__ = ["IntegrationTestCase", "before_tests", "make_user"]


def before_tests():
	"""Complete ERPNext's setup (company, accounts, fiscal year) and install crm_ext defaults."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	from crm_ext.setup.install import after_install

	erpnext_before_tests()
	after_install()
	frappe.db.commit()  # the test runner calls this once before any test; later tests roll back


def make_user(email: str, *roles: str, user_type: str = "System User") -> str:
	"""A user with exactly ``roles`` (created once, roles reset on every call)."""
	if frappe.db.exists("User", email):
		user = frappe.get_doc("User", email)
	else:
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": user_type,
			}
		).insert(ignore_permissions=True)
	user.flags.ignore_permissions = True
	user.set("roles", [])
	user.add_roles(*roles)
	return user.name
