"""E-mails of the tender procedure to suppliers, kept on the tender (rows of Tender Notification).

Frappe v15's ``frappe.sendmail`` queues an e-mail (Email Queue, sent by the scheduler) only when
an outgoing e-mail account exists. Without one it raises OutgoingEmailError *after*
``frappe.throw`` has put a red "Please setup default Email Account" message into the response,
so catching the error still showed one red dialog per supplier beside the green "Published", and
nothing was queued. So the procedure asks first (:func:`has_outgoing_account`): with an account
the e-mail goes to Frappe's queue at once; without one, or while the supplier has no e-mail
address, it waits on the tender, and :func:`send_waiting` (scheduler, every 5 minutes) sends it
as soon as it can. Every e-mail is a row on the tender: who was told what, and when. The buyer
gets one calm message saying what happened and what to do (:func:`report`).
"""

import frappe
from frappe import _
from frappe.utils import escape_html, get_datetime, now_datetime

from crm_ext.supply.recipients import tender_emails

INVITATION, DEADLINE_EXTENDED, RESULT = "Invitation", "Deadline Extended", "Result"
QUEUED, NO_ACCOUNT, NO_ADDRESS, TOO_LATE = (
	"Queued",
	"Waiting for E-mail Account",
	"No E-mail Address",
	"Too Late",
)
WAITING = (NO_ACCOUNT, NO_ADDRESS)
NOTIFICATION = "Tender Notification"


def has_outgoing_account() -> bool:
	"""An outgoing e-mail account Frappe would send the tender's e-mails with (asked without
	raising: ``find_outgoing`` only shows its error when told to). With e-mails muted (the demo, a
	staging site's ``mute_emails``) and no account, Frappe answers with a stand-in account without
	an address, on which ``frappe.sendmail`` fails: that one does not count."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	account = EmailAccount.find_outgoing(match_by_doctype="Tender")
	return bool(account and account.email_id)


def supplier_language(supplier: str) -> str:
	"""The language the supplier's e-mails are written in: its Print Language, else the first of its
	portal users' languages, else the site's (never the buyer's, who only sends them)."""
	language = frappe.db.get_value("Supplier", supplier, "language")
	if not language:
		users = frappe.get_all(
			"Portal User",
			filters={"parenttype": "Supplier", "parent": supplier},
			pluck="user",
			order_by="idx asc",
		)
		languages = (frappe.db.get_value("User", user, "language") for user in users)
		language = next((lang for lang in languages if lang), None)
	return language or frappe.db.get_default("lang") or "en"


def supplier_emails(supplier: str) -> list[str]:
	"""The users the supplier's master user chose for tender e-mails, else its enabled portal users
	and its e-mail address (``crm_ext.supply.supplier_users``)."""
	return tender_emails(supplier)


def notify(tender, supplier: str, kind: str, subject: str, message: str):
	"""Queue an e-mail to ``supplier`` about ``tender``, or keep it waiting; returns its row."""
	row = tender.append(
		"notifications",
		{
			"supplier": supplier,
			"kind": kind,
			"subject": subject,
			"message": message,
			"created_on": now_datetime(),
		},
	)
	deliver(tender.name, row)
	row.db_insert()
	if row.status == QUEUED and kind == INVITATION:
		mark_invited(tender.name, supplier, row.queued_on)
	return row


def deliver(tender: str, row) -> None:
	"""Hand ``row``'s e-mail to Frappe's Email Queue when it can be; set the row's status."""
	recipients = supplier_emails(row.supplier)
	row.recipients = "\n".join(recipients)
	if not recipients:
		row.status = NO_ADDRESS
		return
	if not has_outgoing_account():
		row.status = NO_ACCOUNT
		return
	shown = len(frappe.local.message_log)
	try:
		frappe.sendmail(
			recipients=recipients,
			subject=row.subject,
			message=row.message,
			reference_doctype="Tender",
			reference_name=tender,
		)
	except frappe.OutgoingEmailError:
		# the account went away meanwhile: keep the e-mail, take back Frappe's red message
		del frappe.local.message_log[shown:]
		row.status = NO_ACCOUNT
		return
	row.status = QUEUED
	row.queued_on = now_datetime()


def mark_invited(tender: str, supplier: str, when) -> None:
	"""The invited supplier's row says when its invitation was queued."""
	for name in frappe.get_all(
		"Tender Supplier",
		filters={
			"parenttype": "Tender",
			"parent": tender,
			"supplier": supplier,
			"notified_on": ("is", "not set"),
		},
		pluck="name",
	):
		frappe.db.set_value("Tender Supplier", name, "notified_on", when, update_modified=False)


def report(rows, done: str) -> None:
	"""One message for the buyer when some e-mails could not be queued (none when all were)."""
	waiting = [row.supplier for row in rows if row.status == NO_ACCOUNT]
	no_address = [row.supplier for row in rows if row.status == NO_ADDRESS]
	if not waiting and not no_address:
		return
	parts = [escape_html(done)]
	if waiting:
		parts.append(
			escape_html(
				_(
					"This site has no outgoing e-mail account yet, so the e-mails to {0} wait on the tender (Suppliers tab, E-mails to Suppliers). They go out by themselves within minutes of adding one: Email Account, with Enable Outgoing and Default Outgoing ticked."
				).format(", ".join(waiting))
			)
		)
	if no_address:
		parts.append(
			escape_html(
				_(
					"{0}: no e-mail address (no portal user and no e-mail on the supplier). The e-mail waits until one is added; meanwhile, tell them yourself."
				).format(", ".join(no_address))
			)
		)
	frappe.msgprint("<br><br>".join(parts), title=_("E-mails to Suppliers"), indicator="blue")


def still_relevant(kind: str, tender) -> bool:
	"""An invitation or a deadline notice is news only while bids are accepted; a result always."""
	if kind == RESULT:
		return bool(tender)
	return bool(tender and tender.status == "Published" and now_datetime() < get_datetime(tender.deadline))


def send_waiting() -> None:
	"""Scheduler (every 5 minutes): send the e-mails waiting for an account or an address."""
	rows = frappe.get_all(
		NOTIFICATION,
		filters={"parenttype": "Tender", "status": ("in", WAITING)},
		fields=["name", "parent", "supplier", "kind", "subject", "message", "status"],
		order_by="creation asc",
		limit=500,
	)
	if not rows:
		return
	account = has_outgoing_account()
	tenders = {}
	for row in rows:
		if row.parent not in tenders:
			tenders[row.parent] = frappe.db.get_value(
				"Tender", row.parent, ["status", "deadline"], as_dict=True
			)
		if not still_relevant(row.kind, tenders[row.parent]):
			frappe.db.set_value(NOTIFICATION, row.name, "status", TOO_LATE, update_modified=False)
			continue
		if row.status == NO_ACCOUNT and not account:
			continue
		deliver(row.parent, row)
		frappe.db.set_value(
			NOTIFICATION,
			row.name,
			{"status": row.status, "recipients": row.recipients, "queued_on": row.get("queued_on")},
			update_modified=False,
		)
		if row.status == QUEUED and row.kind == INVITATION:
			mark_invited(row.parent, row.supplier, row.queued_on)
