"""Portal page of one tender (/tenders/<name>): the invitation, the supplier's bid form, its result,
and in a reverse auction its live rank."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from crm_ext.supply.access import suppliers_of_user
from crm_ext.supply.portal_files import require_login
from crm_ext.supply.tender_portal import tender_attachments

no_cache = 1


def get_context(context):
	require_login()
	name = frappe.form_dict.name
	if not name:
		frappe.local.flags.redirect_location = "/tenders"
		raise frappe.Redirect
	tender = frappe.get_doc("Tender", name)
	tender.check_permission("read")
	suppliers = suppliers_of_user()
	bid_name = frappe.db.get_value(
		"Tender Bid", {"tender": name, "supplier": ("in", suppliers or [""])}, "name"
	)
	bid = frappe.get_doc("Tender Bid", bid_name) if bid_name else None
	if bid:
		bid.check_permission("read")
	running = tender.status == "Published" and now_datetime() < get_datetime(tender.deadline)
	context.tender = tender
	context.bid = bid
	context.editable = running and (not bid or bid.status in ("Saved", "Submitted", "Withdrawn"))
	context.auction = tender.mode == "Reverse Auction"
	context.attachments = tender_attachments(name)
	context.currencies = [row.currency for row in tender.currencies]
	context.show_sidebar = True
	context.title = tender.title
	context.parents = [{"route": "tenders", "label": _("My Tenders")}]
	return context
