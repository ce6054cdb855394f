# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

from frappe import _
from frappe.utils import cint, flt

from crm_ext.logic.errors import LogicError
from crm_ext.logic.qualification import check_template
from crm_ext.supply.rows import criterion_from_template_row
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument


class QualificationTemplate(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_ext.crm_ext.doctype.qualification_criterion.qualification_criterion import (
			QualificationCriterion,
		)
		from crm_ext.crm_ext.doctype.qualification_item_group.qualification_item_group import (
			QualificationItemGroup,
		)
		from crm_ext.crm_ext.doctype.qualification_required_document.qualification_required_document import (
			QualificationRequiredDocument,
		)

		criteria: DF.Table[QualificationCriterion]
		description: DF.SmallText | None
		enabled: DF.Check
		item_groups: DF.TableMultiSelect[QualificationItemGroup]
		pass_score: DF.Percent
		required_documents: DF.Table[QualificationRequiredDocument]
		template_name: DF.Data
		validity_months: DF.Int
	# end: auto-generated types

	def validate(self):
		try:
			check_template(
				[criterion_from_template_row(row) for row in self.criteria],
				flt(self.pass_score),
				cint(self.validity_months),
				[row.document_type for row in self.required_documents],
				[row.item_group for row in self.item_groups],
			)
		except LogicError as e:
			throw(e, self, title=_("Invalid Qualification Template"))
