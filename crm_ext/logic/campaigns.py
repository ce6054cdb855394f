"""Campaigns to segments: the rules of who is sent to, without Frappe.

A segment is one of :data:`KINDS` with its parameters (:class:`Segment`). The Frappe layer
(:mod:`crm_ext.sales.campaigns`) turns it into SQL and hands the rows back here as
:class:`Candidate` s; :func:`pick_recipients` decides who is sent to: never a person without
consent, without an address for the channel, or whose e-mail address unsubscribed; one message
per address and per card.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crm_ext.logic.errors import LogicError, _

ABC = "ABC Class"
RFM = "RFM Score"
CARDS = "Cards"
NOT_CONTACTED = "Not Contacted"
BIRTHDAYS = "Birthdays This Week"
KINDS = (ABC, RFM, CARDS, NOT_CONTACTED, BIRTHDAYS)
CUSTOMER_KINDS = frozenset({ABC, RFM})
CHANNELS = ("E-mail", "SMS")
RFM_PATTERN = re.compile(r"^[1-5*]{3}$")
MAX_DAYS = 3650

# why a candidate was not sent to
NO_CONSENT = "no_consent"
NO_ADDRESS = "no_address"
UNSUBSCRIBED = "unsubscribed"
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Segment:
	kind: str
	abc_class: str = ""
	rfm_pattern: str = ""
	pipeline: str = ""
	stage: str = ""
	source: str = ""
	days: int = 0


@dataclass(frozen=True)
class Candidate:
	"""A card or customer the segment found, with what the channel needs."""

	reference_doctype: str
	reference_name: str
	email: str = ""
	mobile: str = ""
	consent: bool = False


@dataclass
class Choice:
	recipients: list[tuple[Candidate, str]] = field(default_factory=list)  # (candidate, address)
	skipped: dict[str, int] = field(
		default_factory=lambda: {NO_CONSENT: 0, NO_ADDRESS: 0, UNSUBSCRIBED: 0, DUPLICATE: 0}
	)


def check_segment(segment: Segment) -> None:
	"""Raise a LogicError naming the field when the segment's parameters do not fit its kind."""
	if segment.kind not in KINDS:
		raise LogicError(_("Choose a segment: {0}."), ", ".join(KINDS), field="segment_kind")
	if segment.kind == ABC and segment.abc_class not in ("A", "B", "C"):
		raise LogicError(_("Choose the ABC class (A, B or C)."), field="abc_class")
	if segment.kind == RFM and not RFM_PATTERN.match(segment.rfm_pattern or ""):
		raise LogicError(
			_("Write the RFM score as three digits 1-5, * for any (e.g. 5*5)."), field="rfm_pattern"
		)
	if segment.kind == CARDS and not (segment.pipeline or segment.stage or segment.source):
		raise LogicError(_("Choose a pipeline, a stage or a source."), field="pipeline")
	if segment.kind == NOT_CONTACTED and not (1 <= (segment.days or 0) <= MAX_DAYS):
		raise LogicError(
			_("Days without contact must be between 1 and {0}."), MAX_DAYS, field="days_without_contact"
		)


def segment_key(segment: Segment, channel: str) -> str:
	"""The same group reached through the same channel has the same key (the same-day check)."""
	if segment.kind in CUSTOMER_KINDS:
		parameters = (segment.abc_class,) if segment.kind == ABC else (segment.rfm_pattern,)
	else:
		parameters = (segment.pipeline, segment.stage, segment.source)
		if segment.kind == NOT_CONTACTED:
			parameters += (str(segment.days),)
	return "|".join((channel, segment.kind, *parameters))


def rfm_like(pattern: str) -> str:
	"""The SQL LIKE pattern of an RFM score pattern ("5*5" -> "5_5")."""
	return pattern.replace("*", "_")


def rfm_matches(pattern: str, score: str | None) -> bool:
	return (
		bool(score) and len(score) == 3 and all(p in ("*", s) for p, s in zip(pattern, score, strict=False))
	)


def week_of(today: date) -> list[date]:
	"""Monday to Sunday of the week of ``today``."""
	monday = today - timedelta(days=today.weekday())
	return [monday + timedelta(days=i) for i in range(7)]


def birthday_days(today: date) -> list[tuple[int, int]]:
	"""(month, day) of the birthdays celebrated this week; 29 February counts on the 28th in a
	year without it."""
	days = [(d.month, d.day) for d in week_of(today)]
	for d in week_of(today):
		if (d.month, d.day) == (2, 28) and not is_leap(d.year):
			days.append((2, 29))
	return days


def is_leap(year: int) -> bool:
	return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def not_contacted_since(now: datetime, days: int) -> datetime:
	"""Cards whose last contact (or creation, if never contacted) is before this moment."""
	return now - timedelta(days=days)


def normalise_email(value: str | None) -> str:
	return (value or "").strip().lower()


def pick_recipients(candidates: Iterable[Candidate], channel: str, blocked: set[str]) -> Choice:
	"""Who is sent to, in the candidates' order: consent given, an address for the channel, the
	e-mail address not unsubscribed (an SMS too: unsubscribing stops the campaigns), each address
	and each card or customer once."""
	choice = Choice()
	addresses: set[str] = set()
	references: set[tuple[str, str]] = set()
	for candidate in candidates:
		email = normalise_email(candidate.email)
		address = email if channel == "E-mail" else (candidate.mobile or "").strip()
		reference = (candidate.reference_doctype, candidate.reference_name)
		if not candidate.consent:
			reason = NO_CONSENT
		elif not address:
			reason = NO_ADDRESS
		elif email and email in blocked:
			reason = UNSUBSCRIBED
		elif address in addresses or reference in references:
			reason = DUPLICATE
		else:
			addresses.add(address)
			references.add(reference)
			choice.recipients.append((candidate, address))
			continue
		choice.skipped[reason] += 1
	return choice


def with_utm(text: str, campaign: str, medium: str, html: bool = True) -> str:
	"""Every http(s) link of ``text`` carries ``utm_source=crm``, ``utm_medium`` and
	``utm_campaign`` (other parameters kept, existing utm_* replaced)."""
	pattern = r"""(href\s*=\s*["'])(https?://[^"'\s]+)""" if html else r"(https?://[^\s<>\"']+)"

	def tag(url: str) -> str:
		parts = urlsplit(url)
		query = [
			(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")
		]
		query += [("utm_source", "crm"), ("utm_medium", medium), ("utm_campaign", campaign)]
		return urlunsplit(parts._replace(query=urlencode(query)))

	def tag_plain(match) -> str:
		return tag_plain_link(match, tag)

	if html:
		return re.sub(pattern, lambda m: m.group(1) + tag(m.group(2).replace("&amp;", "&")), text)
	return re.sub(pattern, tag_plain, text)


def tag_plain_link(match, tag) -> str:
	"""A link in plain text: a sentence's full stop (comma, bracket...) after it is not part of it."""
	url = match.group(1).rstrip(".,;:!?)")
	return tag(url) + match.group(1)[len(url) :]


def batches(items: list, size: int) -> Iterable[list]:
	for start in range(0, len(items), size):
		yield items[start : start + size]
