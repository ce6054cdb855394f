# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, nowdate

from crm_ext.logic import qualification as rules
from crm_ext.logic.errors import LogicError
from crm_ext.supply import registration
from crm_ext.supply.access import is_internal
from crm_ext.supply.item_groups import outside_groups
from crm_ext.supply.rows import (
	answer_from_row,
	criterion_from_answer_row,
	provided_documents,
	required_documents,
)
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument

# What the supplier fills in: frozen once the questionnaire leaves Draft.
QUESTIONNAIRE_FIELDS = ("supplier", "template", "company_name", "country", "tax_id", "website", "regions")
QUESTIONNAIRE_TABLES = {
	"answers": ("answer", "attachment"),
	"documents": ("document_type", "attachment", "expiry_date"),
	"item_groups": ("item_group",),
	"signatories": ("full_name", "designation", "email"),
	"contact_persons": ("full_name", "designation", "email", "phone"),
}


class SupplierQualification(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_ext.crm_ext.doctype.qualification_item_group.qualification_item_group import (
			QualificationItemGroup,
		)
		from crm_ext.crm_ext.doctype.supplier_qualification_answer.supplier_qualification_answer import (
			SupplierQualificationAnswer,
		)
		from crm_ext.crm_ext.doctype.supplier_qualification_contact.supplier_qualification_contact import (
			SupplierQualificationContact,
		)
		from crm_ext.crm_ext.doctype.supplier_qualification_document.supplier_qualification_document import (
			SupplierQualificationDocument,
		)
		from crm_ext.crm_ext.doctype.supplier_qualification_signatory.supplier_qualification_signatory import (
			SupplierQualificationSignatory,
		)

		amended_from: DF.Link | None
		answers: DF.Table[SupplierQualificationAnswer]
		approved_by: DF.Link | None
		company_name: DF.Data | None
		contact_email: DF.Data | None
		contact_persons: DF.Table[SupplierQualificationContact]
		country: DF.Link | None
		documents: DF.Table[SupplierQualificationDocument]
		expiry_notice_sent_on: DF.Date | None
		is_registration: DF.Check
		item_groups: DF.TableMultiSelect[QualificationItemGroup]
		knock_out_failed: DF.Check
		naming_series: DF.Literal["SQ-.YYYY.-"]
		pass_score: DF.Percent
		qualified_on: DF.Date | None
		regions: DF.SmallText | None
		registration_user: DF.Link | None
		review_comment: DF.Text | None
		reviewed_by: DF.Link | None
		score: DF.Percent
		signatories: DF.Table[SupplierQualificationSignatory]
		status: DF.Literal["Draft", "Submitted", "Under Review", "Qualified", "Rejected", "Expired"]
		supplier: DF.Link | None
		supplier_name: DF.Data | None
		tax_id: DF.Data | None
		template: DF.Link
		title: DF.Data | None
		valid_until: DF.Date | None
		website: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.check_party()
		self.set_title()
		self.copy_template()
		self.set_contact_email()
		self.check_questionnaire_frozen()
		self.check_no_open_duplicate()
		self.check_item_groups()
		self.check_answers_and_documents()
		self.compute_score()
		self.record_reviewer()

	def before_submit(self):
		self.check_decision()
		self.approved_by = frappe.session.user
		if self.status == rules.QUALIFIED:
			self.set_validity()
			if self.is_registration and not self.supplier:
				self.supplier = registration.create_supplier(self)
				self.supplier_name = frappe.db.get_value("Supplier", self.supplier, "supplier_name")

	def notify_upcoming_expiry(self, on_date=None):
		"""Run by the daily job (``run_method``): the Notification of that name e-mails the supplier."""
		self.db_set("expiry_notice_sent_on", getdate(on_date or nowdate()), update_modified=False)
		self.add_comment(
			"Info", _("Expiry notice sent: this qualification is valid until {0}.").format(self.valid_until)
		)

	# --- helpers ------------------------------------------------------------------------------

	def check_party(self):
		"""A qualification is of an existing Supplier, or a registration by its (portal) user."""
		if self.is_registration:
			if self.is_new() and not is_internal():
				self.registration_user = frappe.session.user
			if not (self.company_name and self.country and self.tax_id):
				frappe.throw(
					_("A registration needs the Company Name, Country and Tax ID."),
					title=_("Missing Company Details"),
				)
		elif not self.supplier:
			frappe.throw(_("Supplier: choose the supplier being qualified."), title=_("Missing Supplier"))

	def set_title(self):
		self.title = self.supplier_name or self.supplier or self.company_name or self.template

	def copy_template(self):
		"""A new qualification copies the template's questions, documents, categories and pass score.

		The copy is the evidence: later edits of the template do not change a running or decided
		qualification.
		"""
		if not self.is_new() or not self.template:
			return
		template = frappe.get_cached_doc("Qualification Template", self.template)
		if not template.enabled:
			frappe.throw(
				_("Qualification Template {0} is disabled; choose an enabled one.").format(self.template),
				title=_("Invalid Template"),
			)
		self.pass_score = template.pass_score
		if not self.answers:
			for row in template.criteria:
				self.append(
					"answers",
					{
						"criterion_key": row.name,
						"question": row.criterion,
						"answer_type": row.answer_type,
						"knock_out": row.knock_out,
						"weight": row.weight,
						"help_text": row.help_text,
						"choice_options": row.choice_options,
						"target_value": row.target_value,
						"zero_value": row.zero_value,
						"scoring_curve": row.scoring_curve,
					},
				)
		given = {(d.document_type or "").casefold(): d for d in self.documents}
		for req in template.required_documents:
			row = given.get(req.document_type.casefold())
			if row:
				row.expiry_required = req.expiry_required
			else:
				self.append(
					"documents", {"document_type": req.document_type, "expiry_required": req.expiry_required}
				)
		if not self.item_groups:
			for row in template.item_groups:
				self.append("item_groups", {"item_group": row.item_group})

	def set_contact_email(self):
		if self.contact_email:
			return
		if self.registration_user and not self.supplier:
			self.contact_email = frappe.db.get_value("User", self.registration_user, "email")
			return
		if not self.supplier:
			return
		contact = frappe.db.get_value("Supplier", self.supplier, "supplier_primary_contact")
		if contact:
			self.contact_email = frappe.db.get_value("Contact", contact, "email_id")

	def check_questionnaire_frozen(self):
		"""Nothing the supplier filled in changes after Draft (procurement returns it to Draft)."""
		before = self.get_doc_before_save()
		if not before or before.status == rules.DRAFT:
			return
		if questionnaire_of(before) != questionnaire_of(self):
			frappe.throw(
				_(
					"The questionnaire was submitted on {0} and can no longer be changed. Procurement can "
					"return it to Draft (Return to Supplier) for corrections."
				).format(frappe.format(before.modified, "Datetime")),
				title=_("Questionnaire Submitted"),
			)

	def check_no_open_duplicate(self):
		if self.status not in rules.OPEN_STATUSES:
			return
		filters = {
			"template": self.template,
			"status": ("in", rules.OPEN_STATUSES),
			"docstatus": 0,
			"name": ("!=", self.name or ""),
		}
		if self.supplier:
			filters["supplier"] = self.supplier
		elif self.registration_user:
			filters.update(registration_user=self.registration_user, is_registration=1)
		else:
			return
		existing = frappe.get_all("Supplier Qualification", filters=filters, pluck="name", limit=1)
		if existing:
			frappe.throw(
				_(
					"{0} already has an open qualification {1} for template {2}; continue that one instead "
					"of starting another."
				).format(
					self.supplier or self.company_name or self.registration_user, existing[0], self.template
				),
				title=_("Duplicate Qualification"),
			)

	def check_item_groups(self):
		if not self.item_groups:
			frappe.throw(
				_("Product Categories: choose at least one Item Group."),
				title=_("Missing Product Categories"),
			)
		template_groups = [
			r.item_group for r in frappe.get_cached_doc("Qualification Template", self.template).item_groups
		]
		outside = outside_groups([r.item_group for r in self.item_groups], template_groups)
		if outside:
			frappe.throw(
				_("Product Categories: {0} is not covered by template {1} (allowed: {2}).").format(
					", ".join(outside), self.template, ", ".join(template_groups)
				),
				title=_("Invalid Product Category"),
			)

	def check_answers_and_documents(self):
		submitting = self.entering(rules.SUBMITTED)
		try:
			rules.check_answers(
				[criterion_from_answer_row(r) for r in self.answers],
				{r.name: answer_from_row(r) for r in self.answers},
				for_submission=submitting,
			)
			rules.check_documents(
				self.template_documents(),
				provided_documents(self.documents),
				getdate(nowdate()),
				for_submission=submitting,
			)
		except LogicError as e:
			throw(e, self, title=_("Questionnaire Incomplete") if submitting else _("Invalid Answer"))

	def compute_score(self):
		criteria = [criterion_from_answer_row(r) for r in self.answers]
		result = rules.score(
			criteria, {r.name: answer_from_row(r) for r in self.answers}, flt(self.pass_score)
		)
		for row in self.answers:
			row.points = round(100 * result.points.get(row.name, 0), 2)
		self.score = result.score
		self.knock_out_failed = 1 if result.failed_knock_outs else 0

	def record_reviewer(self):
		if self.entering(rules.UNDER_REVIEW):
			self.reviewed_by = frappe.session.user

	def check_decision(self):
		if self.status not in (rules.QUALIFIED, rules.REJECTED):
			frappe.throw(
				_(
					"A qualification is decided through its workflow: Approve or Reject it while Under Review."
				),
				title=_("Not Under Review"),
			)
		if self.status == rules.QUALIFIED:
			if cint(self.knock_out_failed):
				frappe.throw(
					_(
						"It cannot be qualified: a mandatory (knock-out) criterion is not met. Reject it instead."
					),
					title=_("Knock-out Criterion Failed"),
				)
			if flt(self.score) < flt(self.pass_score):
				frappe.throw(
					_("It cannot be qualified: the score {0} is below the pass score {1}.").format(
						flt(self.score), flt(self.pass_score)
					),
					title=_("Score Too Low"),
				)
			try:
				rules.check_documents(
					self.template_documents(),
					provided_documents(self.documents),
					getdate(nowdate()),
					for_submission=True,
				)
			except LogicError as e:
				throw(e, self, title=_("Documents Not Valid"))

	def set_validity(self):
		self.qualified_on = getdate(nowdate())
		months = cint(frappe.db.get_value("Qualification Template", self.template, "validity_months")) or 12
		self.valid_until = rules.valid_until(
			getdate(self.qualified_on),
			months,
			[getdate(d.expiry_date) for d in self.documents if d.attachment and d.expiry_date],
		)

	def template_documents(self) -> list[rules.RequiredDocument]:
		return required_documents(
			frappe.get_cached_doc("Qualification Template", self.template).required_documents
		)

	def entering(self, status: str) -> bool:
		before = self.get_doc_before_save()
		return self.status == status and (before is None or before.status != status)


def questionnaire_of(doc) -> tuple:
	"""The supplier-side content of a qualification, comparable between two versions."""
	fields = tuple(doc.get(f) or "" for f in QUESTIONNAIRE_FIELDS)
	tables = tuple(
		tuple(tuple(str(row.get(c) or "") for c in columns) for row in doc.get(table) or [])
		for table, columns in QUESTIONNAIRE_TABLES.items()
	)
	return fields, tables
