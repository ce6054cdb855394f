# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from crm_ext.utils.documents import AppDocument


class SalesLeadStageLog(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed_by: DF.Link | None
		changed_on: DF.Datetime | None
		days_in_from_stage: DF.Float
		from_stage: DF.Link | None
		pipeline: DF.Link | None
		sales_lead: DF.Link
		to_kind: DF.Literal["Open", "Won", "Lost"]
		to_stage: DF.Link
	# end: auto-generated types

	def validate(self):
		if not self.flags.from_sales_lead:
			frappe.throw(_("Stage log rows are written by the app when a Sales Lead changes stage."))
