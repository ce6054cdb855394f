import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crm_ext.logic.contact_keys import (
	clean_region,
	email_key,
	normalize_email,
	normalize_phone,
	phone_key,
)
from crm_ext.logic.errors import InvalidContactValue


@pytest.mark.parametrize(
	"raw,region",
	[
		("+7 (912) 345-67-89", None),
		("8 912 345 67 89", "RU"),
		("+79123456789", "US"),
		("0079123456789", None),
		("+7 912 345 67 89 ext. 12", None),
		("  +7-912-345-67-89  ", "ru"),
	],
)
def test_same_russian_number_written_many_ways(raw, region):
	assert normalize_phone(raw, region) == "+79123456789"


def test_national_number_uses_default_region():
	assert normalize_phone("(202) 555-0143", "US") == "+12025550143"
	assert normalize_phone("020 7946 0958", "GB") == "+442079460958"


def test_national_number_without_region_is_refused_with_the_fix():
	with pytest.raises(InvalidContactValue) as e:
		normalize_phone("912 345 67 89")
	assert "country code" in e.value.message
	assert e.value.field == "phone"


@pytest.mark.parametrize(
	"raw", ["", "   ", "12", "call me", "+7 912 ABC 67 89 !", "+1 2", "+7 912 345 67 89 12345"]
)
def test_bad_phones_are_refused(raw):
	with pytest.raises(InvalidContactValue):
		normalize_phone(raw, "RU")
	assert phone_key(raw, "RU") is None


def test_unknown_region_is_ignored():
	assert clean_region("ZZ") is None
	assert clean_region(" de ") == "DE"
	assert clean_region(None) is None
	assert normalize_phone("+49 30 901820", "ZZ") == "+4930901820"


@pytest.mark.parametrize(
	"raw,expected",
	[
		("John.Doe@Example.COM", "john.doe@example.com"),
		('"John Doe" <John.Doe@example.com>', "john.doe@example.com"),
		("  sales+crm@sub.example.co.uk ", "sales+crm@sub.example.co.uk"),
	],
)
def test_emails_normalise(raw, expected):
	assert normalize_email(raw) == expected


@pytest.mark.parametrize(
	"raw",
	[
		"",
		"plain",
		"a@b",
		"a@@b.com",
		"a b@c.com",
		"@example.com",
		"a@.com",
		"a@-x.com",
		"x" * 65 + "@a.com",
		"a@b.c",
	],
)
def test_bad_emails_are_refused(raw):
	with pytest.raises(InvalidContactValue) as e:
		normalize_email(raw)
	assert e.value.field == "email"
	assert email_key(raw) is None


# --- properties -----------------------------------------------------------------------------

national = st.text(alphabet=string.digits, min_size=10, max_size=10).filter(lambda s: s[0] in "3489")
separators = st.lists(st.sampled_from([" ", "-", ".", ""]), min_size=10, max_size=10)


@given(national, separators)
def test_phone_key_ignores_formatting(digits, seps):
	"""Whatever separators are typed between the digits, the key is the same."""
	plain = phone_key("+7" + digits)
	assume(plain is not None)
	spaced = "+7 " + "".join(d + s for d, s in zip(digits, seps, strict=True))
	assert phone_key(spaced) == plain
	assert phone_key("8" + digits, "RU") == plain
	assert phone_key("007" + digits) == plain


@given(national)
def test_phone_normalisation_is_idempotent(digits):
	key = phone_key("+7" + digits)
	assume(key is not None)
	assert normalize_phone(key) == key
	assert key.startswith("+") and key[1:].isdigit()


local = st.text(alphabet=string.ascii_letters + string.digits + "._+-", min_size=1, max_size=30).filter(
	lambda s: not s.startswith(".") and not s.endswith(".") and ".." not in s
)
label = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=20)
tld = st.text(alphabet=string.ascii_letters, min_size=2, max_size=6)


@given(local, st.lists(label, min_size=1, max_size=3), tld)
def test_email_key_is_case_insensitive_and_idempotent(loc, labels, top):
	address = f"{loc}@{'.'.join(labels)}.{top}"
	key = normalize_email(address)
	assert key == address.lower()
	assert normalize_email(address.upper()) == key
	assert normalize_email(f'"Someone" <{address}>') == key
	assert normalize_email(key) == key


def test_megabyte_input_is_refused_quickly_and_not_echoed():
	huge = "1" * 1_000_000
	with pytest.raises(InvalidContactValue) as e:
		normalize_phone(huge, "RU")
	assert len(str(e.value.format_args)) < 200
	with pytest.raises(InvalidContactValue) as e:
		normalize_email("a" * 1_000_000 + "@example.com")
	assert len(str(e.value.format_args)) < 200
	assert phone_key(huge) is None and email_key(huge) is None
