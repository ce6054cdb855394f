import hashlib
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crm_ext.logic.tender.audit_log import (
	GENESIS_HASH,
	build_chain,
	canonical_json,
	chain_entry,
	entry_hash,
	head_hash,
	verify_chain,
)

T = datetime(2025, 4, 1, 9, 30)


def events():
	return [
		{"event": "bid_submitted", "bid": "TB-0001", "supplier": "A", "total": Decimal("1250.00"), "at": T},
		{"event": "bid_submitted", "bid": "TB-0002", "supplier": "B", "total": Decimal("1190.50"), "at": T},
		{"event": "deadline_extended", "from": T, "to": T + timedelta(days=2), "by": "buyer@example.com"},
		{"event": "bid_withdrawn", "bid": "TB-0001", "at": T + timedelta(hours=1)},
		{"event": "opened", "by": ["buyer@example.com", "auditor@example.com"], "at": T + timedelta(days=3)},
	]


# --- canonical JSON ----------------------------------------------------------------------------


def test_keys_sorted_no_whitespace_utf8():
	assert canonical_json({"b": 1, "a": {"d": [1, "x"], "c": None}, "é": True}) == (
		'{"a":{"c":null,"d":[1,"x"]},"b":1,"é":true}'
	)


@pytest.mark.parametrize(
	"value,text",
	[
		(2, "2"),
		(2.0, "2"),
		(Decimal("2.00"), "2"),
		(Decimal("1E+2"), "100"),
		(0.1, "0.1"),
		(Decimal("0.10"), "0.1"),
		(Decimal("-0.0"), "0"),
		(-3.25, "-3.25"),
		(10**30 + 1, "1000000000000000000000000000001"),
		(Decimal("1.0000000000000000000000000000001"), "1.0000000000000000000000000000001"),
	],
)
def test_numbers_are_written_by_value(value, text):
	assert canonical_json(value) == text


def test_strings_are_not_numbers():
	assert canonical_json("2") == '"2"' != canonical_json(2)


def test_dates_and_times():
	assert canonical_json(T) == '"2025-04-01T09:30:00.000000"'
	assert canonical_json(T.replace(tzinfo=timezone.utc)) == '"2025-04-01T09:30:00.000000+00:00"'
	assert canonical_json(date(2025, 4, 1)) == '"2025-04-01"'


@pytest.mark.parametrize("value", [object(), {1: "x"}, b"bytes", {"a": {3}}])
def test_non_plain_values_are_refused(value):
	with pytest.raises(TypeError):
		canonical_json(value)


@pytest.mark.parametrize("value", [float("nan"), Decimal("Infinity")])
def test_non_finite_numbers_are_refused(value):
	with pytest.raises(ValueError):
		canonical_json(value)


# --- hashing -----------------------------------------------------------------------------------


def test_entry_hash_is_sha256_of_the_canonical_entry_and_previous_hash():
	expected = hashlib.sha256(('{"entry":{"a":1},"prev":"' + GENESIS_HASH + '"}').encode()).hexdigest()
	assert entry_hash(GENESIS_HASH, {"a": 1}) == expected
	assert entry_hash(GENESIS_HASH, {"a": 1, "hash": "whatever"}) == expected
	assert entry_hash("f" * 64, {"a": 1}) != expected


def test_an_entry_read_back_from_the_database_still_verifies():
	stored = build_chain([{"total": Decimal("12.50"), "at": T, "qty": 3}])
	reloaded = [{"total": 12.5, "at": "2025-04-01T09:30:00.000000", "qty": 3.0, "hash": stored[0]["hash"]}]
	assert verify_chain(reloaded) is None


def test_chain_entry_and_head():
	first = chain_entry(GENESIS_HASH, {"event": "x"})
	assert first["hash"] == entry_hash(GENESIS_HASH, {"event": "x"})
	second = chain_entry(first["hash"], {"event": "y"})
	assert verify_chain([first, second]) is None
	assert head_hash([first, second]) == second["hash"]
	assert head_hash([]) == GENESIS_HASH


# --- verification ------------------------------------------------------------------------------


def test_an_untouched_log_verifies():
	log = build_chain(events())
	assert verify_chain(log) is None
	assert verify_chain(log, expected_head=head_hash(log)) is None
	assert verify_chain([]) is None
	assert verify_chain([], expected_head=GENESIS_HASH) is None


def test_editing_an_entry_is_reported_at_that_entry():
	log = build_chain(events())
	log[1] = {**log[1], "total": Decimal("990.50")}
	assert verify_chain(log) == 1


def test_recomputing_the_edited_entry_hash_breaks_the_next_one():
	log = build_chain(events())
	log[1] = chain_entry(log[0]["hash"], {**log[1], "total": Decimal("990.50")})
	assert verify_chain(log) == 2


@pytest.mark.parametrize(
	"tamper,index",
	[
		(lambda log: log.pop(2), 2),
		(lambda log: log.insert(3, chain_entry(log[2]["hash"], {"event": "late_bid"})), 4),
		(lambda log: log.__setitem__(slice(1, 3), [log[2], log[1]]), 1),
		(lambda log: log[0].pop("supplier"), 0),
		(lambda log: log[3].__setitem__("note", "added"), 3),
		(lambda log: log[4].__setitem__("hash", "0" * 64), 4),
		(lambda log: log[4].pop("hash"), 4),
		(lambda log: log[2].__setitem__("to", object()), 2),
	],
)
def test_deleting_inserting_reordering_and_editing_are_reported(tamper, index):
	log = build_chain(events())
	tamper(log)
	assert verify_chain(log) == index


def test_truncation_is_caught_against_the_recorded_head():
	log = build_chain(events())
	head = head_hash(log)
	assert verify_chain(log[:3]) is None  # the chain alone cannot see a cut tail
	assert verify_chain(log[:3], expected_head=head) == 3
	assert verify_chain([], expected_head=head) == 0


# --- properties --------------------------------------------------------------------------------

keys = st.text(max_size=8).filter(lambda k: k != "hash")
scalars = (
	st.none()
	| st.booleans()
	| st.integers()
	| st.decimals(allow_nan=False, allow_infinity=False)
	| st.floats(allow_nan=False, allow_infinity=False)
	| st.text(max_size=20)
	| st.datetimes()
)
values = st.recursive(
	scalars,
	lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
	max_leaves=6,
)
entries = st.dictionaries(keys, values, min_size=1, max_size=5)
logs = st.lists(entries, min_size=1, max_size=8)


@given(logs)
def test_an_honest_log_always_verifies(raw):
	log = build_chain(raw)
	assert verify_chain(log, expected_head=head_hash(log)) is None


@given(logs, st.data())
def test_changing_any_field_of_any_entry_is_reported_at_that_entry(raw, data):
	log = build_chain(raw)
	i = data.draw(st.integers(0, len(log) - 1), label="entry")
	entry = dict(log[i])
	field_names = sorted(k for k in entry if k != "hash")
	kind = data.draw(st.sampled_from(["change", "add", "remove", "hash"]), label="kind")
	if kind == "change":
		key = data.draw(st.sampled_from(field_names), label="field")
		new = data.draw(values, label="new value")
		assume(canonical_json(new) != canonical_json(entry[key]))
		entry[key] = new
	elif kind == "add":
		key = data.draw(keys, label="new field")
		assume(key not in entry)
		entry[key] = data.draw(values)
	elif kind == "remove":
		del entry[data.draw(st.sampled_from(field_names), label="field")]
	else:
		new_hash = data.draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
		assume(new_hash != entry["hash"])
		entry["hash"] = new_hash
	log[i] = entry
	assert verify_chain(log) == i


@given(logs, st.data())
def test_removing_or_reordering_entries_is_reported(raw, data):
	log = build_chain(raw)
	head = head_hash(log)
	i = data.draw(st.integers(0, len(log) - 1))
	removed = log[:i] + log[i + 1 :]
	assert verify_chain(removed, expected_head=head) == i
	if len(log) > 1:
		j = data.draw(st.integers(0, len(log) - 1).filter(lambda j: j != i))
		swapped = list(log)
		swapped[i], swapped[j] = swapped[j], swapped[i]
		assert verify_chain(swapped) == min(i, j)
