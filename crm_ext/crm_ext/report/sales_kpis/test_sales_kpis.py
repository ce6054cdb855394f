from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from crm_ext.analytics.testing import (
	default_company,
	lead_through,
	make_analytics_pipeline,
	make_invoice,
	pay_invoice,
)
from crm_ext.crm_ext.report.sales_kpis.sales_kpis import execute
from crm_ext.sales.sources import ensure_source
from crm_ext.testing import CRMTestCase, make_customer, make_user

PIPELINE = "_Test KPI Pipeline"
REP = "kpi.rep@example.com"
WEB, FAIR = "_Test KPI Web", "_Test KPI Fair"


def make_source(name: str) -> str:
	return ensure_source(name)


def created_days_ago(lead, days: int):
	frappe.db.set_value("Sales Lead", lead.name, "creation", now_datetime() - timedelta(days=days))


class TestSalesKPIs(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		company = default_company()
		make_user(REP, "Sales User")
		make_source(WEB)
		make_source(FAIR)
		self.campaign = frappe.get_doc(
			{"doctype": "Campaign", "campaign_name": "_Test KPI Campaign", "crm_spend": 900}
		).insert(ignore_permissions=True)
		web = {"source": WEB, "campaign": self.campaign.name, "company": company}
		# web / campaign: 2 won (10 and 6 days from creation to won), 1 lost, 1 open; fair: 1 lost
		won1 = lead_through(PIPELINE, "Won", customer=make_customer("_Test KPI K1"), **web)
		won2 = lead_through(PIPELINE, "Won", customer=make_customer("_Test KPI K2"), lead_owner=REP, **web)
		created_days_ago(won1, 10)
		created_days_ago(won2, 6)
		lead_through(PIPELINE, "Lost", **web)
		lead_through(PIPELINE, **web)
		lead_through(PIPELINE, "Lost", source=FAIR, company=company, lead_owner=REP)
		# invoices: 1000 (paid) and 500 on won1, 300 on won2 -> average check 600, paid 1000
		paid = make_invoice(won1.customer, 1000, company=company, sales_lead=won1.name)
		pay_invoice(paid)
		make_invoice(won1.customer, 500, company=company, sales_lead=won1.name)
		make_invoice(won2.customer, 300, company=company, sales_lead=won2.name)

	def rows(self, **filters):
		_columns, data, _message, chart = execute({"pipeline": PIPELINE, **filters})
		return {row["group"]: row for row in data}, chart

	def test_kpis_by_source(self):
		rows, chart = self.rows()
		web, fair = rows[WEB], rows[FAIR]
		self.assertEqual((web["cards"], web["won"], web["lost"], web["conversion_rate"]), (4, 2, 1, 66.7))
		self.assertEqual(web["cycle_days"], 8.0)
		self.assertEqual((web["invoices"], web["average_check"]), (3, 600.0))
		# 1000 paid over the 2 customers won
		self.assertEqual((web["customers"], web["lifetime_value"]), (2, 500.0))
		self.assertEqual((fair["cards"], fair["conversion_rate"], fair["average_check"]), (1, 0.0, None))
		self.assertNotIn("acquisition_cost", web)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [0.0, 66.7])  # Fair, Web (sorted)

	def test_acquisition_cost_by_campaign(self):
		rows, _chart = self.rows(group_by="Campaign")
		row = rows[self.campaign.name]
		self.assertEqual((row["spend"], row["customers"], row["acquisition_cost"]), (900, 2, 450.0))
		self.assertEqual((rows[None]["cards"], rows[None]["acquisition_cost"]), (1, None))

	def test_sales_user_sees_own_cards(self):
		frappe.set_user(REP)
		rows, _chart = self.rows()
		self.assertEqual((rows[WEB]["cards"], rows[WEB]["won"], rows[WEB]["average_check"]), (1, 1, 300.0))
		self.assertEqual((rows[FAIR]["cards"], rows[FAIR]["lost"]), (1, 1))
