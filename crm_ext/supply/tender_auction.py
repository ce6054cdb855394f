"""Reverse auctions on Frappe documents: offers, anti-sniping extension, ranks, live updates.

An offer is a (re-)submission of the supplier's Tender Bid with a lower total; its history is the
tender log (every offer is an entry with its total, server time and chained hash). The rules are
``crm_ext.logic.tender.auction``. The Tender row is locked (``tender_log.lock_tender``) before the
standings are read, so concurrent offers are checked one after the other against the current best
and none is lost or reordered.

Per line (``auction_scope`` "Per Line", issue 14): every line is an auction of its own
(``crm_ext.logic.tender.line_auction``): a (re-)submission offers the lines whose unit price
changed, each checked against that line's offers with the line's own step, and is logged as one
entry listing them (``payload["lines"]``); it takes the same path (the bid's save, under the
tender's lock, then a locking read of the log) and the same anti-sniping extension.

Live updates: after each accepted offer a ``tender_auction`` realtime event (socket.io) tells the
desk form and every bidder's portal users that the auction moved; the event carries no price, so
each client then asks :func:`get_auction_status`, which returns only what that viewer may see.
The portal page also polls the same method (fallback when the socket is not connected).
"""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, now_datetime

from crm_ext.logic.tender import line_auction
from crm_ext.logic.tender.auction import AuctionOffer, MinStep, check_auction_offer, extend_end, standings
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.line_auction import LineOffer, LineOfferError
from crm_ext.supply.access import is_internal, require_tender, require_tender_viewer, suppliers_of_user
from crm_ext.supply.formatting import format_deadline, format_money
from crm_ext.utils import throw

EVENT = "tender_auction"
AUCTION, PER_LINE = "Reverse Auction", "Per Line"
LINE_OFFER = "Line Offer"
OFFER_EVENTS = ("Bid Submitted", "Bid Revised", "Auction Offer", "Line Offer")


def min_step(tender) -> MinStep:
	return MinStep(flt(tender.min_step), "percent" if tender.min_step_kind == "Percent" else "amount")


def offer_entries(tender_name: str, locked: bool = False) -> list[tuple[str, dict, datetime]]:
	"""(supplier, payload, logged_at) of every offer entry of suppliers whose bid is not withdrawn,
	in log order. ``locked``: a locking read (the latest committed offers, under the tender's lock)."""
	withdrawn = set(
		frappe.get_all("Tender Bid", filters={"tender": tender_name, "status": "Withdrawn"}, pluck="supplier")
	)
	table = frappe.qb.DocType("Tender Log")
	query = (
		frappe.qb.from_(table)
		.select(table.supplier, table.payload, table.logged_at)
		.where((table.tender == tender_name) & (table.event.isin(OFFER_EVENTS)))
		.orderby(table.seq)
	)
	return [
		(row.supplier, frappe.parse_json(row.payload or "{}"), get_datetime(row.logged_at))
		for row in (query.for_update() if locked else query).run(as_dict=True)
		if row.supplier and row.supplier not in withdrawn
	]


def offers(tender_name: str, locked: bool = False) -> list[AuctionOffer]:
	"""Every accepted whole-bid offer (its total) of suppliers whose bid is not withdrawn, from the log."""
	return [
		AuctionOffer(supplier, payload["total"], at)
		for supplier, payload, at in offer_entries(tender_name, locked)
		if payload.get("total")
	]


def start_of(tender) -> datetime:
	return get_datetime(tender.opening_date) if tender.opening_date else datetime.min


def check_offer(tender, bid, now: datetime) -> None:
	"""Raise (translated) unless the bid's new total is an acceptable offer at ``now``."""
	history = offers(tender.name, locked=True)
	deadline = frappe.db.get_value("Tender", tender.name, "deadline", for_update=True)
	own = [o.total for o in history if o.supplier == bid.supplier]
	best = min((o.total for o in history), default=None)
	try:
		check_auction_offer(
			flt(bid.total, 9),
			min(own) if own else None,
			best,
			min_step(tender),
			now,
			start_of(tender),
			get_datetime(deadline),
		)
	except TenderError as e:
		throw(e, bid, title=_("Offer Not Accepted"))


def is_per_line(tender) -> bool:
	return tender.mode == AUCTION and tender.auction_scope == PER_LINE


def line_offers(tender_name: str, locked: bool = False) -> list[LineOffer]:
	"""Every accepted line offer of suppliers whose bid is not withdrawn, from the log."""
	return [
		LineOffer(line, supplier, price, at)
		for supplier, payload, at in offer_entries(tender_name, locked)
		for line, price in (payload.get("lines") or {}).items()
	]


def line_steps(tender) -> dict[str, MinStep]:
	"""Line -> its minimum step, in the tender's line order."""
	default = min_step(tender)
	return {row.name: line_auction.line_step(flt(row.min_step), default) for row in tender.items}


def eligible_lines(tender, supplier: str) -> list[str]:
	"""The lines ``supplier`` may be awarded (their category's eligibility, as the award judges it)."""
	from crm_ext.supply.eligibility import tender_line_standings

	by_line, _notes = tender_line_standings(tender, [supplier])
	return [line for line, on_line in by_line.items() if supplier in on_line]


def check_line_offers(tender, bid, now: datetime) -> dict[str, str]:
	"""Raise (translated, naming the line) unless every line whose price the bid changes is an
	acceptable offer at ``now``; returns line -> price of those offers, for the log."""
	history = line_offers(tender.name, locked=True)
	deadline = frappe.db.get_value("Tender", tender.name, "deadline", for_update=True)
	current = {row.tender_item: flt(row.unit_price, 9) for row in bid.items}
	changed = line_auction.changed_lines(line_auction.last_prices(history, bid.supplier), current)
	try:
		line_auction.check_line_offers(
			changed,
			bid.supplier,
			history,
			line_steps(tender),
			now,
			start_of(tender),
			get_datetime(deadline),
			eligible_lines(tender, bid.supplier) if changed else [],
		)
	except LineOfferError as e:
		idx = next((row.idx for row in tender.items if row.name == e.line), e.line)
		frappe.throw(
			_("Line {0}: {1}").format(idx, _(e.template).format(*e.format_args)),
			title=_("Offer Not Accepted"),
		)
	except TenderError as e:
		throw(e, bid, title=_("Offer Not Accepted"))
	return {line: format(flt(price, 9), ".9f").rstrip("0").rstrip(".") for line, price in changed.items()}


def after_offer(tender, now: datetime) -> None:
	"""Anti-sniping extension, then tell every viewer that the auction moved."""
	from crm_ext.supply.tenders import set_deadline

	end = get_datetime(frappe.db.get_value("Tender", tender.name, "deadline", for_update=True))
	new_end = extend_end(
		now, end, int(tender.sniping_window_minutes or 0), int(tender.extension_minutes or 0)
	)
	if new_end > end:
		set_deadline(tender, new_end, "Auction Extended")
	publish_update(tender.name)


def publish_update(tender_name: str) -> None:
	message = {"tender": tender_name}
	frappe.publish_realtime(EVENT, message, doctype="Tender", docname=tender_name, after_commit=True)
	suppliers = frappe.get_all("Tender Bid", filters={"tender": tender_name}, pluck="supplier")
	users = frappe.get_all(
		"Portal User", filters={"parenttype": "Supplier", "parent": ("in", suppliers or [""])}, pluck="user"
	)
	for user in sorted(set(users)):
		frappe.publish_realtime(EVENT, message, user=user, after_commit=True)


@frappe.whitelist()
def get_auction_status(tender: str) -> dict:
	"""What the viewer may see of a live auction. Right: an internal buyer (the full standings) or a
	portal user of a supplier the auction is open to (its own best offer and rank, and the best
	price if the tender shows it; never the competitors or how many there are)."""
	if is_internal():
		doc = require_tender(tender, "read")
	else:
		require_tender_viewer(tender)
		doc = frappe.get_doc("Tender", tender)
	if doc.mode != "Reverse Auction":
		frappe.throw(_("Tender {0} is not a reverse auction.").format(tender))
	now = now_datetime()
	currency = doc.currencies[0].currency if doc.currencies else None
	status = {
		"tender": tender,
		"end": str(doc.deadline),
		"end_text": format_deadline(doc.deadline),
		"currency": currency,
		"running": start_of(doc) <= now < get_datetime(doc.deadline) and doc.status == "Published",
		"server_time": str(now),
	}
	if is_per_line(doc):
		status["lines"] = lines_status(doc, currency)
		return status
	table = standings(offers(tender))
	if is_internal():
		status["bidders"] = len(table)
		status["standings"] = [
			{"rank": s.rank, "supplier": s.supplier, "total": float(s.total), "at": str(s.at)} for s in table
		]
		return status
	mine = set(suppliers_of_user())
	own = next((s for s in table if s.supplier in mine), None)
	status["rank"] = own.rank if own else None
	status["my_best"] = float(own.total) if own else None
	status["my_best_text"] = format_money(own.total, currency) if own else None
	if doc.show_best_price and table:
		status["best"] = float(table[0].total)
		status["best_text"] = format_money(table[0].total, currency)
	return status


def lines_status(doc, currency: str | None) -> list[dict]:
	"""Per line: a buyer gets every supplier's standing; a supplier its own last offer and rank
	on the line, and the line's best price only when the tender shows it (never who, nor how many)."""
	by_line = line_auction.line_standings(line_offers(doc.name), [row.name for row in doc.items])
	steps = line_steps(doc)
	mine = set() if is_internal() else set(suppliers_of_user())
	result = []
	for row in doc.items:
		table = by_line[row.name]
		line = {
			"line": row.name,
			"idx": row.idx,
			"item": row.item_code or row.description or "",
			"qty": flt(row.qty),
			"uom": row.uom,
			"min_step": steps[row.name].describe(),
		}
		if is_internal():
			line["standings"] = [
				{"rank": s.rank, "supplier": s.supplier, "price": float(s.total), "at": str(s.at)}
				for s in table
			]
		else:
			own = next((s for s in table if s.supplier in mine), None)
			line["rank"] = own.rank if own else None
			line["my_last"] = float(own.total) if own else None
			line["my_last_text"] = format_money(own.total, currency) if own else None
			if doc.show_best_price and table:
				line["best"] = float(table[0].total)
				line["best_text"] = format_money(table[0].total, currency)
		result.append(line)
	return result
