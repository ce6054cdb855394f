# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe

from crm_ext.sales.pipeline import sync_kanban_board
from crm_ext.utils.documents import AppDocument


class SalesPipeline(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		disabled: DF.Check
		kanban_board: DF.Link | None
		pipeline_name: DF.Data
		stages_html: DF.HTML | None
	# end: auto-generated types

	def validate(self):
		self.pipeline_name = (self.pipeline_name or "").strip()

	def on_update(self):
		if not self.flags.in_insert or frappe.db.exists("Pipeline Stage", {"pipeline": self.name}):
			sync_kanban_board(self.name)

	def after_insert(self):
		sync_kanban_board(self.name)

	def on_trash(self):
		self.flags.kanban_board = self.kanban_board
		self.db_set("kanban_board", None, update_modified=False)

	def after_delete(self):
		if self.flags.kanban_board and frappe.db.exists("Kanban Board", self.flags.kanban_board):
			frappe.delete_doc("Kanban Board", self.flags.kanban_board, ignore_permissions=True, force=True)
