"""Tier 2: Plan vs Fact on real plans, invoices and credit notes, and through the desk's report runner
(``frappe.desk.query_report.run``) as each rep: a rep sees their own row, never a colleague's."""

import frappe
from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return
from frappe.desk.query_report import run
from frappe.utils import add_days, add_months, get_first_day, get_last_day, getdate, nowdate

from crm_ext.analytics.cards import plan_done_this_month
from crm_ext.analytics.testing import (
	default_company,
	lead_through,
	make_analytics_pipeline,
	make_invoice,
	make_service_item,
	pay_invoice,
)
from crm_ext.crm_ext.report.plan_vs_fact.plan_vs_fact import execute
from crm_ext.testing import CRMTestCase, make_customer, make_user

PIPELINE = "_Test Plan Pipeline"
REP, OTHER_REP = "plan-rep@example.com", "plan-rep2@example.com"
MANAGER = "plan-head@example.com"


def make_plan(rep: str, amount: float, period_type: str = "Month", day=None, **values):
	return frappe.get_doc(
		{
			"doctype": "Sales Plan",
			"sales_rep": rep,
			"company": default_company(),
			"period_type": period_type,
			"period_start": day or nowdate(),
			"plan_amount": amount,
			**values,
		}
	).insert()


def projected(fact: float, day) -> float:
	"""The run-rate by hand: fact per day gone x days of the month."""
	start, end = get_first_day(day), get_last_day(day)
	gone = (getdate(day) - start).days + 1
	return round(fact * ((end - start).days + 1) / gone, 2)


class TestPlanVsFact(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		make_user(REP, "Sales User")
		make_user(OTHER_REP, "Sales User")
		make_user(MANAGER, "Sales Manager", "Sales User")
		self.company = default_company()
		self.today = getdate(nowdate())
		customer = make_customer("_Test Plan Customer")
		common = {"company": self.company, "customer": customer}
		mine = lead_through(PIPELINE, "Quote", lead_owner=REP, **common).name
		theirs = lead_through(PIPELINE, lead_owner=OTHER_REP, **common).name
		# REP: 1000 + 500 this month, the 500 fully credited; 700 last month; a draft of 900
		self.invoice = make_invoice(customer, 1000, posting_date=self.today, sales_lead=mine)
		credited = make_invoice(customer, 500, posting_date=self.today, sales_lead=mine)
		credit = make_sales_return(credited.name)
		credit.posting_date = self.today
		credit.insert()
		credit.submit()
		self.last_month = make_invoice(
			customer, 700, posting_date=add_days(get_first_day(self.today), -1), sales_lead=mine
		)
		draft = make_invoice(customer, 900, posting_date=self.today, sales_lead=mine)
		draft.cancel()
		# OTHER_REP: 400 this month
		make_invoice(customer, 400, posting_date=self.today, sales_lead=theirs)
		# open pipeline of REP: 2000 at 50 % closing this month; 8000 closing next month (not counted)
		lead_through(
			PIPELINE, "Quote", lead_owner=REP, expected_amount=2000, expected_close_date=self.today, **common
		)
		lead_through(
			PIPELINE,
			"Quote",
			lead_owner=REP,
			expected_amount=8000,
			expected_close_date=get_first_day(add_months(self.today, 1)),
			**common,
		)
		make_plan(REP, 3000, pipeline=PIPELINE)
		make_plan(OTHER_REP, 1000, pipeline=PIPELINE)

	def report(self, **filters):
		_columns, data, _message, chart, summary = execute(
			{
				"company": self.company,
				"period_type": "Month",
				"date": self.today,
				"pipeline": PIPELINE,
				**filters,
			}
		)
		return {row["sales_rep"]: row for row in data}, chart, {s["label"]: s["value"] for s in summary}

	def test_fact_is_net_of_credit_notes_in_the_period_with_projection_and_gap(self):
		rows, chart, summary = self.report()
		self.assertEqual(set(rows), {REP, OTHER_REP, None})
		mine = rows[REP]
		self.assertEqual((mine["plan"], mine["fact"]), (3000, 1000))
		self.assertEqual(mine["percent"], 33.3)
		self.assertEqual(mine["projection"], projected(1000, self.today))
		self.assertEqual(mine["weighted_pipeline"], 1000)
		self.assertEqual((mine["remaining"], mine["gap"]), (2000, 1000))
		theirs = rows[OTHER_REP]
		self.assertEqual((theirs["plan"], theirs["fact"], theirs["percent"]), (1000, 400, 40.0))
		total = rows[None]
		self.assertTrue(total["is_total"])
		self.assertEqual((total["plan"], total["fact"], total["percent"]), (4000, 1400, 35.0))
		self.assertEqual(total["gap"], 1600)  # 4000 - 1400 - 1000
		self.assertEqual(summary["% Done"], 35.0)
		self.assertEqual(len(chart["data"]["labels"]), 2)  # the total is not a bar

	def test_paid_is_what_the_ledger_received_in_the_period_not_credit_notes(self):
		rows, _chart, summary = self.report()
		self.assertEqual((rows[REP]["paid"], rows[OTHER_REP]["paid"], rows[None]["paid"]), (0, 0, 0))
		pay_invoice(self.invoice, 600)
		pay_invoice(self.last_month)  # invoiced last month, paid this month: this month's money
		pay_invoice(self.invoice, 100, posting_date=get_first_day(add_months(self.today, 1)))
		rows, _chart, summary = self.report()
		self.assertEqual((rows[REP]["paid"], rows[OTHER_REP]["paid"]), (1300, 0))
		self.assertEqual((rows[None]["paid"], summary["Paid"]), (1300, 1300))
		self.assertEqual(rows[REP]["fact"], 1000)  # the fact is still what was invoiced
		rows, _chart, _summary = self.report(date=add_days(get_first_day(self.today), -1))
		self.assertEqual(rows[REP]["paid"], 0)
		frappe.set_user(OTHER_REP)  # a colleague's money stays theirs through the runner
		result = run("Plan vs Fact", {"company": self.company, "date": str(self.today), "pipeline": PIPELINE})
		self.assertEqual([(r["sales_rep"], r["paid"]) for r in result["result"]], [(OTHER_REP, 0)])
		frappe.set_user("Administrator")

	def test_last_month_holds_only_its_own_fact(self):
		rows, _chart, _summary = self.report(date=add_days(get_first_day(self.today), -1))
		self.assertEqual((rows[REP]["plan"], rows[REP]["fact"], rows[REP]["percent"]), (0, 700, None))

	def test_a_quarter_without_its_own_plan_adds_up_its_months(self):
		rows, _chart, _summary = self.report(period_type="Quarter")
		self.assertEqual(rows[REP]["plan"], 3000)
		make_plan(REP, 10000, period_type="Quarter", pipeline=PIPELINE)
		rows, _chart, _summary = self.report(period_type="Quarter")
		self.assertEqual(rows[REP]["plan"], 10000)

	def test_item_group_plan_counts_the_lines_of_that_group(self):
		group = frappe.db.get_value("Item", make_service_item(), "item_group")
		make_plan(REP, 2000, pipeline=PIPELINE, item_group=group)
		rows, _chart, _summary = self.report(item_group=group)
		self.assertEqual((rows[REP]["plan"], rows[REP]["fact"]), (2000, 1000))
		self.assertNotIn(
			"weighted_pipeline",
			[
				c["fieldname"]
				for c in execute(
					{"company": self.company, "date": self.today, "pipeline": PIPELINE, "item_group": group}
				)[0]
			],
		)

	def test_a_rep_sees_only_their_own_row_through_the_runner(self):
		for rep, other, fact in ((REP, OTHER_REP, 1000), (OTHER_REP, REP, 400)):
			frappe.set_user(rep)
			# asking for the colleague changes nothing: the row rule comes first
			for extra in ({}, {"sales_rep": other}):
				result = run(
					"Plan vs Fact",
					{"company": self.company, "date": str(self.today), "pipeline": PIPELINE, **extra},
				)
				reps = [row.get("sales_rep") for row in result["result"] if isinstance(row, dict)]
				self.assertEqual(reps, [rep], f"{rep} with {extra}")
				self.assertEqual(result["result"][0]["fact"], fact)
				labels = result["chart"]["data"]["labels"]
				self.assertEqual(len(labels), 1)
			frappe.set_user("Administrator")

	def test_the_head_of_sales_sees_every_rep_and_the_team_through_the_runner(self):
		frappe.set_user(MANAGER)
		result = run("Plan vs Fact", {"company": self.company, "date": str(self.today), "pipeline": PIPELINE})
		reps = [row.get("sales_rep") for row in result["result"] if isinstance(row, dict)]
		self.assertEqual(sorted(reps, key=str), sorted([REP, OTHER_REP, None], key=str))

	def test_number_card_is_the_reps_own_row_or_the_team_total(self):
		make_plan(REP, 4000)  # the plan without a pipeline: the one the card reads
		frappe.set_user(REP)
		self.assertEqual(plan_done_this_month({"company": self.company})["value"], 25.0)
		frappe.set_user(MANAGER)
		_columns, data, *_rest = execute({"company": self.company, "date": self.today})
		total = next(row for row in data if row.get("is_total"))
		self.assertEqual(plan_done_this_month({"company": self.company})["value"], total["percent"] or 0)
