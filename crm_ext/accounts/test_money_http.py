"""Tier 2: the accounts side's whitelisted methods over real HTTP (Frappe's test client, its own DB
connection): the verb each takes, and the right each names, including through Frappe's mapper door
``frappe.model.mapper.make_mapped_doc`` (the desk's Create buttons), which accepts any verb.

The requests commit, so the setup is committed and removed afterwards."""

import frappe

from crm_ext.testing import make_pipeline, make_sales_lead, make_user

try:
	from frappe.tests.test_api import FrappeAPITestCase
except ImportError:  # pragma: no cover - moved in a later Frappe
	from frappe.tests.classes import FrappeAPITestCase

CUSTOMER = "_Test CRM Money HTTP"
MAKE = "crm_ext.accounts.make.make_quotation"
MAPPER = "frappe.model.mapper.make_mapped_doc"
HEALTH = "crm_ext.accounts.receivables.get_customer_health"


class TestMoneyMethodsHTTP(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_pipeline("_Test Pipeline")
		if not frappe.db.exists("Customer", CUSTOMER):
			frappe.get_doc(
				{"doctype": "Customer", "customer_name": CUSTOMER, "customer_type": "Company"}
			).insert(ignore_permissions=True)
		cls.tokens = {}
		for key, role in (("a", "Sales User"), ("b", "Sales User"), ("buyer", "Purchase User")):
			user = make_user(f"crm-money-http-{key}@example.com", role)
			doc = frappe.get_doc("User", user)
			secret = frappe.generate_hash(length=15)
			doc.api_key = doc.api_key or frappe.generate_hash(length=15)
			doc.api_secret = secret
			doc.save(ignore_permissions=True)
			cls.tokens[key] = {"Authorization": f"token {doc.api_key}:{secret}"}
		company = frappe.db.get_single_value("Global Defaults", "default_company")
		cls.card = make_sales_lead(
			lead_owner="crm-money-http-a@example.com",
			organization=CUSTOMER,
			customer=CUSTOMER,
			company=company,
		).name
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		if frappe.db.exists("Sales Lead", cls.card):
			frappe.delete_doc("Sales Lead", cls.card, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def mapped(self, verb, who: str):
		args = {"method": MAKE, "source_name": self.card}
		return getattr(self, verb)(self.method(MAPPER), args, headers=self.tokens[who])

	def test_make_takes_post_only_also_through_the_mapper(self):
		direct = self.get(self.method(MAKE), {"source_name": self.card}, headers=self.tokens["a"])
		self.assertEqual(direct.status_code, 403, direct.text)
		through_mapper = self.mapped("get", "a")
		self.assertEqual(through_mapper.status_code, 403, through_mapper.text)
		made = self.mapped("post", "a")
		self.assertEqual(made.status_code, 200, made.text)
		self.assertEqual(made.json["message"]["doctype"], "Quotation")
		self.assertEqual(made.json["message"]["sales_lead"], self.card)

	def test_make_needs_write_on_the_card(self):
		for who in ("b", "buyer"):
			response = self.mapped("post", who)
			self.assertEqual(response.status_code, 403, f"{who}: {response.text}")

	def test_customer_health_needs_read_on_the_customer(self):
		args = {"customer": CUSTOMER}
		self.assertEqual(self.get(self.method(HEALTH), args, headers=self.tokens["a"]).status_code, 200)
		self.assertEqual(self.get(self.method(HEALTH), args).status_code, 403)  # guest
		self.assertEqual(self.get(self.method(HEALTH), args, headers=self.tokens["buyer"]).status_code, 403)
