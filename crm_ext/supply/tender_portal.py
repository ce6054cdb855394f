"""Bidding: the supplier portal ("My tenders") and the bid actions.

Only the bid's own supplier's portal users act on a bid (Administrator aside): every action names
that right at its top (``crm_ext.supply.access.require_own_bid``), takes POST, then locks the
tender *before* it loads the bid (``tender_log.lock_tender``, then a locking read of the bid), so
concurrent offers on one tender queue on one row instead of deadlocking on the bids' rows, and
each acts on the bid as the previous one committed it. The Tender Bid controller enforces the
bidding window and every bid rule.

A supplier has no access to the Tender doctype: :func:`tender_for_portal` picks what it may know of
a tender (title, mode, deadline, lines without budget prices, questions, documentation), never the
invited competitors, the bid count, other bids, evaluations or awards.
"""

import frappe
from frappe import _
from frappe.utils import cint, flt

from crm_ext.supply import tender_auction, tender_log
from crm_ext.supply.access import (
	require_bidder,
	require_login,
	require_own_bid,
	require_tender_viewer,
	suppliers_of_user,
	tenders_for_supplier,
)
from crm_ext.supply.portal_files import attach_private_file, find_row, parse_object
from crm_ext.utils.documents import as_procedure

BID = "Tender Bid"
TERM_FIELDS = ("currency", "incoterm", "incoterm_location", "notes")
LINE_FIELDS = ("unit_price", "qty", "delivery_days", "alternative_item", "alternative_description")
NUMBER_FIELDS = ("unit_price", "qty", "delivery_days")
SAVEPOINT = "tender_bid_insert"


# --- what a supplier sees ------------------------------------------------------------------------


def my_tenders() -> list[dict]:
	"""Tenders the user's suppliers may bid on (or did), newest first, with the own bid if any."""
	require_login()
	bids = {b.tender: b for b in my_bids()}
	names = sorted(set(tenders_for_supplier()) | set(bids))
	rows = frappe.get_all(
		"Tender",
		filters={"name": ("in", names or [""])},
		fields=["name", "title", "mode", "status", "deadline"],
		order_by="deadline desc",
	)
	for row in rows:
		row.bid = bids.get(row.name)
	return rows


def my_bids() -> list[dict]:
	suppliers = suppliers_of_user()
	if not suppliers:
		return []
	return frappe.get_all(
		BID,
		filters={"supplier": ("in", suppliers)},
		fields=["name", "tender", "tender_title", "supplier", "status", "currency", "total", "submitted_on"],
		order_by="modified desc",
	)


def tender_for_portal(name: str) -> frappe._dict:
	"""What a supplier may know of tender ``name`` (after :func:`require_tender_viewer`)."""
	tender = frappe.get_doc("Tender", name)
	return frappe._dict(
		name=tender.name,
		title=tender.title,
		mode=tender.mode,
		auction_scope=tender.auction_scope if tender.mode == "Reverse Auction" else None,
		status=tender.status,
		opening_date=tender.opening_date,
		deadline=tender.deadline,
		incoterm=tender.incoterm,
		delivery_location=tender.delivery_location,
		allow_alternatives=tender.allow_alternatives,
		show_best_price=tender.show_best_price,
		currencies=[row.currency for row in tender.currencies],
		items=[
			frappe._dict(
				idx=row.idx,
				item_code=row.item_code,
				item_name=row.item_name,
				description=row.description,
				qty=row.qty,
				uom=row.uom,
				required_by=row.required_by,
				framework=row.award_as == "Blanket Order",
			)
			for row in tender.items
		],
		# the terms a bidder prices: lines awarded as framework agreements, and their validity
		agreement_from=tender.agreement_from if tender.has_framework_lines() else None,
		agreement_to=tender.agreement_to if tender.has_framework_lines() else None,
		questions=[
			frappe._dict(idx=row.idx, question=row.question, mandatory=row.mandatory)
			for row in tender.questions
		],
	)


def own_bid_on(tender: str, suppliers: list[str]):
	name = frappe.db.get_value(BID, {"tender": tender, "supplier": ("in", suppliers or [""])}, "name")
	return frappe.get_doc(BID, name) if name else None


def tender_attachments(tender: str) -> list[dict]:
	return frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Tender", "attached_to_name": tender, "is_folder": 0},
		fields=["name", "file_name", "file_url", "is_private"],
		order_by="creation asc",
	)


@frappe.whitelist()
def download_tender_file(tender: str, file: str) -> None:
	"""A document of the tender's documentation. Right: a portal user of a supplier the tender is
	open to (the Tender itself, and so its private files, are procurement's)."""
	require_tender_viewer(tender)
	names = {f.name for f in tender_attachments(tender)}
	if file not in names:
		frappe.throw(_("File {0} is not part of tender {1}.").format(file, tender), frappe.DoesNotExistError)
	doc = frappe.get_doc("File", file)
	frappe.local.response.filename = doc.file_name
	frappe.local.response.filecontent = doc.get_content()
	frappe.local.response.type = "download"


# --- the bid actions --------------------------------------------------------------------------------


def load_own_bid(name: str):
	"""The right (the bid's own supplier), then the tender's lock, then the bid as last committed."""
	values = require_own_bid(name)
	tender_log.lock_tender(values.tender)
	return frappe.get_doc(BID, name, for_update=True)


@frappe.whitelist(methods=["POST"])
def get_or_create_bid(tender: str, supplier: str | None = None) -> str:
	"""The supplier's bid on the tender (created as Saved, one row per tender line).
	Right: a portal user of a supplier the tender is open to. One bid per supplier and tender:
	under the tender's lock, and a unique key on (tender, supplier) for any other door."""
	supplier = require_bidder(tender, supplier)
	tender_log.lock_tender(tender)
	existing = frappe.db.get_value(BID, {"tender": tender, "supplier": supplier}, "name", for_update=True)
	if existing:
		return existing
	frappe.db.savepoint(SAVEPOINT)
	try:
		bid = frappe.get_doc({"doctype": BID, "tender": tender, "supplier": supplier}).insert()
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.clear_last_message()
		return frappe.db.get_value(BID, {"tender": tender, "supplier": supplier}, "name", for_update=True)
	return bid.name


@frappe.whitelist(methods=["POST"])
def save_bid(name: str, values: dict | str, submit: bool | int = False) -> dict:
	"""Update terms, lines ({row name: {unit_price, qty, ...}}) and answers ({row name: text});
	``submit`` submits (or re-submits) it in the same transaction. Right: the bid's own supplier."""
	data = parse_object(values, "values")
	bid = load_own_bid(name)
	for field in TERM_FIELDS:
		if field in data:
			bid.set(field, data[field] or None)
	if "credit_days" in data:
		bid.credit_days = number(data["credit_days"], "credit_days", integer=True)
	lines = parse_object(data.get("lines") or {}, "lines")
	for row in bid.items:
		for field, value in parse_object(lines.get(row.name) or {}, "lines").items():
			if field in NUMBER_FIELDS:
				row.set(field, number(value, field, integer=field == "delivery_days"))
			elif field in LINE_FIELDS:
				row.set(field, value or None)
	answers = parse_object(data.get("answers") or {}, "answers")
	for row in bid.answers:
		if row.name in answers:
			row.answer = answers[row.name]
	if cint(submit):
		bid.status = "Submitted"
		as_procedure(bid)
	bid.save()
	return {"name": bid.name, "status": bid.status, "total": bid.total}


@frappe.whitelist(methods=["POST"])
def submit_bid(name: str) -> str:
	"""Right: the bid's own supplier."""
	bid = load_own_bid(name)
	bid.status = "Submitted"
	as_procedure(bid)
	bid.save()
	return bid.status


@frappe.whitelist(methods=["POST"])
def withdraw_bid(name: str) -> str:
	"""Withdraw before the deadline (logged); the bid can be submitted again until then.
	Right: the bid's own supplier."""
	bid = load_own_bid(name)
	if bid.status != "Submitted":
		frappe.throw(_("Only a submitted bid can be withdrawn; {0} is {1}.").format(bid.name, _(bid.status)))
	bid.status = "Withdrawn"
	as_procedure(bid)
	bid.save()
	tender_log.append(
		bid.tender, "Bid Withdrawn", {"revision": bid.revision}, supplier=bid.supplier, bid=bid.name
	)
	return bid.status


@frappe.whitelist(methods=["POST"])
def post_offer(name: str, total: float) -> dict:
	"""Reverse auction: a new (lower) total; the bid's line prices are scaled to it.
	Right: the bid's own supplier."""
	total = number(total, "total")
	bid = load_own_bid(name)
	if tender_auction.is_per_line(frappe.get_doc("Tender", bid.tender)):
		frappe.throw(_("This auction takes offers per line: lower the price of a line instead."))
	current = flt(bid.total)
	if current <= 0 or total <= 0:
		frappe.throw(_("Enter the line prices and submit the bid first; then post lower totals."))
	factor = total / current
	for row in bid.items:
		if flt(row.unit_price) and flt(row.qty):
			row.unit_price = flt(flt(row.unit_price) * factor, 9)
	bid.status = "Submitted"
	as_procedure(bid)
	bid.save()
	return {"name": bid.name, "total": bid.total, "status": bid.status}


@frappe.whitelist(methods=["POST"])
def post_line_offer(name: str, line: str, unit_price: float) -> dict:
	"""Reverse auction per line: a new (lower) unit price on one line of the bid, accepted by the
	line's rules (``crm_ext.supply.tender_auction.check_line_offers``) through the bid's locked,
	logged submission. Right: the bid's own supplier."""
	price = number(unit_price, "unit_price")
	bid = load_own_bid(name)
	if not tender_auction.is_per_line(frappe.get_doc("Tender", bid.tender)):
		frappe.throw(_("Tender {0} is not an auction per line.").format(bid.tender))
	row = next((r for r in bid.items if r.tender_item == line), None) if isinstance(line, str) else None
	if row is None:
		frappe.throw(_("Line: {0} is not a line of this bid.").format(line), title=_("Invalid Value"))
	if flt(row.qty) <= 0:
		row.qty = row.requested_qty  # a lot is offered for its requested quantity
	row.unit_price = price
	bid.status = "Submitted"
	as_procedure(bid)
	bid.save()
	return {"name": bid.name, "line": line, "unit_price": row.unit_price, "status": bid.status}


@frappe.whitelist(methods=["POST"])
def upload_bid_file(name: str, row: str, filename: str, filedata: str) -> str:
	"""Attach a file (base64) to an answer of the user's own bid (private, attached to the bid).
	Right: the bid's own supplier."""
	bid = load_own_bid(name)
	target = find_row(bid.answers, row, name)
	target.attachment = attach_private_file(bid, filename, filedata)
	bid.save()
	return target.attachment


def number(value, field: str, integer: bool = False) -> float | int:
	"""A number sent by a client, or a 417 naming the field."""
	if value in (None, ""):
		return 0
	try:
		parsed = float(value)
	except (TypeError, ValueError):
		parsed = None
	if parsed is None or parsed != parsed or parsed in (float("inf"), float("-inf")):
		frappe.throw(_("{0}: enter a number.").format(field), title=_("Invalid Value"))
	return int(parsed) if integer else parsed
