# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class TenderLog(Document):
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

	pass
