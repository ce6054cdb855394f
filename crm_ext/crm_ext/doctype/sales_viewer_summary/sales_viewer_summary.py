# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.analytics.summaries import refuse_direct_write
from crm_ext.utils.documents import AppDocument


class SalesViewerSummary(AppDocument):
	"""Written only by :mod:`crm_ext.analytics.summaries` (plain SQL, in the transaction of the event
	it counts); no role may read, create or change one."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
		customer: DF.Link | None
		day: DF.Date | None
		days: DF.Float
		lost_reason: DF.Link | None
		measure: DF.Literal["Furthest", "Lost", "Stay", "Customer"]
		number: DF.Int
		pipeline: DF.Link | None
		rep: DF.Link | None
		stage: DF.Link | None
		viewer: DF.Link | None
	# end: auto-generated types

	validate = refuse_direct_write
