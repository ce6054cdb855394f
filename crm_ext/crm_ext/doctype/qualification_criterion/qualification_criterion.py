# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from crm_ext.utils.documents import AppRow


class QualificationCriterion(AppRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answer_type: DF.Literal["Yes/No", "Number", "Choice", "Document", "Text"]
		choice_options: DF.SmallText | None
		criterion: DF.SmallText
		help_text: DF.SmallText | None
		knock_out: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		scoring_curve: DF.Literal["Linear", "Step"]
		target_value: DF.Float
		weight: DF.Float
		zero_value: DF.Float
	# end: auto-generated types

	pass
