import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from crm_ext.analytics import summaries
from crm_ext.analytics.testing import default_company, lead_through, make_analytics_pipeline, make_invoice
from crm_ext.crm_ext.report.manager_activity.manager_activity import execute
from crm_ext.testing import CRMTestCase, make_user

PIPELINE = "_Test Activity Pipeline"
REP = "activity.rep@example.com"
OTHER_REP = "activity.rep2@example.com"


def interaction(lead: str, kind: str, handled_by: str, start_time):
	return frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": kind,
			"direction": "Outgoing",
			"reference_doctype": "Sales Lead",
			"reference_name": lead,
			"handled_by": handled_by,
			"start_time": start_time,
		}
	).insert()


def follow_up(user: str, date, status: str = "Open", carried_over: int = 0, original_date=None):
	return frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": "Call back",
			"allocated_to": user,
			"date": date,
			"status": status,
			"crm_follow_up": 1,
			"crm_carried_over": carried_over,
			"crm_original_date": original_date,
		}
	).insert(ignore_permissions=True)


class TestManagerActivity(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		self.company = default_company()
		make_user(REP, "Sales User")
		make_user(OTHER_REP, "Sales User")
		self.today = getdate(nowdate())
		now = now_datetime()
		# the period: the last 7 days
		self.period = {"from_date": add_days(self.today, -6), "to_date": self.today}
		lead = {"company": self.company}

		# REP: three cards created in the period (won, lost, open), one created and won 20 days ago
		won = lead_through(PIPELINE, "Won", lead_owner=REP, **lead)
		lead_through(PIPELINE, "Lost", lead_owner=REP, **lead)
		lead_through(PIPELINE, lead_owner=REP, **lead)
		old = lead_through(PIPELINE, "Won", lead_owner=REP, **lead)
		long_ago = add_days(now, -20)
		frappe.db.set_value("Sales Lead", old.name, "creation", long_ago)
		frappe.db.set_value("Sales Lead Stage Log", {"sales_lead": old.name}, "changed_on", long_ago)
		summaries.rebuild(PIPELINE)  # the dates were moved behind the app's back
		# OTHER_REP: one card created and won in the period
		other_won = lead_through(PIPELINE, "Won", lead_owner=OTHER_REP, **lead)

		# REP's interactions, logged by REP: in the period 1 call, a meeting and a visit, 1 e-mail,
		# message and note; one call 10 days ago (out of the period). A note logged by someone else
		# in REP's name (like the app's own notes on invoices below) is not REP's activity.
		frappe.set_user(REP)
		recent = add_to_date(now, hours=-1)
		for kind in ("Call", "Meeting", "Visit", "E-mail", "Message", "Note"):
			interaction(won.name, kind, REP, recent)
		interaction(won.name, "Call", REP, add_days(now, -10))
		frappe.set_user("Administrator")
		interaction(won.name, "Note", REP, recent)

		# REP's follow-ups: one done, one overdue, one carried over (due originally 2 days ago,
		# now due tomorrow), one simply open and due tomorrow
		follow_up(REP, add_days(self.today, -1), status="Closed")
		follow_up(REP, add_days(self.today, -1))
		follow_up(REP, add_days(self.today, 1), carried_over=2, original_date=add_days(self.today, -2))
		follow_up(REP, add_days(self.today, 1))

		# revenue: 1000 on REP's won card in the period, 300 on it 10 days ago; 500 for OTHER_REP
		make_invoice(won.customer, 1000, posting_date=self.today, company=self.company, sales_lead=won.name)
		make_invoice(
			won.customer,
			300,
			posting_date=add_days(self.today, -10),
			company=self.company,
			sales_lead=won.name,
		)
		make_invoice(
			other_won.customer, 500, posting_date=self.today, company=self.company, sales_lead=other_won.name
		)

	def run_report(self, **filters):
		_columns, data, _message, chart = execute({"company": self.company, **self.period, **filters})
		return {row["rep"]: row for row in data}, chart

	def figures(self, row):
		return {
			key: row[key]
			for key in (
				"calls",
				"meetings",
				"emails",
				"messages",
				"notes",
				"follow_ups_done",
				"follow_ups_overdue",
				"follow_ups_carried_over",
				"new_cards",
				"won",
				"lost",
				"revenue_invoiced",
			)
		}

	def test_figures_per_rep(self):
		rows, chart = self.run_report()
		self.assertEqual(
			self.figures(rows[REP]),
			{
				"calls": 1,
				"meetings": 2,
				"emails": 1,
				"messages": 1,
				"notes": 1,
				"follow_ups_done": 1,
				"follow_ups_overdue": 1,
				"follow_ups_carried_over": 1,
				"new_cards": 3,
				"won": 1,
				"lost": 1,
				"revenue_invoiced": 1000,
			},
		)
		other = self.figures(rows[OTHER_REP])
		self.assertEqual((other["new_cards"], other["won"], other["revenue_invoiced"]), (1, 1, 500))
		self.assertEqual(other["calls"] + other["follow_ups_done"], 0)
		# the chart stacks the activity of the reps who had any: REP's bar is 1 + 2 + 1 + 1 + 1 + 1
		index = chart["data"]["labels"].index(REP)
		self.assertEqual(sum(d["values"][index] for d in chart["data"]["datasets"]), 7)
		self.assertNotIn(OTHER_REP, chart["data"]["labels"])

	def test_rep_filter_and_longer_period(self):
		rows, _chart = self.run_report(lead_owner=REP, from_date=add_days(self.today, -30))
		self.assertEqual(list(rows), [REP])
		row = rows[REP]
		self.assertEqual(
			(row["calls"], row["new_cards"], row["won"], row["revenue_invoiced"]), (2, 4, 2, 1300)
		)

	def test_sales_user_sees_only_own_row(self):
		frappe.set_user(OTHER_REP)
		rows, _chart = self.run_report()
		self.assertEqual(list(rows), [OTHER_REP])
		rows, _chart = self.run_report(lead_owner=REP)  # asking for another rep changes nothing
		self.assertEqual(list(rows), [OTHER_REP])
		self.assertEqual(rows[OTHER_REP]["revenue_invoiced"], 500)
