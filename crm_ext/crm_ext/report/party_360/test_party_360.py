import frappe
from frappe.utils import add_days, add_to_date, now_datetime

from crm_ext.analytics.testing import lead_through, make_analytics_pipeline, make_invoice, make_supplier
from crm_ext.crm_ext.report.party_360.party_360 import execute
from crm_ext.testing import CRMTestCase, make_customer, make_user

PIPELINE = "_Test 360 Pipeline"
COMPANY = "_Test Company"  # ERPNext's test records: orders and invoices with their defaults
REP = "party360.rep@example.com"


def interaction(doctype: str, name: str, start_time):
	frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": "Call",
			"direction": "Outgoing",
			"reference_doctype": doctype,
			"reference_name": name,
			"start_time": start_time,
		}
	).insert()


class TestParty360(CRMTestCase):
	def setUp(self):
		super().setUp()
		from erpnext.accounts.doctype.purchase_invoice.test_purchase_invoice import make_purchase_invoice
		from erpnext.buying.doctype.purchase_order.test_purchase_order import create_purchase_order

		make_analytics_pipeline(PIPELINE)
		make_user(REP, "Sales User")
		self.customer = make_customer("_Test 360 Org")
		self.supplier = make_supplier("_Test 360 Org (Supplier)")
		frappe.get_doc(
			{
				"doctype": "Party Link",
				"primary_role": "Supplier",
				"primary_party": self.supplier,
				"secondary_role": "Customer",
				"secondary_party": self.customer,
			}
		).insert(ignore_permissions=True)
		# sales: an open card (REP's) and a won one; 1000 invoiced, not yet due
		lead = lead_through(PIPELINE, customer=self.customer, company=COMPANY, lead_owner=REP)
		lead_through(PIPELINE, "Won", customer=self.customer, company=COMPANY)
		make_invoice(self.customer, 1000, company=COMPANY)
		# purchases: qualified at 75 %, ordered 5 x 100, invoiced 2 x 300 (payable)
		frappe.get_doc(
			{
				"doctype": "Supplier Qualification",
				"name": "_Test SQ 360",
				"supplier": self.supplier,
				"status": "Qualified",
				"score": 75,
				"qualified_on": add_days(now_datetime(), -3),
				"docstatus": 1,
			}
		).db_insert()
		create_purchase_order(supplier=self.supplier, qty=5, rate=100)
		make_purchase_invoice(supplier=self.supplier, qty=2, rate=300)
		# contact: with the customer, the supplier and the card; one with the supplier 2 years ago
		now = now_datetime()
		interaction("Customer", self.customer, add_to_date(now, hours=-2))
		interaction("Supplier", self.supplier, add_to_date(now, hours=-1))
		interaction("Sales Lead", lead.name, add_to_date(now, hours=-3))
		interaction("Supplier", self.supplier, add_days(now, -730))

	def figures(self, **filters):
		_columns, data, _message, _chart, summary = execute({"company": COMPANY, **filters})
		return {(row["section"].split(":")[0], row["metric"]): row for row in data}, summary

	def test_both_sides_from_either_party(self):
		for chosen in ({"customer": self.customer}, {"supplier": self.supplier}):
			rows, summary = self.figures(**chosen)
			self.assertEqual(rows[("Sales", "Open Cards")]["count"], 1)
			self.assertEqual(rows[("Sales", "Won Cards")]["count"], 1)
			self.assertEqual(
				(rows[("Sales", "Invoiced in Period")]["amount"], rows[("Sales", "Receivable")]["amount"]),
				(1000, 1000),
			)
			self.assertEqual(rows[("Sales", "Overdue")]["amount"], 0)
			self.assertEqual(rows[("Purchases", "Ordered in Period")]["amount"], 500)
			self.assertEqual(rows[("Purchases", "Invoiced in Period")]["amount"], 600)
			self.assertEqual(rows[("Purchases", "Payable")]["amount"], 600)
			self.assertIn(("Purchases", "Qualification: Qualified, score 75.0 %"), rows)
			self.assertEqual(rows[("Net", "Receivable less Payable")]["amount"], 400)
			self.assertEqual(rows[("Contact", "Interactions")]["count"], 3)
			self.assertEqual([card["value"] for card in summary], [1000, 600, 400])

	def test_party_without_link(self):
		rows, summary = self.figures(customer=make_customer("_Test 360 Lone Customer"))
		self.assertFalse(any(section == "Purchases" for section, _metric in rows))
		self.assertEqual(summary[-1]["label"], "Counterpart")

	def test_one_party_required(self):
		with self.assertRaises(frappe.ValidationError):
			self.figures()

	def test_sales_user_sees_own_cards_and_no_accounts(self):
		frappe.set_user(REP)
		rows, _summary = self.figures(customer=self.customer)
		self.assertEqual(
			(rows[("Sales", "Open Cards")]["count"], rows[("Sales", "Won Cards")]["count"]), (1, 0)
		)
		self.assertNotIn(("Sales", "Receivable"), rows)
		self.assertNotIn(("Purchases", "Payable"), rows)
		self.assertNotIn(("Net", "Receivable less Payable"), rows)
		# the customer and REP's card: a Sales User does not read the supplier side, nor its calls
		self.assertFalse(any(section == "Purchases" for section, _metric in rows))
		self.assertEqual(rows[("Contact", "Interactions")]["count"], 2)

	# --- attacks through the report's door (frappe.desk.query_report.run) -----------------------------

	def run_as(self, user: str, **filters):
		from frappe.desk.query_report import run

		frappe.set_user(user)
		data = run("Party 360", filters={"company": COMPANY, **filters})["result"]
		return {(row["section"].split(":")[0], row["metric"]): row for row in data if isinstance(row, dict)}

	def limited_accountant(self, doctype: str, value: str) -> str:
		user = make_user("party360.accounts@example.com", "Accounts User")
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": doctype, "for_value": value}
		).insert(ignore_permissions=True)
		return user

	def test_a_user_limited_to_another_company_does_not_see_this_one(self):
		user = self.limited_accountant("Company", "_Test Company 1")
		with self.assertRaises(frappe.PermissionError):
			self.run_as(user, customer=self.customer)

	def test_the_counterpart_is_shown_only_to_who_may_read_it(self):
		# an accountant limited to another supplier reads the customer, not its supplier counterpart
		user = self.limited_accountant("Supplier", make_supplier("_Test 360 Other Supplier"))
		self.assertFalse(frappe.has_permission("Supplier", "read", doc=self.supplier, user=user))
		rows = self.run_as(user, customer=self.customer)
		self.assertEqual(rows[("Sales", "Invoiced in Period")]["amount"], 1000)
		self.assertFalse(any(section == "Purchases" for section, _metric in rows))
		self.assertNotIn(("Net", "Receivable less Payable"), rows)
		# the customer and the card, not the supplier's calls
		self.assertEqual(rows[("Contact", "Interactions")]["count"], 2)
