"""Normalisation of phone numbers and e-mail addresses into de-duplication keys.

Two requests from the same person must produce the same key whatever way the number or address
was typed: ``+7 (912) 345-67-89``, ``8 912 345 67 89`` (with default region RU) and
``0079123456789`` are all ``+79123456789``; ``John.Doe@Example.COM`` and
``"John" <john.doe@example.com>`` are both ``john.doe@example.com``.

Phone numbers use the ``phonenumbers`` library (the one Frappe itself depends on) and are
accepted when they are *possible* numbers for their country (right length), not only when they
are in a currently allocated range: a CRM must not refuse a real customer because the metadata
is a release behind.
"""

import re
from email.utils import parseaddr

import phonenumbers

from crm_ext.logic.errors import InvalidContactValue, _

# Practical, RFC 5321 sized address check: what real mail servers accept and what people type.
_LOCAL_PART = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_EMAIL_RE = re.compile(rf"^{_LOCAL_PART}@{_DOMAIN}$")
_MAX_EMAIL_LENGTH = 254
_MAX_LOCAL_LENGTH = 64
# Characters people put in phone numbers besides digits; anything else is a typing error.
_PHONE_CHARS_RE = re.compile(r"^[0-9+()\-./\s]+(?:\s*(?:ext\.?|x|#)\s*[0-9]+)?$", re.IGNORECASE)
_EXTENSION_RE = re.compile(r"ext\.?|x|#", re.IGNORECASE)
_MIN_DIGITS = 3
# Longer input is no phone number (the longest, with extension and spacing, fits easily).
_MAX_PHONE_INPUT = 64
# An error message quotes at most this much of what was typed.
_SHOWN = 60


def _shown(text: str) -> str:
	return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def clean_region(region: str | None) -> str | None:
	"""Return an ISO 3166 alpha-2 region in upper case, or None when not usable."""
	if not region:
		return None
	region = region.strip().upper()
	return region if region in phonenumbers.SUPPORTED_REGIONS else None


def normalize_phone(raw: str, default_region: str | None = None) -> str:
	"""Return ``raw`` in E.164 (``+<country><number>``), raising InvalidContactValue.

	``default_region`` (e.g. ``"RU"``, ``"US"``) is used for numbers typed without a country
	code; without it such numbers are refused with a message saying to add the code.
	Extensions are dropped: the key identifies the line, not the desk.
	"""
	text = (raw or "").strip()
	if not text:
		raise InvalidContactValue(_("Phone number is empty."), field="phone")
	if len(text) > _MAX_PHONE_INPUT:
		raise InvalidContactValue(
			_("Phone number {0} is too long ({1} characters)."), _shown(text), len(text), field="phone"
		)
	if not _PHONE_CHARS_RE.match(text):
		raise InvalidContactValue(
			_("Phone number {0} contains characters other than digits, spaces, +, -, ( and )."),
			text,
			field="phone",
		)
	digits = re.sub(r"\D", "", _EXTENSION_RE.split(text)[0])
	if len(digits) < _MIN_DIGITS:
		raise InvalidContactValue(_("Phone number {0} is too short."), text, field="phone")

	region = clean_region(default_region)
	if text.startswith("00") and not region:
		text = "+" + text[2:]
	try:
		number = phonenumbers.parse(text, region)
	except phonenumbers.NumberParseException as e:
		if not text.startswith("+") and not region:
			raise InvalidContactValue(
				_(
					"Phone number {0} has no country code: write it as +[country code] [number] "
					"or set a Default Phone Country in CRM Ext Settings."
				),
				text,
				field="phone",
			)
		raise InvalidContactValue(
			_("Phone number {0} cannot be read ({1})."), text, str(e), field="phone"
		) from None
	if not phonenumbers.is_possible_number(number):
		raise InvalidContactValue(
			_("Phone number {0} has the wrong number of digits for its country."), text, field="phone"
		)
	return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
	"""Return the address part of ``raw`` in lower case, raising InvalidContactValue.

	Accepts display forms such as ``"Jane Doe" <Jane@Example.com>``.
	"""
	text = (raw or "").strip()
	if not text:
		raise InvalidContactValue(_("E-mail address is empty."), field="email")
	# a display name and an address of the longest allowed size; longer is not an e-mail address
	_name, address = parseaddr(text) if len(text) <= 2 * _MAX_EMAIL_LENGTH else ("", "")
	address = (address or "").strip()
	if "<" in text and not address:
		address = text
	if (
		not address
		or len(address) > _MAX_EMAIL_LENGTH
		or not _EMAIL_RE.match(address)
		or len(address.rsplit("@", 1)[0]) > _MAX_LOCAL_LENGTH
	):
		raise InvalidContactValue(
			_("E-mail address {0} is not valid: expected something like name@example.com."),
			_shown(text),
			field="email",
		)
	return address.lower()


def phone_key(raw: str | None, default_region: str | None = None) -> str | None:
	"""Lenient form of :func:`normalize_phone`: None for empty or unreadable input."""
	try:
		return normalize_phone(raw or "", default_region)
	except InvalidContactValue:
		return None


def email_key(raw: str | None) -> str | None:
	"""Lenient form of :func:`normalize_email`: None for empty or invalid input."""
	try:
		return normalize_email(raw or "")
	except InvalidContactValue:
		return None
