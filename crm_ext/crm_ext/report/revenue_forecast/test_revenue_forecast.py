import frappe
from frappe.utils import add_days, add_months, get_first_day, get_last_day, getdate, nowdate

from crm_ext.analytics.testing import default_company, lead_through, make_analytics_pipeline, make_invoice
from crm_ext.crm_ext.report.revenue_forecast.revenue_forecast import execute
from crm_ext.testing import CRMTestCase, make_customer, make_user

PIPELINE = "_Test Forecast Pipeline"


class TestRevenueForecast(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		self.company = default_company()
		self.rep = make_user("forecast.rep@example.com", "Sales User")
		today = getdate(nowdate())
		self.m1 = get_first_day(today)
		self.m2 = get_first_day(add_months(today, 1))
		self.to_date = get_last_day(add_months(today, 2))
		customer = make_customer("_Test Forecast Customer")
		other = self.other = make_customer("_Test Forecast Other Customer")
		common = {"company": self.company}
		# open: 1000 in New (10 %) and 2000 in Quote (50 %) closing this month; 500 in New closing
		# last month (overdue); 300 in New without a close date
		lead_through(PIPELINE, expected_amount=1000, expected_close_date=today, customer=customer, **common)
		lead_through(
			PIPELINE, "Quote", expected_amount=2000, expected_close_date=today, lead_owner=self.rep, **common
		)
		lead_through(PIPELINE, expected_amount=500, expected_close_date=add_days(self.m1, -1), **common)
		lead_through(PIPELINE, expected_amount=300, **common)
		# not in the forecast: won, and closing after the period
		lead_through(PIPELINE, "Won", expected_amount=7000, expected_close_date=today, **common)
		lead_through(PIPELINE, expected_amount=9000, expected_close_date=add_days(self.to_date, 1), **common)
		# unpaid: 400 due next month for the scoped customer; 800 for a customer of no card in scope
		make_invoice(customer, 400, posting_date=today, due_date=add_days(self.m2, 4), company=self.company)
		make_invoice(other, 800, posting_date=today, due_date=add_days(self.m2, 4), company=self.company)

	def run_report(self, **filters):
		base = {"company": self.company, "pipeline": PIPELINE, "from_date": self.m1, "to_date": self.to_date}
		_columns, data, message, chart, summary = execute({**base, **filters})
		rows = {row["month"]: row for row in data}
		return rows, message, chart, {s["label"]: s["value"] for s in summary}

	def test_weighted_pipeline_unpaid_and_coverage(self):
		rows, message, chart, summary = self.run_report(target=2000)
		m1, m2 = self.m1.strftime("%Y-%m"), self.m2.strftime("%Y-%m")
		self.assertEqual(list(rows), ["0000-00", m1, m2, "9999-99"])
		pick = ("cards", "pipeline", "weighted", "invoiced_unpaid", "expected")
		self.assertEqual([rows["0000-00"][k] for k in pick], [1, 500, 50, 0, 50])
		self.assertEqual([rows[m1][k] for k in pick], [2, 3000, 1100, 0, 1100])
		self.assertEqual([rows[m2][k] for k in pick], [0, 0, 0, 400, 400])
		self.assertEqual([rows["9999-99"][k] for k in pick], [1, 300, 30, 0, 30])
		self.assertEqual(rows["9999-99"]["cumulative"], 1580)
		self.assertIsNone(message)
		# pipeline 3800 / target 2000; expected 50 + 1100 + 400 + 30 = 1580 / 2000
		self.assertEqual(summary["Pipeline Coverage %"], 190.0)
		self.assertEqual(summary["Expected vs Target %"], 79.0)
		self.assertEqual(chart["data"]["datasets"][1]["values"], [0, 0, 400, 0])

	def test_without_card_filters_every_customer_invoice_counts(self):
		rows, _message, _chart, _summary = self.run_report(pipeline=None)
		m2 = self.m2.strftime("%Y-%m")
		self.assertGreaterEqual(rows[m2]["invoiced_unpaid"], 1200)

	def test_a_rep_filter_keeps_the_invoices_of_that_reps_customers(self):
		"""As the head of sales: a customer is in scope when one of its cards matches every card filter
		(pipeline and Responsible), looked up per customer."""
		m2 = self.m2.strftime("%Y-%m")
		rows, _message, _chart, _summary = self.run_report(lead_owner=self.rep)
		self.assertNotIn(m2, rows)  # the rep's card has no customer: no invoice of either customer
		frappe.db.set_value(
			"Sales Lead", {"lead_owner": self.rep, "pipeline": PIPELINE}, "customer", self.other
		)
		rows, _message, _chart, _summary = self.run_report(lead_owner=self.rep)
		self.assertEqual(rows[m2]["invoiced_unpaid"], 800)

	def test_sales_user_sees_only_own_cards_and_customers(self):
		frappe.set_user(self.rep)
		rows, _message, _chart, summary = self.run_report()
		m1 = self.m1.strftime("%Y-%m")
		self.assertEqual(list(rows), [m1])
		self.assertEqual((rows[m1]["pipeline"], rows[m1]["weighted"]), (2000, 1000))
		self.assertEqual(summary["Invoiced, Unpaid"], 0)

	def test_weighted_pipeline_card_is_the_reports_total(self):
		"""The workspace card computes only the total: the same as the report's rows, for whoever
		may run the report (a rep: their own cards), refused to others."""
		from crm_ext.analytics.cards import weighted_pipeline

		manager = make_user("forecast.manager@example.com", "Sales Manager")
		for user, expected in ((manager, None), (self.rep, 1000)):
			frappe.set_user(user)
			_columns, data, *_rest = execute({"company": self.company})
			total = sum(row["weighted"] for row in data)
			card = weighted_pipeline({"company": self.company})
			self.assertEqual(card["fieldtype"], "Currency")
			self.assertAlmostEqual(card["value"], total, places=2)
			if expected is not None:
				self.assertEqual(card["value"], expected)
		frappe.set_user(make_user("forecast.buyer@example.com", "Purchase User"))
		with self.assertRaises(frappe.PermissionError):
			weighted_pipeline({"company": self.company})
