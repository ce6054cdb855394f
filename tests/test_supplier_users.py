"""Pure rules of a supplier's portal administration (crm_ext.logic.supplier_users)."""

from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.supplier_users import format_users, parse_users, split_name, still_chosen

users = st.lists(st.from_regex(r"[a-z]{1,8}@[a-z]{1,6}\.com", fullmatch=True), max_size=8)


@given(users)
def test_a_stored_list_reads_back_as_the_set_it_was_made_from(chosen):
	assert parse_users(format_users(chosen)) == sorted(set(chosen))


def test_blank_lines_and_repeats_are_ignored():
	assert parse_users(" b@x.com\n\na@x.com\nb@x.com \n") == ["b@x.com", "a@x.com"]
	assert format_users([]) == "" and parse_users(None) == []


@given(users, users)
def test_only_enabled_chosen_users_remain(chosen, enabled):
	kept = still_chosen(chosen, set(enabled))
	assert set(kept) == set(chosen) & set(enabled)
	assert kept == [u for u in chosen if u in set(enabled)]


def test_a_disabled_user_leaves_the_list_and_an_empty_list_means_the_default():
	assert still_chosen(["a@x.com", "b@x.com"], {"b@x.com"}) == ["b@x.com"]
	assert still_chosen(["a@x.com"], set()) == []


def test_names():
	assert split_name("  Olena   Kovalenko  Ivanivna ") == ("Olena", "Kovalenko Ivanivna")
	assert split_name("Madonna") == ("Madonna", "")
	assert split_name("") == ("", "")
