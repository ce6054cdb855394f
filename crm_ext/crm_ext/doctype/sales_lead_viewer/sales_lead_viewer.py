# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.analytics.summaries import refuse_direct_write
from crm_ext.utils.documents import AppDocument


class SalesLeadViewer(AppDocument):
	"""Written only by :mod:`crm_ext.analytics.summaries` (with the card's viewer summary rows: a JSON
	list of users, named as the card); no role may read, create or change one."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		viewers: DF.SmallText | None
	# end: auto-generated types

	validate = refuse_direct_write
