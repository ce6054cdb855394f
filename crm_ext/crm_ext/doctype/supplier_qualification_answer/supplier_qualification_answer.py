# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppRow


class SupplierQualificationAnswer(AppRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answer: DF.SmallText | None
		answer_type: DF.Data | None
		attachment: DF.Attach | None
		choice_options: DF.SmallText | None
		criterion_key: DF.Data | None
		help_text: DF.SmallText | None
		knock_out: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		points: DF.Percent
		question: DF.SmallText | None
		reviewer_comment: DF.SmallText | None
		scoring_curve: DF.Data | None
		target_value: DF.Float
		weight: DF.Float
		zero_value: DF.Float
	# end: auto-generated types

	pass
