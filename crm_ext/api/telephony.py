"""Telephony: a call event becomes an Interaction on the card of the caller's number.

POST /api/method/crm_ext.api.telephony.record_call with
``{"phone", "direction": "Incoming"|"Outgoing", "duration": seconds, "recording_url", "started_at"}``,
authenticated like the intake endpoint (API key of a user who may create Sales Requests, or the
``X-CRM-Ext-Token`` header, then running as the intake user). The number is normalised to E.164 and
looked up like every intake path (open cards by phone); an unknown number gets a new Sales Lead
(two simultaneous calls from a new number still make one card: :func:`crm_ext.sales.intake.open_card`).

Answers ``{"interaction": "<Interaction ID>"}``, the same whether the number was known or not (the
sender learns nothing about the company's clients). Bad input answers 4xx naming the field before
anything is written.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, now_datetime

from crm_ext.api.intake import authenticate
from crm_ext.crm_ext.doctype.crm_ext_settings.crm_ext_settings import default_phone_region
from crm_ext.logic.contact_keys import normalize_phone
from crm_ext.logic.errors import LogicError
from crm_ext.logic.follow_ups import DIRECTIONS
from crm_ext.sales.dedupe import find_match, keys_from
from crm_ext.sales.intake import join, open_card

# Interaction.recording_url is a Data field (a varchar of 140)
URL_LENGTH = 140


@frappe.whitelist(allow_guest=True, methods=["POST"])
def record_call(
	phone: str,
	direction: str = "Incoming",
	duration: float | None = 0,
	recording_url: str | None = None,
	started_at: str | None = None,
) -> dict:
	authenticate()
	call = checked_call(phone, direction, duration, recording_url, started_at)
	found = find_match(keys_from([call.phone], []))
	lead_name, created = found.existing, False
	if not lead_name:
		values = {"phone": call.phone, "channel": "Phone", "subject": _("Phone call")}
		lead_name, created = open_card(values, found.customer)
	if not created:
		join(lead_name)
	interaction = frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": "Call",
			"direction": call.direction,
			"duration": call.duration,
			"recording_url": call.recording_url,
			"start_time": call.started_at,
			"reference_doctype": "Sales Lead",
			"reference_name": lead_name,
			"handled_by": frappe.db.get_value("Sales Lead", lead_name, "lead_owner") or frappe.session.user,
			"summary": _("Call from {0}").format(call.phone)
			if call.direction == "Incoming"
			else _("Call to {0}").format(call.phone),
		}
	).insert(ignore_permissions=True)
	return {"interaction": interaction.name}


def checked_call(phone, direction, duration, recording_url, started_at) -> frappe._dict:
	"""The call event's fields, each refused (417 naming it) when it cannot be stored as sent."""
	if direction not in DIRECTIONS:
		invalid(_("direction: send Incoming or Outgoing."))
	if flt(duration) < 0:
		invalid(_("duration: send the call length in seconds (0 or more)."))
	recording_url = (recording_url or "").strip() or None
	if recording_url and (
		len(recording_url) > URL_LENGTH or not recording_url.lower().startswith(("https://", "http://"))
	):
		invalid(_("recording_url: send an http(s) address of at most {0} characters.").format(URL_LENGTH))
	return frappe._dict(
		phone=normalised(phone),
		direction=direction,
		duration=flt(duration),
		recording_url=recording_url,
		started_at=call_time(started_at),
	)


def call_time(started_at: str | None):
	if not started_at:
		return now_datetime()
	try:
		if len(started_at) > 40:
			raise ValueError(started_at)
		return get_datetime(started_at)
	except (ValueError, OverflowError):
		invalid(_("started_at: send the call's start as YYYY-MM-DD HH:MM:SS."))


def normalised(phone: str | None) -> str:
	try:
		return normalize_phone(phone or "", default_phone_region())
	except LogicError as e:
		invalid(_("phone: {0}").format(_(e.template).format(*e.format_args)))


def invalid(message: str):
	frappe.throw(message, title=_("Invalid Call"))
