"""Tier 2: people read stage names, not the stages' IDs: reports (as link titles of their stage
columns and in their text), the card's timeline, after a stage is renamed too; and interactions on
the timeline carry their time in the reader's time zone."""

import frappe
from frappe.desk.form.load import getdoc
from frappe.desk.query_report import run
from frappe.utils import add_to_date, format_datetime, get_system_timezone, now_datetime

from crm_ext.analytics.testing import lead_through, make_analytics_pipeline
from crm_ext.sales.interactions import timeline_content
from crm_ext.sales.stage_names import stage_titles
from crm_ext.testing import CRMTestCase, make_user
from crm_ext.utils.user_time import to_user_time

PIPE = "_Test Stage Names"


class TestStageNames(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPE)
		frappe.db.set_value("Pipeline Stage", f"{PIPE}-New", "stage_name", "First Call")
		frappe.local.response = frappe._dict()

	def titles_sent(self) -> dict:
		return frappe.local.response.get("_link_titles") or {}

	def test_reports_send_the_names_of_their_stages(self):
		lead_through(PIPE, "Quote", expected_amount=100)
		funnel = run("Sales Funnel", {"pipeline": PIPE})
		self.assertIn(f"{PIPE}-New", [row.get("stage") for row in funnel["result"] if isinstance(row, dict)])
		self.assertEqual(self.titles_sent().get(f"Pipeline Stage::{PIPE}-New"), "First Call")
		frappe.local.response = frappe._dict()
		run("Time in Stage", {"pipeline": PIPE})
		self.assertEqual(self.titles_sent().get(f"Pipeline Stage::{PIPE}-New"), "First Call")

	def test_client_history_writes_stage_changes_by_name(self):
		lead = lead_through(PIPE, "Quote", expected_amount=100)
		result = run("Client History", {"sales_lead": lead.name})
		texts = " ".join(row["summary"] for row in result["result"] if isinstance(row, dict))
		self.assertIn("First Call", texts)
		self.assertNotIn(f"{PIPE}-New", texts)

	def test_the_card_sends_the_names_its_timeline_shows(self):
		lead = lead_through(PIPE, "Quote", expected_amount=100)
		getdoc("Sales Lead", lead.name)
		sent = frappe.response.docs[-1].get("__onload")["stage_titles"]
		self.assertEqual(sent[f"{PIPE}-New"], "First Call")
		self.assertEqual(
			sent[f"{PIPE}-Quote"], frappe.db.get_value("Pipeline Stage", f"{PIPE}-Quote", "stage_name")
		)
		self.assertEqual(stage_titles([f"{PIPE}-New", "no such stage", None]), {f"{PIPE}-New": "First Call"})


class TestTimelineTimes(CRMTestCase):
	def test_an_interaction_on_the_timeline_says_when_in_the_readers_zone(self):
		make_analytics_pipeline(PIPE)
		lead = lead_through(PIPE)
		when = add_to_date(now_datetime().replace(microsecond=0), hours=-3)
		frappe.get_doc(
			{
				"doctype": "Interaction",
				"interaction_type": "Call",
				"direction": "Outgoing",
				"reference_doctype": "Sales Lead",
				"reference_name": lead.name,
				"start_time": when,
				"summary": "Talked prices",
			}
		).insert()
		zone = "Asia/Tokyo" if get_system_timezone() != "Asia/Tokyo" else "America/New_York"
		reader = make_user("timeline.reader@example.com", "Sales Manager")
		frappe.db.set_value("User", reader, "time_zone", zone)
		frappe.set_user(reader)
		(item,) = timeline_content("Sales Lead", lead.name)
		shown = format_datetime(to_user_time(when, reader))
		self.assertIn(shown, item["content"])
		self.assertIn(zone, item["content"])
		self.assertNotEqual(to_user_time(when, reader), when)
