# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppRow


class TenderEvaluation(AppRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		bid: DF.Link | None
		bid_total: DF.Currency
		complete: DF.Check
		currency: DF.Link | None
		evaluated_total: DF.Currency
		exchange_rate: DF.Float
		max_delivery_days: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		qualification_score: DF.Percent
		rank: DF.Int
		score: DF.Float
		supplier: DF.Link | None
	# end: auto-generated types

	pass
