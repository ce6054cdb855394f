# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppRow


class SupplierQualificationDocument(AppRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attachment: DF.Attach | None
		document_type: DF.Data
		expiry_date: DF.Date | None
		expiry_required: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		reviewer_comment: DF.SmallText | None
	# end: auto-generated types

	pass
