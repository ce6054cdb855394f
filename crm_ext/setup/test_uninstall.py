"""Tier 2: uninstall leaves ERPNext as it was: no scheduled jobs failing, follow-up events still
saveable, people's customisations of the app's doctypes gone, and no field of another doctype left
pointing at a doctype that no longer exists (refused unless forced).

``before_uninstall`` drops columns (DDL commits): each test restores the site itself.
"""

import os
from datetime import datetime, timedelta

import frappe
from frappe.core.doctype.scheduled_job_type.scheduled_job_type import sync_jobs
from frappe.custom.doctype.custom_field.custom_field import create_custom_field
from frappe.model import delete_fields
from frappe.utils import getdate

from crm_ext.analytics.indexes import INDEXES, OTHER_APPS_TABLES
from crm_ext.sales.follow_ups import create_follow_up
from crm_ext.setup import install, uninstall
from crm_ext.setup.custom_fields import CUSTOM_FIELDS
from crm_ext.testing import (
	IntegrationTestCase,
	disable_round_robin,
	make_pipeline,
	make_sales_lead,
	rebuild_tables_after_uninstall,
)

LINK_FIELD = "crm_test_sales_lead"


def app_jobs() -> list[str]:
	return frappe.get_all("Scheduled Job Type", filters={"method": ("like", "crm_ext.%")}, pluck="name")


def columns(doctype: str) -> list[str]:
	"""The table's columns in this site's database (Frappe's cached lookup reads information_schema
	without the schema, so it sees other sites' tables of the same name on a shared server)."""
	return [row[0] for row in frappe.db.describe(doctype)]


def restore():
	rebuild_tables_after_uninstall()
	install.after_install()
	disable_round_robin()
	sync_jobs()
	frappe.clear_cache()
	frappe.db.commit()


def drop_link_field() -> None:
	"""Remove the test's link field from Customer, record and column, and commit: a run stopped
	half-way must not leave it for the next one (its column would join the next reinstall's ALTER of
	Customer, which is near InnoDB's row size limit)."""
	for name in frappe.get_all(
		"Custom Field", filters={"dt": "Customer", "fieldname": LINK_FIELD}, pluck="name"
	):
		frappe.delete_doc("Custom Field", name, force=True)
	if LINK_FIELD in columns("Customer"):
		delete_fields({"Customer": [LINK_FIELD]}, delete=1)
	frappe.db.commit()


class TestUninstall(IntegrationTestCase):
	def setUp(self):
		super().setUp()
		drop_link_field()

	def tearDown(self):
		os.environ.pop(uninstall.FORCE_VARIABLE, None)
		frappe.set_user("Administrator")
		super().tearDown()

	def test_a_link_from_an_erpnext_doctype_refuses_the_uninstall_unless_forced(self):
		create_custom_field(
			"Customer",
			{"fieldname": LINK_FIELD, "fieldtype": "Link", "options": "Sales Lead", "label": "Deal"},
		)
		frappe.db.commit()
		try:
			with self.assertRaises(frappe.ValidationError) as refused:
				uninstall.before_uninstall()
			self.assertIn("Customer", str(refused.exception))
			self.assertIn(LINK_FIELD, str(refused.exception))
			self.assertIn(uninstall.FORCE_VARIABLE, str(refused.exception))
			# refused before anything was removed
			self.assertTrue(app_jobs())
			self.assertTrue(frappe.db.exists("Role", "CRM Manager"))
			self.assertTrue(
				frappe.db.exists("Custom Field", {"dt": "Sales Invoice", "fieldname": "sales_lead"})
			)

			os.environ[uninstall.FORCE_VARIABLE] = "1"
			uninstall.before_uninstall()
			self.assertFalse(frappe.db.exists("Custom Field", {"dt": "Customer", "fieldname": LINK_FIELD}))
			self.assertNotIn(LINK_FIELD, columns("Customer"))
			self.assertEqual(app_jobs(), [])
		finally:
			os.environ.pop(uninstall.FORCE_VARIABLE, None)
			drop_link_field()
			restore()

	def test_what_was_made_around_the_app_goes_and_follow_up_events_stay_saveable(self):
		make_pipeline("_Test Pipeline")
		lead = make_sales_lead(lead_name="Uninstall Test")
		at = datetime.combine(getdate() + timedelta(days=3), datetime.min.time()).replace(hour=11)
		todo, event = create_follow_up(
			"Sales Lead", lead.name, "Administrator", "Call back", at.date(), at=at
		)
		script = frappe.get_doc(
			{
				"doctype": "Client Script",
				"name": "_Test Sales Lead Script",
				"dt": "Sales Lead",
				"enabled": 1,
				"script": "// a person's script",
			}
		).insert()
		setter = frappe.get_doc(
			{
				"doctype": "Property Setter",
				"doctype_or_field": "DocField",
				"doc_type": "Sales Lead",
				"field_name": "city",
				"property": "bold",
				"value": "1",
				"property_type": "Check",
			}
		).insert()
		perm = frappe.get_doc(
			{
				"doctype": "Custom DocPerm",
				"parent": "Sales Lead",
				"parenttype": "DocType",
				"parentfield": "permissions",
				"role": "Sales User",
				"permlevel": 1,
				"read": 1,
			}
		).insert()
		mail = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_medium": "Email",
				"subject": "Uninstall test",
				"reference_doctype": "Sales Lead",
				"reference_name": lead.name,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		try:
			uninstall.before_uninstall()
			self.assertEqual(app_jobs(), [])
			for doctype, name in (
				("Client Script", script.name),
				("Property Setter", setter.name),
				("Custom DocPerm", perm.name),
			):
				self.assertFalse(frappe.db.exists(doctype, name), f"{doctype} {name} survived")
			self.assertFalse(frappe.db.exists("ToDo", todo))
			self.assertFalse(frappe.db.exists("Event Participants", {"reference_doctype": "Sales Lead"}))
			saved = frappe.get_doc("Event", event)
			saved.description = "still mine"
			saved.save(ignore_permissions=True)  # no "Reference Document Type must be set first"
			self.assertEqual(
				frappe.db.get_value("Communication", mail.name, ["reference_doctype", "reference_name"]),
				(None, None),
			)
			for doctype, fields in CUSTOM_FIELDS.items():
				for df in fields:
					self.assertNotIn(df["fieldname"], columns(doctype))
			for doctype in OTHER_APPS_TABLES:
				for name in INDEXES[doctype]:
					self.assertFalse(
						frappe.db.has_index(f"tab{doctype}", name), f"{doctype}: {name} survived"
					)
		finally:
			restore()
			frappe.delete_doc("Sales Lead", lead.name, force=True, ignore_permissions=True)
			for doctype, name in (("Event", event), ("Communication", mail.name)):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, ignore_missing=True)
			frappe.db.commit()
