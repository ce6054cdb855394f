# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppRow


class TenderNotification(AppRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		created_on: DF.Datetime | None
		kind: DF.Literal["Invitation", "Deadline Extended", "Result"]
		message: DF.Text | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		queued_on: DF.Datetime | None
		recipients: DF.SmallText | None
		status: DF.Literal["Queued", "Waiting for E-mail Account", "No E-mail Address", "Too Late"]
		subject: DF.Data | None
		supplier: DF.Link
	# end: auto-generated types

	pass
