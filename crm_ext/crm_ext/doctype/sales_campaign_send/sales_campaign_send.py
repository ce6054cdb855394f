# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

"""A campaign message (e-mail or SMS) to a segment, sent by the head of sales: the preview, the send,
the job and the replies are in :mod:`crm_ext.sales.campaigns`."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_ext.sales.campaigns import check_segment
from crm_ext.utils.documents import AppDocument


class SalesCampaignSend(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		abc_class: DF.Literal["", "A", "B", "C"]
		campaign: DF.Link
		channel: DF.Literal["E-mail", "SMS"]
		cost: DF.Currency
		days_without_contact: DF.Int
		email_group: DF.Link | None
		error: DF.SmallText | None
		message: DF.TextEditor | None
		newsletter: DF.Link | None
		pipeline: DF.Link | None
		queued_on: DF.Datetime | None
		recipients: DF.Int
		rfm_pattern: DF.Data | None
		segment_key: DF.Data | None
		segment_kind: DF.Literal["ABC Class", "RFM Score", "Cards", "Not Contacted", "Birthdays This Week"]
		sent_on: DF.Datetime | None
		skipped_no_address: DF.Int
		skipped_no_consent: DF.Int
		skipped_unsubscribed: DF.Int
		sms_text: DF.SmallText | None
		source: DF.Link | None
		stage: DF.Link | None
		status: DF.Literal["Draft", "Queued", "Sent", "Failed"]
		subject: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.check_unchanged_once_queued()
		self.rfm_pattern = (self.rfm_pattern or "").strip() or None
		check_segment(self)
		self.check_cost()

	def check_unchanged_once_queued(self):
		"""What was sent stays as it was sent (its cost may still be corrected)."""
		if self.is_new() or self.flags.server_action:
			return
		before = self.get_doc_before_save()
		if before and before.status != "Draft":
			changed = [
				f.fieldname
				for f in self.meta.fields
				if f.fieldname != "cost"
				and f.fieldtype not in ("Section Break", "Column Break")
				and self.get(f.fieldname) != before.get(f.fieldname)
			]
			if changed:
				frappe.throw(
					_("A campaign already queued or sent cannot be changed ({0}); make a new one.").format(
						_(self.meta.get_label(changed[0]))
					),
					title=_("Already Sent"),
				)

	def check_cost(self):
		if flt(self.cost) < 0:
			frappe.throw(
				_("{0} cannot be negative.").format(_(self.meta.get_label("cost"))), title=_("Invalid Value")
			)
