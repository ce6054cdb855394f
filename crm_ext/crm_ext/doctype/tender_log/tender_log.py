# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from crm_ext.utils.documents import AppDocument


class TenderLog(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		bid: DF.Link | None
		event: DF.Literal[
			"Published",
			"Bid Submitted",
			"Bid Revised",
			"Bid Withdrawn",
			"Deadline Extended",
			"Auction Offer",
			"Auction Extended",
			"Line Offer",
			"Award Overridden",
			"Opened",
			"Evaluated",
			"Awarded",
			"Cancelled",
		]
		hash: DF.Data | None
		logged_at: DF.Datetime
		payload: DF.Code | None
		prev_hash: DF.Data | None
		seq: DF.Int
		supplier: DF.Link | None
		tender: DF.Link
		user: DF.Link | None
	# end: auto-generated types

	def validate(self):
		"""Entries are appended by the tender procedures (``crm_ext.supply.tender_log.append``) and
		never changed: the hash chain would show it, so no door may try."""
		if not self.is_new() or not self.flags.server_action:
			frappe.throw(
				_("Tender log entries are written by the tender procedure and cannot be changed."),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def on_trash(self):
		frappe.throw(
			_("Tender log entries cannot be deleted."), frappe.PermissionError, title=_("Not Permitted")
		)
