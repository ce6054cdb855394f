import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from crm_ext.analytics.testing import (
	default_company,
	lead_through,
	make_analytics_pipeline,
	make_invoice,
	pay_invoice,
)
from crm_ext.crm_ext.report.client_history.client_history import execute
from crm_ext.testing import CRMTestCase, make_customer, make_user

PIPELINE = "_Test History Pipeline"
REP = "history.rep@example.com"
OTHER_REP = "history.rep2@example.com"


def interaction(doctype: str, name: str, kind: str, start_time, subject: str):
	return frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": kind,
			"direction": "Outgoing",
			"reference_doctype": doctype,
			"reference_name": name,
			"start_time": start_time,
			"subject": subject,
		}
	).insert()


class TestClientHistory(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		company = default_company()
		make_user(REP, "Sales User")
		make_user(OTHER_REP, "Sales User")
		self.customer = make_customer("_Test History Customer")
		now = now_datetime()
		self.lead = lead_through(PIPELINE, "Won", customer=self.customer, lead_owner=REP, company=company)
		self.other_lead = lead_through(
			PIPELINE, customer=self.customer, lead_owner=OTHER_REP, company=company
		)
		self.call = interaction("Sales Lead", self.lead.name, "Call", add_days(now, -3), "First call")
		self.visit = interaction("Customer", self.customer, "Visit", add_days(now, -2), "Site visit")
		self.other_call = interaction(
			"Sales Lead", self.other_lead.name, "Call", add_days(now, -1), "Upsell call"
		)
		self.invoice = make_invoice(
			self.customer, 700, posting_date=getdate(nowdate()), company=company, sales_lead=self.lead.name
		)
		self.payment = pay_invoice(self.invoice)
		self.later = interaction("Sales Lead", self.lead.name, "Meeting", add_to_date(now, hours=1), "Review")

	def history(self, **filters):
		_columns, data = execute(filters)
		return data

	def test_lead_history_in_time_order(self):
		data = self.history(sales_lead=self.lead.name)
		documents = [row["document"] for row in data]
		self.assertEqual([row["when"] for row in data], sorted(row["when"] for row in data))
		for name in (self.call.name, self.visit.name, self.invoice.name, self.payment.name, self.later.name):
			self.assertIn(name, documents)
		self.assertNotIn(self.other_call.name, documents)  # another card of the customer
		# the call 3 days ago comes first, the meeting in an hour last
		self.assertEqual((documents[0], documents[-1]), (self.call.name, self.later.name))
		changes = [row for row in data if row["document_type"] == "Sales Lead Stage Log"]
		# the stage's name as people typed it, not its ID
		self.assertTrue(any(row["summary"].endswith("→ Won") for row in changes))
		self.assertFalse(any(f"{PIPELINE}-Won" in row["summary"] for row in changes))
		invoice = next(row for row in data if row["document"] == self.invoice.name)
		self.assertEqual((invoice["document_type"], invoice["who"]), ("Sales Invoice", "Administrator"))
		self.assertIn("700", invoice["summary"])

	def test_customer_history_covers_every_card(self):
		documents = [row["document"] for row in self.history(customer=self.customer)]
		for name in (self.call.name, self.visit.name, self.other_call.name, self.payment.name):
			self.assertIn(name, documents)

	def test_one_filter_required(self):
		with self.assertRaises(frappe.ValidationError):
			self.history()

	def test_sales_user_only_for_readable_cards(self):
		frappe.set_user(OTHER_REP)
		with self.assertRaises(frappe.PermissionError):
			self.history(sales_lead=self.lead.name)
		# the customer's history without REP's card, and without the accounts documents
		documents = [row["document"] for row in self.history(customer=self.customer)]
		self.assertIn(self.other_call.name, documents)
		self.assertIn(self.visit.name, documents)
		for name in (self.call.name, self.invoice.name, self.payment.name):
			self.assertNotIn(name, documents)

	def test_a_shared_payment_does_not_open_every_payment_of_the_client(self):
		# a share gives the rep one Payment Entry, not the kind: the history still leaves payments out
		other_payment = pay_invoice(
			make_invoice(self.customer, 50, company=default_company(), sales_lead=self.other_lead.name)
		)
		frappe.share.add("Payment Entry", other_payment.name, OTHER_REP, read=1)
		frappe.set_user(OTHER_REP)
		self.assertTrue(frappe.has_permission("Payment Entry", "read", doc=other_payment.name))
		documents = [row["document"] for row in self.history(customer=self.customer)]
		self.assertIn(self.other_call.name, documents)
		for name in (self.payment.name, other_payment.name):
			self.assertNotIn(name, documents)

	def test_a_manager_limited_to_another_company_sees_none_of_this_ones_records(self):
		# through the report's door; User Permissions limit the head of sales (who also reads the
		# accounts) to another company: the cards, invoices and payments of this one stay out
		from frappe.desk.query_report import run

		other = next(c for c in frappe.get_all("Company", pluck="name") if c != default_company())
		manager = make_user("history.manager@example.com", "Sales Manager", "Accounts User")
		frappe.get_doc(
			{"doctype": "User Permission", "user": manager, "allow": "Company", "for_value": other}
		).insert(ignore_permissions=True)
		frappe.set_user(manager)
		self.assertFalse(frappe.has_permission("Sales Lead", "read", doc=self.lead.name))
		self.assertFalse(frappe.has_permission("Payment Entry", "read", doc=self.payment.name))
		data = run("Client History", filters={"customer": self.customer})["result"]
		documents = [row["document"] for row in data if isinstance(row, dict)]
		self.assertIn(self.visit.name, documents)  # the customer's own, which the manager reads
		for name in (self.call.name, self.other_call.name, self.invoice.name, self.payment.name):
			self.assertNotIn(name, documents)
		self.assertFalse([row for row in data if row["document_type"] == "Sales Lead Stage Log"])
