from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from crm_ext.analytics import summaries
from crm_ext.analytics.testing import lead_through, make_analytics_pipeline
from crm_ext.crm_ext.report.time_in_stage.time_in_stage import execute
from crm_ext.testing import CRMTestCase, make_user

PIPELINE = "_Test Stay Pipeline"
NEW, QUOTE = f"{PIPELINE}-New", f"{PIPELINE}-Quote"


def set_days(lead, from_stage: str, days: float):
	log = frappe.get_all(
		"Sales Lead Stage Log", filters={"sales_lead": lead.name, "from_stage": from_stage}, pluck="name"
	)[0]
	frappe.db.set_value("Sales Lead Stage Log", log, "days_in_from_stage", days)


class TestTimeInStage(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		frappe.db.set_value("Pipeline Stage", NEW, "stale_after_days", 2)
		self.rep = make_user("stay.rep@example.com", "Sales User")
		# out of New after 1, 2, 3, 4 and 10 days; out of Quote after 2 and 4 days
		self.stuck = lead_through(PIPELINE, lead_owner=self.rep)  # still in New, 5 days: stale
		frappe.db.set_value(
			"Sales Lead", self.stuck.name, "stage_entered_on", now_datetime() - timedelta(days=5)
		)
		lead_through(PIPELINE)  # in New since now: not stale
		for days, path, owner in (
			(1, ("Quote",), self.rep),
			(2, ("Quote", "Won"), None),
			(3, ("Won",), None),
			(4, ("Lost",), None),
			(10, ("Quote", "Lost"), None),
		):
			lead = lead_through(PIPELINE, *path, lead_owner=owner)
			set_days(lead, NEW, days)
			if path[0] == "Quote" and len(path) > 1:
				set_days(lead, QUOTE, 2 if path[1] == "Won" else 4)
		# the days were written into the log behind the app's back: its summaries follow a rebuild
		summaries.rebuild(PIPELINE)

	def test_median_p90_and_stale_counts(self):
		_columns, data, _message, chart = execute({"pipeline": PIPELINE})
		rows = {row["stage"]: row for row in data}
		# New: 1, 2, 3, 4, 10 -> median 3; p90 at rank 3.6 -> 4 + 0.6 x 6 = 7.6
		self.assertEqual(
			(rows[NEW]["moves_out"], rows[NEW]["median_days"], rows[NEW]["p90_days"]), (5, 3.0, 7.6)
		)
		# Quote: 2, 4 -> median 3; p90 at rank 0.9 -> 2 + 0.9 x 2 = 3.8
		self.assertEqual(
			(rows[QUOTE]["moves_out"], rows[QUOTE]["median_days"], rows[QUOTE]["p90_days"]), (2, 3.0, 3.8)
		)
		self.assertEqual(
			(rows[NEW]["open_now"], rows[NEW]["stale_now"], rows[NEW]["allowed_days"]), (2, 1, 2)
		)
		self.assertEqual((rows[QUOTE]["open_now"], rows[QUOTE]["stale_now"]), (1, 0))
		self.assertEqual(chart["data"]["datasets"][0]["values"], [3.0, 3.0])

	def test_stale_cards_view(self):
		_columns, data = execute({"pipeline": PIPELINE, "view": "Stale Cards"})
		self.assertEqual([row["name"] for row in data], [self.stuck.name])
		self.assertEqual((data[0]["days_in_stage"], data[0]["days_over"]), (5.0, 3.0))

	def test_sales_user_sees_only_own_cards(self):
		frappe.set_user(self.rep)
		_columns, data, _message, _chart = execute({"pipeline": PIPELINE})
		rows = {row["stage"]: row for row in data}
		# own cards: the stuck one (in New) and the one moved to Quote after 1 day
		self.assertEqual((rows[NEW]["moves_out"], rows[NEW]["median_days"]), (1, 1.0))
		self.assertEqual((rows[NEW]["open_now"], rows[NEW]["stale_now"]), (1, 1))
		self.assertEqual(rows[QUOTE]["open_now"], 1)


class TestRepReportsSkipOldCards(CRMTestCase):
	"""A rep's Time in Stage and Sales Funnel skip cards unchanged since before the period; a merge
	marks the kept card as changed, so the moves it received still count."""

	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		self.rep = make_user("stay.old.rep@example.com", "Sales User")
		long_ago = now_datetime() - timedelta(days=800)
		self.old = lead_through(PIPELINE, "Quote", lead_owner=self.rep)
		frappe.db.sql(
			"update `tabSales Lead Stage Log` set changed_on = %s where sales_lead = %s",
			(long_ago, self.old.name),
		)
		frappe.db.set_value("Sales Lead", self.old.name, "modified", long_ago, update_modified=False)
		self.recent = lead_through(PIPELINE, "Quote", "Lost", lead_owner=self.rep)
		self.period = {
			"pipeline": PIPELINE,
			"from_date": (now_datetime() - timedelta(days=30)).date(),
			"to_date": now_datetime().date(),
		}

	def moves_out(self) -> int:
		frappe.set_user(self.rep)
		try:
			_columns, data, *_rest = execute(dict(self.period))
		finally:
			frappe.set_user("Administrator")
		return sum(row["moves_out"] for row in data if row.get("moves_out"))

	def logged_moves_out(self) -> int:
		"""The rep's cards' moves out of a stage in the period, counted from the log directly."""
		return frappe.db.sql(
			"""select count(*) from `tabSales Lead Stage Log` l join `tabSales Lead` c on c.name = l.sales_lead
			where c.lead_owner = %s and l.pipeline = %s and l.from_stage is not null and l.changed_on >= %s""",
			(self.rep, PIPELINE, self.period["from_date"]),
		)[0][0]

	def test_old_cards_are_skipped_and_a_merge_keeps_the_moves_it_received(self):
		from crm_ext.sales.merge import merge_leads

		self.assertEqual(self.moves_out(), 2)  # the recent card: out of New, out of Quote
		self.assertEqual(self.moves_out(), self.logged_moves_out())
		merge_leads(self.recent.name, self.old.name)  # the old card keeps the recent card's moves
		self.assertEqual(self.logged_moves_out(), 2)
		self.assertEqual(self.moves_out(), 2)
