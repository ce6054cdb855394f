# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, nowdate

from crm_ext.logic import qualification as rules
from crm_ext.logic import qualification_review as review
from crm_ext.logic.errors import LogicError
from crm_ext.supply import registration
from crm_ext.supply.access import forbid, is_internal, is_party
from crm_ext.supply.item_groups import outside_groups
from crm_ext.supply.recipients import notice_emails
from crm_ext.supply.rows import (
	answer_from_row,
	criterion_from_answer_row,
	provided_documents,
	required_documents,
)
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument

# Who the qualification is of: kept as created, except by procurement while it is a Draft.
FIXED_FIELDS = ("supplier", "template")
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
		expired_on: DF.Date | None
		expiry_notice_sent_on: DF.Date | None
		is_registration: DF.Check
		item_groups: DF.TableMultiSelect[QualificationItemGroup]
		knock_out_failed: DF.Check
		notice_emails: DF.SmallText | None
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
		submitted_by: DF.Link | None
		supplier: DF.Link | None
		supplier_name: DF.Data | None
		tax_id: DF.Data | None
		template: DF.Link
		title: DF.Data | None
		valid_until: DF.Date | None
		website: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.check_review_step()
		self.check_party()
		self.check_fixed_fields()
		self.set_title()
		self.follow_template()
		self.set_contact_email()
		self.set_notice_emails()
		self.check_questionnaire_frozen()
		self.check_no_open_duplicate()
		self.check_item_groups()
		self.check_answers_and_documents()
		self.compute_score()
		self.record_steps()

	def validate_workflow(self):
		"""Frappe's own workflow check knows roles only; the review table, which also knows the
		record's party and the four eyes of a decision, is checked by ``check_review_step`` on every
		save, submit and update after submit (Frappe's Workflow only draws the desk's buttons)."""

	def before_submit(self):
		self.check_decision()
		self.approved_by = frappe.session.user
		if self.status == rules.QUALIFIED:
			self.set_validity()
			if self.is_registration and not self.supplier:
				self.supplier = registration.create_supplier(self)
				self.supplier_name = frappe.db.get_value("Supplier", self.supplier, "supplier_name")

	def before_update_after_submit(self):
		super().before_update_after_submit()
		self.set_notice_emails()
		self.check_review_step()
		self.record_steps()

	def before_cancel(self):
		if frappe.session.user != "Administrator":
			forbid(_("A decided qualification is not cancelled: it expires, or a new one is started."))

	def notify_upcoming_expiry(self, on_date=None):
		"""Run by the daily job (``run_method``): the Notification of that name e-mails the supplier."""
		self.set_notice_emails()
		self.db_set(
			{"expiry_notice_sent_on": getdate(on_date or nowdate()), "notice_emails": self.notice_emails},
			update_modified=False,
		)
		self.add_comment(
			"Info", _("Expiry notice sent: this qualification is valid until {0}.").format(self.valid_until)
		)

	# --- helpers ------------------------------------------------------------------------------

	def check_review_step(self):
		"""Every change of the stored status is a step of the review workflow allowed to this user
		(``crm_ext.logic.qualification_review``), and the docstatus matches the state."""
		before = None if self.is_new() else self.get_doc_before_save()
		user = frappe.session.user
		actor = review.Actor(user, frozenset(frappe.get_roles(user)), is_party(before or self, user))
		steps = (
			review.Steps(before.owner or "", before.submitted_by or "", before.reviewed_by or "")
			if before
			else review.NO_STEPS
		)
		try:
			review.check_change(
				before.status if before else None,
				self.status or rules.DRAFT,
				cint(self.docstatus),
				actor,
				steps,
			)
		except review.ReviewError as e:
			message = _(e.template).format(*(_(a) if isinstance(a, str) else a for a in e.format_args))
			if e.forbidden:
				forbid(message)
			frappe.throw(message, title=_("Not a Review Step"))

	def record_steps(self):
		"""Who submitted it and who reviewed it (the decider must be neither), when it expired."""
		if self.entering(rules.SUBMITTED):
			self.submitted_by = frappe.session.user
		if self.entering(rules.UNDER_REVIEW):
			self.reviewed_by = frappe.session.user
		if self.entering(rules.EXPIRED):
			self.expired_on = getdate(nowdate())

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

	def check_fixed_fields(self):
		"""The supplier and template stay as created; procurement may correct them on a Draft."""
		before = self.get_doc_before_save()
		if before is None or self.flags.server_action:
			return
		changed = [f for f in FIXED_FIELDS if (self.get(f) or "") != (before.get(f) or "")]
		if changed and not (is_internal() and before.status == rules.DRAFT):
			forbid(
				_("{0} of a qualification cannot be changed: start a new qualification instead.").format(
					", ".join(_(self.meta.get_label(f)) for f in changed)
				)
			)

	def follow_template(self):
		"""While the questionnaire is a Draft, its rules are derived again from the template on every
		save: one answer row per criterion with the criterion's rules (the supplier's answers kept by
		criterion), the documents' expiry rule, the pass score. Whatever a client sends for them is
		never used; after Draft they are frozen (``SERVER_TABLES``)."""
		before = self.get_doc_before_save()
		if (before is not None and before.status != rules.DRAFT) or not self.template:
			return
		template = frappe.get_cached_doc("Qualification Template", self.template)
		if self.is_new() and not template.enabled:
			frappe.throw(
				_("Qualification Template {0} is disabled; choose an enabled one.").format(self.template),
				title=_("Invalid Template"),
			)
		self.pass_score = template.pass_score
		self.set_rows(
			"answers",
			rules.answers_from_template(
				[row.as_dict() for row in template.criteria], [row.as_dict() for row in self.answers]
			),
		)
		self.set_rows(
			"documents",
			rules.documents_from_template(
				required_documents(template.required_documents), [row.as_dict() for row in self.documents]
			),
		)
		if not self.item_groups:
			for row in template.item_groups:
				self.append("item_groups", {"item_group": row.item_group})

	def set_rows(self, table: str, rows: list[dict]) -> None:
		"""Replace ``table`` by ``rows``, continuing the existing row each names (same row name)."""
		current = list(self.get(table))
		self.set(table, [])
		for idx, values in enumerate(rows, start=1):
			index = values.pop("continues")
			if index is None:
				self.append(table, {**values, "idx": idx})
			else:
				row = current[index]
				row.update({**values, "idx": idx})
				self.append(table, row)

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

	def set_notice_emails(self):
		"""Where the result and expiry e-mails go: chosen by the supplier's master user, else the
		contact e-mail (``crm_ext.supply.supplier_users``)."""
		self.notice_emails = notice_emails(self.supplier, self.contact_email)

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
