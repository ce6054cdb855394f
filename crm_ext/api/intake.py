"""HTTP intake for site forms, telephony and messengers.

POST /api/method/crm_ext.api.intake.submit_request with JSON
``{"name", "organization", "phone", "email", "message", "source", "channel", "campaign",
"utm_source", "utm_medium", "utm_campaign"}``.

Authentication, one of:
- Frappe's own ``Authorization: token <api_key>:<api_secret>`` of a user who may create Sales
  Requests (a dedicated integration user with only the CRM Intake role is the intended one);
- header ``X-CRM-Ext-Token: <token>`` matching CRM Ext Settings > Intake Token (for senders that
  cannot keep an API key); the request is then recorded as the settings' Intake User.

Answers ``{"request": "<Sales Request ID>"}``, the same whether the person was new or already had
an open card: the sender (a site form whose visitor sees the answer, a token that may sit in a web
page) must not learn whether someone is known to the company, nor the card's ID. The outcome is on
the Sales Request for the sales team. Bad input answers HTTP 4xx with Frappe's JSON error naming the
field (a message longer than Sales Request allows, a malformed phone, ...) and writes nothing; a
missing or wrong token answers 401.

With the token, the request runs as CRM Ext Settings > Intake User, or the app's own CRM Intake user
(:func:`crm_ext.sales.intake.intake_user`), never as Administrator.
"""

import hmac

import frappe
from frappe import _
from frappe.utils.password import get_decrypted_password

from crm_ext.sales.intake import intake_user
from crm_ext.utils.documents import as_procedure

TOKEN_HEADER = "X-CRM-Ext-Token"


@frappe.whitelist(allow_guest=True, methods=["POST"])
def submit_request(
	name: str | None = None,
	phone: str | None = None,
	email: str | None = None,
	message: str | None = None,
	organization: str | None = None,
	source: str | None = None,
	channel: str | None = None,
	campaign: str | None = None,
	utm_source: str | None = None,
	utm_medium: str | None = None,
	utm_campaign: str | None = None,
) -> dict:
	authenticate()
	request = frappe.get_doc(
		{
			"doctype": "Sales Request",
			"person_name": name,
			"organization": organization,
			"phone": phone,
			"email": email,
			"message": message,
			"source": source or None,
			"channel": channel or "Website",
			"campaign": campaign or None,
			"utm_source": utm_source,
			"utm_medium": utm_medium,
			"utm_campaign": utm_campaign,
			"received_via": "API",
		}
	)
	as_procedure(request)  # built here field by field: received_via is the endpoint's to say
	request.insert(ignore_permissions=True)
	return {"request": request.name}


def authenticate():
	"""A logged-in (API key) caller needs create permission on Sales Request; a guest needs the
	intake token and then acts as the intake user."""
	if frappe.session.user != "Guest":
		frappe.has_permission("Sales Request", "create", throw=True)
		return
	expected = get_decrypted_password(
		"CRM Ext Settings", "CRM Ext Settings", "intake_token", raise_exception=False
	)
	given = frappe.get_request_header(TOKEN_HEADER) or ""
	if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
		frappe.throw(
			_("Authenticate with an API key/secret or the {0} header.").format(TOKEN_HEADER),
			frappe.AuthenticationError,
			title=_("Not Authenticated"),
		)
	frappe.set_user(intake_user())
