"""Tier 2: every sales report through the door the desk uses, ``frappe.desk.query_report.run``, as
each role that may open it (not only ``execute()``): Frappe's runner refuses a report when the user
may not read the doctype of a Link column with values (a Sales Manager has no role on Currency, a
Sales User none on DocType), and filters rows by the user's permissions; the reports still scope
their rows to the user's cards."""

import json
from datetime import timedelta

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_days, now_datetime, nowdate

from crm_ext.analytics.testing import default_company, lead_through, make_analytics_pipeline, make_invoice
from crm_ext.testing import CRMTestCase, make_customer, make_user

PIPELINE = "_Test Report Rights Pipeline"
REP, OTHER_REP = "report-rights-rep@example.com", "report-rights-rep2@example.com"
MANAGER, CRM_MANAGER = "report-rights-head@example.com", "report-rights-crm@example.com"
ACCOUNTANT = "report-rights-acc@example.com"


def reports(company: str, lead: str, customer: str) -> dict[str, list[dict]]:
	"""{report: [filters to run it with]} for every report of the sales side."""
	today = nowdate()
	period = {"from_date": add_days(today, -30), "to_date": today}
	return {
		"Time in Stage": [{"view": "Stages"}, {"view": "Stale Cards"}],
		"Client History": [{"sales_lead": lead}, {"customer": customer}],
		"Sales Funnel": [{"company": company, "pipeline": PIPELINE}],
		"Sales KPIs": [{"company": company, "group_by": "Source"}],
		"Manager Activity": [{"company": company, **period}],
		"Revenue Forecast": [{"company": company}],
		"Plan vs Fact": [{"company": company, "period_type": "Month", "date": today}],
		"Customer Segments": [{"company": company}],
		"Party 360": [{"company": company, "customer": customer}],
		"Receivables Health": [{"company": company, "report_date": today, "from_date": add_days(today, -90)}],
	}


def may_open(report: str, user: str) -> bool:
	return frappe.get_doc("Report", report).is_permitted() and frappe.has_permission(
		frappe.db.get_value("Report", report, "ref_doctype"), "report", user=user
	)


class TestSalesReportsThroughTheRunner(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		frappe.db.set_value("Pipeline Stage", f"{PIPELINE}-New", "stale_after_days", 2)
		make_user(REP, "Sales User")
		make_user(OTHER_REP, "Sales User")
		make_user(MANAGER, "Sales Manager")
		make_user(CRM_MANAGER, "CRM Manager")
		make_user(ACCOUNTANT, "Accounts User")
		self.company = default_company()
		self.customer = make_customer()
		self.mine = self.stale_card(REP)
		self.theirs = self.stale_card(OTHER_REP)
		lead_through(PIPELINE, "Quote", "Won", lead_owner=REP, customer=self.customer, source=None)
		frappe.get_doc(
			{
				"doctype": "Interaction",
				"interaction_type": "Call",
				"direction": "Outgoing",
				"reference_doctype": "Sales Lead",
				"reference_name": self.mine,
				"handled_by": REP,
			}
		).insert()
		make_invoice(self.customer, 100, sales_lead=self.mine)

	def stale_card(self, owner: str) -> str:
		lead = lead_through(PIPELINE, lead_owner=owner, customer=self.customer, expected_amount=500)
		frappe.db.set_value("Sales Lead", lead.name, "stage_entered_on", now_datetime() - timedelta(days=5))
		return lead.name

	def test_every_sales_report_runs_for_every_role_that_may_open_it(self):
		ran = set()
		for user in (REP, MANAGER, CRM_MANAGER, ACCOUNTANT):
			for report, runs in reports(self.company, self.mine, self.customer).items():
				frappe.set_user(user)
				if not may_open(report, user):
					continue
				for filters in runs:
					with self.subTest(user=user, report=report, filters=filters):
						result = run(report, json.dumps(filters))
						self.assertIn("result", result)
						ran.add((user, report))
		frappe.set_user("Administrator")
		# the roles the issue names open what they need (a failing run above fails its subtest)
		for needed in (
			(MANAGER, "Time in Stage"),
			(REP, "Time in Stage"),
			(REP, "Client History"),
			(MANAGER, "Client History"),
			(MANAGER, "Receivables Health"),
		):
			self.assertIn(needed, ran)

	def test_stale_cards_of_a_sales_manager_and_of_a_rep(self):
		frappe.set_user(MANAGER)
		rows = run("Time in Stage", json.dumps({"view": "Stale Cards", "pipeline": PIPELINE}))["result"]
		self.assertTrue({self.mine, self.theirs} <= {r["name"] for r in rows})
		frappe.set_user(REP)
		rows = run("Time in Stage", json.dumps({"view": "Stale Cards", "pipeline": PIPELINE}))["result"]
		self.assertIn(self.mine, {r["name"] for r in rows})
		self.assertNotIn(self.theirs, {r["name"] for r in rows})

	def test_a_rep_reads_no_colleague_history_through_client_history(self):
		frappe.set_user(OTHER_REP)
		with self.assertRaises(frappe.PermissionError):
			run("Client History", json.dumps({"sales_lead": self.mine}))
		frappe.set_user(REP)
		rows = run("Client History", json.dumps({"sales_lead": self.mine}))["result"]
		self.assertTrue(rows)
