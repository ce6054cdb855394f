# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from crm_ext.logic.errors import LogicError
from crm_ext.logic.follow_ups import (
	DIRECTED_TYPES,
	PLACE_TYPES,
	check_interaction,
	counts_as_contact,
	end_of,
)
from crm_ext.sales.first_contact import mark_contacted
from crm_ext.sales.follow_ups import create_follow_up, update_follow_up
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument

NEXT_STEP_FIELDS = ("next_step", "next_step_on", "next_step_owner", "next_step_all_day")


class Interaction(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		campaign_send: DF.Link | None
		contact: DF.Link | None
		direction: DF.Literal["", "Incoming", "Outgoing"]
		duration: DF.Duration | None
		end_time: DF.Datetime | None
		follow_up: DF.Link | None
		follow_up_event: DF.Link | None
		handled_by: DF.Link | None
		interaction_type: DF.Literal["Call", "E-mail", "Meeting", "Visit", "Message", "Note"]
		next_step: DF.SmallText | None
		next_step_all_day: DF.Check
		next_step_on: DF.Datetime | None
		next_step_owner: DF.Link | None
		outcome: DF.Data | None
		place: DF.Data | None
		recording: DF.Attach | None
		recording_url: DF.Data | None
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		recipient: DF.Data | None
		reference_title: DF.Data | None
		start_time: DF.Datetime
		subject: DF.Data | None
		summary: DF.TextEditor | None
	# end: auto-generated types

	def validate(self):
		self.clear_fields_of_other_types()
		self.set_defaults()
		self.check_rules()
		self.check_card_access()
		self.set_titles()

	def after_insert(self):
		self.record_contact_on_card()

	def on_update(self):
		if self.follow_up:
			self.update_follow_up()
		else:
			self.create_follow_up()

	# --- validate helpers ------------------------------------------------------------------

	def clear_fields_of_other_types(self):
		if self.interaction_type not in DIRECTED_TYPES:
			self.direction = None
		if self.interaction_type not in PLACE_TYPES:
			self.place = None

	def set_defaults(self):
		self.start_time = self.start_time or now_datetime()
		self.handled_by = self.handled_by or frappe.session.user
		if self.next_step and not self.next_step_owner:
			self.next_step_owner = self.handled_by
		self.end_time = end_of(get_datetime(self.start_time), self.duration)

	def check_rules(self):
		"""A past next step is refused when it is set or changed, not when it is merely old."""
		values = self.as_dict()
		if not (self.is_new() or self.has_value_changed("next_step_on")):
			values["next_step_on"] = None
			values["next_step"] = None
		values["next_step_on"] = get_datetime(values["next_step_on"]) if values["next_step_on"] else None
		try:
			check_interaction(values, now_datetime())
		except LogicError as e:
			throw(e, self, title=_("Cannot Log Interaction"))

	def check_card_access(self):
		"""Only who may read the card may log on it (a Sales User: their own cards)."""
		if self.flags.ignore_permissions:
			return
		if not frappe.has_permission(self.reference_doctype, "read", self.reference_name):
			frappe.throw(
				_("You cannot log an interaction on {0} {1}: you do not have access to it.").format(
					_(self.reference_doctype), frappe.bold(self.reference_name)
				),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def set_titles(self):
		title_field = frappe.get_meta(self.reference_doctype).get_title_field()
		self.reference_title = (
			frappe.db.get_value(self.reference_doctype, self.reference_name, title_field)
			or self.reference_name
		)
		self.subject = _("{0}: {1}").format(_(self.interaction_type), self.reference_title)

	# --- after save helpers ----------------------------------------------------------------

	def record_contact_on_card(self):
		if self.reference_doctype == "Sales Lead" and counts_as_contact(
			self.interaction_type, self.direction, self.duration
		):
			mark_contacted(self.reference_name, get_datetime(self.start_time))

	def create_follow_up(self):
		"""The next step becomes a ToDo (and an Event when it has a time) for its owner, once."""
		if not self.next_step or not self.next_step_on or self.follow_up:
			return
		at = get_datetime(self.next_step_on)
		todo, event = create_follow_up(
			self.reference_doctype,
			self.reference_name,
			self.next_step_owner or self.handled_by,
			self.next_step,
			at.date(),
			at=None if self.next_step_all_day else at,
			interaction=self.name,
			category={"Call": "Call", "Meeting": "Meeting", "Visit": "Meeting"}.get(self.interaction_type),
		)
		self.db_set({"follow_up": todo, "follow_up_event": event}, update_modified=False)

	def update_follow_up(self):
		"""A next step edited later moves, reassigns or rewrites its open ToDo and Event; a next
		step removed cancels them. A follow-up already done keeps its history."""
		if not any(self.has_value_changed(f) for f in NEXT_STEP_FIELDS):
			return
		at = get_datetime(self.next_step_on) if self.next_step and self.next_step_on else None
		update_follow_up(
			self.follow_up,
			user=self.next_step_owner or self.handled_by,
			text=self.next_step,
			at=at,
			timed=bool(at and not self.next_step_all_day),
		)
