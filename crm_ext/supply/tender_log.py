"""The tamper-evident log of a tender: append under a row lock, verify on demand.

Each Tender Log row stores one entry of a SHA-256 hash chain (``crm_ext.logic.tender.audit_log``):
the hashed entry is ``{tender, seq, event, logged_at, user, supplier, bid, payload}`` with the
server time of the append. Appends lock the Tender row first (``SELECT ... FOR UPDATE``), so two
bids submitted at the same moment get consecutive sequence numbers and chain to each other; the
head hash is also kept on the Tender, so cutting entries off the end is detected too.

A sealed bid's prices never enter the log: a submission logs the SHA-256 *digest* of the bid's
content (:func:`bid_digest`), which ``verify`` compares with the bid as it is now, and every
change of a bid's status is logged, which ``verify`` compares with its stored status
(``crm_ext.logic.tender.bid_log``): a later edit of a bid's content or status behind the
application's back is reported as well.
"""

import hashlib
import json

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, now_datetime

from crm_ext.logic.tender.audit_log import GENESIS_HASH, canonical_json, entry_hash, verify_chain
from crm_ext.logic.tender.bid_log import SAVED, WITHDRAWN, logged_status
from crm_ext.utils.documents import as_procedure

LOG = "Tender Log"
BID_EVENTS = ("Bid Submitted", "Bid Revised", "Auction Offer", "Line Offer")
# Numbers are logged and digested with the precision of their database columns.
PRECISION = 9


def _money(value) -> str:
	return format(flt(value, PRECISION), ".9f").rstrip("0").rstrip(".") or "0"


def bid_content(bid) -> dict:
	"""What a submitted bid says, as plain values (prices, terms, answers)."""
	return {
		"supplier": bid.supplier,
		"currency": bid.currency or "",
		"incoterm": bid.incoterm or "",
		"incoterm_location": bid.incoterm_location or "",
		"credit_days": cint(bid.credit_days),
		"lines": [
			[
				row.tender_item or "",
				_money(row.unit_price),
				_money(row.qty),
				cint(row.delivery_days),
				row.alternative_item or "",
				row.alternative_description or "",
			]
			for row in bid.items
		],
		"answers": [[row.question_id or "", row.answer or "", row.attachment or ""] for row in bid.answers],
	}


def bid_digest(bid) -> str:
	"""SHA-256 of the canonical JSON of :func:`bid_content`."""
	return hashlib.sha256(canonical_json(bid_content(bid)).encode("utf-8")).hexdigest()


def lock_tender(tender: str) -> None:
	"""Serialise everything that appends to this tender's log (and auction offers)."""
	frappe.db.get_value("Tender", tender, "name", for_update=True)


def append(
	tender: str, event: str, payload: dict | None = None, supplier: str | None = None, bid: str | None = None
) -> dict:
	"""Append one chained entry (locks the tender row until the transaction ends)."""
	lock_tender(tender)
	# A locking read sees the latest committed entry, not this transaction's older snapshot
	# (REPEATABLE READ): without it two concurrent appends would chain to the same entry.
	table = frappe.qb.DocType(LOG)
	last = (
		frappe.qb.from_(table)
		.select(table.seq, table.hash)
		.where(table.tender == tender)
		.orderby(table.seq, order=frappe.qb.desc)
		.limit(1)
		.for_update()
		.run(as_dict=True)
	)
	prev_hash = last[0].hash if last else GENESIS_HASH
	entry = {
		"tender": tender,
		"seq": (last[0].seq if last else 0) + 1,
		"event": event,
		"logged_at": now_datetime(),
		"user": frappe.session.user,
		"supplier": supplier or "",
		"bid": bid or "",
		"payload": payload or {},
	}
	entry["hash"] = entry_hash(prev_hash, entry)
	as_procedure(
		frappe.get_doc(
			{
				"doctype": LOG,
				**{k: v for k, v in entry.items() if k != "payload"},
				"supplier": supplier,
				"bid": bid,
				"payload": canonical_json(entry["payload"]),
				"prev_hash": prev_hash,
			}
		)
	).insert(ignore_permissions=True)
	frappe.db.set_value("Tender", tender, "log_head_hash", entry["hash"], update_modified=False)
	return entry


def stored_entries(tender: str) -> list[dict]:
	"""The tender's log as stored, in sequence order, rebuilt as the dicts that were hashed."""
	rows = frappe.get_all(
		LOG,
		filters={"tender": tender},
		fields=["name", "tender", "seq", "event", "logged_at", "user", "supplier", "bid", "payload", "hash"],
		order_by="seq asc, creation asc",
	)
	entries = []
	for row in rows:
		try:
			payload = json.loads(row.payload or "{}")
		except ValueError:
			payload = row.payload
		entries.append(
			{
				"tender": row.tender,
				"seq": row.seq,
				"event": row.event,
				"logged_at": get_datetime(row.logged_at),
				"user": row.user or "",
				"supplier": row.supplier or "",
				"bid": row.bid or "",
				"payload": payload,
				"hash": row.hash,
				"_name": row.name,
			}
		)
	return entries


def verify(tender: str) -> dict:
	"""Re-compute the chain and compare the bids with their last logged digest.

	Returns ``{"ok": bool, "entries": n, "broken_at": seq or None, "log_entry": name, "message"}``.
	"""
	entries = stored_entries(tender)
	head = frappe.db.get_value("Tender", tender, "log_head_hash") or None
	hashed = [{k: v for k, v in e.items() if k != "_name"} for e in entries]
	index = verify_chain(hashed, expected_head=head if entries or head else None)
	result = {"ok": index is None, "entries": len(entries), "broken_at": None, "log_entry": None}
	if index is not None:
		if index < len(entries):
			result.update(broken_at=entries[index]["seq"], log_entry=entries[index]["_name"])
			result["message"] = _(
				"The log is broken at entry {0} ({1}): it was changed, removed or inserted after it was written."
			).format(entries[index]["seq"], _(entries[index]["event"]))
		else:
			result["message"] = _("Entries were removed from the end of the log (the head hash differs).")
		return result
	problem = _bid_mismatch(tender, entries)
	if problem:
		result.update(ok=False, **problem)
		return result
	result["message"] = _("The log holds: {0} entries, every hash and every submitted bid match.").format(
		len(entries)
	)
	return result


def _bid_mismatch(tender: str, entries: list[dict]) -> dict | None:
	"""The first bid whose stored status is not the one its log entries give it, or whose content
	no longer matches its last logged digest (both: changed outside the tender procedure)."""
	from crm_ext.supply.access import buyer_may_see

	last_digest: dict[str, dict] = {}
	for entry in entries:
		if entry["event"] in BID_EVENTS and isinstance(entry["payload"], dict) and entry["bid"]:
			last_digest[entry["bid"]] = entry
	# who made a sealed bid is told only to whoever may see the bids
	named = frappe.session.user == "Administrator" or buyer_may_see(tender)
	for bid in frappe.get_all(
		"Tender Bid",
		filters={"tender": tender},
		fields=["name", "supplier", "status"],
		order_by="name",
	):
		label = _("Bid {0} of {1}").format(bid.name, bid.supplier) if named else _("Bid {0}").format(bid.name)
		logged = logged_status(entries, bid.name, bid.supplier)
		entry = last_digest.get(bid.name)
		if bid.status != logged:
			return {
				"broken_at": entry["seq"] if entry else None,
				"log_entry": entry["_name"] if entry else None,
				"message": _(
					"{0} is {1} but the log makes it {2}: its status was changed outside the tender procedure."
				).format(label, _(bid.status), _(logged)),
			}
		if logged in (SAVED, WITHDRAWN):
			continue
		if entry is None or entry["payload"].get("digest") != bid_digest(
			frappe.get_doc("Tender Bid", bid.name)
		):
			return {
				"broken_at": entry["seq"] if entry else None,
				"log_entry": entry["_name"] if entry else None,
				"message": _(
					"{0} differs from what was submitted and logged: it was changed outside the tender procedure."
				).format(label),
			}
	return None
