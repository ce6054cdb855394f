"""One open card per person, kept by the database.

Every normalised phone and e-mail of an open Sales Lead is a row of ``Sales Lead Contact Key``
whose *name* (the primary key) is the key (``phone:+4930...``, ``email:x@y``; see
:func:`crm_ext.logic.dedupe.record_keys`). The card's controller keeps the rows in step inside the
card's own transaction whenever it is saved: a new card claims its keys, a changed phone or e-mail
swaps them, a card leaving the open stages gives them up, one coming back claims them again, a
deleted card drops them. A second open card for the same key is refused by the primary key, not by
a look-up that a concurrent request could race past: of two simultaneous requests for one new
phone, the second waits on the first's row and gets a duplicate-key error once the first commits.

Who gets the error decides what happens: the desk, REST and imports refuse the twin naming the
card (:class:`TwinLeadError` becomes a ``DuplicateLeadError`` there); the intake joins the card
(:func:`crm_ext.sales.intake.open_card`).

Reads of the key table that decide (the holder of a key, whether it is still open) are *locking*
reads (``lock in share mode``): they see what concurrent transactions committed after this one's
snapshot, and shared locks never wait on each other, so two such reads cannot deadlock.
"""

import frappe
from frappe.query_builder import DocType
from frappe.utils import now_datetime

from crm_ext.logic.dedupe import record_keys
from crm_ext.sales.dedupe import EMAIL_FIELDS, PHONE_FIELDS, DuplicateLeadError, keys_from

KEYS = "Sales Lead Contact Key"
Key = DocType(KEYS)
Lead = DocType("Sales Lead")
SAVEPOINT = "crm_ext_contact_keys"


class TwinLeadError(DuplicateLeadError):
	"""Another open card holds one of the keys: ``existing`` names it."""

	def __init__(self, existing: str):
		super().__init__(existing)
		self.existing = existing


def card_keys(card) -> tuple[str, ...]:
	"""The key rows ``card`` (a Sales Lead, as it is about to be saved) must hold."""
	if card.get("stage_kind") != "Open":
		return ()
	return record_keys(keys_from([card.get(f) for f in PHONE_FIELDS], [card.get(f) for f in EMAIL_FIELDS]))


def hold_keys(card, strict: bool = True) -> None:
	"""Make the key table hold exactly ``card``'s keys for it.

	A key held by another open card raises :class:`TwinLeadError` when ``strict`` (a new card, a
	changed phone or e-mail, a card that became open); otherwise (an open card saved without such a
	change, a twin from before the key table existed) the key stays with its holder and the card is
	saved. Nothing is claimed when the error is raised."""
	wanted = set(card_keys(card))
	held = set(frappe.get_all(KEYS, filters={"sales_lead": card.name}, pluck="name"))
	if held - wanted:
		frappe.qb.from_(Key).delete().where(
			(Key.sales_lead == card.name) & Key.name.isin(sorted(held - wanted))
		).run()
	missing = sorted(wanted - held)
	if not missing:
		return
	frappe.db.savepoint(SAVEPOINT)
	for name in missing:
		holder = claim(name, card.name)
		if holder and strict:
			frappe.db.rollback(save_point=SAVEPOINT)
			raise TwinLeadError(holder)
	frappe.db.release_savepoint(SAVEPOINT)


def claim(name: str, lead: str) -> str | None:
	"""Reserve key ``name`` for ``lead``; the open card that holds it already, else None. A row left
	by a card that is gone or no longer open is taken over."""
	now = now_datetime()
	user = frappe.session.user
	try:
		frappe.qb.into(Key).columns(
			"name", "sales_lead", "owner", "modified_by", "creation", "modified"
		).insert(name, lead, user, user, now, now).run()
		return None
	except Exception as e:
		if not frappe.db.is_primary_key_violation(e):
			raise
	holder = locked_value("select `sales_lead` from `tabSales Lead Contact Key` where `name` = %s", name)
	if holder == lead:
		return None
	if (
		holder
		and locked_value("select `stage_kind` from `tabSales Lead` where `name` = %s", holder) == "Open"
	):
		return holder
	frappe.qb.update(Key).set(Key.sales_lead, lead).set(Key.modified, now).where(Key.name == name).run()
	return None


def locked_value(query: str, value: str):
	"""First column of the first row of ``query`` read as committed now (shared lock)."""
	rows = frappe.db.sql(f"{query} lock in share mode", (value,))
	return rows[0][0] if rows else None


def release_keys(lead: str) -> None:
	"""``lead`` is deleted or merged away: its keys are free."""
	frappe.qb.from_(Key).delete().where(Key.sales_lead == lead).run()
