# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppRow


class TenderMaterialRequest(AppRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		claim: DF.Data | None
		item_code: DF.Link | None
		material_request: DF.Link | None
		material_request_item: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		project: DF.Link | None
		schedule_date: DF.Date | None
		stock_qty: DF.Float
		stock_uom: DF.Link | None
		tender_item: DF.Data | None
		warehouse: DF.Link | None
	# end: auto-generated types

	pass
