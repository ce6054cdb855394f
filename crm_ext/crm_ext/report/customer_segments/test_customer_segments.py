import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_ext.analytics.segments import tag_customers
from crm_ext.analytics.testing import default_company, lead_through, make_analytics_pipeline, make_invoice
from crm_ext.crm_ext.report.customer_segments.customer_segments import execute
from crm_ext.testing import CRMTestCase, make_customer, make_user

PIPELINE = "_Test Segments Pipeline"


class TestCustomerSegments(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		self.company = default_company()
		self.rep = make_user("segments.rep@example.com", "Sales User")
		self.manager = make_user("segments.manager@example.com", "Sales Manager", "Sales Master Manager")
		today = getdate(nowdate())
		self.c = {n: make_customer(f"_Test Segment {n}") for n in ("C1", "C2", "C3", "C4", "Out")}
		for n in ("C1", "C2", "C3", "C4"):
			lead_through(
				PIPELINE, customer=self.c[n], company=self.company, lead_owner=self.rep if n == "C2" else None
			)
		# revenue 1000: C1 500 + 300 (last 5 days ago), C2 150 (20 days), C3 40 (40 days), C4 10 (60 days)
		for n, amount, days in (
			("C1", 500, 30),
			("C1", 300, 5),
			("C2", 150, 20),
			("C3", 40, 40),
			("C4", 10, 60),
		):
			make_invoice(self.c[n], amount, posting_date=add_days(today, -days), company=self.company)
		make_invoice(self.c["Out"], 5000, posting_date=today, company=self.company)  # no card in scope

	def run_report(self, **filters):
		_columns, data, _message, chart, summary = execute(
			{"company": self.company, "pipeline": PIPELINE, **filters}
		)
		return {row.customer: row for row in data}, chart, summary

	def test_abc_and_rfm(self):
		rows, chart, _summary = self.run_report()
		c = self.c
		self.assertEqual(set(rows), {c["C1"], c["C2"], c["C3"], c["C4"]})
		# C1 800 (A), C2 150: 80 % before it -> B, C3 40: 95 % before it -> C, C4 C
		self.assertEqual([rows[c[n]].abc for n in ("C1", "C2", "C3", "C4")], ["A", "B", "C", "C"])
		self.assertEqual((rows[c["C1"]].revenue, rows[c["C1"]].share, rows[c["C1"]].invoices), (800, 80.0, 2))
		self.assertEqual(rows[c["C3"]].cumulative_share, 99.0)
		# 4 customers, 5 levels: score = 1 + 5 x (customers with a worse value) // 4
		self.assertEqual([rows[c[n]].rfm for n in ("C1", "C2", "C3", "C4")], ["444", "313", "212", "111"])
		self.assertEqual(rows[c["C1"]].days_since, 5)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [800, 150, 50])

	def test_configurable_shares(self):
		rows, _chart, _summary = self.run_report(a_share=85, b_share=10)
		self.assertEqual([rows[self.c[n]].abc for n in ("C1", "C2", "C3")], ["A", "A", "C"])
		with self.assertRaises(frappe.ValidationError):
			self.run_report(a_share=90, b_share=20)

	def test_tag_customers(self):
		frappe.set_user(self.manager)
		result = tag_customers({"company": self.company, "pipeline": PIPELINE})
		self.assertEqual((result["tagged"], result["A"], result["B"], result["C"]), (4, 1, 1, 2))
		self.assertEqual(
			frappe.db.get_value("Customer", self.c["C1"], ["crm_segment", "crm_rfm"]), ("A", "444")
		)
		self.assertFalse(frappe.db.get_value("Customer", self.c["Out"], "crm_segment"))
		self.assertEqual(tag_customers({"company": self.company, "pipeline": PIPELINE})["changed"], 0)

	def test_sales_user_sees_own_customers_and_cannot_tag(self):
		frappe.set_user(self.rep)
		rows, _chart, _summary = self.run_report(pipeline=None)
		self.assertEqual(list(rows), [self.c["C2"]])
		self.assertEqual(rows[self.c["C2"]].abc, "A")
		with self.assertRaises(frappe.PermissionError):
			tag_customers({"company": self.company})
