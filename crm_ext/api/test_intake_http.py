"""Tier 2: the intake endpoint over real HTTP (Frappe's test client, its own DB connection).

The request runs in another thread and commits, so this test commits its setup and deletes
what it created."""

import frappe

from crm_ext.testing import make_pipeline

try:
	from frappe.tests.test_api import FrappeAPITestCase
except ImportError:  # pragma: no cover - moved in a later Frappe
	from frappe.tests.classes import FrappeAPITestCase

TOKEN = "http-intake-token"
METHOD = "crm_ext.api.intake.submit_request"


class TestIntakeHTTP(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.remove_http_data()
		make_pipeline("_Test Pipeline")
		settings = frappe.get_single("CRM Ext Settings")
		cls.previous = (
			settings.default_pipeline,
			settings.get_password("intake_token", raise_exception=False),
		)
		settings.default_pipeline = "_Test Pipeline"
		settings.intake_token = TOKEN
		settings.save()
		frappe.db.commit()

	@classmethod
	def remove_http_data(cls):
		domain = ("like", "%@http-intake.example.com")
		for lead in frappe.get_all("Sales Lead", filters={"email": domain}, pluck="name"):
			frappe.delete_doc("Sales Lead", lead, force=True, ignore_permissions=True)
		frappe.db.delete("Sales Request", {"email": domain})
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		cls.remove_http_data()
		settings = frappe.get_single("CRM Ext Settings")
		settings.default_pipeline, settings.intake_token = cls.previous[0], cls.previous[1] or ""
		settings.save()
		frappe.db.commit()
		super().tearDownClass()

	def post_request(self, payload: dict, token: str | None):
		headers = {"X-CRM-Ext-Token": token} if token else {}
		return self.post(self.method(METHOD), payload, headers=headers)

	def test_without_token_is_401_and_writes_nothing(self):
		response = self.post_request({"email": "nobody@http-intake.example.com"}, None)
		self.assertEqual(response.status_code, 401)
		response = self.post_request({"email": "nobody@http-intake.example.com"}, "wrong")
		self.assertEqual(response.status_code, 401)
		self.assertFalse(frappe.db.exists("Sales Request", {"email": "nobody@http-intake.example.com"}))

	def test_valid_post_creates_then_joins(self):
		payload = {
			"name": "Http Person",
			"phone": "+49 30 5550001",
			"email": "person@http-intake.example.com",
		}
		first = self.post_request(payload, TOKEN)
		self.assertEqual(first.status_code, 200, first.text)
		second = self.post_request({**payload, "email": "PERSON@http-intake.example.com"}, TOKEN)
		self.assertEqual(second.status_code, 200, second.text)
		# the sender learns nothing of the card: the same answer for a new and a known person
		self.assertEqual(set(first.json["message"]), {"request"})
		self.assertEqual(set(second.json["message"]), {"request"})
		frappe.db.rollback()  # see what the requests' own transactions committed
		stored = [
			frappe.db.get_value("Sales Request", r.json["message"]["request"], ["sales_lead", "outcome"])
			for r in (first, second)
		]
		self.assertEqual([o for _lead, o in stored], ["New Lead", "Added to Open Lead"])
		self.assertEqual(stored[0][0], stored[1][0])
		self.assertTrue(frappe.db.exists("Sales Lead", stored[0][0]))

	def test_bad_input_is_4xx_json_and_writes_nothing(self):
		response = self.post_request({"email": "broken@", "name": "x"}, TOKEN)
		self.assertTrue(400 <= response.status_code < 500, response.status_code)
		self.assertIn("exc_type", response.json)
		self.assertFalse(
			frappe.db.exists("Sales Request", {"person_name": "x", "email": ("like", "broken%")})
		)


class TestSalesLeadRESTPermissions(FrappeAPITestCase):
	"""A Sales User reading Sales Leads over REST sees only their own cards."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from crm_ext.testing import make_sales_lead, make_user

		make_pipeline("_Test Pipeline")
		cls.tokens, cls.leads = {}, {}
		for key in ("a", "b"):
			user = make_user(f"crm-rest-{key}@example.com", "Sales User")
			doc = frappe.get_doc("User", user)
			secret = frappe.generate_hash(length=15)
			doc.api_key = doc.api_key or frappe.generate_hash(length=15)
			doc.api_secret = secret
			doc.save(ignore_permissions=True)
			cls.tokens[key] = f"token {doc.api_key}:{secret}"
			cls.leads[key] = make_sales_lead(
				lead_owner=user, email=f"rest-{key}@http-intake.example.com"
			).name
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		for name in cls.leads.values():
			if frappe.db.exists("Sales Lead", name):
				frappe.delete_doc("Sales Lead", name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def test_list_and_read_are_limited_to_own_cards(self):
		headers = {"Authorization": self.tokens["a"]}
		listed = self.get(self.resource("Sales Lead"), {"limit_page_length": 0}, headers=headers)
		self.assertEqual(listed.status_code, 200, listed.text)
		names = {row["name"] for row in listed.json["data"]}
		self.assertIn(self.leads["a"], names)
		self.assertNotIn(self.leads["b"], names)
		own = self.get(self.resource("Sales Lead", self.leads["a"]), headers=headers)
		self.assertEqual(own.status_code, 200)
		other = self.get(self.resource("Sales Lead", self.leads["b"]), headers=headers)
		self.assertEqual(other.status_code, 403)
