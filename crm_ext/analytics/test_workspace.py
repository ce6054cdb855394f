"""The CRM workspace's analytics: number cards and charts are installed and answer per user."""

import frappe
from frappe.desk.doctype.dashboard_chart.dashboard_chart import get_group_by_chart_config
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.desk.query_report import run
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from crm_ext.analytics.testing import default_company, lead_through, make_analytics_pipeline
from crm_ext.testing import CRMTestCase, make_user

PIPELINE = "_Test Workspace Pipeline"
CARDS = (
	"Open Pipeline Value",
	"Leads Waiting for First Contact",
	"Weighted Pipeline",
	"Overdue Follow-ups",
	"Receivables Overdue",
	"Plan Done This Month",
)
CHARTS = ("Sales Funnel", "Revenue Forecast", "Sales Leads by Source", "Activity by Rep")
REPORTS = (
	"Sales Funnel",
	"Time in Stage",
	"Revenue Forecast",
	"Customer Segments",
	"Manager Activity",
	"Client History",
	"Sales KPIs",
	"Plan vs Fact",
)


class TestAnalyticsWorkspace(CRMTestCase):
	def test_cards_charts_and_reports_are_on_the_workspace(self):
		workspace = frappe.get_doc("Workspace", "CRM Ext")
		self.assertEqual({c.number_card_name for c in workspace.number_cards}, set(CARDS))
		self.assertEqual({c.chart_name for c in workspace.charts}, set(CHARTS))
		self.assertTrue(
			set(REPORTS) <= {link.link_to for link in workspace.links if link.link_type == "Report"}
		)
		for name in CARDS:
			self.assertEqual(frappe.db.get_value("Number Card", name, "module"), "CRM Ext")
		for name in CHARTS:
			self.assertEqual(frappe.db.get_value("Dashboard Chart", name, "module"), "CRM Ext")

	def test_open_pipeline_card_counts_only_own_cards_for_a_sales_user(self):
		make_analytics_pipeline(PIPELINE)
		rep = make_user("workspace.rep@example.com", "Sales User")
		lead_through(PIPELINE, expected_amount=1000, lead_owner=rep)
		lead_through(PIPELINE, expected_amount=2500)
		lead_through(PIPELINE, "Won", expected_amount=9000, lead_owner=rep)
		card = frappe.get_doc("Number Card", "Open Pipeline Value").as_dict()
		filters = [*frappe.parse_json(card.filters_json), ["Sales Lead", "pipeline", "=", PIPELINE]]
		self.assertEqual(get_result(card, filters), 3500)
		waiting = frappe.get_doc("Number Card", "Leads Waiting for First Contact").as_dict()
		waiting_filters = [
			*frappe.parse_json(waiting.filters_json),
			["Sales Lead", "pipeline", "=", PIPELINE],
		]
		self.assertEqual(get_result(waiting, waiting_filters), 2)
		frappe.set_user(rep)
		self.assertEqual(get_result(card, filters), 1000)
		self.assertEqual(get_result(waiting, waiting_filters), 1)

	def test_report_charts_run_through_the_desk_api(self):
		make_analytics_pipeline(PIPELINE)
		lead_through(PIPELINE, "Quote", expected_amount=100, company=default_company())
		result = run("Sales Funnel", {"pipeline": PIPELINE})
		self.assertEqual(result["chart"]["data"]["datasets"][0]["values"], [1, 1, 0])
		result = run("Revenue Forecast", {"company": default_company(), "pipeline": PIPELINE})
		self.assertEqual(result["report_summary"][0]["value"], 100)

	def test_overdue_follow_ups_card_counts_own_follow_ups_for_a_sales_user(self):
		rep = make_user("workspace.rep@example.com", "Sales User")
		other = make_user("workspace.rep2@example.com", "Sales User")
		today = getdate(nowdate())
		for user, days, status in (
			(rep, -2, "Open"),  # overdue
			(rep, 0, "Open"),  # due today: not overdue
			(rep, -3, "Closed"),
			(other, -1, "Open"),  # overdue
		):
			frappe.get_doc(
				{
					"doctype": "ToDo",
					"description": "Call back",
					"allocated_to": user,
					"date": add_days(today, days),
					"status": status,
					"crm_follow_up": 1,
				}
			).insert(ignore_permissions=True)
		card = frappe.get_doc("Number Card", "Overdue Follow-ups").as_dict()
		# the dynamic filter (date before today, computed in the browser), here in Python
		filters = [
			*frappe.parse_json(card.filters_json),
			["ToDo", "date", "<", today],
			["ToDo", "allocated_to", "in", [rep, other]],
		]
		self.assertEqual(get_result(card, filters), 2)
		frappe.set_user(rep)
		self.assertEqual(get_result(card, filters), 1)

	def test_activity_by_rep_chart_counts_interactions_of_the_last_30_days(self):
		make_analytics_pipeline(PIPELINE)
		rep = make_user("workspace.rep@example.com", "Sales User")
		other = make_user("workspace.rep2@example.com", "Sales User")
		lead = lead_through(PIPELINE, lead_owner=rep)
		now = now_datetime()
		for user, when in ((rep, add_to_date(now, hours=-1)), (rep, add_days(now, -5)), (other, now)):
			frappe.get_doc(
				{
					"doctype": "Interaction",
					"interaction_type": "Call",
					"direction": "Outgoing",
					"reference_doctype": "Sales Lead",
					"reference_name": lead.name,
					"handled_by": user,
					"start_time": when,
				}
			).insert()
		chart = frappe.get_doc("Dashboard Chart", "Activity by Rep")
		filters = [
			["Interaction", "start_time", ">=", add_days(getdate(nowdate()), -30)],
			["Interaction", "reference_name", "=", lead.name],
			["Interaction", "handled_by", "in", [rep, other]],
		]
		config = get_group_by_chart_config(chart, filters)
		self.assertEqual(
			dict(zip(config["labels"], config["datasets"][0]["values"], strict=True)), {rep: 2, other: 1}
		)


class TestReceivablesOverdueCard(CRMTestCase):
	def test_share_is_the_receivables_health_totals_and_needs_the_report(self):
		from crm_ext.analytics.cards import receivables_overdue_share
		from crm_ext.crm_ext.report.receivables_health.receivables_health import execute

		company = default_company()
		frappe.set_user(make_user("crm-card-accounts@example.com", "Accounts User"))
		card = receivables_overdue_share({"company": company})
		self.assertEqual(card["fieldtype"], "Percent")
		today = getdate(nowdate())
		period = frappe.db.get_single_value("CRM Ext Settings", "shipments_period_days") or 90
		_columns, rows = execute(
			{"company": company, "report_date": today, "from_date": add_days(today, -period)}
		)
		receivable = sum(r.receivable for r in rows if r.receivable > 0)
		overdue = sum(r.overdue for r in rows if r.receivable > 0)
		expected = round(100 * overdue / receivable, 1) if receivable > 0 else 0
		self.assertAlmostEqual(card["value"], expected, places=1)
		self.assertTrue(0 <= card["value"] <= 100)

		frappe.set_user(make_user("crm-card-rep@example.com", "Sales User"))
		with self.assertRaises(frappe.PermissionError):
			receivables_overdue_share({"company": company})

	def test_share_follows_the_ledger(self):
		"""Overdue and not-yet-due invoices on the ledger: the card is the report's totals."""
		from crm_ext.analytics.cards import receivables_overdue_share
		from crm_ext.analytics.testing import make_invoice
		from crm_ext.crm_ext.report.receivables_health.receivables_health import execute
		from crm_ext.testing import make_customer

		company = default_company()
		today = getdate(nowdate())

		def totals():
			_columns, rows = execute(
				{"company": company, "report_date": today, "from_date": add_days(today, -90)}
			)
			return (
				sum(r.receivable for r in rows if r.receivable > 0),
				sum(r.overdue for r in rows if r.receivable > 0),
			)

		before = totals()
		late, fresh = make_customer("_Test Card Late"), make_customer("_Test Card Fresh")
		make_invoice(late, 300, posting_date=add_days(today, -60), due_date=add_days(today, -30))
		make_invoice(fresh, 100, posting_date=today, due_date=add_days(today, 30))
		make_invoice(fresh, 50, posting_date=add_days(today, -40), due_date=add_days(today, -10))
		receivable, overdue = totals()
		self.assertEqual((receivable - before[0], overdue - before[1]), (450, 350))
		frappe.set_user(make_user("crm-card-accounts@example.com", "Accounts User"))
		self.assertAlmostEqual(
			receivables_overdue_share({"company": company})["value"], round(100 * overdue / receivable, 1), 1
		)
