"""Campaigns to segments: the segment rules, who is sent to, utm_campaign on links."""

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic import campaigns as c
from crm_ext.logic.errors import LogicError


@pytest.mark.parametrize(
	"segment, field",
	[
		(c.Segment(kind="Everyone"), "segment_kind"),
		(c.Segment(kind=c.ABC), "abc_class"),
		(c.Segment(kind=c.ABC, abc_class="D"), "abc_class"),
		(c.Segment(kind=c.RFM, rfm_pattern="56*"), "rfm_pattern"),
		(c.Segment(kind=c.RFM, rfm_pattern="55"), "rfm_pattern"),
		(c.Segment(kind=c.RFM, rfm_pattern="5%5"), "rfm_pattern"),
		(c.Segment(kind=c.CARDS), "pipeline"),
		(c.Segment(kind=c.NOT_CONTACTED, days=0), "days_without_contact"),
		(c.Segment(kind=c.NOT_CONTACTED, days=c.MAX_DAYS + 1), "days_without_contact"),
	],
)
def test_a_segment_without_its_parameters_is_refused_naming_the_field(segment, field):
	with pytest.raises(LogicError) as error:
		c.check_segment(segment)
	assert error.value.field == field


@pytest.mark.parametrize(
	"segment",
	[
		c.Segment(kind=c.ABC, abc_class="A"),
		c.Segment(kind=c.RFM, rfm_pattern="5*5"),
		c.Segment(kind=c.CARDS, source="Website"),
		c.Segment(kind=c.NOT_CONTACTED, days=30),
		c.Segment(kind=c.BIRTHDAYS),
	],
)
def test_valid_segments_pass(segment):
	c.check_segment(segment)


def test_segment_key_ignores_parameters_of_other_kinds_and_tells_channels_apart():
	a = c.Segment(kind=c.ABC, abc_class="A", pipeline="Retail", days=5)
	assert c.segment_key(a, "E-mail") == c.segment_key(c.Segment(kind=c.ABC, abc_class="A"), "E-mail")
	assert c.segment_key(a, "E-mail") != c.segment_key(a, "SMS")
	assert c.segment_key(c.Segment(kind=c.NOT_CONTACTED, days=7), "SMS") != c.segment_key(
		c.Segment(kind=c.NOT_CONTACTED, days=8), "SMS"
	)


scores = st.text(alphabet="12345", min_size=3, max_size=3)
patterns = st.text(alphabet="12345*", min_size=3, max_size=3)


@given(patterns, scores)
def test_rfm_like_matches_exactly_what_the_pattern_means(pattern, score):
	like = c.rfm_like(pattern)
	sql_like = all(p in ("_", s) for p, s in zip(like, score, strict=True))
	assert sql_like == c.rfm_matches(pattern, score)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_birthdays_this_week_are_monday_to_sunday_of_today(today):
	days = c.birthday_days(today)
	week = c.week_of(today)
	assert week[0].weekday() == 0 and week[-1] - week[0] == timedelta(days=6) and today in week
	assert {(d.month, d.day) for d in week} <= set(days)
	extra = set(days) - {(d.month, d.day) for d in week}
	assert extra <= {(2, 29)}
	if extra:  # 29 February is celebrated on the 28th in a year without it
		assert any((d.month, d.day) == (2, 28) and not c.is_leap(d.year) for d in week)


def test_not_contacted_since():
	assert c.not_contacted_since(datetime(2026, 3, 10, 12), 30) == datetime(2026, 2, 8, 12)


def candidate(name, email="", mobile="", consent=True, doctype="Sales Lead"):
	return c.Candidate(doctype, name, email, mobile, consent)


def test_who_is_sent_to():
	candidates = [
		candidate("L1", "Ann@Example.com"),
		candidate("L2", "bob@example.com", consent=False),
		candidate("L3", "gone@example.com"),
		candidate("L4", ""),
		candidate("L5", "ann@example.com"),  # the same person on another card
		candidate("L1", "ann2@example.com"),  # the same card twice (two contacts)
		candidate("C1", "carl@example.com", doctype="Customer"),
	]
	choice = c.pick_recipients(candidates, "E-mail", {"gone@example.com"})
	assert [(r.reference_name, a) for r, a in choice.recipients] == [
		("L1", "ann@example.com"),
		("C1", "carl@example.com"),
	]
	assert choice.skipped == {c.NO_CONSENT: 1, c.UNSUBSCRIBED: 1, c.NO_ADDRESS: 1, c.DUPLICATE: 2}


def test_sms_goes_to_mobiles_and_unsubscribing_by_e_mail_stops_sms_too():
	candidates = [
		candidate("L1", "a@example.com", "+491701"),
		candidate("L2", "gone@example.com", "+491702"),
		candidate("L3", "c@example.com", ""),
	]
	choice = c.pick_recipients(candidates, "SMS", {"gone@example.com"})
	assert [a for _r, a in choice.recipients] == ["+491701"]
	assert choice.skipped[c.UNSUBSCRIBED] == 1 and choice.skipped[c.NO_ADDRESS] == 1


people = st.lists(
	st.builds(
		candidate,
		st.sampled_from(["L1", "L2", "L3", "L4"]),
		st.sampled_from(["", "a@x.com", "B@x.com", "b@x.com", "c@x.com"]),
		st.just(""),
		st.booleans(),
	),
	max_size=12,
)


@given(people, st.sets(st.sampled_from(["a@x.com", "b@x.com"])))
def test_nobody_without_consent_or_unsubscribed_is_ever_sent_to_and_nobody_twice(candidates, blocked):
	choice = c.pick_recipients(candidates, "E-mail", blocked)
	chosen = choice.recipients
	assert all(r.consent and a and a not in blocked for r, a in chosen)
	assert len({a for _r, a in chosen}) == len(chosen)
	assert len({(r.reference_doctype, r.reference_name) for r, _a in chosen}) == len(chosen)
	assert len(chosen) + sum(choice.skipped.values()) == len(candidates)


def test_links_carry_utm_campaign_and_keep_their_parameters():
	html = (
		'<p><a href="https://shop.example.com/offer?x=1&amp;utm_campaign=old">offer</a> '
		'<a href=\'http://example.com/\'>home</a> <a href="mailto:a@b.c">mail</a> <a href="#top">top</a></p>'
	)
	tagged = c.with_utm(html, "Spring Sale", "email")
	assert "mailto:a@b.c" in tagged and 'href="#top"' in tagged
	first = tagged.split('href="')[1].split('"')[0]
	query = parse_qs(urlsplit(first).query)
	assert query == {
		"x": ["1"],
		"utm_source": ["crm"],
		"utm_medium": ["email"],
		"utm_campaign": ["Spring Sale"],
	}
	assert "http://example.com/?utm_source=crm&utm_medium=email&utm_campaign=Spring+Sale" in tagged


def test_sms_text_links_carry_utm_campaign_without_the_full_stop():
	text = "Spring sale: https://shop.example.com/s?a=b. Reply STOP"
	assert c.with_utm(text, "S1", "sms", html=False) == (
		"Spring sale: https://shop.example.com/s?a=b&utm_source=crm&utm_medium=sms&utm_campaign=S1. Reply STOP"
	)


def test_batches_cover_every_item_once():
	assert [len(b) for b in c.batches(list(range(1201)), 500)] == [500, 500, 201]
