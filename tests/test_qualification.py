"""Tier 1: supplier qualification scoring, answers, documents and validity dates."""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crm_ext.logic.qualification import (
	CHOICE,
	DOCUMENT,
	NUMBER,
	STEP,
	TEXT,
	YES_NO,
	Answer,
	Criterion,
	ProvidedDocument,
	QualificationError,
	RequiredDocument,
	add_months,
	answers_from_template,
	categories_outside,
	check_answers,
	check_documents,
	check_template,
	criterion_points,
	documents_from_template,
	expiry_notice_due,
	is_expired,
	number_points,
	parse_choice_options,
	score,
	valid_until,
	validity_end,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
# a weight as a person types it into the template's Float field: 0 (collect information only) or a
# positive number of sensible size (a subnormal 5e-324 scaled by 0.01 underflows to 0)
weights = st.just(0.0) | st.floats(min_value=0.001, max_value=100, allow_nan=False)
OPTIONS = (("None", 0.0), ("Partial", 4.0), ("ISO 9001", 10.0))


@st.composite
def criteria_and_answers(draw, min_size=1):
	"""A list of criteria of every type, each with a random (possibly missing) answer."""
	n = draw(st.integers(min_value=min_size, max_value=8))
	criteria, answers = [], {}
	for i in range(n):
		kind = draw(st.sampled_from([YES_NO, NUMBER, CHOICE, DOCUMENT, TEXT]))
		key = f"c{i}"
		kw = {"key": key, "answer_type": kind, "weight": draw(weights), "knock_out": draw(st.booleans())}
		if kind == NUMBER:
			target, zero = draw(finite), draw(finite)
			assume(target != zero)
			kw.update(target=target, zero_value=zero, curve=draw(st.sampled_from(["Linear", STEP])))
		if kind == CHOICE:
			kw["options"] = OPTIONS
		criterion = Criterion(**kw)
		criteria.append(criterion)
		if draw(st.booleans()):
			answers[key] = draw(answer_for(criterion))
	return criteria, answers


def answer_for(criterion: Criterion):
	if criterion.answer_type == YES_NO:
		return st.sampled_from(["Yes", "No"]).map(Answer)
	if criterion.answer_type == NUMBER:
		return finite.map(lambda v: Answer(repr(v)))
	if criterion.answer_type == CHOICE:
		return st.sampled_from([label for label, _p in OPTIONS]).map(Answer)
	if criterion.answer_type == DOCUMENT:
		return st.booleans().map(lambda f: Answer("", has_file=f))
	return st.text(max_size=20).map(Answer)


@given(criteria_and_answers(), st.floats(min_value=0, max_value=100))
def test_score_is_within_0_and_100(data, pass_score):
	criteria, answers = data
	result = score(criteria, answers, pass_score)
	assert 0 <= result.score <= 100
	assert all(0 <= p <= 1 for p in result.points.values())


@given(criteria_and_answers(), st.floats(min_value=0, max_value=100))
def test_failed_knock_out_fails_whatever_the_score(data, pass_score):
	criteria, answers = data
	result = score(criteria, answers, pass_score)
	knocked_out = any(c.knock_out and criterion_points(c, answers.get(c.key)) == 0 for c in criteria)
	assert bool(result.failed_knock_outs) == knocked_out
	if knocked_out:
		assert not result.passed
	else:
		assert result.passed == (result.score >= pass_score)


@given(criteria_and_answers(), st.floats(min_value=0.01, max_value=1000))
def test_weights_are_normalised(data, factor):
	"""Scaling every weight by the same factor does not change the score."""
	criteria, answers = data
	assume(sum(c.weight for c in criteria) > 0)
	scaled = [Criterion(**{**c.__dict__, "weight": c.weight * factor}) for c in criteria]
	assert score(scaled, answers, 50).score == pytest.approx(score(criteria, answers, 50).score, abs=0.02)


@given(criteria_and_answers())
def test_all_full_answers_score_100(data):
	criteria, _answers = data
	assume(sum(c.weight for c in criteria) > 0)
	best = {}
	for c in criteria:
		best[c.key] = {
			YES_NO: Answer("Yes"),
			NUMBER: Answer(repr(c.target)),
			CHOICE: Answer("ISO 9001"),
			DOCUMENT: Answer("", has_file=True),
			TEXT: Answer("see attached"),
		}[c.answer_type]
	result = score(criteria, best, 100)
	assert result.score == 100
	assert result.passed


@given(criteria_and_answers(), st.data())
def test_score_is_monotone_in_each_answer(data, draw):
	"""Improving one answer (by its own criterion's points) never lowers the total score."""
	criteria, answers = data
	criterion = draw.draw(st.sampled_from(criteria))
	a = draw.draw(answer_for(criterion))
	b = draw.draw(answer_for(criterion))
	if criterion_points(criterion, a) > criterion_points(criterion, b):
		a, b = b, a
	low = score(criteria, {**answers, criterion.key: a}, 50)
	high = score(criteria, {**answers, criterion.key: b}, 50)
	assert high.score >= low.score
	assert high.passed or not low.passed


@given(finite, finite, finite, finite)
def test_number_curve_is_monotone_towards_the_target(target, zero, v1, v2):
	assume(target != zero)
	lo, hi = sorted((v1, v2))
	if target < zero:  # lower is better: moving towards the target means decreasing
		lo, hi = hi, lo
	for curve in ("Linear", STEP):
		assert number_points(hi, target, zero, curve) >= number_points(lo, target, zero, curve)
		assert number_points(target, target, zero, curve) == 1
		assert number_points(zero, target, zero, curve) == 0


def test_number_curve_examples():
	assert number_points(5, target=10, zero_value=0) == 0.5
	assert number_points(15, target=10, zero_value=0) == 1
	assert number_points(-3, target=10, zero_value=0) == 0
	# lead time: 5 days is the target, 30 days earns nothing
	assert number_points(10, target=5, zero_value=30) == pytest.approx(0.8)
	assert number_points(9.99, target=10, zero_value=0, curve=STEP) == 0


def test_weighted_example_and_knock_out():
	criteria = [
		Criterion("iso", YES_NO, weight=2, knock_out=True),
		Criterion("years", NUMBER, weight=1, target=10, zero_value=0),
		Criterion("cert", CHOICE, weight=1, options=OPTIONS),
	]
	result = score(criteria, {"iso": Answer("Yes"), "years": Answer("5"), "cert": Answer("Partial")}, 60)
	assert result.score == pytest.approx(100 * (2 + 0.5 + 0.4) / 4)
	assert result.passed
	failed = score(criteria, {"iso": Answer("No"), "years": Answer("10"), "cert": Answer("ISO 9001")}, 0)
	assert failed.failed_knock_outs == ("iso",)
	assert not failed.passed


def test_parse_choice_options():
	assert parse_choice_options("ISO 9001 | 10\n\n Partial|4,5 ") == (("ISO 9001", 10.0), ("Partial", 4.5))
	for bad in ("no points here", "A | -1", "A | 1\na | 2"):
		with pytest.raises(QualificationError):
			parse_choice_options(bad, "Certification")


def test_answers_are_checked_and_mandatory_ones_required_on_submission():
	criteria = [
		Criterion("iso", YES_NO, knock_out=True, label="ISO certified?"),
		Criterion("years", NUMBER, target=10, zero_value=0, label="Years in business"),
		Criterion("cert", CHOICE, options=OPTIONS, label="Certification"),
	]
	check_answers(criteria, {}, for_submission=False)
	with pytest.raises(QualificationError, match="ISO certified"):
		check_answers(criteria, {}, for_submission=True)
	with pytest.raises(QualificationError, match="number"):
		check_answers(criteria, {"years": Answer("ten")}, for_submission=False)
	with pytest.raises(QualificationError, match="Yes or No"):
		check_answers(criteria, {"iso": Answer("maybe")}, for_submission=False)
	with pytest.raises(QualificationError, match="choose one of"):
		check_answers(criteria, {"cert": Answer("Gold")}, for_submission=False)
	check_answers(criteria, {"iso": Answer("No"), "years": Answer("3,5"), "cert": Answer("iso 9001")}, True)


def test_template_rules():
	ok = [Criterion("a", YES_NO, weight=1)]
	check_template(ok, 60, 12, ["Tax certificate"], ["Raw Material"])
	cases = [
		([], 60, 12, [], ["G"]),
		(ok, 120, 12, [], ["G"]),
		(ok, 60, 0, [], ["G"]),
		(ok, 60, 12, [], []),
		([Criterion("a", YES_NO, weight=0)], 60, 12, [], ["G"]),
		([Criterion("n", NUMBER, target=5, zero_value=5)], 60, 12, [], ["G"]),
		([Criterion("n", NUMBER)], 60, 12, [], ["G"]),
		([Criterion("c", CHOICE)], 60, 12, [], ["G"]),
		([Criterion("c", CHOICE, options=(("x", 0.0),))], 60, 12, [], ["G"]),
		(ok, 60, 12, ["Licence", "licence"], ["G"]),
		([Criterion("a", YES_NO, weight=-1)], 60, 12, [], ["G"]),
	]
	for args in cases:
		with pytest.raises(QualificationError):
			check_template(*args)


def test_documents_rules():
	today = date(2026, 6, 1)
	required = [
		RequiredDocument("Tax certificate", expiry_required=True),
		RequiredDocument("Company profile"),
	]
	good = [
		ProvidedDocument("Tax certificate", True, date(2027, 1, 1)),
		ProvidedDocument("Company profile", True),
	]
	check_documents(required, good, today, for_submission=True)
	check_documents(required, [], today, for_submission=False)
	with pytest.raises(QualificationError, match="expiry date"):
		check_documents(required, [ProvidedDocument("Tax certificate", True)], today, for_submission=False)
	with pytest.raises(QualificationError, match="Company profile"):
		check_documents(required, good[:1], today, for_submission=True)
	with pytest.raises(QualificationError, match="expired"):
		expired = [ProvidedDocument("Tax certificate", True, date(2026, 5, 31)), good[1]]
		check_documents(required, expired, today, for_submission=True)
	# a document row without a file does not count as uploaded
	with pytest.raises(QualificationError, match="Company profile"):
		check_documents(required, [good[0], ProvidedDocument("Company profile", False)], today, True)


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(dates, st.integers(min_value=0, max_value=240))
def test_add_months_keeps_the_day_or_clamps_to_month_end(start, months):
	end = add_months(start, months)
	assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
	assert end.day == start.day or (end.day < start.day and (end + timedelta(days=1)).day == 1)


@given(dates, st.integers(min_value=1, max_value=120))
def test_validity_end_is_the_day_before_the_anniversary(start, months):
	end = validity_end(start, months)
	assert start < end + timedelta(days=1) == add_months(start, months)
	assert not is_expired(end, end)
	assert is_expired(end, end + timedelta(days=1))


def test_validity_examples():
	assert validity_end(date(2026, 1, 15), 12) == date(2027, 1, 14)
	assert validity_end(date(2026, 1, 31), 1) == date(2026, 2, 27)
	assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


@given(dates, st.integers(min_value=1, max_value=60), st.lists(st.one_of(st.none(), dates), max_size=4))
def test_valid_until_is_cut_short_by_the_earliest_document(start, months, expiries):
	until = valid_until(start, months, expiries)
	assert until <= validity_end(start, months)
	for d in expiries:
		if d:
			assert until <= d
	assert until in [validity_end(start, months), *[d for d in expiries if d]]


@given(dates, st.integers(min_value=-40, max_value=40))
def test_expiry_notice_window_is_30_days(until, offset):
	on = until + timedelta(days=offset)
	assert expiry_notice_due(until, on) == (-30 <= offset <= 0)
	assert not expiry_notice_due(None, on)


def test_categories_outside_is_tree_aware():
	tree = {"Steel": ["Raw Material", "All Item Groups"], "Services": ["All Item Groups"], "Raw Material": []}
	assert categories_outside(["Steel", "Raw Material"], ["Raw Material"], tree) == []
	assert categories_outside(["Steel", "Services"], ["Raw Material"], tree) == ["Services"]
	assert categories_outside(["Services"], ["All Item Groups"], tree) == []


# --- rules come from the template, answers from the supplier ---------------------------------

TEMPLATE = [
	{"name": "k1", "criterion": "ISO?", "answer_type": "Yes/No", "weight": 2, "knock_out": 1},
	{"name": "k2", "criterion": "Years", "answer_type": "Number", "weight": 1, "target_value": 10},
]


def test_answer_rows_follow_the_template_whatever_the_client_sent():
	sent = [
		# the supplier's own rows, rules forged: weight 0, no knock-out
		{"criterion_key": "k2", "answer": "8", "weight": 0, "knock_out": 0, "question": "Easy"},
		{"criterion_key": "k1", "answer": "No", "weight": 0, "knock_out": 0, "attachment": "/f"},
		{"criterion_key": "k1", "answer": "Yes"},  # a second row for the same criterion
		{"criterion_key": "forged", "answer": "Yes", "weight": 100},  # a criterion the template lacks
		{"answer": "Yes", "weight": 100},
	]
	rows = answers_from_template(TEMPLATE, sent)
	assert [r["criterion_key"] for r in rows] == ["k1", "k2"]
	assert [(r["weight"], r["knock_out"], r["question"]) for r in rows] == [
		(2, 1, "ISO?"),
		(1, None, "Years"),
	]
	assert [(r["answer"], r["attachment"], r["continues"]) for r in rows] == [("No", "/f", 1), ("8", None, 0)]


def test_missing_answer_rows_are_added_empty():
	rows = answers_from_template(TEMPLATE, [])
	assert [(r["criterion_key"], r["answer"], r["continues"]) for r in rows] == [
		("k1", None, None),
		("k2", None, None),
	]


@given(
	st.lists(
		st.fixed_dictionaries(
			{
				"criterion_key": st.sampled_from(["k1", "k2", "x", None]),
				"weight": weights,
				"knock_out": st.integers(0, 1),
				"answer": st.text(max_size=3),
			}
		),
		max_size=6,
	)
)
def test_rules_never_come_from_the_rows(sent):
	rows = answers_from_template(TEMPLATE, sent)
	assert [{k: r[k] for k in ("criterion_key", "weight", "knock_out")} for r in rows] == [
		{"criterion_key": c["name"], "weight": c.get("weight"), "knock_out": c.get("knock_out")}
		for c in TEMPLATE
	]
	for row in rows:
		if row["continues"] is not None:
			assert sent[row["continues"]]["criterion_key"] == row["criterion_key"]
			assert row["answer"] == sent[row["continues"]]["answer"]


def test_document_rows_take_expiry_required_from_the_template():
	required = [RequiredDocument("Tax certificate", True), RequiredDocument("Profile", False)]
	sent = [
		{
			"document_type": "tax CERTIFICATE",
			"expiry_required": 0,
			"attachment": "/tax",
			"expiry_date": "2030-01-01",
		},
		{"document_type": "ISO certificate", "expiry_required": 1, "attachment": "/iso"},
	]
	rows = documents_from_template(required, sent)
	assert [(r["document_type"], r["expiry_required"], r["attachment"]) for r in rows] == [
		("Tax certificate", 1, "/tax"),
		("Profile", 0, None),
		("ISO certificate", 0, "/iso"),
	]
