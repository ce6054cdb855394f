"""Daily job: expire qualifications whose validity or a document ran out; warn 30 days ahead.

Both steps are recorded on the qualification's timeline (workflow comment and an Info comment)
and e-mailed to the supplier by the app's Notifications ("Supplier Qualification Result" on the
status change, "Supplier Qualification Expiry Notice" for the advance notice).
"""

from datetime import timedelta

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow
from frappe.utils import getdate, nowdate

from crm_ext.logic import qualification as rules

EXPIRE_ACTION = "Expire"


def run_daily() -> None:
	"""``scheduler_events`` daily entry point."""
	on_date = getdate(nowdate())
	expire_qualifications(on_date)
	send_expiry_notices(on_date)


def expire_qualifications(on_date=None) -> list[str]:
	"""Move every Qualified record past its end (or with an expired document) to Expired."""
	on_date = getdate(on_date or nowdate())
	expired = []
	for name in frappe.get_all(
		"Supplier Qualification", filters={"docstatus": 1, "status": rules.QUALIFIED}, pluck="name"
	):
		doc = frappe.get_doc("Supplier Qualification", name)
		reason = expiry_reason(doc, on_date)
		if not reason:
			continue
		apply_workflow(doc, EXPIRE_ACTION)
		doc.add_comment("Info", reason)
		expired.append(name)
	return expired


def expiry_reason(doc, on_date) -> str | None:
	"""Why ``doc`` is no longer valid on ``on_date`` (None while it is)."""
	for row in doc.documents:
		if row.attachment and row.expiry_date and rules.is_expired(getdate(row.expiry_date), on_date):
			return _("Expired: document {0} expired on {1}.").format(row.document_type, row.expiry_date)
	if rules.is_expired(getdate(doc.valid_until) if doc.valid_until else None, on_date):
		return _("Expired: the qualification was valid until {0}.").format(doc.valid_until)
	return None


def send_expiry_notices(on_date=None) -> list[str]:
	"""Notify once, from 30 days before the last valid day."""
	on_date = getdate(on_date or nowdate())
	horizon = on_date + timedelta(days=rules.EXPIRY_NOTICE_DAYS)
	notified = []
	for name in frappe.get_all(
		"Supplier Qualification",
		filters={
			"docstatus": 1,
			"status": rules.QUALIFIED,
			"valid_until": ("between", (on_date, horizon)),
			"expiry_notice_sent_on": ("is", "not set"),
		},
		pluck="name",
	):
		doc = frappe.get_doc("Supplier Qualification", name)
		if rules.expiry_notice_due(getdate(doc.valid_until), on_date):
			doc.run_method("notify_upcoming_expiry", on_date)
			notified.append(name)
	return notified
