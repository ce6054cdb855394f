"""Tier 2: the qualification review workflow and notifications are installed, and removed cleanly."""

import frappe

from crm_ext.setup import workflow
from crm_ext.testing import IntegrationTestCase


class TestQualificationWorkflowInstall(IntegrationTestCase):
	def tearDown(self):
		frappe.db.rollback()
		frappe.clear_cache(doctype=workflow.DOCTYPE)

	def test_workflow_and_notifications_are_installed(self):
		wf = frappe.get_doc("Workflow", workflow.WORKFLOW_NAME)
		self.assertTrue(wf.is_active)
		self.assertEqual(wf.document_type, "Supplier Qualification")
		self.assertEqual(wf.workflow_state_field, "status")
		approve = [t for t in wf.transitions if t.action == "Approve"]
		self.assertEqual({t.allowed for t in approve}, {"Purchase Manager"})
		self.assertFalse(any(t.allow_self_approval for t in approve))
		for state in workflow.state_names():
			self.assertTrue(frappe.db.exists("Workflow State", state))
		self.assertEqual(
			set(frappe.get_all("Notification", filters={"module": "CRM Ext", "enabled": 1}, pluck="name")),
			{"Supplier Qualification Result", "Supplier Qualification Expiry Notice"},
		)

	def test_sync_is_idempotent(self):
		workflow.sync_workflow()
		workflow.sync_workflow()
		self.assertEqual(frappe.db.count("Workflow", {"document_type": workflow.DOCTYPE}), 1)
		self.assertEqual(
			frappe.db.count("Workflow Transition", {"parent": workflow.WORKFLOW_NAME}),
			len(workflow.TRANSITIONS),
		)

	def test_remove_leaves_only_what_others_use(self):
		frappe.get_doc(
			{
				"doctype": "Workflow",
				"workflow_name": "_SQ Other Workflow",
				"document_type": "ToDo",
				"workflow_state_field": "status",  # an existing field: no Custom Field, no DDL
				"is_active": 0,
				"states": [
					{"state": "Draft", "doc_status": "0", "allow_edit": "System Manager"},
					{"state": "Approved", "doc_status": "0", "allow_edit": "System Manager"},
				],
				"transitions": [
					{
						"state": "Draft",
						"action": "Approve",
						"next_state": "Approved",
						"allowed": "System Manager",
					}
				],
			}
		).insert(ignore_permissions=True)
		workflow.remove_workflow()
		self.assertFalse(frappe.db.exists("Workflow", workflow.WORKFLOW_NAME))
		for state in ("Submitted", "Under Review", "Qualified", "Expired"):
			self.assertFalse(frappe.db.exists("Workflow State", state), state)
		for action in ("Submit for Review", "Start Review", "Return to Supplier", "Expire"):
			self.assertFalse(frappe.db.exists("Workflow Action Master", action), action)
		self.assertTrue(frappe.db.exists("Workflow State", "Draft"))  # used by the other workflow
		self.assertTrue(frappe.db.exists("Workflow State", "Rejected"))  # Frappe's own
		self.assertTrue(frappe.db.exists("Workflow Action Master", "Reject"))
