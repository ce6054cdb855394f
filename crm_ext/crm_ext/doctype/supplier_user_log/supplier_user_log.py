# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from crm_ext.utils.documents import AppDocument


class SupplierUserLog(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal[
			"Master User Set", "Colleague Invited", "User Disabled", "User Enabled", "Recipients Changed"
		]
		changed_by: DF.Link | None
		changed_on: DF.Datetime
		details: DF.SmallText | None
		supplier: DF.Link
		user: DF.Link | None
	# end: auto-generated types

	def validate(self):
		"""Entries are appended by the portal administration (``crm_ext.supply.supplier_users``) and
		never changed."""
		if not self.is_new() or not self.flags.server_action:
			frappe.throw(
				_(
					"Supplier user log entries are written by the portal administration and cannot be changed."
				),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def on_trash(self):
		frappe.throw(
			_("Supplier user log entries cannot be deleted."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
