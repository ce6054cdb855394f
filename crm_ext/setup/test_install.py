"""Tier 2: install / migrate / uninstall leave ERPNext exactly as declared."""

import frappe
from frappe.core.doctype.scheduled_job_type.scheduled_job_type import sync_jobs

from crm_ext.sales.assignment import RULE_NAME
from crm_ext.setup import install, uninstall
from crm_ext.setup.custom_fields import CUSTOM_FIELDS
from crm_ext.setup.roles import ROLES
from crm_ext.testing import (
	IntegrationTestCase,
	disable_round_robin,
	make_user,
	rebuild_tables_after_uninstall,
)


def app_custom_fields() -> set[tuple[str, str]]:
	rows = frappe.get_all("Custom Field", filters={"module": install.MODULE}, fields=["dt", "fieldname"])
	return {(r.dt, r.fieldname) for r in rows}


def declared_custom_fields() -> set[tuple[str, str]]:
	return {(dt, df["fieldname"]) for dt, fields in CUSTOM_FIELDS.items() for df in fields}


class TestInstall(IntegrationTestCase):
	def test_install_creates_declared_roles_fields_and_settings(self):
		for spec in ROLES:
			self.assertTrue(frappe.db.exists("Role", spec["role_name"]))
		self.assertEqual(app_custom_fields(), declared_custom_fields())
		for dt, fieldname in declared_custom_fields():
			self.assertTrue(frappe.get_meta(dt).has_field(fieldname), f"{dt}.{fieldname} missing from meta")
		self.assertTrue(frappe.db.exists("Workspace", "CRM Ext"))

	def test_install_leaves_round_robin_off_until_the_team_is_chosen(self):
		"""ERPNext's own test users have Sales User: install must not hand them the first web lead."""
		make_user("crm-install-rep@example.com", "Sales User")
		frappe.delete_doc("Assignment Rule", RULE_NAME, ignore_permissions=True, force=True)
		install.create_sales_defaults()
		rule = frappe.get_doc("Assignment Rule", RULE_NAME)
		self.assertEqual((rule.disabled, rule.users), (1, []))
		frappe.db.rollback()

	def test_install_is_idempotent(self):
		before = frappe.db.count("Custom Field", {"module": install.MODULE})
		install.after_install()
		install.after_install()
		self.assertEqual(frappe.db.count("Custom Field", {"module": install.MODULE}), before)
		self.assertEqual(
			frappe.db.count("Role", {"name": ("in", [r["role_name"] for r in ROLES])}), len(ROLES)
		)

	def test_uninstall_removes_everything_then_reinstall_restores_it(self):
		# before_uninstall drops columns (DDL commits), so this test restores the state itself.
		try:
			uninstall.before_uninstall()
			self.assertEqual(app_custom_fields(), set())
			self.assertEqual(frappe.db.count("Property Setter", {"module": install.MODULE}), 0)
			for dt, fieldname in declared_custom_fields():
				frappe.clear_cache(doctype=dt)
				self.assertFalse(frappe.get_meta(dt).has_field(fieldname))
				self.assertNotIn(fieldname, [row[0] for row in frappe.db.describe(dt)])
			for spec in ROLES:
				self.assertFalse(frappe.db.exists("Role", spec["role_name"]))
			self.assertFalse(frappe.db.exists("Singles", {"doctype": "CRM Ext Settings"}))
			self.assertFalse(frappe.db.exists("Kanban Board", {"reference_doctype": "Sales Lead"}))
			self.assertFalse(frappe.db.exists("Assignment Rule", {"document_type": "Sales Lead"}))
			self.assertFalse(frappe.db.exists("Scheduled Job Type", {"method": ("like", "crm_ext.%")}))
		finally:
			rebuild_tables_after_uninstall()
			install.after_install()
			disable_round_robin()
			sync_jobs()
			frappe.db.commit()
		self.assertEqual(app_custom_fields(), declared_custom_fields())
