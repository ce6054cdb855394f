"""Tamper-evident tender log: a SHA-256 hash chain over canonical JSON.

Each entry (a bid submitted, changed or withdrawn, the deadline extended, the opening, an
auction offer...) is stored with ``hash = entry_hash(previous entry's hash, entry)``; the first
entry chains from :data:`GENESIS_HASH`. Editing, deleting, inserting or reordering any stored
entry breaks the chain at that entry, which :func:`verify_chain` reports. Truncating the tail is
only visible against a head hash kept elsewhere (e.g. on the tender at the opening): pass it as
``expected_head``.

Canonical JSON (:func:`canonical_json`): keys sorted, no whitespace, UTF-8, and *values compared
by value*, so that an entry read back from the database hashes as it did when written:

- numbers (int, float, Decimal; not bool) are written as plain JSON numbers in their shortest
  exact decimal form: ``2``, ``2.0`` and ``Decimal("2.00")`` are all ``2``; ``0.1`` (float) and
  ``Decimal("0.1")`` are both ``0.1``; NaN and infinities are refused;
- datetimes and dates are ISO 8601 strings: ``YYYY-MM-DDTHH:MM:SS.ffffff`` (always with
  microseconds), plus ``+HH:MM`` for aware datetimes; a stored ISO string of the same form
  hashes the same;
- strings, booleans, None, lists / tuples and dicts with string keys as in JSON; anything else
  raises TypeError (pass plain values, not documents).
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Context, Decimal

GENESIS_HASH = "0" * 64
HASH_FIELD = "hash"


def _number(value: int | float | Decimal) -> str:
	if isinstance(value, float):
		number = Decimal(repr(value))
	else:
		number = Decimal(value)
	if not number.is_finite():
		raise ValueError(f"{value!r} cannot be logged: not a finite number")
	if not number:
		return "0"
	# Strip trailing zeros only: a context as precise as the number itself never rounds.
	text = format(number.normalize(Context(prec=len(number.as_tuple().digits))), "f")
	return text


def _encode(value, out: list[str]) -> None:
	if isinstance(value, bytes | bytearray):
		raise TypeError("bytes cannot be logged: pass text")
	if value is None or isinstance(value, bool | str):
		out.append(json.dumps(value, ensure_ascii=False))
	elif isinstance(value, int | float | Decimal):
		out.append(_number(value))
	elif isinstance(value, datetime):
		out.append(json.dumps(value.isoformat(timespec="microseconds")))
	elif isinstance(value, date):
		out.append(json.dumps(value.isoformat()))
	elif isinstance(value, Mapping):
		out.append("{")
		for i, key in enumerate(sorted(value)):
			if not isinstance(key, str):
				raise TypeError(f"log entry keys must be strings, not {type(key).__name__}")
			if i:
				out.append(",")
			out.append(json.dumps(key, ensure_ascii=False))
			out.append(":")
			_encode(value[key], out)
		out.append("}")
	elif isinstance(value, Sequence):
		out.append("[")
		for i, item in enumerate(value):
			if i:
				out.append(",")
			_encode(item, out)
		out.append("]")
	else:
		raise TypeError(f"{type(value).__name__} cannot be logged: pass plain values")


def canonical_json(value) -> str:
	"""The canonical JSON text of ``value`` (see the module docstring)."""
	out: list[str] = []
	_encode(value, out)
	return "".join(out)


def entry_hash(prev_hash: str, entry: Mapping) -> str:
	"""SHA-256 (hex) of the canonical JSON of ``{"entry": entry, "prev": prev_hash}``.

	A ``hash`` key in ``entry`` (the entry's own stored hash) is left out.
	"""
	body = {key: value for key, value in entry.items() if key != HASH_FIELD}
	text = canonical_json({"entry": body, "prev": prev_hash})
	return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_entry(prev_hash: str, entry: Mapping) -> dict:
	"""A copy of ``entry`` with its ``hash`` set, ready to store after the entry hashed ``prev_hash``."""
	return {**entry, HASH_FIELD: entry_hash(prev_hash, entry)}


def build_chain(entries: Sequence[Mapping]) -> list[dict]:
	"""Chain ``entries`` from the genesis hash (e.g. to rebuild a log in tests or migrations)."""
	chained: list[dict] = []
	prev = GENESIS_HASH
	for entry in entries:
		stored = chain_entry(prev, entry)
		chained.append(stored)
		prev = stored[HASH_FIELD]
	return chained


def head_hash(entries: Sequence[Mapping]) -> str:
	"""The hash of the last stored entry (the genesis hash for an empty log)."""
	return entries[-1][HASH_FIELD] if entries else GENESIS_HASH


def verify_chain(entries: Sequence[Mapping], expected_head: str | None = None) -> int | None:
	"""Index of the first entry whose stored hash does not match, or None when the chain holds.

	With ``expected_head`` (the head hash recorded elsewhere), a log whose last hash differs is
	reported at ``len(entries)``: entries were removed from, or added to, its end.
	"""
	prev = GENESIS_HASH
	for index, entry in enumerate(entries):
		try:
			expected = entry_hash(prev, entry)
		except (TypeError, ValueError):
			return index
		if entry.get(HASH_FIELD) != expected:
			return index
		prev = expected
	if expected_head is not None and prev != expected_head:
		return len(entries)
	return None
