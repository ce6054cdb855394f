# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import json

import frappe

from crm_ext.sales.pipeline import (
	DEFAULT_PIPELINE,
	DEFAULT_STAGES,
	KANBAN_CARD_FIELDS,
	create_default_pipeline,
	ensure_kanban_boards,
	sync_kanban_board,
)
from crm_ext.testing import CRMTestCase, make_pipeline, make_sales_lead


class TestSalesPipeline(CRMTestCase):
	def test_default_pipeline_is_installed_with_stages_and_board(self):
		self.assertTrue(frappe.db.exists("Sales Pipeline", DEFAULT_PIPELINE))
		stages = frappe.get_all(
			"Pipeline Stage",
			filters={"pipeline": DEFAULT_PIPELINE},
			fields=["stage_name", "kind"],
			order_by="stage_order",
		)
		self.assertEqual([(s.stage_name, s.kind) for s in stages], [(n, k) for n, k, *_ in DEFAULT_STAGES])
		self.assertEqual(frappe.db.get_single_value("CRM Ext Settings", "default_pipeline"), DEFAULT_PIPELINE)
		create_default_pipeline()  # re-creating is a no-op
		self.assertEqual(
			frappe.db.count("Pipeline Stage", {"pipeline": DEFAULT_PIPELINE}), len(DEFAULT_STAGES)
		)

	def test_kanban_board_follows_the_stages(self):
		make_pipeline("_Test Kanban")
		board = frappe.get_doc(
			"Kanban Board", frappe.db.get_value("Sales Pipeline", "_Test Kanban", "kanban_board")
		)
		self.assertEqual(board.reference_doctype, "Sales Lead")
		self.assertEqual(board.field_name, "stage")
		self.assertEqual(json.loads(board.filters), [["Sales Lead", "pipeline", "=", "_Test Kanban"]])
		self.assertEqual(json.loads(board.fields), KANBAN_CARD_FIELDS)
		board.db_set("fields", json.dumps(["organization"]))  # a line a head of sales chose
		sync_kanban_board("_Test Kanban")
		board.reload()
		self.assertEqual(json.loads(board.fields), ["organization", *KANBAN_CARD_FIELDS])
		self.assertEqual(
			[c.column_name for c in board.columns],
			["_Test Kanban-New", "_Test Kanban-Quote", "_Test Kanban-Won", "_Test Kanban-Lost"],
		)
		stage = frappe.get_doc("Pipeline Stage", "_Test Kanban-Quote")
		stage.stage_order = 0
		stage.save()
		board.reload()
		self.assertEqual(board.columns[0].column_name, "_Test Kanban-Quote")

	def test_a_pipeline_whose_board_is_gone_gets_a_new_one_on_migrate(self):
		make_pipeline("_Test Lost Board")
		board = frappe.db.get_value("Sales Pipeline", "_Test Lost Board", "kanban_board")
		frappe.db.delete("Kanban Board", {"name": board})  # as a forced delete or an uninstall does
		# (a save now fails: "Could not find Kanban Board")
		self.assertIn("_Test Lost Board", ensure_kanban_boards())
		self.assertTrue(frappe.db.exists("Kanban Board", board))
		pipeline = frappe.get_doc("Sales Pipeline", "_Test Lost Board")
		pipeline.description = "Key accounts"
		pipeline.save()
		self.assertNotIn("_Test Lost Board", ensure_kanban_boards())

	def test_stage_rules(self):
		make_pipeline("_Test Rules")
		cases = [
			({"stage_name": "Dup", "stage_order": 1, "kind": "Open"}, "same order"),
			(
				{"stage_name": "Bad Prob", "stage_order": 7, "kind": "Open", "probability": 150},
				"between 0 and 100",
			),
			(
				{
					"stage_name": "Bad Field",
					"stage_order": 8,
					"kind": "Open",
					"required_fields": [{"fieldname": "nope"}],
				},
				"nope",
			),
		]
		for values, message in cases:
			with self.subTest(values=values):
				with self.assertRaises(frappe.ValidationError) as ctx:
					frappe.get_doc(
						{"doctype": "Pipeline Stage", "pipeline": "_Test Rules", **values}
					).insert()
				self.assertIn(message, str(ctx.exception))

	def test_first_stage_of_a_pipeline_must_be_open(self):
		frappe.get_doc({"doctype": "Sales Pipeline", "pipeline_name": "_Test Empty"}).insert()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": "Pipeline Stage",
					"pipeline": "_Test Empty",
					"stage_name": "Won",
					"stage_order": 1,
					"kind": "Won",
				}
			).insert()

	def test_won_and_lost_stages_get_fixed_probability(self):
		make_pipeline("_Test Prob")
		stage = frappe.get_doc(
			{
				"doctype": "Pipeline Stage",
				"pipeline": "_Test Prob",
				"stage_name": "Won 2",
				"stage_order": 9,
				"kind": "Won",
				"probability": 20,
			}
		).insert()
		self.assertEqual(stage.probability, 100)

	def test_stage_with_cards_cannot_be_deleted(self):
		make_pipeline("_Test Delete")
		make_sales_lead(pipeline="_Test Delete")
		with self.assertRaises(frappe.LinkExistsError):
			frappe.delete_doc("Pipeline Stage", "_Test Delete-New")

	def test_sales_user_cannot_configure_pipelines(self):
		from crm_ext.testing import make_user

		frappe.set_user(make_user("crm-pipe-rep@example.com", "Sales User"))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc({"doctype": "Sales Pipeline", "pipeline_name": "_Test Rep Pipeline"}).insert()

	def test_recreate_default_pipeline_restores_missing_stages(self):
		from crm_ext.sales.pipeline import recreate_default_pipeline

		frappe.delete_doc("Pipeline Stage", f"{DEFAULT_PIPELINE}-Negotiation", force=True)
		self.assertEqual(recreate_default_pipeline(), DEFAULT_PIPELINE)
		self.assertTrue(frappe.db.exists("Pipeline Stage", f"{DEFAULT_PIPELINE}-Negotiation"))
		from crm_ext.testing import make_user

		frappe.set_user(make_user("crm-pipe-rep2@example.com", "Sales User"))
		with self.assertRaises(frappe.PermissionError):
			recreate_default_pipeline()
