"""Telephony: a call event becomes an Interaction on the card of the caller's number.

POST /api/method/crm_ext.api.telephony.record_call with
``{"phone", "direction": "Incoming"|"Outgoing", "duration": seconds, "recording_url", "started_at"}``,
authenticated like the intake endpoint (API key of a user who may create Sales Requests, or the
``X-CRM-Ext-Token`` header). The number is normalised to E.164 and looked up like every intake
path (open cards by phone); an unknown number gets a new Sales Lead. Answers
``{"interaction", "sales_lead", "created"}``; bad input answers 417 and saves nothing.
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
from crm_ext.utils.documents import procedure


@frappe.whitelist(allow_guest=True, methods=["POST"])
def record_call(
	phone: str,
	direction: str = "Incoming",
	duration: float | None = 0,
	recording_url: str | None = None,
	started_at: str | None = None,
) -> dict:
	authenticate()
	number = normalised(phone)
	if direction not in DIRECTIONS:
		frappe.throw(
			_("direction: {0} is not a call direction; send Incoming or Outgoing.").format(direction),
			title=_("Invalid Call"),
		)
	if flt(duration) < 0:
		frappe.throw(_("duration: send the call length in seconds (0 or more)."), title=_("Invalid Call"))
	found = find_match(keys_from([number], []))
	lead_name, created = found.existing, False
	if not lead_name:
		lead_name, created = new_lead(number, found.customer), True
	interaction = frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": "Call",
			"direction": direction,
			"duration": flt(duration),
			"recording_url": recording_url or None,
			"start_time": get_datetime(started_at) if started_at else now_datetime(),
			"reference_doctype": "Sales Lead",
			"reference_name": lead_name,
			"handled_by": frappe.db.get_value("Sales Lead", lead_name, "lead_owner") or frappe.session.user,
			"summary": _("Call from {0}").format(number)
			if direction == "Incoming"
			else _("Call to {0}").format(number),
		}
	).insert(ignore_permissions=True)
	return {"interaction": interaction.name, "sales_lead": lead_name, "created": created}


def normalised(phone: str | None) -> str:
	try:
		return normalize_phone(phone or "", default_phone_region())
	except LogicError as e:
		frappe.throw(_("phone: {0}").format(_(e.template).format(*e.format_args)), title=_("Invalid Call"))


def new_lead(number: str, customer: str | None) -> str:
	lead = frappe.new_doc("Sales Lead")
	lead.update({"phone": number, "channel": "Phone", "customer": customer, "subject": _("Phone call")})
	lead.flags.skip_dedupe = True  # just looked up
	with procedure():  # the round-robin rule assigns the new card on the intake's behalf
		lead.insert(ignore_permissions=True)
	return lead.name
