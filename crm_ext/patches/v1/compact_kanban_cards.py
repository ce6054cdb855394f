"""Compact cards on the pipelines' kanban boards: a board still showing the field lines earlier
versions set (eight mostly empty lines) shows the card's title, amount, next-step and payment
indicators instead (drawn by the board's script). A board whose lines a person chose is left as
it is."""

import frappe


def execute():
	from crm_ext.sales.pipeline import KANBAN_CARD_FIELDS, OLD_KANBAN_CARD_FIELDS

	for name in frappe.get_all(
		"Sales Pipeline", filters={"kanban_board": ("is", "set")}, pluck="kanban_board"
	):
		if not frappe.db.exists("Kanban Board", name):
			continue
		fields = frappe.parse_json(frappe.db.get_value("Kanban Board", name, "fields") or "[]")
		if set(fields) <= set(OLD_KANBAN_CARD_FIELDS):
			frappe.db.set_value(
				"Kanban Board",
				name,
				{"fields": frappe.as_json(KANBAN_CARD_FIELDS), "show_labels": 0},
				update_modified=False,
			)
