# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime, today

from crm_ext.analytics.summary_events import forget_card
from crm_ext.crm_ext.doctype.crm_ext_settings.crm_ext_settings import default_phone_region, get_settings
from crm_ext.logic.contact_keys import normalize_email, normalize_phone
from crm_ext.logic.errors import LogicError
from crm_ext.logic.pipeline import LOST, WON, Stage, check_stage_entry, days_between
from crm_ext.logic.working_time import first_contact_due
from crm_ext.sales.assignment import sync_owner_assignment
from crm_ext.sales.contact_keys import TwinLeadError, hold_keys, release_keys
from crm_ext.sales.dedupe import (
	EMAIL_FIELDS,
	PHONE_FIELDS,
	DuplicateLeadError,
	duplicate_message,
	find_match,
	keys_from,
)
from crm_ext.sales.follow_ups import create_follow_up, follow_up_on, refresh_next_step
from crm_ext.sales.pipeline import default_pipeline, first_stage, get_stage
from crm_ext.sales.sequences import start_sequence
from crm_ext.sales.stage_names import card_stage_titles
from crm_ext.utils import throw
from crm_ext.utils.calendar import working_calendar
from crm_ext.utils.documents import AppDocument, in_procedure

IDENTITY_FIELDS = ("lead_name", "organization", "phone", "mobile_no", "email")


class SalesLead(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		address: DF.SmallText | None
		birthday: DF.Date | None
		campaign: DF.Link | None
		channel: DF.Literal[
			"",
			"Website",
			"Phone",
			"E-mail",
			"Messenger",
			"Walk-in",
			"Referral",
			"Social Media",
			"Advertising",
			"Exhibition",
			"Import",
			"Other",
		]
		city: DF.Data | None
		company: DF.Link | None
		company_currency: DF.Link | None
		contract: DF.Link | None
		contract_signed: DF.Check
		contract_signed_on: DF.Datetime | None
		contact: DF.Link | None
		country: DF.Link | None
		currency: DF.Link | None
		customer: DF.Link | None
		description: DF.TextEditor | None
		email: DF.Data | None
		expected_amount: DF.Currency
		expected_close_date: DF.Date | None
		first_contact_due: DF.Datetime | None
		first_contact_escalated: DF.Check
		first_contacted_on: DF.Datetime | None
		invoiced_amount: DF.Currency
		job_title: DF.Data | None
		last_contact_on: DF.Datetime | None
		lead_name: DF.Data | None
		lead_owner: DF.Link | None
		lost_detail: DF.SmallText | None
		lost_reason: DF.Link | None
		marketing_consent: DF.Check
		mobile_no: DF.Data | None
		money_updated_on: DF.Datetime | None
		naming_series: DF.Literal["CRM-LEAD-.YYYY.-"]
		next_follow_up: DF.Date | None
		next_step: DF.SmallText | None
		next_step_status: DF.Literal["", "OK", "Missing", "Overdue"]
		organization: DF.Data | None
		other_messenger: DF.Data | None
		outstanding_amount: DF.Currency
		overdue_amount: DF.Currency
		paid_amount: DF.Currency
		payment_status: DF.Literal["Not invoiced", "Unpaid", "Partly paid", "Paid", "Overdue"]
		phone: DF.Data | None
		pipeline: DF.Link
		probability: DF.Percent
		secondary_email: DF.Data | None
		source: DF.Link | None
		stage: DF.Link
		stage_entered_on: DF.Datetime | None
		stage_kind: DF.Literal["Open", "Won", "Lost"]
		subject: DF.Data | None
		telegram: DF.Data | None
		title: DF.Data | None
		utm_campaign: DF.Data | None
		utm_medium: DF.Data | None
		utm_source: DF.Data | None
		whatsapp: DF.Data | None
	# end: auto-generated types

	def onload(self):
		# the timeline shows stage changes by name, not by the stage's ID (crm_ext.sales.stage_names)
		self.set_onload("stage_titles", card_stage_titles(self))

	def before_insert(self):
		self.refuse_guest()
		self.check_for_open_twin()
		self.set_first_contact_due()

	def validate(self):
		self.normalise_contact_details()
		self.require_identity()
		self.set_title()
		self.set_defaults()
		self.validate_amount()
		self.validate_stage()
		self.validate_next_follow_up()
		self.check_credit_on_stage_entry()
		self.hold_contact_keys()

	def on_update(self):
		self.flags.start_sequence = self.flags.stage_changed
		self.log_stage_change()
		sync_owner_assignment(self)
		self.sync_next_step()

	def on_change(self):
		self.start_stage_sequence()

	def after_rename(self, old: str, new: str, merge: bool = False):
		"""A merge (``crm_ext.sales.merge``) hands the other card's stage moves to this one: it counts
		as changed now, so that reports skipping cards unchanged since before their period
		(``crm_ext.analytics.filters.changed_in_period``) still read the moves it received."""
		if merge:
			frappe.db.set_value("Sales Lead", new, "modified", now_datetime(), update_modified=False)

	def on_trash(self):
		release_keys(self.name)
		forget_card(self)  # the analytics summaries, before the stage log and interactions go
		frappe.db.delete("Sales Lead Stage Log", {"sales_lead": self.name})
		frappe.db.set_value("Sales Request", {"sales_lead": self.name}, "sales_lead", None)
		frappe.db.delete("Interaction", {"reference_doctype": "Sales Lead", "reference_name": self.name})

	# --- validate helpers ------------------------------------------------------------------

	def normalise_contact_details(self):
		"""Phones to E.164, e-mails to lower case: what de-duplication compares."""
		region = default_phone_region()
		try:
			for fieldname in PHONE_FIELDS:
				if self.get(fieldname):
					self.set(fieldname, normalize_phone(self.get(fieldname), region))
			for fieldname in EMAIL_FIELDS:
				if self.get(fieldname):
					self.set(fieldname, normalize_email(self.get(fieldname)))
		except LogicError as e:
			e.field = fieldname
			throw(e, self)

	def require_identity(self):
		if not any((self.get(f) or "").strip() for f in IDENTITY_FIELDS):
			frappe.throw(
				_("Enter at least a person name, an organisation, a phone or an e-mail."),
				title=_("Who Is It?"),
			)

	def set_title(self):
		names = [n.strip() for n in (self.organization, self.lead_name) if n and n.strip()]
		self.title = " - ".join(names) or self.email or self.phone or self.mobile_no or self.subject

	def set_defaults(self):
		if not self.pipeline:
			self.pipeline = default_pipeline()
			if not self.pipeline:
				frappe.throw(
					_("Choose a Pipeline, or set a Default Pipeline in CRM Ext Settings."),
					title=_("Pipeline Missing"),
				)
		if not self.stage:
			self.stage = first_stage(self.pipeline)
		if not self.company:
			self.company = frappe.defaults.get_user_default("Company") or frappe.defaults.get_global_default(
				"company"
			)
		if not self.currency and self.company:
			self.currency = frappe.get_cached_value("Company", self.company, "default_currency")

	def validate_amount(self):
		if flt(self.expected_amount) < 0:
			frappe.throw(
				_("Expected Amount cannot be negative: enter the deal value, or 0 if it is not known yet."),
				title=_("Invalid Amount"),
			)

	def validate_stage(self):
		stage = get_stage(self.stage) if self.stage else None
		if not stage:
			frappe.throw(
				_("Stage {0} does not exist: choose a stage of pipeline {1}.").format(
					frappe.bold(self.stage or ""), frappe.bold(self.pipeline)
				),
				title=_("Unknown Stage"),
			)
		self.flags.stage_changed = self.is_new() or self.has_value_changed("stage")
		moved = self.flags.stage_changed or self.has_value_changed("pipeline")
		# entering a stage checks all its rules; staying in a closed stage keeps its invariant
		rules = stage if moved else Stage(stage.name, stage.pipeline, stage.kind)
		if moved or stage.kind in (WON, LOST):
			labels = {f: self.meta.get_label(f) for f in stage.required_fields}
			try:
				check_stage_entry(self.as_dict(), self.pipeline, rules, labels)
			except LogicError as e:
				throw(e, self, title=_("Cannot Enter Stage"))
		self.stage_kind = stage.kind
		self.probability = stage.probability
		if self.flags.stage_changed:
			self.stage_entered_on = now_datetime()

	def validate_next_follow_up(self):
		"""A follow-up date typed on the card must not be in the past (imports keep theirs)."""
		if (
			self.next_follow_up
			and self.has_value_changed("next_follow_up")
			and not frappe.flags.in_import
			and getdate(self.next_follow_up) < getdate(today())
		):
			frappe.throw(
				_("Next Follow-up {0} is in the past: choose today or a later day.").format(
					frappe.utils.format_date(self.next_follow_up)
				),
				title=_("Invalid Follow-up Date"),
			)

	def check_credit_on_stage_entry(self):
		"""A stage marked "needs credit check" checks the customer's credit limit and overdue
		share on entry (warns, or blocks if CRM Ext Settings say so)."""
		if not self.flags.stage_changed or self.flags.skip_credit_check or not self.customer:
			return
		if not frappe.db.get_value("Pipeline Stage", self.stage, "needs_credit_check"):
			return
		from crm_ext.accounts.receivables import check_customer_credit

		check_customer_credit(self.customer, self.company, context=self.title or self.name)

	def hold_contact_keys(self):
		"""One open card per phone / e-mail, by the database (crm_ext.sales.contact_keys): a new or
		reopened card, or a changed phone or e-mail, that another open card already has is refused
		naming that card; the intake (``flags.join_twin``) joins it instead."""
		strict = self.is_new() or any(
			self.has_value_changed(f) for f in (*PHONE_FIELDS, *EMAIL_FIELDS, "stage_kind")
		)
		try:
			hold_keys(self, strict)
		except TwinLeadError as e:
			if self.flags.join_twin:
				raise
			frappe.throw(duplicate_message(e.existing), exc=DuplicateLeadError, title=_("Duplicate Lead"))

	# --- insert helpers --------------------------------------------------------------------

	def refuse_guest(self):
		"""A guest sends requests; cards are opened by the intake procedure. (The payments app's
		web form ``accept`` inserts whatever doctype the posted data names, as Guest, ignoring
		permissions: without this a guest could open cards and learn from the duplicate check
		who is known.)"""
		if frappe.session.user == "Guest" and not in_procedure():
			frappe.throw(_("Send your request through the contact form."), frappe.PermissionError)

	def check_for_open_twin(self):
		"""Refuse a twin of an open card (desk, import, REST, e-mail) before anything is written;
		intake paths join instead. The guarantee under concurrency is the key table
		(:meth:`hold_contact_keys`); this look-up gives the early answer and the customer to reuse."""
		if self.flags.skip_dedupe:
			return
		found = find_match(
			keys_from([self.get(f) for f in PHONE_FIELDS], [self.get(f) for f in EMAIL_FIELDS])
		)
		if found.existing:
			frappe.throw(duplicate_message(found.existing), exc=DuplicateLeadError, title=_("Duplicate Lead"))
		if found.customer and not self.customer:
			self.customer = found.customer

	def set_first_contact_due(self):
		if self.first_contact_due or self.stage_kind not in (None, "", "Open"):
			return
		minutes = get_settings().first_contact_minutes or 0
		if minutes > 0:
			self.first_contact_due = first_contact_due(
				now_datetime(), minutes, working_calendar(self.company)
			)

	# --- update helpers --------------------------------------------------------------------

	def start_stage_sequence(self):
		"""Entering a stage with a scripted sequence creates its first step's task. Run after every
		``on_update`` hook, so that a new card's Responsible set by the round-robin rule (Frappe's
		Assignment Rule runs as an ``on_update`` hook) gets the step."""
		if self.flags.start_sequence:
			self.flags.start_sequence = False
			start_sequence(self)

	def sync_next_step(self):
		"""A follow-up date typed on the card becomes a follow-up task for the Responsible; the
		card then mirrors its earliest open follow-up."""
		if (
			self.next_follow_up
			and self.has_value_changed("next_follow_up")
			and not follow_up_on(self.name, self.next_follow_up)
		):
			create_follow_up(
				"Sales Lead",
				self.name,
				self.lead_owner or frappe.session.user,
				_("Follow up with {0}").format(self.title or self.name),
				getdate(self.next_follow_up),
			)
		else:
			refresh_next_step("Sales Lead", self.name)

	def log_stage_change(self):
		if not self.flags.stage_changed:
			return
		before = self.get_doc_before_save()
		log = frappe.get_doc(
			{
				"doctype": "Sales Lead Stage Log",
				"sales_lead": self.name,
				"pipeline": self.pipeline,
				"from_stage": before.stage if before else None,
				"to_stage": self.stage,
				"to_kind": self.stage_kind,
				"changed_by": frappe.session.user,
				"changed_on": self.stage_entered_on or now_datetime(),
				"days_in_from_stage": days_between(before.stage_entered_on, now_datetime()) if before else 0,
			}
		)
		log.flags.from_sales_lead = True
		log.insert(ignore_permissions=True)
		self.flags.stage_changed = False
