from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.desk.form.assign_to import add as assign
from frappe.desk.form.assign_to import remove as unassign
from frappe.utils import now_datetime

from crm_ext.analytics import filters, summary_reads
from crm_ext.analytics.testing import lead_through, make_analytics_pipeline
from crm_ext.crm_ext.report.sales_funnel import sales_funnel
from crm_ext.crm_ext.report.sales_kpis import sales_kpis
from crm_ext.crm_ext.report.time_in_stage import time_in_stage
from crm_ext.testing import CRMTestCase, make_customer, make_user

PIPELINE = "_Test Own Cards Pipeline"


class TestFewOwnCards(CRMTestCase):
	"""A rep's reports read their cards by name when they have few in the period: the names are every
	card the row rule shows them (Responsible, creator, assignee) and the reports give what the rule
	checked on every card gives."""

	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		self.rep = make_user("own.cards.rep@example.com", "Sales User")
		self.colleague = make_user("own.cards.colleague@example.com", "Sales User")
		self.head = make_user("own.cards.head@example.com", "Sales Manager")
		self.responsible = lead_through(
			PIPELINE, "Quote", lead_owner=self.rep, customer=make_customer("_Test Own Customer")
		).name
		frappe.set_user(self.rep)  # created by the rep for the colleague
		self.created = lead_through(PIPELINE, "Quote", "Lost", lead_owner=self.colleague).name
		frappe.set_user("Administrator")
		self.assigned = lead_through(PIPELINE, "Won", lead_owner=self.colleague).name
		assign({"assign_to": [self.rep], "doctype": "Sales Lead", "name": self.assigned})
		self.unassigned = lead_through(PIPELINE, "Quote", lead_owner=self.colleague).name
		assign({"assign_to": [self.rep], "doctype": "Sales Lead", "name": self.unassigned})
		unassign("Sales Lead", self.unassigned, self.rep)
		# the colleague's alone, with a customer of its own
		lead_through(PIPELINE, "Quote", lead_owner=self.colleague, customer=make_customer("_Test Own Other"))
		today = now_datetime().date()
		self.period = frappe._dict(pipeline=PIPELINE, from_date=today - timedelta(days=30), to_date=today)

	def reports(self) -> tuple:
		_columns, funnel, *_rest = sales_funnel.execute(dict(self.period))
		_columns, stays, *_rest = time_in_stage.execute(dict(self.period))
		period = {"from_date": self.period.from_date, "to_date": self.period.to_date}
		_columns, kpis, *_rest = sales_kpis.execute({**period, "group_by": "Source", "pipeline": PIPELINE})
		return funnel, stays, kpis

	def test_the_names_are_the_cards_of_the_row_rule(self):
		frappe.set_user(self.rep)
		names = filters.few_own_cards(self.period)
		self.assertEqual(set(names), {self.responsible, self.created, self.assigned})
		self.assertEqual(set(names), set(frappe.get_list("Sales Lead", {"pipeline": PIPELINE}, pluck="name")))
		with patch.object(filters, "FEW_CARDS", 2):
			self.assertIsNone(filters.few_own_cards(self.period))
		frappe.set_user(self.head)
		self.assertIsNone(filters.few_own_cards(self.period))

	def test_reports_by_name_equal_the_rule_on_every_card_and_the_rep_s_summary_rows(self):
		"""The funnel and time in stage of a rep read their rows of the viewer summary; from the log
		(as with a source filter) by name and with the rule on every card they are the same."""
		frappe.set_user(self.rep)
		from_summaries = self.reports()
		with patch.object(summary_reads, "answers", return_value=False):
			by_name = self.reports()
			with patch.object(filters, "FEW_CARDS", 0):
				self.assertIsNone(filters.few_own_cards(self.period))
				every_card = self.reports()
		self.assertEqual(by_name, every_card)
		self.assertEqual(from_summaries, by_name)
		funnel = {row["stage"]: row for row in by_name[0]}
		self.assertEqual(funnel[f"{PIPELINE}-New"]["reached"], 3)  # responsible, created, assigned
		self.assertEqual(funnel[f"{PIPELINE}-Won"]["reached"], 1)
		self.assertEqual(funnel[f"{PIPELINE}-New"]["lost"] + funnel[f"{PIPELINE}-Quote"]["lost"], 1)
		kpis = by_name[2]
		self.assertEqual(sum(row["cards"] for row in kpis if row.get("cards")), 3)

	def test_the_customers_in_scope_of_a_rep_are_those_of_their_cards(self):
		"""Revenue Forecast and Customer Segments keep a rep to the customers of their cards: read from
		their rows of the viewer summary, or (with a source filter) from the cards themselves."""
		table = frappe.qb.DocType("Customer")

		def customers(extra=None) -> set[str]:
			scope = filters.customers_in_scope(frappe._dict(pipeline=PIPELINE, **(extra or {})), table.name)
			return set(filters.where_all(frappe.qb.from_(table).select(table.name), scope).run(pluck=True))

		frappe.set_user(self.rep)
		expected = {"_Test Own Customer", make_customer()}  # the won card assigned to the rep
		self.assertEqual(customers(), expected)
		with patch.object(summary_reads, "answers", return_value=False):
			self.assertEqual(customers(), expected)
		frappe.set_user(self.colleague)
		self.assertIn("_Test Own Other", customers())
		self.assertNotIn("_Test Own Customer", customers())

	def test_an_underscore_in_a_user_id_is_not_a_wildcard(self):
		"""``own_c@...`` is not ``ownxc@...``: the list, the reports and the summaries agree."""
		wild = make_user("own_c@example.com", "Sales User")
		other = make_user("ownxc@example.com", "Sales User")
		theirs = lead_through(PIPELINE, "Quote", lead_owner=self.colleague).name
		assign({"assign_to": [other], "doctype": "Sales Lead", "name": theirs})
		frappe.set_user(wild)
		self.assertNotIn(theirs, frappe.get_list("Sales Lead", {"pipeline": PIPELINE}, pluck="name"))
		self.assertNotIn(theirs, filters.few_own_cards(self.period) or [])
		with patch.object(summary_reads, "answers", return_value=False):
			funnel, _stays, _kpis = self.reports()
		self.assertEqual([row["reached"] for row in funnel], [0, 0, 0])
		frappe.set_user(other)
		self.assertIn(theirs, frappe.get_list("Sales Lead", {"pipeline": PIPELINE}, pluck="name"))

	def test_a_rep_without_cards_in_the_period_gets_empty_reports(self):
		frappe.set_user(make_user("own.cards.new.rep@example.com", "Sales User"))
		self.assertEqual(filters.few_own_cards(self.period), [])
		funnel, stays, kpis = self.reports()
		self.assertEqual([row["reached"] for row in funnel], [0, 0, 0])
		self.assertFalse([row for row in stays if row.get("moves_out")])
		self.assertFalse([row for row in kpis if row.get("cards")])
