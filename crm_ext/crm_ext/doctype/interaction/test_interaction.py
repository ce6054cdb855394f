# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from datetime import date, datetime

import frappe
from frappe.utils import add_days, add_to_date, get_datetime, getdate, now_datetime, today

from crm_ext.api.telephony import record_call
from crm_ext.sales.access import interaction_query
from crm_ext.sales.follow_ups import create_follow_up, roll_over_follow_ups, send_follow_up_digests
from crm_ext.sales.handover import handover
from crm_ext.sales.interactions import log_interaction, timeline_content
from crm_ext.sales.timeline import log_on_lead
from crm_ext.testing import CRMTestCase, make_customer, make_pipeline, make_sales_lead, make_user

PIPE = "_Test Pipeline"
REP = "rep-int@example.com"
OTHER_REP = "rep2-int@example.com"
THIRD_REP = "rep3-int@example.com"
HEAD = "head-int@example.com"


def interaction(lead, **kw):
	values = {
		"doctype": "Interaction",
		"interaction_type": "Call",
		"direction": "Outgoing",
		"reference_doctype": "Sales Lead",
		"reference_name": lead,
	}
	values.update(kw)
	return frappe.get_doc(values).insert()


def follow_ups(doctype, name, **filters):
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": doctype, "reference_name": name, "crm_follow_up": 1, **filters},
		fields=["*"],
		order_by="date asc",
	)


class TestInteraction(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_pipeline(PIPE)
		for user in (REP, OTHER_REP, THIRD_REP):
			make_user(user, "Sales User")
		make_user(HEAD, "Sales Manager")
		frappe.db.set_single_value("CRM Ext Settings", "head_of_sales", HEAD)
		frappe.clear_document_cache("CRM Ext Settings", "CRM Ext Settings")

	# --- logging and the timeline -----------------------------------------------------------

	def test_interactions_show_on_the_card_timeline_in_time_order(self):
		lead = make_sales_lead()
		later = interaction(lead.name, start_time=add_to_date(now_datetime(), hours=-1), summary="second")
		earlier = interaction(lead.name, start_time=add_to_date(now_datetime(), days=-2), summary="first")
		items = timeline_content("Sales Lead", lead.name)
		self.assertEqual([i["creation"] for i in items], sorted(i["creation"] for i in items))
		self.assertIn(earlier.name, items[0]["content"])
		self.assertIn(later.name, items[1]["content"])
		# and through Frappe's own docinfo, as the form loads it
		from frappe.desk.form.load import get_docinfo

		get_docinfo(lead)
		contents = frappe.response["docinfo"]["additional_timeline_content"]
		self.assertTrue(any(earlier.name in c["content"] for c in contents))

	def test_quick_action_logs_a_call_and_updates_last_contact(self):
		lead = make_sales_lead()
		when = add_to_date(now_datetime(), minutes=-10)
		name = log_interaction(
			"Sales Lead", lead.name, "Call", summary="Talked", direction="Outgoing", start_time=str(when)
		)
		doc = frappe.get_doc("Interaction", name)
		self.assertEqual(doc.handled_by, "Administrator")
		self.assertIn(lead.title, doc.subject)
		values = frappe.db.get_value(
			"Sales Lead", lead.name, ["first_contacted_on", "last_contact_on"], as_dict=True
		)
		self.assertEqual(get_datetime(values.last_contact_on), get_datetime(when))
		self.assertEqual(get_datetime(values.first_contacted_on), get_datetime(when))

	def test_notes_and_incoming_messages_are_not_contacts(self):
		lead = make_sales_lead()
		interaction(lead.name, interaction_type="Note", summary="thinking")
		log_on_lead(lead.name, "New request", interaction_type="Message")
		self.assertIsNone(frappe.db.get_value("Sales Lead", lead.name, "first_contacted_on"))
		self.assertEqual(
			frappe.db.count("Interaction", {"reference_name": lead.name, "interaction_type": "Message"}), 1
		)

	def test_log_on_lead_writes_an_interaction(self):
		lead = make_sales_lead()
		log_on_lead(lead.name, "Invoice paid")
		row = frappe.get_all(
			"Interaction",
			filters={"reference_doctype": "Sales Lead", "reference_name": lead.name},
			fields=["interaction_type", "summary"],
		)
		self.assertEqual(row[0].interaction_type, "Note")
		self.assertIn("Invoice paid", row[0].summary)

	def test_customer_interaction(self):
		customer = make_customer()
		doc = interaction(customer, reference_doctype="Customer", interaction_type="Meeting", place="Office")
		self.assertIsNone(doc.direction)  # only calls and messages have one
		self.assertTrue(any(doc.name in i["content"] for i in timeline_content("Customer", customer)))

	def test_bad_input_is_refused_and_nothing_saved(self):
		lead = make_sales_lead()
		before = frappe.db.count("Interaction")
		cases = [
			{"reference_doctype": None, "reference_name": None},
			{"reference_name": "CRM-LEAD-NO-SUCH"},
			{"reference_doctype": "Item", "reference_name": "x"},
			{"next_step": "Call back", "next_step_on": add_to_date(now_datetime(), hours=-3)},
			{"next_step": "Call back", "next_step_on": add_days(today(), -1), "next_step_all_day": 1},
			{"next_step": "Call back"},
			{"duration": -5},
		]
		for values in cases:
			with self.subTest(values=values):
				with self.assertRaises(frappe.ValidationError):
					interaction(lead.name, **values)
		self.assertEqual(frappe.db.count("Interaction"), before)
		self.assertFalse(follow_ups("Sales Lead", lead.name))

	def test_error_names_the_field(self):
		lead = make_sales_lead()
		with self.assertRaises(frappe.ValidationError) as ctx:
			interaction(lead.name, next_step="x", next_step_on=add_to_date(now_datetime(), days=-1))
		self.assertIn("Next Step On", str(ctx.exception))

	# --- permissions ------------------------------------------------------------------------

	def test_rep_cannot_log_on_a_card_they_cannot_read(self):
		mine = make_sales_lead(lead_owner=REP)
		theirs = make_sales_lead(lead_owner=OTHER_REP)
		other_note = interaction(theirs.name, interaction_type="Note", summary="secret")
		frappe.set_user(REP)
		interaction(mine.name, summary="ok")
		with self.assertRaises(frappe.PermissionError):
			interaction(theirs.name, summary="not mine")
		with self.assertRaises(frappe.PermissionError):
			log_interaction("Sales Lead", theirs.name, "Note", summary="not mine")
		visible = frappe.get_list("Interaction", pluck="name", filters={"reference_doctype": "Sales Lead"})
		self.assertNotIn(other_note.name, visible)
		self.assertFalse(frappe.has_permission("Interaction", "read", other_note.name))
		self.assertTrue(interaction_query(REP))
		frappe.set_user(HEAD)
		self.assertIn(other_note.name, frappe.get_list("Interaction", pluck="name"))
		self.assertEqual(interaction_query(HEAD), "")

	# --- follow-ups -------------------------------------------------------------------------

	def test_next_step_creates_todo_and_event_and_closing_closes_both(self):
		lead = make_sales_lead(lead_owner=REP)
		self.assertEqual(frappe.db.get_value("Sales Lead", lead.name, "next_step_status"), "Missing")
		at = get_datetime(f"{add_days(today(), 2)} 11:00:00")
		doc = interaction(lead.name, next_step="Send the price", next_step_on=at, next_step_owner=OTHER_REP)
		todo = frappe.get_doc("ToDo", doc.follow_up)
		self.assertEqual(
			(todo.allocated_to, todo.reference_name, todo.status), (OTHER_REP, lead.name, "Open")
		)
		self.assertEqual(getdate(todo.date), at.date())
		event = frappe.get_doc("Event", doc.follow_up_event)
		self.assertEqual((event.owner, get_datetime(event.starts_on)), (OTHER_REP, at))
		self.assertEqual(event.event_participants[0].reference_docname, lead.name)
		card = frappe.db.get_value(
			"Sales Lead", lead.name, ["next_follow_up", "next_step", "next_step_status"], as_dict=True
		)
		self.assertEqual((getdate(card.next_follow_up), card.next_step_status), (at.date(), "OK"))
		self.assertIn("Send the price", card.next_step)

		todo.status = "Closed"
		todo.save()
		self.assertEqual(frappe.db.get_value("Event", event.name, "status"), "Completed")
		card = frappe.db.get_value(
			"Sales Lead", lead.name, ["next_follow_up", "next_step_status"], as_dict=True
		)
		self.assertEqual((card.next_follow_up, card.next_step_status), (None, "Missing"))

	def test_editing_the_next_step_moves_its_follow_up_and_removing_it_cancels(self):
		lead = make_sales_lead(lead_owner=REP)
		at = get_datetime(f"{add_days(today(), 2)} 11:00:00")
		doc = interaction(lead.name, next_step="Send the price", next_step_on=at, next_step_owner=REP)
		later = get_datetime(f"{add_days(today(), 4)} 15:30:00")
		doc.update(
			{"next_step": "Send the revised price", "next_step_on": later, "next_step_owner": OTHER_REP}
		)
		doc.save()
		todo = frappe.get_doc("ToDo", doc.follow_up)
		self.assertEqual(
			(todo.allocated_to, todo.description, getdate(todo.date), todo.status),
			(OTHER_REP, "Send the revised price", later.date(), "Open"),
		)
		event = frappe.get_doc("Event", doc.follow_up_event)
		self.assertEqual((event.owner, get_datetime(event.starts_on)), (OTHER_REP, later))
		self.assertEqual(len(follow_ups("Sales Lead", lead.name, status="Open")), 1)  # moved, not duplicated

		doc.update({"next_step": None, "next_step_on": None})
		doc.save()
		self.assertEqual(frappe.db.get_value("ToDo", doc.follow_up, "status"), "Cancelled")
		self.assertEqual(frappe.db.get_value("Event", doc.follow_up_event, "status"), "Cancelled")
		self.assertEqual(frappe.db.get_value("Sales Lead", lead.name, "next_step_status"), "Missing")

	def test_all_day_next_step_makes_no_event(self):
		lead = make_sales_lead()
		doc = interaction(
			lead.name, next_step="Think", next_step_on=add_days(today(), 1), next_step_all_day=1
		)
		self.assertTrue(doc.follow_up)
		self.assertFalse(doc.follow_up_event)
		self.assertEqual(frappe.db.get_value("ToDo", doc.follow_up, "allocated_to"), "Administrator")

	def test_follow_up_date_typed_on_the_card_becomes_a_task(self):
		lead = make_sales_lead(lead_owner=REP)
		lead.next_follow_up = add_days(today(), 3)
		lead.save()
		rows = follow_ups("Sales Lead", lead.name)
		self.assertEqual(
			[(r.allocated_to, getdate(r.date)) for r in rows], [(REP, getdate(add_days(today(), 3)))]
		)
		lead.reload()
		lead.save()  # no second task
		self.assertEqual(len(follow_ups("Sales Lead", lead.name)), 1)
		lead.next_follow_up = add_days(today(), -2)
		with self.assertRaises(frappe.ValidationError):
			lead.save()

	# --- roll-over and escalation on a frozen clock ------------------------------------------

	def make_holiday_list(self, holidays):
		name = "_Test CRM Follow-up Holidays"
		if frappe.db.exists("Holiday List", name):
			frappe.delete_doc("Holiday List", name, force=True)
		frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": name,
				"from_date": date(2031, 1, 1),
				"to_date": date(2031, 12, 31),
				"holidays": [{"holiday_date": d, "description": "Holiday"} for d in holidays]
				+ [
					{"holiday_date": date(2031, 3, day), "description": "Weekend", "weekly_off": 1}
					for day in (1, 2, 8, 9, 15, 16, 22, 23, 29, 30)
				],
			}
		).insert()
		frappe.db.set_single_value("CRM Ext Settings", "holiday_list", name)
		frappe.db.set_single_value("CRM Ext Settings", "follow_up_escalation_days", 2)
		frappe.clear_document_cache("CRM Ext Settings", "CRM Ext Settings")

	def test_roll_over_moves_counts_never_duplicates_and_escalates(self):
		# Thursday 6 March 2031 due; Monday 10 March is a holiday
		self.make_holiday_list([date(2031, 3, 10)])
		lead = make_sales_lead(lead_owner=REP)
		todo, _ = create_follow_up("Sales Lead", lead.name, REP, "Call back", date(2031, 3, 6))
		with self.freeze_time(datetime(2031, 3, 8, 7, 0)):  # Saturday
			# counts every open follow-up of the site (demo or benchmark data may hold more): this one moved
			self.assertGreaterEqual(roll_over_follow_ups(), 1)
			self.assertEqual(roll_over_follow_ups(), 0)  # idempotent
		row = frappe.db.get_value(
			"ToDo", todo, ["date", "crm_carried_over", "crm_original_date", "crm_escalated"], as_dict=True
		)
		self.assertEqual(getdate(row.date), date(2031, 3, 11))  # Tuesday: weekend and holiday skipped
		self.assertEqual(
			(row.crm_carried_over, getdate(row.crm_original_date), row.crm_escalated),
			(1, date(2031, 3, 6), 0),
		)
		self.assertEqual(len(follow_ups("Sales Lead", lead.name)), 1)

		started = now_datetime()
		with self.freeze_time(datetime(2031, 3, 13, 7, 0)):  # Thursday: Fri, Tue, Wed, Thu overdue = 4 > 2
			roll_over_follow_ups()
			roll_over_follow_ups()
		row = frappe.db.get_value("ToDo", todo, ["date", "crm_carried_over", "crm_escalated"], as_dict=True)
		self.assertEqual(
			(getdate(row.date), row.crm_carried_over, row.crm_escalated), (date(2031, 3, 13), 2, 1)
		)
		alerts = frappe.get_all(
			"Notification Log",
			filters={"for_user": HEAD, "document_name": lead.name, "creation": (">=", started)},
			pluck="subject",
		)
		self.assertEqual(len(alerts), 1)

	def test_digest_per_rep_and_for_the_head_of_sales(self):
		frappe.db.set_single_value("CRM Ext Settings", "send_follow_up_digest", 1)
		frappe.clear_document_cache("CRM Ext Settings", "CRM Ext Settings")
		bare = make_sales_lead(lead_owner=REP)
		planned = make_sales_lead(lead_owner=OTHER_REP)
		create_follow_up("Sales Lead", planned.name, OTHER_REP, "Visit", getdate(add_days(today(), 1)))
		started = now_datetime()
		sent = send_follow_up_digests()
		self.assertGreaterEqual(sent.get(REP, 0), 1)
		self.assertNotIn(OTHER_REP, sent)
		self.assertGreaterEqual(sent[HEAD], 1)
		logs = frappe.get_all(
			"Notification Log",
			filters={"for_user": REP, "creation": (">=", started)},
			fields=["email_content"],
		)
		self.assertEqual(len(logs), 1)
		self.assertIn(bare.name, logs[0].email_content)

	# --- scripted sequences -----------------------------------------------------------------

	def test_sequence_starts_on_stage_entry_and_advances_on_close(self):
		stage = frappe.get_doc("Pipeline Stage", f"{PIPE}-New")
		stage.set(
			"sequence_steps",
			[
				{"step_text": "Call within 15 minutes", "due_after_hours": 0.25},
				{"step_text": "Measurement visit", "assign_to_user": OTHER_REP, "due_after_hours": 16},
				{"step_text": "Price calculation", "assign_to_role": "Sales Manager", "due_after_hours": 8},
			],
		)
		stage.save()
		lead = make_sales_lead(lead_owner=REP)
		(first,) = follow_ups("Sales Lead", lead.name)
		self.assertEqual((first.allocated_to, first.crm_sequence_step), (REP, 1))
		self.assertTrue(first.crm_event)

		self.close(first.name)
		second = follow_ups("Sales Lead", lead.name, status="Open")
		self.assertEqual([(t.allocated_to, t.crm_sequence_step) for t in second], [(OTHER_REP, 2)])
		self.close(second[0].name)
		third = follow_ups("Sales Lead", lead.name, status="Open")
		self.assertEqual(len(third), 1)
		self.assertIn("Sales Manager", frappe.get_roles(third[0].allocated_to))
		self.close(third[0].name)
		self.assertFalse(follow_ups("Sales Lead", lead.name, status="Open"))  # sequence done

	def test_sequence_step_needs_valid_offset(self):
		stage = frappe.get_doc("Pipeline Stage", f"{PIPE}-New")
		stage.set("sequence_steps", [{"step_text": "x", "due_after_hours": -1}])
		with self.assertRaises(frappe.ValidationError):
			stage.save()

	def close(self, todo_name):
		todo = frappe.get_doc("ToDo", todo_name)
		todo.status = "Closed"
		todo.save()

	# --- handover ---------------------------------------------------------------------------

	def test_handover_moves_open_cards_and_follow_ups_and_logs_them(self):
		leads = [make_sales_lead(lead_owner=REP) for _ in range(3)]
		won_stage = f"{PIPE}-Won"
		closed = make_sales_lead(lead_owner=REP, customer=make_customer())
		closed.stage = won_stage
		closed.save()
		for lead in leads[:2]:
			create_follow_up("Sales Lead", lead.name, REP, "Call", getdate(add_days(today(), 1)))
		customer = make_customer("_Test CRM Handover Customer")
		create_follow_up("Customer", customer, REP, "Visit", getdate(add_days(today(), 1)))

		frappe.set_user(REP)
		with self.assertRaises(frappe.PermissionError):
			handover(REP, [OTHER_REP])
		frappe.set_user(HEAD)
		counts = handover(REP, [OTHER_REP, THIRD_REP])
		self.assertEqual(counts, {"leads": 3, "follow_ups": 3})
		owners = [frappe.db.get_value("Sales Lead", lead.name, "lead_owner") for lead in leads]
		self.assertEqual(owners, [OTHER_REP, THIRD_REP, OTHER_REP])
		self.assertEqual(frappe.db.get_value("Sales Lead", closed.name, "lead_owner"), REP)
		self.assertFalse(
			frappe.get_all("ToDo", filters={"allocated_to": REP, "status": "Open", "crm_follow_up": 1})
		)
		for lead in leads:
			self.assertTrue(
				frappe.db.exists(
					"Interaction", {"reference_name": lead.name, "summary": ("like", "%Handed over%")}
				)
			)
		self.assertTrue(
			frappe.db.exists("Interaction", {"reference_doctype": "Customer", "reference_name": customer})
		)

	def test_handover_bad_input(self):
		with self.assertRaises(frappe.ValidationError):
			handover(REP, [])
		with self.assertRaises(frappe.ValidationError):
			handover(REP, [REP])
		with self.assertRaises(frappe.ValidationError):
			handover("nobody@example.com", [OTHER_REP])

	# --- telephony --------------------------------------------------------------------------

	def test_call_from_known_number_lands_on_its_card(self):
		lead = make_sales_lead(phone="+49 30 5550101")
		result = record_call("+49 (30) 555-0101", "Incoming", 95, "https://pbx.example.com/r/1.mp3")
		self.assertEqual(set(result), {"interaction"})  # the sender learns nothing of the card
		doc = frappe.get_doc("Interaction", result["interaction"])
		self.assertEqual((doc.reference_doctype, doc.reference_name), ("Sales Lead", lead.name))
		self.assertEqual((doc.interaction_type, doc.direction, doc.duration), ("Call", "Incoming", 95))
		self.assertEqual(doc.recording_url, "https://pbx.example.com/r/1.mp3")
		self.assertTrue(frappe.db.get_value("Sales Lead", lead.name, "last_contact_on"))

	def test_call_from_unknown_number_creates_a_card(self):
		before = frappe.db.count("Sales Lead")
		result = record_call("+49 30 5550199", "Incoming", 0)
		self.assertEqual(frappe.db.count("Sales Lead"), before + 1)
		lead = frappe.db.get_value("Interaction", result["interaction"], "reference_name")
		self.assertEqual(frappe.db.get_value("Sales Lead", lead, "phone"), "+49305550199")
		# a missed call is not a contact
		self.assertIsNone(frappe.db.get_value("Sales Lead", lead, "first_contacted_on"))

	def test_bad_call_events_save_nothing(self):
		before = (frappe.db.count("Sales Lead"), frappe.db.count("Interaction"))
		for args in (
			("call me maybe",),
			("+49 30 5550102", "Sideways"),
			("+49 30 5550102", "Incoming", -1),
			("+49 30 5550102", "Incoming", 5, "ftp://pbx.example.com/r.mp3"),
			("+49 30 5550102", "Incoming", 5, "https://pbx.example.com/" + "r" * 200),
			("+49 30 5550102", "Incoming", 5, None, "yesterday-ish"),
			("1" * 1_000_000,),
		):
			with self.subTest(args=args):
				with self.assertRaises(frappe.ValidationError):
					record_call(*args)
		self.assertEqual((frappe.db.count("Sales Lead"), frappe.db.count("Interaction")), before)
