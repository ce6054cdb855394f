"""Tenders and qualifications are built in their final state directly (their procedures are
tested with their doctypes); orders and receipts go through ERPNext with its test records."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_ext.analytics.testing import awarded_tender, default_company, make_supplier
from crm_ext.crm_ext.report.supplier_rating.supplier_rating import execute
from crm_ext.testing import CRMTestCase, make_user

S1, S2, S3 = "_Test Rating Supplier 1", "_Test Rating Supplier 2", "_Test Rating Supplier 3"


def qualification(supplier: str, score: float, qualified_on, name: str):
	frappe.get_doc(
		{
			"doctype": "Supplier Qualification",
			"name": name,
			"supplier": supplier,
			"status": "Qualified",
			"score": score,
			"qualified_on": qualified_on,
			"docstatus": 1,
		}
	).db_insert()


def bid(tender: str, supplier: str, name: str, status: str = "Submitted"):
	frappe.get_doc(
		{"doctype": "Tender Bid", "name": name, "tender": tender, "supplier": supplier, "status": status}
	).db_insert()


def receive(supplier: str, late: bool = False):
	"""An order for one line, received today; late when it was required 3 days ago."""
	from erpnext.buying.doctype.purchase_order.purchase_order import make_purchase_receipt
	from erpnext.buying.doctype.purchase_order.test_purchase_order import create_purchase_order

	order = create_purchase_order(supplier=supplier, qty=5, rate=100)
	if late:
		frappe.db.set_value(
			"Purchase Order Item", order.items[0].name, "schedule_date", add_days(nowdate(), -3)
		)
	receipt = make_purchase_receipt(order.name)
	receipt.insert()
	receipt.submit()


class TestSupplierRating(CRMTestCase):
	def setUp(self):
		super().setUp()
		today = getdate(nowdate())
		for supplier in (S1, S2, S3):
			make_supplier(supplier)
		# S1: qualified twice (the latest, 80, counts); 2 deliveries, one late -> 50 %; rating 65
		qualification(S1, 60, add_days(today, -200), "_Test SQ Rating 1")
		qualification(S1, 80, add_days(today, -10), "_Test SQ Rating 2")
		receive(S1)
		receive(S1, late=True)
		# S2: qualified 70, no deliveries -> rating 70; S3: nothing known -> no rating
		qualification(S2, 70, add_days(today, -5), "_Test SQ Rating 3")
		# one tender (deadline in 2 days) to which S1, S2 and S3 are invited; S1 and S2 bid, S1 wins
		company = default_company()
		self.tender = awarded_tender(company, [(10, 0, S1, 40), (5, 0, S1, 20)], 0, invited=(S1, S2, S3))
		bid(self.tender, S1, "_Test Rating Bid 1", "Awarded")
		bid(self.tender, S2, "_Test Rating Bid 2", "Not Awarded")
		self.filters = {"from_date": add_days(today, -30), "to_date": add_days(today, 7)}

	def rows(self, **filters):
		_columns, data, _message, chart = execute({**self.filters, **filters})
		return {row["supplier"]: row for row in data if row["supplier"] in (S1, S2, S3)}, chart

	def test_rating_per_supplier(self):
		rows, chart = self.rows()
		s1, s2 = rows[S1], rows[S2]
		self.assertEqual((s1["qualification"], s1["score"]), ("_Test SQ Rating 2", 80))
		self.assertEqual((s1["receipt_lines"], s1["on_time_lines"], s1["on_time_percent"]), (2, 1, 50.0))
		self.assertEqual(s1["rating"], 65.0)
		self.assertEqual((s1["invited"], s1["bids"], s1["won"], s1["win_rate"]), (1, 1, 1, 100.0))
		self.assertEqual(s1["awarded_value"], 500)  # 10 x 40 + 5 x 20
		self.assertEqual((s2["rating"], s2["on_time_percent"], s2["bids"], s2["won"]), (70.0, None, 1, 0))
		self.assertEqual(s2["win_rate"], 0.0)
		self.assertEqual((rows[S3]["invited"], rows[S3]["rating"]), (1, None))
		self.assertIn(S1, chart["data"]["labels"])
		self.assertNotIn(S3, chart["data"]["labels"])

	def test_supplier_filter_and_period(self):
		rows, _chart = self.rows(supplier=S1, to_date=add_days(getdate(nowdate()), -1))
		self.assertEqual(list(rows), [S1])
		# before today: no receipts nor tenders, the qualification still counts
		self.assertEqual((rows[S1]["receipt_lines"], rows[S1]["invited"], rows[S1]["rating"]), (0, 0, 80.0))

	def test_only_for_purchase_roles(self):
		from frappe.desk.query_report import run

		frappe.set_user(make_user("rating.rep@example.com", "Sales User"))
		with self.assertRaises(frappe.PermissionError):
			run("Supplier Rating", {})
