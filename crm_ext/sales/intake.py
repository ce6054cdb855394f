"""Every incoming request becomes exactly one card: a new Sales Lead, or a note on the open
card of the same person (same normalised phone or e-mail)."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_ext.sales.dedupe import find_match, keys_from
from crm_ext.sales.timeline import log_on_lead
from crm_ext.utils.documents import procedure

# Sales Request field -> Sales Lead field
LEAD_FIELDS = {
	"person_name": "lead_name",
	"organization": "organization",
	"phone": "phone",
	"email": "email",
	"source": "source",
	"channel": "channel",
	"campaign": "campaign",
	"utm_source": "utm_source",
	"utm_medium": "utm_medium",
	"utm_campaign": "utm_campaign",
}


def receive(request) -> str:
	"""Create or join the Sales Lead for a Sales Request; record the outcome on the request."""
	found = find_match(keys_from([request.phone], [request.email]))
	if found.existing:
		lead_name = found.existing
		log_request_on_lead(lead_name, request)
		outcome = "Added to Open Lead"
	else:
		lead = frappe.new_doc("Sales Lead")
		for source_field, lead_field in LEAD_FIELDS.items():
			lead.set(lead_field, request.get(source_field))
		lead.description = request.message
		lead.customer = found.customer
		lead.flags.skip_dedupe = True  # just checked above
		with procedure():  # the round-robin rule assigns the new card on the intake's behalf
			lead.insert(ignore_permissions=True)
		lead_name = lead.name
		outcome = "New Lead"
	request.db_set({"sales_lead": lead_name, "outcome": outcome, "received_on": now_datetime()})
	return lead_name


def log_request_on_lead(lead_name: str, request):
	"""A repeat request shows on the card's timeline, so the rep sees the person came back."""
	text = _("New request {0} via {1}").format(
		frappe.utils.get_link_to_form("Sales Request", request.name),
		_(request.received_via or request.channel or ""),
	)
	if request.message:
		text += ": " + frappe.utils.escape_html(request.message)
	log_on_lead(lead_name, text, interaction_type="Message")
