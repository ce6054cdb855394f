"""Tier 2: the analytics summary tables, kept in the transaction of each event, equal a rebuild from
the stage log and the interactions (the source of truth) after any mix of events; and two stage
changes committed at the same moment by two connections both count."""

import threading

import frappe
from frappe.desk.form import assign_to
from frappe.utils import add_to_date, now_datetime

from crm_ext.analytics import summaries
from crm_ext.analytics.testing import lead_through, make_analytics_pipeline, make_lost_reason
from crm_ext.logic.summaries import card_viewers
from crm_ext.sales.merge import merge_leads
from crm_ext.sales.pipeline import move_card
from crm_ext.testing import CRMTestCase, make_sales_lead, make_user

PIPELINE = "_Test Summary Pipeline"
REP_A = "summary-rep-a@example.com"
REP_B = "summary-rep-b@example.com"
REPS = [REP_A, REP_B, "Administrator"]


def snapshot(pipeline: str, reps: list[str]) -> dict:
	"""Every summary row of the pipeline (and the interaction rows of ``reps``): {table: {row: n}}."""
	return {
		summaries.STAGE_SUMMARY: rows_of(summaries.STAGE_SUMMARY, {"pipeline": pipeline}),
		summaries.STAY: rows_of(summaries.STAY, {"pipeline": pipeline}),
		summaries.INTERACTIONS: rows_of(summaries.INTERACTIONS, {"rep": ("in", reps)}),
		summaries.VIEWERS: rows_of(summaries.VIEWERS, {"pipeline": pipeline}),
	}


def rows_of(table: str, filters: dict) -> dict:
	columns = summaries.KEY_COLUMNS[table]
	return {
		tuple(str(row[c]) for c in columns): row.number
		for row in frappe.get_all(table, filters=filters, fields=[*columns, "number"])
	}


def rebuilt(pipeline: str, reps: list[str]) -> dict:
	summaries.rebuild(pipeline)
	summaries.rebuild_interactions(reps)
	return snapshot(pipeline, reps)


def interaction(lead: str, rep: str, **values):
	doc = frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": "Call",
			"direction": "Outgoing",
			"reference_doctype": "Sales Lead",
			"reference_name": lead,
			"handled_by": rep,
			"summary": "_Test summary call",
			**values,
		}
	)
	return doc.insert(ignore_permissions=True)


class TestSummariesFollowTheEvents(CRMTestCase):
	def setUp(self):
		super().setUp()
		for rep in (REP_A, REP_B):
			make_user(rep, "Sales User")
		make_analytics_pipeline(PIPELINE)
		# start from the rows a rebuild gives (in this test's transaction): what earlier tests or runs
		# left on a shared site must not count; only the events below are judged
		rebuilt(PIPELINE, REPS)

	def assert_summaries_equal_a_rebuild(self):
		reps = REPS
		kept = snapshot(PIPELINE, reps)
		self.assertTrue(kept[summaries.STAGE_SUMMARY], "the events wrote no stage rows")
		self.assertTrue(kept[summaries.VIEWERS], "the events wrote no viewer rows")
		self.assert_viewers_recorded()
		self.assertEqual(kept, rebuilt(PIPELINE, reps))

	def assert_viewers_recorded(self):
		"""Each card's viewer rows are counted for the users the row rule shows it to now (the
		rebuild of one pipeline counts them for the viewers recorded)."""
		for card in frappe.get_all(
			"Sales Lead", filters={"pipeline": PIPELINE}, fields=["name", "lead_owner", "owner", "_assign"]
		):
			self.assertEqual(
				summaries.counted_viewers(card.name),
				card_viewers(card.lead_owner, card.owner, card._assign),
				card.name,
			)

	def test_stage_moves_returns_and_losses(self):
		lead_through(PIPELINE, "Quote", "Won", lead_owner=REP_A)
		lost = lead_through(PIPELINE, "Quote", "Lost", lead_owner=REP_A)
		back = lead_through(PIPELINE, "Lost", lead_owner=REP_B)
		back.stage = f"{PIPELINE}-New"  # a lost card reopened: no longer counted as lost
		back.save()
		lost.lost_reason = make_lost_reason("_Test Other Reason")
		lost.save()
		self.assert_summaries_equal_a_rebuild()

	def test_reassignment_by_save_and_by_assignment(self):
		lead = lead_through(PIPELINE, "Quote", lead_owner=REP_A)
		lead.lead_owner = REP_B
		lead.save()
		orphan = lead_through(PIPELINE, "Quote")
		frappe.db.set_value("Sales Lead", orphan.name, "lead_owner", None)  # as an intake leaves it
		summaries.rebuild(PIPELINE)  # (the line above bypassed the events on purpose)
		assign_to.add({"doctype": "Sales Lead", "name": orphan.name, "assign_to": [REP_A]})
		self.assertEqual(frappe.db.get_value("Sales Lead", orphan.name, "lead_owner"), REP_A)
		self.assert_summaries_equal_a_rebuild()

	def test_interactions_inserted_edited_and_deleted(self):
		lead = lead_through(PIPELINE, "Quote", lead_owner=REP_A)
		moved = interaction(lead.name, REP_A)
		interaction(lead.name, REP_A, interaction_type="Meeting")
		gone = interaction(lead.name, REP_B)
		moved.start_time = add_to_date(now_datetime(), days=-40)
		moved.save(ignore_permissions=True)
		other = interaction(lead.name, REP_A)
		other.handled_by = REP_B
		other.save(ignore_permissions=True)
		frappe.delete_doc("Interaction", gone.name, ignore_permissions=True)
		self.assert_summaries_equal_a_rebuild()

	def test_card_deleted_and_cards_merged(self):
		deleted = lead_through(PIPELINE, "Quote", "Lost", lead_owner=REP_A)
		interaction(deleted.name, REP_A)
		frappe.delete_doc("Sales Lead", deleted.name, ignore_permissions=True)
		source = lead_through(PIPELINE, "Quote", "Won", lead_owner=REP_B)
		target = lead_through(PIPELINE, "Quote", lead_owner=REP_A)
		interaction(source.name, REP_B)
		merge_leads(source.name, target.name)
		self.assertFalse(frappe.db.exists("Sales Lead", source.name))
		self.assert_summaries_equal_a_rebuild()

	def test_assignments_added_closed_removed_and_cards_created_by_another_user(self):
		"""The viewer rows follow the card's ``_assign`` (Frappe writes it before the app's hooks) and
		its creator, whatever door changes them."""
		lead = lead_through(PIPELINE, "Quote", "Lost", lead_owner=REP_A)
		assign_to.add({"doctype": "Sales Lead", "name": lead.name, "assign_to": [REP_B]})
		other = lead_through(PIPELINE, "Quote", "Won", lead_owner=REP_B)
		assign_to.add({"doctype": "Sales Lead", "name": other.name, "assign_to": [REP_A, "Administrator"]})
		self.assert_summaries_equal_a_rebuild()
		assign_to.remove("Sales Lead", other.name, REP_A)  # cancelled: off _assign
		todo = frappe.get_all(
			"ToDo",
			filters={"reference_name": other.name, "allocated_to": "Administrator", "status": "Open"},
			pluck="name",
		)[0]
		closed = frappe.get_doc("ToDo", todo)
		closed.status = "Closed"
		closed.save(ignore_permissions=True)
		self.assert_summaries_equal_a_rebuild()
		frappe.set_user(REP_B)  # created by B, Responsible A: both see it
		created = lead_through(PIPELINE, "Quote", lead_owner=REP_A)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Sales Lead", created.name, "owner"), REP_B)
		stale = frappe.get_doc("Sales Lead", lead.name)  # loaded with B in _assign
		assign_to.remove("Sales Lead", lead.name, REP_B)
		stale.job_title = "_Test stale"
		stale.save()  # a save of a card loaded before its assignment changed counts what is stored
		self.assert_summaries_equal_a_rebuild()

	def test_a_refused_procedure_move_leaves_the_card_s_next_save_counted(self):
		"""A stage move the app makes as a procedure (a payment, an accepted proposal) that fails after
		the summaries read the card is undone to a savepoint: the card's next save still counts."""
		lead = lead_through(PIPELINE, "Quote", lead_owner=REP_A)
		frappe.db.set_value("Sales Lead", lead.name, "channel", "Pigeon")  # refused by the next save
		self.assertFalse(move_card(lead.name, f"{PIPELINE}-New", "{0}: {1}"))
		frappe.db.set_value("Sales Lead", lead.name, "channel", "Phone")
		lead = frappe.get_doc("Sales Lead", lead.name)
		lead.stage = f"{PIPELINE}-New"
		lead.save()
		self.assert_summaries_equal_a_rebuild()

	def test_a_user_who_sees_cards_may_still_be_deleted(self):
		"""The summaries mention users (rep, viewer) and customers as history, not as links that keep
		them: a user assigned to a card can be deleted like any other."""
		gone = make_user("summary-gone@example.com", "Sales User")
		lead = lead_through(PIPELINE, "Quote", lead_owner=REP_A)
		assign_to.add({"doctype": "Sales Lead", "name": lead.name, "assign_to": [gone]})
		self.assertTrue(frappe.get_all(summaries.VIEWERS, filters={"viewer": gone}, limit=1))
		frappe.delete_doc("User", gone, ignore_permissions=True)
		self.assertFalse(frappe.db.exists("User", gone))

	def test_a_stage_reordered(self):
		lead_through(PIPELINE, "Quote", lead_owner=REP_A)
		lead_through(PIPELINE, "Quote", "Won", lead_owner=REP_B)
		stage = frappe.get_doc("Pipeline Stage", f"{PIPELINE}-Quote")
		stage.stage_order = 99  # now after Won: Quote is the furthest stage of the won card
		stage.save()
		self.assert_summaries_equal_a_rebuild()


class TestSummariesUnderConcurrency(CRMTestCase):
	"""Two cards of the same rep moved to the same stage on the same day, by two connections at the
	same moment, add to the same summary rows: both moves count."""

	def setUp(self):
		super().setUp()
		make_user(REP_A, "Sales User")
		make_analytics_pipeline(PIPELINE)
		self.leads = [make_sales_lead(pipeline=PIPELINE, lead_owner=REP_A).name for _ in range(2)]
		frappe.db.commit()

	def tearDown(self):
		frappe.db.rollback()
		for name in self.leads:
			frappe.delete_doc("Sales Lead", name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDown()

	def at_once(self, *actions) -> None:
		"""Run each action in its own connection, all committing at the same moment."""
		site = frappe.local.site
		barrier = threading.Barrier(len(actions))
		errors = []

		def run(action):
			frappe.init(site=site)
			frappe.connect()
			try:
				frappe.set_user("Administrator")
				action(barrier)
				frappe.db.commit()
			except Exception as e:
				errors.append(repr(e))
			finally:
				frappe.destroy()

		threads = [threading.Thread(target=run, args=(action,)) for action in actions]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join()
		self.assertEqual(errors, [])
		frappe.db.rollback()

	def test_two_stage_changes_at_once_both_count(self):
		def move(name: str):
			def action(barrier):
				lead = frappe.get_doc("Sales Lead", name)
				lead.stage = f"{PIPELINE}-Quote"
				barrier.wait()
				lead.save()

			return action

		self.at_once(*(move(name) for name in self.leads))
		kept = snapshot(PIPELINE, [REP_A])
		moved = [
			n
			for key, n in kept[summaries.STAGE_SUMMARY].items()
			if key[0] == "Moved" and key[3] == f"{PIPELINE}-Quote" and key[1] == str(now_datetime().date())
		]
		self.assertEqual(sum(moved), 2, kept[summaries.STAGE_SUMMARY])
		self.assertEqual(kept, rebuilt(PIPELINE, [REP_A]))

	def test_two_assignments_of_one_card_and_two_new_cards_at_once_all_count(self):
		"""Two users assigned to one card by two connections at once: both see it in their rows; two
		cards created at once (their viewer records written side by side) do not deadlock."""
		make_user(REP_B, "Sales User")
		frappe.db.commit()
		card = self.leads[0]

		def assign(user: str):
			def action(barrier):
				barrier.wait()
				assign_to.add({"doctype": "Sales Lead", "name": card, "assign_to": [user]})

			return action

		def create(barrier):
			barrier.wait()
			self.leads.append(make_sales_lead(pipeline=PIPELINE, lead_owner=REP_B).name)

		self.at_once(assign(REP_B), assign("Administrator"))
		self.at_once(create, create)
		viewers = summaries.counted_viewers(card)
		stored = frappe.db.get_value("Sales Lead", card, ["lead_owner", "owner", "_assign"])
		self.assertEqual(viewers, card_viewers(*stored))
		for name in self.leads[1:]:
			stored = frappe.db.get_value("Sales Lead", name, ["lead_owner", "owner", "_assign"])
			self.assertEqual(summaries.counted_viewers(name), card_viewers(*stored))
		kept = snapshot(PIPELINE, [REP_A, REP_B])
		self.assertEqual(kept, rebuilt(PIPELINE, [REP_A, REP_B]))
