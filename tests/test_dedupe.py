from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.dedupe import (
	KEY_NAME_LENGTH,
	Candidate,
	ContactKeys,
	keys_of,
	match,
	merge_values,
	record_keys,
)

T0 = datetime(2026, 1, 1)


def keys(*values):
	return keys_of([v for v in values if "@" not in v], [v for v in values if "@" in v], "RU")


def test_keys_normalise_and_skip_garbage():
	k = keys_of(["8 912 345 67 89", "not a phone", None], ["Ann@Example.com", "bad@", ""], "RU")
	assert k == ContactKeys(frozenset({"+79123456789"}), frozenset({"ann@example.com"}))
	assert not keys_of([None], [""], None)


def test_open_card_sharing_a_phone_is_the_match():
	req = keys("+7 912 345-67-89")
	cands = [
		Candidate("L1", keys("+79123456789"), True, T0),
		Candidate("L2", keys("x@y.com"), True, T0 + timedelta(days=1)),
	]
	assert match(req, cands).existing == "L1"


def test_most_recent_open_card_wins_and_closed_cards_give_customer():
	req = keys("ann@example.com")
	cands = [
		Candidate("OLD", keys("ann@example.com"), False, T0, customer="CUST-A"),
		Candidate("OPEN1", keys("ann@example.com"), True, T0 + timedelta(days=1)),
		Candidate("OPEN2", keys("ANN@example.com"), True, T0 + timedelta(days=2)),
	]
	assert match(req, cands).existing == "OPEN2"
	closed_only = match(req, [cands[0]])
	assert closed_only.existing is None and closed_only.customer == "CUST-A"


def test_excluded_card_never_matches_itself():
	req = keys("ann@example.com")
	assert match(req, [Candidate("SELF", req, True, T0)], exclude="SELF").existing is None


def test_empty_request_matches_nothing():
	assert match(ContactKeys(), [Candidate("L", keys("a@b.com"), True, T0)]).existing is None


def test_merge_fills_only_blanks():
	target = {"phone": "+1", "email": "", "expected_amount": 0, "organization": None}
	source = {"phone": "+2", "email": "s@x.com", "expected_amount": 500, "organization": "ACME"}
	assert merge_values(target, source, target.keys()) == {
		"email": "s@x.com",
		"expected_amount": 500,
		"organization": "ACME",
	}


emails = st.sampled_from(["a@x.com", "b@x.com", "c@x.com", "d@x.com"])
cards = st.lists(st.tuples(st.sets(emails, max_size=2), st.booleans(), st.integers(0, 1000)), max_size=8)


@given(st.sets(emails, min_size=1, max_size=2), cards)
def test_match_is_an_open_card_sharing_a_key_and_the_latest_one(req_emails, raw):
	req = ContactKeys(emails=frozenset(req_emails))
	cands = [
		Candidate(f"L{i}", ContactKeys(emails=frozenset(e)), o, T0 + timedelta(minutes=m))
		for i, (e, o, m) in enumerate(raw)
	]
	result = match(req, cands)
	sharing_open = [c for c in cands if c.is_open and c.keys.shares_with(req)]
	if not sharing_open:
		assert result.existing is None
	else:
		chosen = next(c for c in cands if c.name == result.existing)
		assert chosen in sharing_open
		assert chosen.modified == max(c.modified for c in sharing_open)


@given(
	st.dictionaries(st.sampled_from("abcde"), st.one_of(st.none(), st.just(""), st.integers(0, 3))),
	st.dictionaries(st.sampled_from("abcde"), st.one_of(st.none(), st.just(""), st.integers(0, 3))),
)
def test_merge_never_overwrites_a_value(target, source):
	updates = merge_values(target, source, "abcde")
	for f, v in updates.items():
		assert target.get(f) in (None, "", 0)
		assert v == source[f]


# --- the rows that reserve a person's keys for one open card ---------------------------------


def test_record_keys_name_each_phone_and_email_once_sorted():
	k = keys_of(["+7 912 345-67-89", "8 912 345 67 89"], ["Ann@Example.com", "ann@example.com"], "RU")
	assert record_keys(k) == ("email:ann@example.com", "phone:+79123456789")
	assert record_keys(ContactKeys()) == ()


def test_a_phone_and_an_email_never_share_a_row():
	same = "x@y.co"
	k = ContactKeys(frozenset({same}), frozenset({same}))
	assert len(record_keys(k)) == 2


def test_long_email_gets_a_fixed_length_hashed_name():
	local, domain = "a" * 64, ".".join(["b" * 60] * 3) + ".com"
	address = f"{local}@{domain}"
	(name,) = record_keys(keys_of([], [address], None))
	assert len(name) <= KEY_NAME_LENGTH
	assert name.startswith("email#sha256:")
	assert record_keys(keys_of([], [address.upper()], None)) == (name,)


_emails = st.builds(
	lambda user, host: f"{user}@{host}.com",
	st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=64),
	st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=180),
)


@given(st.lists(_emails, max_size=4), st.lists(st.integers(2_000_000, 9_999_999), max_size=3))
def test_record_keys_are_sorted_unique_short_and_stable(emails, numbers):
	k = keys_of([f"+49 30 {n}" for n in numbers], emails, None)
	names = record_keys(k)
	assert list(names) == sorted(set(names))
	assert all(len(n) <= KEY_NAME_LENGTH for n in names)
	assert len(names) == len(k.phones) + len(k.emails)
	assert record_keys(keys_of([f"0049 30 {n}" for n in numbers], [e.upper() for e in emails], None)) == names
