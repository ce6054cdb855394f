# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppDocument


class SalesLeadContactKey(AppDocument):
	"""Written only by :mod:`crm_ext.sales.contact_keys` (plain SQL, inside the card's transaction);
	no role may create or change one."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		sales_lead: DF.Link
	# end: auto-generated types

	pass
