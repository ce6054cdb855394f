"""De-duplication of incoming requests: which existing card, if any, a request belongs to.

A request and a card match when they share a normalised phone (E.164) or e-mail (lower case).
Among matching cards an open one is preferred (the request is logged on it); if only closed
cards match, a new card is created (a client may have many deals over the years) and it
inherits the customer of the most recent closed card that had one.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from crm_ext.logic.contact_keys import email_key, phone_key


@dataclass(frozen=True)
class ContactKeys:
	phones: frozenset[str] = field(default_factory=frozenset)
	emails: frozenset[str] = field(default_factory=frozenset)

	def __bool__(self) -> bool:
		return bool(self.phones or self.emails)

	def all(self) -> frozenset[str]:
		return self.phones | self.emails

	def shares_with(self, other: "ContactKeys") -> bool:
		return bool(self.phones & other.phones or self.emails & other.emails)


# A Frappe name holds 140 characters; an e-mail address may have 254.
KEY_NAME_LENGTH = 140


def record_keys(keys: ContactKeys) -> tuple[str, ...]:
	"""Names of the rows that reserve ``keys`` for one open card: ``phone:+4930...`` and
	``email:x@y`` (a value too long for a name: its kind and SHA-256), sorted so that every
	transaction claims them in the same order (two claims of overlapping keys cannot deadlock)."""
	names = {_key_name("phone", p) for p in keys.phones} | {_key_name("email", e) for e in keys.emails}
	return tuple(sorted(names))


def _key_name(kind: str, value: str) -> str:
	name = f"{kind}:{value}"
	if len(name) <= KEY_NAME_LENGTH:
		return name
	return f"{kind}#sha256:{hashlib.sha256(value.encode('utf-8')).hexdigest()}"


def keys_of(phones: Iterable[str | None], emails: Iterable[str | None], region: str | None) -> ContactKeys:
	"""The keys of a card or request; unreadable values are skipped (validation reports them)."""
	return ContactKeys(
		phones=frozenset(k for k in (phone_key(p, region) for p in phones) if k),
		emails=frozenset(k for k in (email_key(e) for e in emails) if k),
	)


@dataclass(frozen=True)
class Candidate:
	name: str
	keys: ContactKeys
	is_open: bool
	modified: datetime
	customer: str | None = None


@dataclass(frozen=True)
class Match:
	existing: str | None  # open card to log the request on
	customer: str | None  # customer to carry over to a new card


def match(request: ContactKeys, candidates: Iterable[Candidate], exclude: str | None = None) -> Match:
	"""Pick the open card the request belongs to (most recently modified), else a customer to reuse."""
	if not request:
		return Match(None, None)
	matching = [c for c in candidates if c.name != exclude and c.keys.shares_with(request)]
	by_recent = sorted(matching, key=lambda c: (c.modified, c.name), reverse=True)
	open_card = next((c.name for c in by_recent if c.is_open), None)
	if open_card:
		return Match(open_card, None)
	return Match(None, next((c.customer for c in by_recent if c.customer), None))


def merge_values(target: dict, source: dict, fieldnames: Iterable[str]) -> dict:
	"""Values to copy from ``source`` into ``target`` when two cards are merged: only blanks are
	filled, the surviving card's own values always win."""
	updates = {}
	for f in fieldnames:
		if _blank(target.get(f)) and not _blank(source.get(f)):
			updates[f] = source[f]
	return updates


def _blank(value) -> bool:
	return value is None or value == "" or value == 0
