"""Tier 2: Supplier Qualification on a real site — scoring, bad input, workflow, notifications."""

import frappe
from frappe.model.workflow import WorkflowPermissionError, WorkflowTransitionError, apply_workflow
from frappe.utils import add_days, add_months, getdate, nowdate

from crm_ext.supply.sample_data import (
	fill,
	make_qualification,
	make_supplier,
	make_supplier_user,
	make_template,
	qualify,
	staff,
)
from crm_ext.testing import IntegrationTestCase

SUPPLIER_EMAIL = "sq-supplier-a@example.com"


class TestSupplierQualification(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.template = make_template()
		self.user = make_supplier_user("sq-portal-a@example.com")
		self.supplier = make_supplier("_SQ Supplier A", portal_user=self.user, email=SUPPLIER_EMAIL)
		self.staff = staff()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_template_is_copied_and_score_computed(self):
		doc = make_qualification(self.supplier, self.template)
		self.assertEqual([r.answer_type for r in doc.answers], ["Yes/No", "Number", "Choice"])
		self.assertEqual({d.document_type for d in doc.documents}, {"Tax certificate", "Company profile"})
		self.assertEqual([g.item_group for g in doc.item_groups], ["_SQ Raw Material"])
		self.assertEqual(doc.contact_email, SUPPLIER_EMAIL)
		self.assertEqual(doc.status, "Draft")
		fill(doc, iso="Yes", years="5", quality="Partial")
		# (2*1 + 1*0.5 + 1*0.4) / 4
		self.assertAlmostEqual(doc.score, 72.5)
		self.assertFalse(doc.knock_out_failed)
		fill(doc, iso="No")
		self.assertTrue(doc.knock_out_failed)

	def test_a_draft_follows_its_template_a_submitted_one_does_not(self):
		doc = fill(make_qualification(self.supplier, self.template))
		template = frappe.get_doc("Qualification Template", self.template)
		template.criteria[1].weight = 3
		template.pass_score = 70
		template.save()
		doc.reload()
		doc.save()  # a Draft: its rules are derived from the template again
		self.assertEqual((doc.answers[1].weight, doc.pass_score), (3, 70))
		self.assertEqual(doc.answers[1].answer, "10")  # the supplier's answer is kept
		doc = apply_workflow(doc, "Submit for Review")
		template.reload()
		template.criteria[0].weight = 100
		template.pass_score = 99
		template.save()
		doc.reload()
		doc.review_comment = "checked"
		doc.save()  # submitted: frozen
		self.assertEqual((doc.answers[0].weight, doc.pass_score, doc.score), (2, 70, 100))

	def test_missing_mandatory_answer_blocks_submission_and_nothing_is_saved(self):
		doc = fill(make_qualification(self.supplier, self.template), iso=None)
		with self.assertRaises(frappe.ValidationError) as ctx:
			apply_workflow(doc, "Submit for Review")
		self.assertIn("ISO 9001 certified?", str(ctx.exception))
		self.assertEqual(frappe.db.get_value(doc.doctype, doc.name, "status"), "Draft")

	def test_document_without_required_expiry_is_refused(self):
		doc = make_qualification(self.supplier, self.template)
		fill(doc, save=False)
		for row in doc.documents:
			row.expiry_date = None
		with self.assertRaises(frappe.ValidationError) as ctx:
			doc.save()
		self.assertIn("Tax certificate", str(ctx.exception))
		self.assertIn("expiry date", str(ctx.exception))
		self.assertFalse(
			frappe.db.get_value("Supplier Qualification Document", {"parent": doc.name}, "attachment")
		)

	def test_expired_document_at_submission_is_refused(self):
		doc = fill(make_qualification(self.supplier, self.template), tax_expiry=add_days(nowdate(), -1))
		with self.assertRaises(frappe.ValidationError) as ctx:
			apply_workflow(doc, "Submit for Review")
		self.assertIn("expired", str(ctx.exception))
		self.assertEqual(frappe.db.get_value(doc.doctype, doc.name, "status"), "Draft")

	def test_duplicate_open_qualification_is_refused(self):
		make_qualification(self.supplier, self.template)
		before = frappe.db.count("Supplier Qualification", {"supplier": self.supplier})
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_qualification(self.supplier, self.template)
		self.assertIn("already has an open qualification", str(ctx.exception))
		self.assertEqual(frappe.db.count("Supplier Qualification", {"supplier": self.supplier}), before)

	def test_category_outside_the_template_is_refused(self):
		make_template("_SQ Services Only", item_groups=["_SQ Services"])
		with self.assertRaises(frappe.ValidationError):
			make_qualification(self.supplier, "_SQ Services Only", item_groups=[{"item_group": "_SQ Steel"}])
		# a sub-group of the template's category is fine
		doc = make_qualification(self.supplier, self.template, item_groups=[{"item_group": "_SQ Steel"}])
		self.assertEqual(doc.item_groups[0].item_group, "_SQ Steel")

	def test_workflow_roles_and_result_notifications(self):
		frappe.set_user(self.user)
		doc = make_qualification(self.supplier, self.template)
		fill(doc)
		doc = apply_workflow(doc, "Submit for Review")
		self.assertEqual(doc.status, "Submitted")

		# the supplier can no longer change its submitted questionnaire
		doc = frappe.get_doc(doc.doctype, doc.name)
		doc.answers[1].answer = "1"
		with self.assertRaises(frappe.PermissionError):
			doc.save()
		with self.assertRaises(WorkflowTransitionError):
			apply_workflow(doc, "Start Review")

		frappe.set_user(self.staff["buyer"])
		doc = apply_workflow(frappe.get_doc(doc.doctype, doc.name), "Start Review")
		self.assertEqual(doc.reviewed_by, self.staff["buyer"])
		doc.answers[0].reviewer_comment = "Certificate checked against the registry."
		doc.review_comment = "Complete and convincing."
		doc.save()
		# nor can procurement change what the supplier answered
		doc.answers[1].answer = "1"
		with self.assertRaises(frappe.ValidationError):
			doc.save()
		doc.reload()
		# a Purchase User cannot approve
		with self.assertRaises(WorkflowTransitionError):
			apply_workflow(doc, "Approve")
		doc.status = "Qualified"
		with self.assertRaises((WorkflowPermissionError, frappe.PermissionError)):
			doc.submit()

		frappe.set_user(self.staff["manager"])
		doc = apply_workflow(frappe.get_doc(doc.doctype, doc.name), "Approve")
		self.assertEqual(doc.status, "Qualified")
		self.assertEqual(doc.docstatus, 1)
		self.assertEqual(getdate(doc.qualified_on), getdate(nowdate()))
		self.assertEqual(getdate(doc.valid_until), getdate(add_days(add_months(nowdate(), 12), -1)))
		self.assertEqual(doc.approved_by, self.staff["manager"])

		mails = frappe.get_all(
			"Communication",
			filters={"reference_doctype": doc.doctype, "reference_name": doc.name},
			fields=["subject", "recipients", "content"],
			order_by="creation asc",
		)
		self.assertEqual([m.recipients for m in mails], [SUPPLIER_EMAIL] * 3)
		self.assertIn("Qualified", mails[-1].subject)
		self.assertIn("Complete and convincing.", mails[-1].content)
		self.assertIn("Certificate checked against the registry.", mails[-1].content)

	def test_failing_qualification_cannot_be_approved_only_rejected(self):
		doc = fill(make_qualification(self.supplier, self.template), iso="No")
		frappe.set_user(self.staff["buyer"])
		doc = apply_workflow(frappe.get_doc(doc.doctype, doc.name), "Submit for Review")
		doc = apply_workflow(doc, "Start Review")
		frappe.set_user(self.staff["manager"])
		doc = frappe.get_doc(doc.doctype, doc.name)
		with self.assertRaises(WorkflowTransitionError):
			apply_workflow(doc, "Approve")
		doc = apply_workflow(doc, "Reject")
		self.assertEqual((doc.status, doc.docstatus), ("Rejected", 1))
		self.assertFalse(doc.valid_until)

	def test_four_eyes_the_decider_neither_created_submitted_nor_reviewed_it(self):
		other = make_manager("sq-manager-2@example.com")
		for step in ("created", "submitted", "reviewed"):
			frappe.set_user(self.staff["manager"] if step == "created" else "Administrator")
			doc = fill(make_qualification(self.supplier, self.template))
			frappe.set_user(self.staff["manager"] if step == "submitted" else self.staff["buyer"])
			doc = apply_workflow(frappe.get_doc(doc.doctype, doc.name), "Submit for Review")
			frappe.set_user(self.staff["manager"] if step == "reviewed" else self.staff["buyer"])
			doc = apply_workflow(frappe.get_doc(doc.doctype, doc.name), "Start Review")
			frappe.set_user(self.staff["manager"])
			for action in ("Approve", "Reject"):
				with self.assertRaises((frappe.PermissionError, frappe.ValidationError), msg=(step, action)):
					apply_workflow(frappe.get_doc(doc.doctype, doc.name), action)
			self.assertEqual(frappe.db.get_value(doc.doctype, doc.name, "status"), "Under Review")
			frappe.set_user(other)
			self.assertEqual(
				apply_workflow(frappe.get_doc(doc.doctype, doc.name), "Approve").status, "Qualified"
			)
			frappe.set_user("Administrator")
			frappe.db.delete("Supplier Qualification", {"name": doc.name})

	def test_manual_expiry_ends_eligibility_at_once(self):
		from crm_ext.supply.eligibility import is_supplier_qualified

		doc = qualify(fill(make_qualification(self.supplier, self.template)), self.staff["manager"])
		self.assertTrue(is_supplier_qualified(self.supplier, "_SQ Steel"))
		frappe.set_user(self.staff["manager"])
		doc = apply_workflow(frappe.get_doc(doc.doctype, doc.name), "Expire")
		frappe.set_user("Administrator")
		self.assertEqual((doc.status, getdate(doc.expired_on)), ("Expired", getdate(nowdate())))
		self.assertGreater(getdate(doc.valid_until), getdate(nowdate()))  # its validity had not ended
		self.assertFalse(is_supplier_qualified(self.supplier, "_SQ Steel"))
		self.assertFalse(is_supplier_qualified(self.supplier, "_SQ Steel", add_days(nowdate(), 30)))


def make_manager(email: str) -> str:
	from crm_ext.testing import make_user

	return make_user(email, "Purchase Manager")
