"""Every incoming request becomes exactly one card: a new Sales Lead, or a note on the open
card of the same person (same normalised phone or e-mail).

"The same person has one open card" holds under concurrency because the database keeps it
(:mod:`crm_ext.sales.contact_keys`): when two requests for a new phone arrive together, the second
one's card is refused by the key table once the first commits, and the second request joins the
first one's card (:func:`open_card`). Nothing of this shows in what the sender gets back: whether
the person was already known is not the sender's to learn (see ``SalesRequest.after_insert`` and
the intake endpoints).
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import now_datetime

from crm_ext.analytics.summary_events import forget_failed_save
from crm_ext.sales.campaigns import campaign_of_request
from crm_ext.sales.contact_keys import TwinLeadError
from crm_ext.sales.dedupe import find_match, keys_from
from crm_ext.sales.timeline import log_on_lead
from crm_ext.setup.roles import INTAKE_USER
from crm_ext.utils.documents import procedure

SAVEPOINT = "crm_ext_intake"
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
	"""Create or join the Sales Lead for a Sales Request; record the outcome on the request.

	The intake is the app's procedure: what it writes (the card, its note, the assignment) is not
	judged by the sender's rights (a guest on the web form, the intake user)."""
	with procedure():
		return _receive(request)


def _receive(request) -> str:
	found = find_match(keys_from([request.phone], [request.email]))
	lead_name, created = found.existing, False
	if not lead_name:
		values = {lead_field: request.get(field) for field, lead_field in LEAD_FIELDS.items()}
		values["campaign"] = campaign_of_request(values)  # a campaign link's utm_campaign
		lead_name, created = open_card({**values, "description": request.message}, found.customer)
	if not created:
		join(lead_name)
		log_request_on_lead(lead_name, request)
	request.db_set(
		{
			"sales_lead": lead_name,
			"outcome": "New Lead" if created else "Added to Open Lead",
			"received_on": now_datetime(),
		}
	)
	return lead_name


def open_card(values: dict, customer: str | None) -> tuple[str, bool]:
	"""A new card for a person no open card knows: ``(its name, True)``; or, when a concurrent
	request opened one for the same phone or e-mail a moment earlier (the key table refuses the
	twin), ``(that card, False)`` with nothing of the twin left behind.

	Runs as the app's procedure: the round-robin rule and the stage's first sequence step assign
	the card on the intake's behalf."""
	lead = frappe.new_doc("Sales Lead")
	lead.update(values)
	lead.customer = customer
	lead.flags.skip_dedupe = True  # just looked up
	lead.flags.join_twin = True  # a twin refused by the key table raises TwinLeadError, quietly
	frappe.db.savepoint(SAVEPOINT)
	try:
		with procedure():
			lead.insert(ignore_permissions=True)
	except TwinLeadError as e:
		frappe.db.rollback(save_point=SAVEPOINT)
		forget_failed_save(lead.name)  # the naming series may give its name to the next card
		return e.existing, False
	frappe.db.release_savepoint(SAVEPOINT)
	return lead.name, True


def join(lead_name: str) -> None:
	"""The person came back: the card moves up the lists (``modified``). Written as an update of the
	card's row, which also makes a card committed by a concurrent request after this transaction's
	snapshot readable to it (InnoDB shows a transaction the rows it changed), so the note below can
	be linked to it."""
	lead = DocType("Sales Lead")
	frappe.qb.update(lead).set(lead.modified, now_datetime()).where(lead.name == lead_name).run()


def log_request_on_lead(lead_name: str, request):
	"""A repeat request shows on the card's timeline, so the rep sees the person came back."""
	text = _("New request {0} via {1}").format(
		frappe.utils.get_link_to_form("Sales Request", request.name),
		_(request.received_via or request.channel or ""),
	)
	if request.message:
		text += ": " + frappe.utils.escape_html(request.message)
	log_on_lead(lead_name, text, interaction_type="Message")


def intake_user() -> str:
	"""The user token-authenticated intake and telephony run as: CRM Ext Settings > Intake User,
	else the app's own least-privilege CRM Intake user (created on install). Never Administrator."""
	user = frappe.db.get_single_value("CRM Ext Settings", "intake_owner") or INTAKE_USER
	if user == "Administrator" or not frappe.db.get_value("User", user, "enabled"):
		frappe.throw(
			_(
				"Intake is not configured: the Intake User {0} is missing or disabled. Choose an enabled user with the CRM Intake role in CRM Ext Settings."
			).format(frappe.bold(user)),
			title=_("Intake Not Configured"),
		)
	return user
