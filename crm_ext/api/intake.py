"""HTTP intake for site forms, telephony and messengers.

POST /api/method/crm_ext.api.intake.submit_request with JSON
``{"name", "organization", "phone", "email", "message", "source", "channel", "campaign",
"utm_source", "utm_medium", "utm_campaign"}``.

Authentication, one of:
- Frappe's own ``Authorization: token <api_key>:<api_secret>`` of a user who may create Sales
  Requests (a dedicated integration user with only the CRM Intake role is the intended one);
- header ``X-CRM-Ext-Token: <token>`` matching CRM Ext Settings > Intake Token (for senders that
  cannot keep an API key); the request is then recorded as the settings' Intake User.

Answers ``{"request": ..., "sales_lead": ..., "created": true|false}``; bad input answers HTTP
417 with Frappe's JSON error and writes nothing; a missing or wrong token answers 401.
"""

import hmac

import frappe
from frappe import _
from frappe.utils.password import get_decrypted_password

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
	request.insert(ignore_permissions=True)
	return {
		"request": request.name,
		"sales_lead": request.sales_lead,
		"created": request.outcome == "New Lead",
	}


def authenticate():
	"""A logged-in (API key) caller needs create permission; a guest needs the intake token."""
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
	frappe.set_user(frappe.db.get_single_value("CRM Ext Settings", "intake_owner") or "Administrator")
