"""The report reads what an award stores (award lines, savings, the Awarded log entry); the award
itself is tested in test_tender. Here the tenders are built in that state directly
(:func:`crm_ext.analytics.testing.awarded_tender`)."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_ext.analytics.testing import awarded_tender, default_company, make_supplier
from crm_ext.crm_ext.report.tender_savings.tender_savings import execute
from crm_ext.testing import CRMTestCase, make_user

SUPPLIERS = ("_Test Savings Supplier 1", "_Test Savings Supplier 2")


class TestTenderSavings(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.company = default_company()
		for supplier in SUPPLIERS:
			make_supplier(supplier)
		s1, s2 = SUPPLIERS
		# bolts 100 x 8.8 (budget 12), gears 10 x 450 (no budget; first offer 500): savings 320 + 500
		self.recent = awarded_tender(self.company, [(100, 12, s1, 8.8), (10, 0, s2, 450)], 820)
		self.older = awarded_tender(self.company, [(10, 110, s1, 100)], 100, days_ago=40)
		self.evaluated = awarded_tender(self.company, [(5, 10, s1, 9)], 5, status="Evaluated")
		self.today = getdate(nowdate())

	def rows(self, days: int):
		_columns, data, _message, chart, summary = execute(
			{"company": self.company, "from_date": add_days(self.today, -days), "to_date": self.today}
		)
		mine = {self.recent, self.older, self.evaluated}
		return {row["tender"]: row for row in data if row["tender"] in mine}, chart, summary

	def test_savings_per_tender(self):
		rows, chart, _summary = self.rows(30)
		self.assertEqual(list(rows), [self.recent])  # the older one out of the period, no evaluated
		row = rows[self.recent]
		self.assertEqual((row["suppliers"], row["lines"]), (2, 2))
		# awarded 880 + 4500; budget of the budgeted line 1200; 820 / (5380 + 820) = 13.2 %
		self.assertEqual((row["awarded"], row["budget"], row["savings"]), (5380, 1200, 820))
		self.assertEqual(row["savings_percent"], 13.2)
		self.assertTrue(chart["data"]["datasets"][0]["values"])

	def test_longer_period(self):
		rows, _chart, _summary = self.rows(60)
		self.assertEqual(set(rows), {self.recent, self.older})
		self.assertEqual((rows[self.older]["awarded"], rows[self.older]["savings_percent"]), (1000, 9.1))

	def test_only_for_purchase_roles(self):
		from frappe.desk.query_report import run

		frappe.set_user(make_user("savings.rep@example.com", "Sales User"))
		with self.assertRaises(frappe.PermissionError):
			run("Tender Savings", {"company": self.company})
