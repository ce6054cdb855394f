"""Tier 2: supplier portal — isolation between suppliers, self-service, self-registration."""

import frappe
import frappe.api.v1
import frappe.client
from frappe.model.workflow import apply_workflow

from crm_ext.supply import portal
from crm_ext.supply.access import suppliers_of_user
from crm_ext.supply.sample_data import (
	make_qualification,
	make_supplier,
	make_supplier_user,
	make_template,
	qualify,
	staff,
)
from crm_ext.testing import IntegrationTestCase, make_user

PDF = "data:application/pdf;base64,JVBERi0x"


def fill_on_portal(name: str, iso: str = "Yes") -> None:
	"""Answer and upload as the logged-in party, through the portal's methods."""
	doc = frappe.get_doc("Supplier Qualification", name)
	answers = {"ISO 9001 certified?": iso, "Years in business": "10", "Quality system": "Certified"}
	for row in doc.documents:
		portal.upload_file(name, row.name, "doc.pdf", PDF, "2099-01-01" if row.expiry_required else None)
	portal.save_answers(name, {row.name: answers[row.question] for row in doc.answers})


class TestSupplierPortal(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.template = make_template()
		self.user_a = make_supplier_user("sq-portal-a@example.com")
		self.user_b = make_supplier_user("sq-portal-b@example.com")
		self.supplier_a = make_supplier("_SQ Supplier A", portal_user=self.user_a, email="a@example.com")
		self.supplier_b = make_supplier("_SQ Supplier B", portal_user=self.user_b, email="b@example.com")
		self.qual_a = make_qualification(self.supplier_a, self.template).name
		self.qual_b = make_qualification(self.supplier_b, self.template).name

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_supplier_user_never_reaches_another_suppliers_qualification(self):
		frappe.set_user(self.user_a)
		# get_doc + the permission check every API does
		self.assertTrue(frappe.get_doc("Supplier Qualification", self.qual_a).has_permission("read"))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Supplier Qualification", self.qual_b).check_permission("read")
		# get_list
		names = frappe.get_list("Supplier Qualification", pluck="name")
		self.assertIn(self.qual_a, names)
		self.assertNotIn(self.qual_b, names)
		self.assertEqual(frappe.get_list("Supplier Qualification", filters={"name": self.qual_b}), [])
		# REST API handlers (/api/resource/... and frappe.client.get)
		with self.assertRaises(frappe.PermissionError):
			frappe.api.v1.read_doc("Supplier Qualification", self.qual_b)
		with self.assertRaises(frappe.PermissionError):
			frappe.client.get("Supplier Qualification", self.qual_b)
		self.assertEqual(frappe.api.v1.read_doc("Supplier Qualification", self.qual_a).name, self.qual_a)
		# portal methods
		with self.assertRaises(frappe.PermissionError):
			portal.save_answers(self.qual_b, {})
		with self.assertRaises(frappe.PermissionError):
			portal.start_qualification(self.template, supplier=self.supplier_b)

	def test_supplier_fills_in_uploads_and_submits_on_the_portal(self):
		frappe.db.delete("Supplier Qualification", {"name": self.qual_a})
		frappe.set_user(self.user_a)
		name = portal.start_qualification(self.template)
		doc = frappe.get_doc("Supplier Qualification", name)
		answers = dict(zip([r.name for r in doc.answers], ["Yes", "8", "Certified"], strict=True))
		tax = next(r for r in doc.documents if r.document_type == "Tax certificate")
		profile = next(r for r in doc.documents if r.document_type == "Company profile")
		portal.upload_file(name, tax.name, "tax.pdf", "data:application/pdf;base64,JVBERi0x", "2099-01-01")
		portal.upload_file(name, profile.name, "profile.pdf", "JVBERi0x")
		result = portal.save_answers(name, answers)
		self.assertAlmostEqual(result["score"], 95.0)
		self.assertEqual(portal.submit_questionnaire(name), "Submitted")
		with self.assertRaises(frappe.PermissionError):
			portal.save_answers(name, {r: "No" for r in answers})
		self.assertEqual([q.name for q in portal.my_qualifications()], [name])  # B's is not listed

	def test_self_registration_creates_no_supplier_and_grants_no_role_until_approved(self):
		applicant = make_user("sq-applicant@example.com", user_type="Website User")
		frappe.set_user(applicant)
		name = portal.register_company(
			self.template,
			{
				"company_name": "_SQ Newco Ltd",
				"country": "Germany",
				"tax_id": "DE123456789",
				"regions": "DACH",
				"item_groups": ["_SQ Steel"],
				"signatories": [{"full_name": "Ada Founder", "designation": "CEO"}],
				"contact_persons": [{"full_name": "Bob Sales", "email": "bob@newco.example"}],
			},
		)
		self.assertFalse(frappe.db.exists("Supplier", {"supplier_name": "_SQ Newco Ltd"}))
		self.assertEqual(suppliers_of_user(applicant), [])
		self.assertNotIn("Supplier", frappe.get_roles(applicant))
		fill_on_portal(name)
		self.assertEqual(portal.submit_questionnaire(name), "Submitted")
		doc = frappe.get_doc("Supplier Qualification", name)
		self.assertTrue(doc.is_registration)
		self.assertEqual((doc.registration_user, doc.contact_email, doc.submitted_by), (applicant,) * 3)
		# the applicant sees its registration (explicit code: it has no role), not the others'
		self.assertEqual({q.name for q in portal.my_qualifications()}, {name})
		self.assertEqual(portal.get_own(name).name, name)
		with self.assertRaises(frappe.PermissionError):  # submitted: no more changes
			portal.save_answers(name, {})

		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("Supplier", {"supplier_name": "_SQ Newco Ltd"}))
		doc = qualify(doc, staff()["manager"])
		self.assertEqual(doc.status, "Qualified")
		supplier = frappe.get_doc("Supplier", doc.supplier)
		self.assertEqual((supplier.supplier_name, supplier.tax_id), ("_SQ Newco Ltd", "DE123456789"))
		self.assertEqual([p.user for p in supplier.portal_users], [applicant])
		self.assertEqual(suppliers_of_user(applicant), [supplier.name])
		self.assertIn("Supplier", frappe.get_roles(applicant))

	def test_rejected_registration_leaves_no_supplier(self):
		applicant = make_user("sq-applicant-2@example.com", user_type="Website User")
		frappe.set_user(applicant)
		name = portal.register_company(
			self.template, {"company_name": "_SQ Rejectco", "country": "France", "tax_id": "FR1"}
		)
		fill_on_portal(name, iso="No")
		portal.submit_questionnaire(name)
		frappe.set_user(staff()["buyer"])
		doc = apply_workflow(frappe.get_doc("Supplier Qualification", name), "Start Review")
		frappe.set_user(staff()["manager"])
		doc = apply_workflow(frappe.get_doc("Supplier Qualification", name), "Reject")
		self.assertEqual(doc.status, "Rejected")
		self.assertFalse(doc.supplier)
		self.assertFalse(frappe.db.exists("Supplier", {"supplier_name": "_SQ Rejectco"}))
		self.assertNotIn("Supplier", frappe.get_roles(applicant))

	def test_only_a_website_user_without_a_supplier_may_register(self):
		company = {"company_name": "_SQ Deskco", "country": "France", "tax_id": "FR2"}
		desk_users = (staff()["buyer"], make_user("sq-sales@example.com", "Sales User"))
		for user in (*desk_users, self.user_a):  # staff, and a user already of a supplier
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError, msg=user):
				portal.register_company(self.template, company)
		frappe.set_user("Administrator")
		for user in desk_users:
			self.assertNotIn("Supplier", frappe.get_roles(user))
		self.assertFalse(frappe.db.exists("Supplier Qualification", {"company_name": "_SQ Deskco"}))

	def test_bad_registration_input_is_refused_naming_the_field(self):
		applicant = make_user("sq-applicant-3@example.com", user_type="Website User")
		frappe.set_user(applicant)
		for company, field in (
			({"country": "France", "tax_id": "1"}, "company_name"),
			({"company_name": "X", "country": "Atlantis", "tax_id": "1"}, "country"),
			({"company_name": "X", "country": "France", "tax_id": "1", "signatories": "Ada"}, "signatories"),
			("not json", "company"),
		):
			with self.assertRaises(frappe.ValidationError) as ctx:
				portal.register_company(self.template, company)
			self.assertIn(field, str(ctx.exception))
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("Supplier Qualification", {"registration_user": applicant}))

	def test_guest_cannot_use_the_portal_methods(self):
		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			portal.register_company(self.template, {"company_name": "x", "country": "France", "tax_id": "1"})
		with self.assertRaises(frappe.PermissionError):
			portal.start_qualification(self.template)
