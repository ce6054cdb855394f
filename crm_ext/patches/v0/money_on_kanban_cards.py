"""Show the payment status and outstanding amount on the cards of existing Sales Lead boards."""

import json

import frappe

FIELDS = ("payment_status", "outstanding_amount")


def execute():
	for name in frappe.get_all("Kanban Board", filters={"reference_doctype": "Sales Lead"}, pluck="name"):
		board = frappe.get_doc("Kanban Board", name)
		fields = json.loads(board.fields or "[]")
		missing = [f for f in FIELDS if f not in fields]
		if missing:
			board.db_set("fields", json.dumps(fields + missing), update_modified=False)
