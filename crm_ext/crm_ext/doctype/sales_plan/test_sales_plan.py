"""Tier 2: the Sales Plan document and its row rule through Frappe's doors."""

import frappe
from frappe.client import get_list, set_value
from frappe.utils import getdate

from crm_ext.analytics.testing import default_company
from crm_ext.testing import CRMTestCase, make_user

REP, OTHER_REP, MANAGER = "sp-rep@example.com", "sp-rep2@example.com", "sp-head@example.com"


def make_plan(rep: str, day="2026-05-17", period_type="Month", amount=1000, **values):
	return frappe.get_doc(
		{
			"doctype": "Sales Plan",
			"sales_rep": rep,
			"company": default_company(),
			"period_type": period_type,
			"period_start": day,
			"plan_amount": amount,
			**values,
		}
	).insert()


def names(rows) -> list[str]:
	return [row.name for row in rows]


class TestSalesPlan(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_user(REP, "Sales User")
		make_user(OTHER_REP, "Sales User")
		make_user(MANAGER, "Sales Manager", "Sales User")

	def test_period_is_the_whole_month_or_quarter(self):
		plan = make_plan(REP, "2026-05-17")
		self.assertEqual(
			(getdate(plan.period_start), getdate(plan.period_end)),
			(getdate("2026-05-01"), getdate("2026-05-31")),
		)
		quarter = make_plan(REP, "2026-05-17", "Quarter")
		self.assertEqual(
			(getdate(quarter.period_start), getdate(quarter.period_end)),
			(getdate("2026-04-01"), getdate("2026-06-30")),
		)
		self.assertEqual(
			plan.company_currency, frappe.get_cached_value("Company", plan.company, "default_currency")
		)

	def test_one_plan_per_rep_period_and_dimensions(self):
		make_plan(REP, "2026-05-17")
		with self.assertRaises(frappe.UniqueValidationError):
			make_plan(REP, "2026-05-02")  # the same month
		make_plan(OTHER_REP, "2026-05-02")
		make_plan(REP, "2026-05-02", pipeline=frappe.get_all("Sales Pipeline", pluck="name", limit=1)[0])

	def test_the_database_holds_one_plan_when_the_check_is_passed_by(self):
		plan = make_plan(REP, "2026-05-17")
		with self.assertRaises(Exception) as raised:
			frappe.db.sql(
				"insert into `tabSales Plan` (name, sales_rep, company, period_type, period_start, plan_key)"
				" values ('twin', %s, %s, 'Month', '2026-05-01', %s)",
				(REP, plan.company, plan.plan_key),
			)
		self.assertTrue(frappe.db.is_unique_key_violation(raised.exception))

	def test_negative_plan_is_refused_naming_the_field(self):
		with self.assertRaisesRegex(frappe.ValidationError, "Plan Amount"):
			make_plan(REP, amount=-1)

	def test_a_rep_reads_only_their_own_plans_and_writes_none(self):
		mine, theirs = make_plan(REP).name, make_plan(OTHER_REP).name
		frappe.set_user(REP)
		self.assertEqual(names(get_list("Sales Plan", limit_page_length=0)), [mine])
		self.assertTrue(frappe.has_permission("Sales Plan", "read", mine))
		self.assertFalse(frappe.has_permission("Sales Plan", "read", theirs))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Sales Plan", theirs).check_permission("read")
		with self.assertRaises(frappe.PermissionError):
			set_value("Sales Plan", mine, "plan_amount", 1)
		with self.assertRaises(frappe.PermissionError):
			make_plan(REP, "2026-06-01")
		frappe.set_user(MANAGER)
		self.assertEqual(
			set(names(get_list("Sales Plan", filters={"name": ("in", [mine, theirs])}))),
			{mine, theirs},
		)
		set_value("Sales Plan", mine, "plan_amount", 1500)
		self.assertEqual(frappe.db.get_value("Sales Plan", mine, "plan_amount"), 1500)
