import random
from decimal import Decimal

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_ext.analytics.segments import classified, tag_customers
from crm_ext.analytics.testing import default_company, lead_through, make_analytics_pipeline, make_invoice
from crm_ext.crm_ext.report.customer_segments.customer_segments import execute
from crm_ext.logic.analytics import RFMInput, abc_classes, rfm_scores
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


class TestSegmentsQueryFollowsTheRules(CRMTestCase):
	"""The window-function query of the report gives the classes of the pure rules
	(crm_ext.logic.analytics.abc_classes, rfm_scores) on data with ties and edges."""

	TO_DATE = "2026-06-30"

	def classes_by_query(self, rows, a_share=80, b_share=15) -> dict:
		literal = " union all ".join(
			"select {} customer, cast({} as decimal(21,9)) revenue, {} invoices, {} last_invoice".format(
				frappe.db.escape(customer),
				revenue,
				invoices,
				frappe.db.escape(last) if last else "cast(null as date)",
			)
			for customer, revenue, invoices, last in rows
		)
		found = frappe.db.sql(
			classified(literal),
			{"abc_a": Decimal(str(a_share)), "abc_b": Decimal(str(b_share)), "to_date": self.TO_DATE},
			as_dict=True,
		)
		return {row.customer: (row.abc, row.r, row.f, row.m) for row in found}, [r.customer for r in found]

	def classes_by_rules(self, rows, a_share=80, b_share=15) -> dict:
		to_date = getdate(self.TO_DATE)
		abc = abc_classes({c: Decimal(str(rev)) for c, rev, _i, _l in rows}, a_share, b_share)
		rfm = rfm_scores(
			{
				c: RFMInput(
					recency_days=(to_date - getdate(last)).days if last else 10**6,
					frequency=invoices,
					monetary=Decimal(str(rev)),
				)
				for c, rev, invoices, last in rows
			}
		)
		order = sorted((c for c, *_rest in rows), key=lambda c: (-Decimal(str(rows_by(rows)[c])), c))
		return {c: (abc[c], *rfm[c]) for c in abc}, order

	def assert_same(self, rows, a_share=80, b_share=15):
		by_query, query_order = self.classes_by_query(rows, a_share, b_share)
		by_rules, rules_order = self.classes_by_rules(rows, a_share, b_share)
		self.assertEqual(by_query, by_rules)
		self.assertEqual(query_order, rules_order)

	def test_ties_on_the_lines_and_in_every_score(self):
		rows = [
			# 800 of 1000 before the third: equal revenues straddle the A line, decided by the ID
			("b", "400", 3, "2026-06-01"),
			("B", "400", 3, "2026-06-01"),
			("a", "150", 1, "2026-05-01"),  # crosses 95 %: B
			("É", "25", 1, "2026-05-01"),
			("Z", "25", 2, None),  # only credit notes in the period: worst recency
			("zero", "0", 1, "2026-04-01"),
			("credit", "-30", 0, None),
			("tiny", "0.000000001", 1, "2026-06-30"),
		]
		self.assert_same(rows)
		self.assert_same(rows, a_share=40, b_share=0)  # B empty: the line at 40 %
		self.assert_same(rows, a_share=100, b_share=0)

	def test_no_positive_revenue_is_all_c(self):
		rows = [("x", "0", 0, None), ("y", "-5", 0, None)]
		self.assert_same(rows)
		self.assertEqual({v[0] for v in self.classes_by_query(rows)[0].values()}, {"C"})

	def test_random_tables_with_many_ties(self):
		rng = random.Random(15)
		for _ in range(25):
			n = rng.randint(1, 40)
			rows = [
				(
					f"c{rng.randint(0, 9)}{i}",
					str(rng.choice([0, -10, 10, 10, 20, 50, 100, rng.randint(-50, 500)])),
					rng.randint(0, 3),
					None if rng.random() < 0.15 else f"2026-0{rng.randint(1, 6)}-1{rng.randint(0, 9)}",
				)
				for i in range(n)
			]
			a = rng.choice([80, 50, 33.3, 100, 10])
			self.assert_same(rows, a_share=a, b_share=rng.choice([0, min(15, 100 - a), min(20, 100 - a)]))


def rows_by(rows) -> dict:
	return {c: rev for c, rev, _i, _l in rows}
