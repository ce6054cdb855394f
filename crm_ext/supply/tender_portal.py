"""Bidding: the supplier portal ("My tenders") and the bid actions the desk uses too.

Every method runs as the logged-in user with Frappe's permission checks, narrowed by
``crm_ext.supply.access`` (a supplier reaches only its own bids and the tenders it may
bid on); the Tender Bid controller enforces the bidding window and every bid rule.
"""

import frappe
from frappe import _
from frappe.utils import cint, flt

from crm_ext.supply.access import is_internal, suppliers_of_user, tenders_for_supplier
from crm_ext.supply.portal_files import attach_private_file, find_row, require_login
from crm_ext.utils.documents import as_procedure

BID = "Tender Bid"
LINE_FIELDS = ("unit_price", "qty", "delivery_days", "alternative_item", "alternative_description")


def my_tenders() -> list[dict]:
	"""Tenders the user's suppliers may bid on (or did), newest first, with the own bid if any."""
	require_login()
	names = tenders_for_supplier()
	rows = frappe.get_all(
		"Tender",
		filters={"name": ("in", names or [""])},
		fields=["name", "title", "mode", "status", "deadline", "incoterm", "delivery_location"],
		order_by="deadline desc",
	)
	bids = {b.tender: b for b in my_bids()}
	for row in rows:
		row.bid = bids.get(row.name)
	return rows


def my_bids() -> list[dict]:
	return frappe.get_list(
		BID,
		fields=["name", "tender", "tender_title", "supplier", "status", "currency", "total", "submitted_on"],
		order_by="modified desc",
	)


def get_own_bid(name: str, ptype: str = "read"):
	require_login()
	bid = frappe.get_doc(BID, name)
	bid.check_permission(ptype)
	return bid


def own_supplier(supplier: str | None = None) -> str:
	suppliers = suppliers_of_user()
	supplier = supplier or (suppliers[0] if len(suppliers) == 1 else None)
	if not supplier or supplier not in suppliers:
		frappe.throw(
			_("Choose one of your suppliers: {0}.").format(", ".join(suppliers) or "-"),
			frappe.PermissionError,
		)
	return supplier


@frappe.whitelist()
def get_or_create_bid(tender: str, supplier: str | None = None) -> str:
	"""The supplier's bid on the tender (created as Saved, one row per tender line)."""
	require_login()
	frappe.get_doc("Tender", tender).check_permission("read")
	supplier = own_supplier(supplier)
	existing = frappe.db.get_value(BID, {"tender": tender, "supplier": supplier}, "name")
	if existing:
		return existing
	bid = frappe.get_doc({"doctype": BID, "tender": tender, "supplier": supplier})
	bid.insert()
	return bid.name


@frappe.whitelist()
def save_bid(name: str, values: dict | str, submit: bool | int = False) -> dict:
	"""Update terms, lines ({row name: {unit_price, qty, ...}}) and answers ({row name: text});
	``submit`` submits (or re-submits) it in the same transaction."""
	bid = get_own_bid(name, "write")
	data = frappe.parse_json(values) if isinstance(values, str) else values or {}
	for field in ("currency", "incoterm", "incoterm_location", "notes"):
		if field in data:
			bid.set(field, data[field] or None)
	if "credit_days" in data:
		bid.credit_days = cint(data["credit_days"])
	lines = data.get("lines") or {}
	for row in bid.items:
		for field, value in (lines.get(row.name) or {}).items():
			if field in LINE_FIELDS:
				row.set(field, value if field.startswith("alternative") else flt(value))
	answers = data.get("answers") or {}
	for row in bid.answers:
		if row.name in answers:
			row.answer = answers[row.name]
	if cint(submit):
		bid.status = "Submitted"
		as_procedure(bid)
	bid.save()
	return {"name": bid.name, "status": bid.status, "total": bid.total}


@frappe.whitelist()
def submit_bid(name: str) -> str:
	bid = get_own_bid(name, "write")
	bid.status = "Submitted"
	as_procedure(bid)
	bid.save()
	return bid.status


@frappe.whitelist()
def withdraw_bid(name: str) -> str:
	"""Withdraw before the deadline (logged); the bid can be submitted again until then."""
	from crm_ext.supply import tender_log

	bid = get_own_bid(name, "write")
	if bid.status != "Submitted":
		frappe.throw(_("Only a submitted bid can be withdrawn; {0} is {1}.").format(bid.name, _(bid.status)))
	bid.status = "Withdrawn"
	as_procedure(bid)
	bid.save()
	tender_log.append(
		bid.tender, "Bid Withdrawn", {"revision": bid.revision}, supplier=bid.supplier, bid=bid.name
	)
	return bid.status


@frappe.whitelist()
def post_offer(name: str, total: float) -> dict:
	"""Reverse auction: a new (lower) total; the bid's line prices are scaled to it."""
	bid = get_own_bid(name, "write")
	current = flt(bid.total)
	total = flt(total)
	if current <= 0 or total <= 0:
		frappe.throw(_("Enter the line prices and submit the bid first; then post lower totals."))
	factor = total / current
	for row in bid.items:
		if flt(row.unit_price) and flt(row.qty):
			row.unit_price = flt(flt(row.unit_price) * factor, 9)
	# Rounding of the scaled prices must not move the total above the offer.
	bid.status = "Submitted"
	as_procedure(bid)
	bid.save()
	return {"name": bid.name, "total": bid.total, "status": bid.status}


@frappe.whitelist()
def upload_bid_file(name: str, row: str, filename: str, filedata: str) -> str:
	"""Attach a file (base64) to an answer of the user's own bid (private, attached to the bid)."""
	bid = get_own_bid(name, "write")
	target = find_row(bid.answers, row, name)
	target.attachment = attach_private_file(bid, filename, filedata)
	bid.save()
	return target.attachment


def tender_attachments(tender: str) -> list[dict]:
	return frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Tender", "attached_to_name": tender},
		fields=["file_name", "file_url"],
		order_by="creation asc",
	)


def viewer_is_supplier() -> bool:
	return not is_internal()
