"""Tier 2, on a frozen clock: the morning roll-over keeps the overdue signal (carried-over work
counts as overdue until done or re-planned: the "Overdue Follow-ups" card and the card's next-step
state stay red), and never puts work on a weekend when the Holiday List marks no weekly offs."""

from datetime import date, datetime

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import getdate, today

from crm_ext.sales.follow_ups import create_follow_up, daily
from crm_ext.testing import CRMTestCase, make_pipeline, make_sales_lead, make_user

HOLIDAYS = "_Test CRM Holidays Only"
THURSDAY, FRIDAY, SATURDAY, MONDAY = date(2031, 3, 6), date(2031, 3, 7), date(2031, 3, 8), date(2031, 3, 10)


def overdue_card_count(rep: str) -> int:
	"""The "Overdue Follow-ups" number card for ``rep``'s follow-ups, its dynamic filters evaluated
	as the desk does (``frappe.datetime.get_today()`` is today)."""
	card = frappe.get_doc("Number Card", "Overdue Follow-ups").as_dict()
	dynamic = [
		[dt, field, op, getdate(today()) if value == "frappe.datetime.get_today()" else value]
		for dt, field, op, value in frappe.parse_json(card.dynamic_filters_json)
	]
	filters = [*frappe.parse_json(card.filters_json), *dynamic, ["ToDo", "allocated_to", "=", rep]]
	return get_result(card, filters)


class TestOverdueAfterRollOver(CRMTestCase):
	def setUp(self):
		super().setUp()
		if frappe.db.exists("Holiday List", HOLIDAYS):
			frappe.delete_doc("Holiday List", HOLIDAYS, force=True)
		frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": HOLIDAYS,
				"from_date": date(2031, 1, 1),
				"to_date": date(2031, 12, 31),
				# public holidays only: no row marked "weekly off"
				"holidays": [{"holiday_date": date(2031, 1, 1), "description": "New Year"}],
			}
		).insert()
		frappe.db.set_single_value("CRM Ext Settings", "holiday_list", HOLIDAYS)
		frappe.db.set_single_value("CRM Ext Settings", "send_follow_up_digest", 0)
		frappe.clear_document_cache("CRM Ext Settings", "CRM Ext Settings")
		make_pipeline("_Test Pipeline")
		self.rep = make_user("overdue.rep@example.com", "Sales User")
		self.lead = make_sales_lead(lead_owner=self.rep)

	def state(self) -> str:
		return frappe.db.get_value("Sales Lead", self.lead.name, "next_step_status")

	def test_carried_over_work_stays_overdue_until_done(self):
		todo, _event = create_follow_up("Sales Lead", self.lead.name, self.rep, "Call back", THURSDAY)
		with self.freeze_time(datetime(2031, 3, 7, 6, 30)):  # Friday morning: Thursday's call not done
			daily()
			self.assertEqual(getdate(frappe.db.get_value("ToDo", todo, "date")), FRIDAY)
			self.assertEqual(self.state(), "Overdue")
			self.assertEqual(overdue_card_count(self.rep), 1)
		with self.freeze_time(datetime(2031, 3, 8, 6, 30)):  # Saturday: never on the weekend
			daily()
			self.assertEqual(getdate(frappe.db.get_value("ToDo", todo, "date")), MONDAY)
			self.assertEqual(self.state(), "Overdue")
			self.assertEqual(overdue_card_count(self.rep), 1)
			done = frappe.get_doc("ToDo", todo)
			done.status = "Closed"
			done.save(ignore_permissions=True)
			self.assertEqual(self.state(), "Missing")
			self.assertEqual(overdue_card_count(self.rep), 0)

	def test_re_planned_work_is_no_longer_overdue(self):
		todo, _event = create_follow_up("Sales Lead", self.lead.name, self.rep, "Call back", THURSDAY)
		with self.freeze_time(datetime(2031, 3, 7, 6, 30)):
			daily()
			self.assertEqual(self.state(), "Overdue")
			moved = frappe.get_doc("ToDo", todo)
			moved.date = date(2031, 3, 12)  # the rep agreed a new day with the client
			moved.save(ignore_permissions=True)
			self.assertEqual(getdate(moved.crm_original_date), date(2031, 3, 12))
			self.assertEqual(self.state(), "OK")
			self.assertEqual(overdue_card_count(self.rep), 0)
			daily()
			self.assertEqual(self.state(), "OK")
