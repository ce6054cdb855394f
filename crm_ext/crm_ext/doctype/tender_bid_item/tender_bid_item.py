# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppRow


class TenderBidItem(AppRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		alternative_description: DF.SmallText | None
		alternative_item: DF.Link | None
		amount: DF.Currency
		delivery_days: DF.Int
		description: DF.SmallText | None
		item_code: DF.Link | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		qty: DF.Float
		requested_qty: DF.Float
		tender_item: DF.Data | None
		unit_price: DF.Currency
		uom: DF.Link | None
	# end: auto-generated types

	pass
