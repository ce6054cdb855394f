"""Shared helpers for the tier-2 (real Frappe) tests of crm_ext.

``IntegrationTestCase`` is Frappe v16's test base class; on v15 it falls back to
``FrappeTestCase`` (the same shim frappe/crm uses), so the tests run on both.
"""

import frappe

try:
	from frappe.tests import IntegrationTestCase
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as IntegrationTestCase

__all__ = [
	"CRMTestCase",
	"IntegrationTestCase",
	"before_tests",
	"make_customer",
	"make_pipeline",
	"make_sales_lead",
	"make_user",
]


class CRMTestCase(IntegrationTestCase):
	"""Each test runs as Administrator and is rolled back."""

	def setUp(self):
		super().setUp()
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		super().tearDown()


def before_tests():
	"""Complete ERPNext's setup (company, accounts, fiscal year) and install crm_ext defaults."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	from crm_ext.sales.assignment import RULE_NAME
	from crm_ext.setup.install import after_install

	erpnext_before_tests()
	after_install()
	# Tests that need round-robin assignment enable the rule with their own users: the installed
	# rule would assign to ERPNext's test users, whose notification e-mails Frappe sends at once in
	# tests through an e-mail queue that commits mid-test.
	rule = frappe.get_doc("Assignment Rule", RULE_NAME)
	rule.disabled = 1
	rule.save(ignore_permissions=True)
	frappe.db.commit()  # the test runner calls this once before any test; later tests roll back


def disable_round_robin():
	"""Tests that need round-robin assignment enable the rule with their own users: the installed
	rule would assign to ERPNext's test users, whose notification e-mails Frappe sends at once in
	tests through an e-mail queue that commits mid-test."""
	from crm_ext.sales.assignment import RULE_NAME

	rule = frappe.get_doc("Assignment Rule", RULE_NAME)
	rule.disabled = 1
	rule.save(ignore_permissions=True)


def rebuild_tables_after_uninstall() -> None:
	"""MariaDB drops a column instantly and keeps it, hidden, in the table's rows until the table is
	rebuilt: each uninstall-and-reinstall test adds the app's columns of Customer again, and after
	some dozens of runs on one site the reinstall's ALTER crosses InnoDB's row size limit. The
	uninstall tests rebuild the tables the app adds columns to (a test site's tables are small)."""
	from crm_ext.setup.custom_fields import CUSTOM_FIELDS

	if frappe.db.db_type != "mariadb":
		return
	for doctype in CUSTOM_FIELDS:
		frappe.db.sql_ddl(f"alter table `tab{doctype}` force")


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
	# Frappe sends notification e-mails at once in tests and its e-mail queue commits: keep a
	# test's assignments and alerts inside its transaction.
	frappe.db.set_value("Notification Settings", user.name, "enable_email_notifications", 0)
	return user.name


def make_pipeline(name: str, stages=None) -> str:
	"""A pipeline with stages [(stage_name, kind, probability, required_fields), ...] (idempotent)."""
	stages = stages or [
		("New", "Open", 10, ()),
		("Quote", "Open", 50, ("expected_amount", "expected_close_date")),
		("Won", "Won", 100, ()),
		("Lost", "Lost", 0, ()),
	]
	if not frappe.db.exists("Sales Pipeline", name):
		frappe.get_doc({"doctype": "Sales Pipeline", "pipeline_name": name}).insert()
	for order, (stage_name, kind, probability, required) in enumerate(stages, start=1):
		if not frappe.db.exists("Pipeline Stage", f"{name}-{stage_name}"):
			frappe.get_doc(
				{
					"doctype": "Pipeline Stage",
					"pipeline": name,
					"stage_name": stage_name,
					"stage_order": order,
					"kind": kind,
					"probability": probability,
					"required_fields": [{"fieldname": f} for f in required],
				}
			).insert()
	return name


def make_sales_lead(**kwargs):
	"""A Sales Lead in the test pipeline; unique contact details unless given."""
	pipeline = kwargs.pop("pipeline", None) or make_pipeline("_Test Pipeline")
	values = {
		"doctype": "Sales Lead",
		"lead_name": "Test Person",
		"email": f"lead-{frappe.generate_hash(length=8)}@example.com",
		"pipeline": pipeline,
	}
	values.update(kwargs)
	lead = frappe.get_doc(values)
	return lead.insert()


def make_customer(name: str = "_Test CRM Customer") -> str:
	if not frappe.db.exists("Customer", name):
		frappe.get_doc({"doctype": "Customer", "customer_name": name, "customer_type": "Company"}).insert(
			ignore_permissions=True
		)
	return name
