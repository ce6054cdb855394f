# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import json

import frappe

from crm_ext.api.intake import submit_request
from crm_ext.setup.roles import INTAKE_USER
from crm_ext.testing import CRMTestCase, make_pipeline, make_user

TOKEN = "s3cret-intake-token"


def stored(result: dict) -> frappe._dict:
	"""What the intake recorded for a request: the caller's answer carries only its ID."""
	return frappe.db.get_value("Sales Request", result["request"], ["sales_lead", "outcome"], as_dict=True)


class TestSalesRequest(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_pipeline("_Test Pipeline")
		settings = frappe.get_single("CRM Ext Settings")
		settings.default_pipeline = "_Test Pipeline"
		settings.intake_token = TOKEN
		settings.save()

	def tearDown(self):
		frappe.local.request = None
		super().tearDown()

	def as_guest_with(self, token: str | None):
		from frappe.utils import set_request

		frappe.set_user("Guest")
		set_request(
			method="POST",
			path="/api/method/crm_ext.api.intake.submit_request",
			headers={"X-CRM-Ext-Token": token} if token else {},
		)

	def test_request_creates_a_lead_then_joins_it(self):
		first = submit_request(
			name="Ann", phone="+7 912 345-67-89", message="Need 3 windows", utm_source="google"
		)
		self.assertEqual(set(first), {"request"})
		self.assertEqual(stored(first).outcome, "New Lead")
		lead = frappe.get_doc("Sales Lead", stored(first).sales_lead)
		self.assertEqual((lead.lead_name, lead.phone, lead.utm_source), ("Ann", "+79123456789", "google"))
		self.assertEqual(lead.pipeline, "_Test Pipeline")

		again = submit_request(name="Ann", phone="+7 9123456789", message="Call me back")
		self.assertEqual(set(again), {"request"})
		self.assertEqual(stored(again).sales_lead, lead.name)
		self.assertEqual(frappe.db.count("Sales Lead", {"phone": "+79123456789"}), 1)
		notes = frappe.get_all(
			"Interaction",
			filters={"reference_doctype": "Sales Lead", "reference_name": lead.name},
			fields=["summary", "interaction_type", "direction"],
		)
		self.assertTrue(any("Call me back" in (n.summary or "") for n in notes))
		self.assertEqual({(n.interaction_type, n.direction) for n in notes}, {("Message", "Incoming")})
		# the client writing again is not a contact by the rep
		self.assertIsNone(frappe.db.get_value("Sales Lead", lead.name, "first_contacted_on"))
		self.assertEqual(
			frappe.db.get_value("Sales Request", again["request"], "outcome"), "Added to Open Lead"
		)

	def test_same_email_in_other_case_joins_the_lead(self):
		first = submit_request(email="Client@Example.com")
		second = submit_request(email="client@EXAMPLE.com", message="second")
		self.assertEqual(stored(first).sales_lead, stored(second).sales_lead)

	def test_bad_requests_write_nothing(self):
		before = (frappe.db.count("Sales Request"), frappe.db.count("Sales Lead"))
		for values in (
			{"name": "No contact"},
			{"phone": "abc"},
			{"email": "x@"},
			{"email": "a@b.com", "source": "No Such Source"},
		):
			with self.subTest(values=values):
				with self.assertRaises(frappe.ValidationError):
					submit_request(**values)
		self.assertEqual((frappe.db.count("Sales Request"), frappe.db.count("Sales Lead")), before)

	def test_guest_needs_the_token(self):
		self.as_guest_with(None)
		with self.assertRaises(frappe.AuthenticationError):
			submit_request(email="guest@example.com")
		self.as_guest_with("wrong")
		with self.assertRaises(frappe.AuthenticationError):
			submit_request(email="guest@example.com")
		self.as_guest_with(TOKEN)
		result = submit_request(email="guest@example.com")
		frappe.set_user("Administrator")
		self.assertEqual(stored(result).outcome, "New Lead")
		# with the token the request runs as the app's intake user, never as Administrator
		self.assertEqual(frappe.db.get_value("Sales Request", result["request"], "owner"), INTAKE_USER)
		self.assertEqual(frappe.db.get_value("Sales Lead", stored(result).sales_lead, "owner"), INTAKE_USER)

	def test_logged_in_caller_needs_create_permission(self):
		frappe.set_user(make_user("crm-intake-nobody@example.com", "Purchase User"))
		with self.assertRaises(frappe.PermissionError):
			submit_request(email="x@example.com")
		frappe.set_user(make_user("crm-intake-rep@example.com", "Sales User"))
		with self.assertRaises(frappe.PermissionError):
			submit_request(email="x@example.com")  # reps read requests; integrations submit them
		frappe.set_user(make_user("crm-intake-api@example.com", "CRM Intake"))
		result = submit_request(email="x@example.com")
		frappe.set_user("Administrator")
		self.assertEqual(stored(result).outcome, "New Lead")

	def test_web_form_submission_as_guest(self):
		from frappe.website.doctype.web_form.web_form import accept

		answers = []
		for message in ("hi", "me again"):
			frappe.set_user("Guest")
			doc = accept(
				"sales-request",
				json.dumps(
					{"person_name": "Web Visitor", "email": "visitor@example.com", "message": message}
				),
			)
			# what the guest gets back says nothing of the card, new or known
			answers.append({k: v for k, v in doc.as_dict().items() if k in ("sales_lead", "outcome")})
			frappe.set_user("Administrator")
		self.assertEqual(answers, [{"sales_lead": None, "outcome": None}] * 2)
		request = frappe.get_doc("Sales Request", doc.name)
		self.assertEqual(request.received_via, "Web Form")
		self.assertEqual(request.outcome, "Added to Open Lead")
		self.assertEqual(
			frappe.db.get_value("Sales Lead", request.sales_lead, "email"), "visitor@example.com"
		)

	def test_api_request_records_its_channel(self):
		result = submit_request(email="api-channel@example.com")
		self.assertEqual(frappe.db.get_value("Sales Request", result["request"], "received_via"), "API")

	def test_intake_assigns_the_new_card_on_the_intake_users_behalf(self):
		"""The round-robin rule and the stage's first sequence step create ToDos on a card the intake
		user (or a guest) may not write: they run as the app's procedure, so they are allowed."""
		reps = [make_user(f"crm-intake-rr-{i}@example.com", "Sales User") for i in (1, 2)]
		rule = frappe.get_doc("Assignment Rule", "Sales Lead Round Robin")
		rule.set("users", [{"user": rep} for rep in reps])
		rule.disabled, rule.last_user = 0, None
		rule.save()
		stage = frappe.get_doc("Pipeline Stage", "_Test Pipeline-New")
		stage.set("sequence_steps", [{"step_text": "Call back within 15 minutes", "due_after_hours": 0.25}])
		stage.save()
		from frappe.website.doctype.web_form.web_form import accept

		self.as_guest_with(TOKEN)
		by_token = submit_request(email="rr-token@example.com")
		frappe.local.request = None  # the form's own call (no HTTP rate limit in a function test)
		frappe.set_user("Guest")
		by_form = accept("sales-request", json.dumps({"email": "rr-form@example.com", "message": "hi"}))
		frappe.set_user("Administrator")
		leads = [
			stored(by_token).sales_lead,
			frappe.db.get_value("Sales Request", by_form.name, "sales_lead"),
		]
		owners = [frappe.db.get_value("Sales Lead", lead, "lead_owner") for lead in leads]
		self.assertEqual(owners, reps)
		for lead, owner in zip(leads, owners, strict=True):
			steps = frappe.get_all(
				"ToDo",
				filters={"reference_type": "Sales Lead", "reference_name": lead, "crm_sequence_step": 1},
				pluck="allocated_to",
			)
			self.assertEqual(steps, [owner])
