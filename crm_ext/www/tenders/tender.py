"""Portal page of one tender (/tenders/<name>): the invitation, the supplier's bid form, its result,
and in a reverse auction its live rank.

A supplier has no access to the Tender doctype: the page shows what
``crm_ext.supply.tender_portal.tender_for_portal`` picks for it, after the explicit right
``require_tender_viewer`` (a supplier the tender is open to, or that bid on it)."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from crm_ext.supply.access import require_login, require_tender_viewer
from crm_ext.supply.tender_portal import own_bid_on, tender_attachments, tender_for_portal

no_cache = 1
EDITABLE_BIDS = ("Saved", "Submitted", "Withdrawn")


def get_context(context):
	require_login()
	name = frappe.form_dict.name
	if not name:
		frappe.local.flags.redirect_location = "/tenders"
		raise frappe.Redirect
	suppliers = require_tender_viewer(name)
	tender = tender_for_portal(name)
	bid = own_bid_on(name, suppliers)
	now = now_datetime()
	running = (
		tender.status == "Published"
		and now < get_datetime(tender.deadline)
		and (not tender.opening_date or get_datetime(tender.opening_date) <= now)
	)
	context.tender = tender
	context.bid = bid
	context.editable = running and (not bid or bid.status in EDITABLE_BIDS)
	context.auction = tender.mode == "Reverse Auction"
	context.per_line = context.auction and tender.auction_scope == "Per Line"
	context.attachments = tender_attachments(name)
	context.show_sidebar = True
	context.title = tender.title
	context.parents = [{"route": "tenders", "label": _("My Tenders")}]
	return context
