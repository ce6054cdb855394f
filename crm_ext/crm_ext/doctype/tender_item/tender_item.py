# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppRow


class TenderItem(AppRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		award_as: DF.Literal["Purchase Order", "Blanket Order"]
		budget_unit_price: DF.Currency
		description: DF.SmallText | None
		item_code: DF.Link | None
		item_group: DF.Link | None
		item_name: DF.Data | None
		min_step: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		qty: DF.Float
		required_by: DF.Date | None
		uom: DF.Link
	# end: auto-generated types

	pass
