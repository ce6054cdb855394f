# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppRow


class TenderAwardLine(AppRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		bid: DF.Link | None
		blanket_order: DF.Link | None
		converted_unit_price: DF.Currency
		currency: DF.Link | None
		description: DF.SmallText | None
		item_code: DF.Link | None
		override_reason: DF.SmallText | None
		overridden_by: DF.Link | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		proposed_supplier: DF.Link | None
		purchase_order: DF.Link | None
		qty: DF.Float
		requested_qty: DF.Float
		supplier: DF.Link | None
		tender_item: DF.Data | None
		unit_price: DF.Currency
	# end: auto-generated types

	pass
