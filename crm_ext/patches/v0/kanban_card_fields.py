"""Bring the cards of existing Sales Lead boards up to date (payment status, outstanding amount,
next-step status...): every pipeline's board is re-synced, which adds the missing card fields."""

import frappe


def execute():
	from crm_ext.sales.pipeline import sync_kanban_board

	for pipeline in frappe.get_all("Sales Pipeline", pluck="name"):
		sync_kanban_board(pipeline)
