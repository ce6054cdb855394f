"""Leads not contacted within the service time: the rep and the head of sales are told once.

"Contacted" is ``first_contacted_on`` on the card, which only the app sets (it is server-owned, see
``crm_ext.sales.access``): a call, meeting, visit or e-mail logged on the card as an Interaction, or
an e-mail sent from the card. A rep records the first contact by logging it. The due time was
computed in working time when the card was created (``first_contact_due``).
"""

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification
from frappe.query_builder import DocType
from frappe.utils import get_url_to_form, now_datetime

from crm_ext.utils.user_time import format_user_datetime

BATCH = 500


def overdue_leads(now=None) -> list[dict]:
	lead = DocType("Sales Lead")
	return (
		frappe.qb.from_(lead)
		.select(lead.name, lead.title, lead.lead_owner, lead.first_contact_due)
		.where(
			(lead.stage_kind == "Open")
			& lead.first_contacted_on.isnull()
			& (lead.first_contact_escalated == 0)
			& lead.first_contact_due.isnotnull()
			& (lead.first_contact_due < (now or now_datetime()))
		)
		.orderby(lead.first_contact_due)
		.limit(BATCH)
		.run(as_dict=True)
	)


def check_first_contact():
	"""Scheduler job (every few minutes)."""
	head = frappe.db.get_single_value("CRM Ext Settings", "head_of_sales")
	for row in overdue_leads():
		notify_late_first_contact(row, head)
		frappe.db.set_value("Sales Lead", row.name, "first_contact_escalated", 1, update_modified=False)


def notify_late_first_contact(row, head_of_sales: str | None):
	"""Tell the rep and the head of sales, each with the due time in their own time zone."""
	for user in sorted({u for u in (row.lead_owner, head_of_sales) if u}):
		subject = _("Sales Lead {0} was not contacted in time (due {1})").format(
			row.title or row.name, format_user_datetime(row.first_contact_due, user)
		)
		enqueue_create_notification(
			[user],
			{
				"type": "Alert",
				"document_type": "Sales Lead",
				"document_name": row.name,
				"subject": subject,
				"email_content": _("Open the card and contact the client now: {0}").format(
					get_url_to_form("Sales Lead", row.name)
				),
			},
		)


def mark_contacted(lead_name: str, when=None):
	"""Record a contact with the client: the first one sets first_contacted_on."""
	when = when or now_datetime()
	values = frappe.db.get_value(
		"Sales Lead", lead_name, ["first_contacted_on", "last_contact_on"], as_dict=True
	)
	if values is None:
		return
	updates = {}
	if not values.first_contacted_on:
		updates["first_contacted_on"] = when
	if not values.last_contact_on or values.last_contact_on < when:
		updates["last_contact_on"] = when
	if updates:
		frappe.db.set_value("Sales Lead", lead_name, updates, update_modified=False)


def on_communication(communication, method=None):
	"""An e-mail sent (not received) from a Sales Lead counts as contacting the client."""
	if (
		communication.reference_doctype == "Sales Lead"
		and communication.reference_name
		and communication.sent_or_received == "Sent"
		and communication.communication_type == "Communication"
	):
		mark_contacted(communication.reference_name, communication.communication_date or now_datetime())
