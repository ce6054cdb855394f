"""Tier 2: the pipeline's kanban board. A card dropped on a stage that needs more (Won: a customer,
Lost: a reason, a stage's required fields) is asked exactly what the rules need (``stage_entry``),
then moved through the door the board uses (``frappe.client.set_value``), where the same rules
refuse with a message; boards are compact and keep their stages' IDs as column values."""

import frappe
from frappe.client import set_value

from crm_ext.patches.v1 import compact_kanban_cards
from crm_ext.sales.kanban import stage_entry
from crm_ext.sales.pipeline import OLD_KANBAN_CARD_FIELDS, sync_kanban_board
from crm_ext.testing import CRMTestCase, make_customer, make_pipeline, make_sales_lead, make_user

PIPE = "_Test Kanban Pipeline"
OTHER_PIPE = "_Test Kanban Other"


def asked(entry: dict) -> list[tuple[str, int]]:
	return [(f["fieldname"], f["reqd"]) for f in entry["fields"]]


class TestKanbanMoves(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_pipeline(PIPE)
		make_pipeline(OTHER_PIPE)
		self.rep = make_user("kanban.rep@example.com", "Sales User")
		self.other = make_user("kanban.other@example.com", "Sales User")
		self.lead = make_sales_lead(pipeline=PIPE, lead_owner=self.rep)

	def test_the_dialog_asks_what_each_stage_needs(self):
		frappe.set_user(self.rep)
		won = stage_entry(self.lead.name, f"{PIPE}-Won")
		self.assertEqual((won["title"], won["kind"], asked(won)), ("Won", "Won", [("customer", 1)]))
		lost = stage_entry(self.lead.name, f"{PIPE}-Lost")
		self.assertEqual(asked(lost), [("lost_reason", 1), ("lost_detail", 0)])
		quote = stage_entry(self.lead.name, f"{PIPE}-Quote")
		self.assertEqual(asked(quote), [("expected_amount", 1), ("expected_close_date", 1)])
		self.assertEqual(asked(stage_entry(self.lead.name, f"{PIPE}-New")), [])

	def test_a_refused_move_says_why_and_the_dialogs_values_move_the_card(self):
		frappe.set_user(self.rep)
		with self.assertRaises(frappe.ValidationError) as refused:
			set_value("Sales Lead", self.lead.name, {"stage": f"{PIPE}-Won"})
		self.assertIn("Customer", str(refused.exception))
		self.assertEqual(frappe.db.get_value("Sales Lead", self.lead.name, "stage"), f"{PIPE}-New")
		customer = make_customer()
		set_value("Sales Lead", self.lead.name, {"customer": customer, "stage": f"{PIPE}-Won"})
		self.assertEqual(
			frappe.db.get_value("Sales Lead", self.lead.name, ["stage", "customer"]),
			(f"{PIPE}-Won", customer),
		)
		self.assertEqual(asked(stage_entry(self.lead.name, f"{PIPE}-Won")), [])

	def test_only_who_may_change_the_card_asks_and_only_for_its_pipeline(self):
		frappe.set_user(self.other)
		with self.assertRaises(frappe.PermissionError):
			stage_entry(self.lead.name, f"{PIPE}-Won")
		frappe.set_user(self.rep)
		with self.assertRaises(frappe.ValidationError):
			stage_entry(self.lead.name, f"{OTHER_PIPE}-Won")
		with self.assertRaises(frappe.DoesNotExistError):
			stage_entry(self.lead.name, f"{PIPE}-No such stage")


class TestKanbanBoard(CRMTestCase):
	def test_a_new_board_has_compact_cards_and_stage_ids_as_columns(self):
		make_pipeline(PIPE)
		board = frappe.get_doc("Kanban Board", frappe.db.get_value("Sales Pipeline", PIPE, "kanban_board"))
		self.assertEqual(board.name, f"{PIPE} Pipeline")
		self.assertEqual((frappe.parse_json(board.fields), board.show_labels), ([], 0))
		self.assertEqual(
			[c.column_name for c in board.columns], [f"{PIPE}-{s}" for s in ("New", "Quote", "Won", "Lost")]
		)

	def test_old_boards_become_compact_unless_a_person_chose_their_lines(self):
		make_pipeline(PIPE)
		make_pipeline(OTHER_PIPE)
		old, chosen = (frappe.db.get_value("Sales Pipeline", p, "kanban_board") for p in (PIPE, OTHER_PIPE))
		frappe.db.set_value(
			"Kanban Board", old, {"fields": frappe.as_json(list(OLD_KANBAN_CARD_FIELDS)), "show_labels": 1}
		)
		frappe.db.set_value(
			"Kanban Board", chosen, {"fields": frappe.as_json(["city", "expected_amount"]), "show_labels": 1}
		)
		compact_kanban_cards.execute()
		self.assertEqual(frappe.db.get_value("Kanban Board", old, ["fields", "show_labels"]), ("[]", 0))
		self.assertEqual(
			frappe.parse_json(frappe.db.get_value("Kanban Board", chosen, "fields")),
			["city", "expected_amount"],
		)
		sync_kanban_board(OTHER_PIPE)  # a later sync keeps the person's lines
		self.assertEqual(
			frappe.parse_json(frappe.db.get_value("Kanban Board", chosen, "fields")),
			["city", "expected_amount"],
		)
