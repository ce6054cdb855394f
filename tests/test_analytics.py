"""Properties of the analytics maths (crm_ext.logic.analytics)."""

import statistics
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crm_ext.logic.analytics import (
	BEFORE_PERIOD,
	NO_DATE,
	ForecastLine,
	RFMInput,
	abc_classes,
	coverage,
	forecast,
	funnel,
	histogram_percentile,
	mean_score,
	median_p90,
	month_bucket,
	percent,
	rank_scores,
	ratio,
	reached_counts,
	rfm_scores,
	weighted_amount,
)
from crm_ext.logic.errors import LogicError

money = st.decimals(min_value=-1000, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
positive_money = st.decimals(min_value=Decimal("0.01"), max_value=100000, places=2)
histograms = st.lists(
	st.tuples(st.integers(0, 400).map(lambda x: x / 10), st.integers(1, 20)), min_size=1, max_size=30
)


# --- funnel ---------------------------------------------------------------------------------


@given(st.dictionaries(st.integers(1, 8), st.integers(0, 50)))
def test_reached_never_grows_along_the_pipeline(furthest):
	orders = list(range(1, 9))
	reached = reached_counts(furthest, orders)
	assert [reached[o] for o in orders] == sorted((reached[o] for o in orders), reverse=True)
	assert reached[1] == sum(furthest.values())


@given(st.dictionaries(st.integers(1, 6), st.integers(0, 50)))
def test_funnel_conversions_are_percentages_and_chain(furthest):
	stages = [(f"S{o}", o) for o in range(1, 7)]
	steps = funnel(stages, furthest)
	assert [s.stage for s in steps] == [name for name, _o in stages]
	for step, nxt in pairwise(steps):
		if step.reached:
			assert 0 <= step.to_next <= 100
			assert step.to_next == percent(nxt.reached, step.reached)
		else:
			assert step.to_next is None
	assert steps[-1].to_next is None
	if steps[0].reached:
		assert steps[0].overall == 100
		assert all(0 <= s.overall <= 100 for s in steps)


def test_funnel_known_figures():
	# 10 cards: 4 stopped in New, 3 reached Quote (furthest), 1 skipped to Won, 2 won via Quote.
	# Counting by furthest: New(1)=4, Quote(2)=3, Won(3)=3.
	steps = funnel([("New", 1), ("Quote", 2), ("Won", 3)], {1: 4, 2: 3, 3: 3})
	assert [(s.reached, s.to_next, s.overall) for s in steps] == [
		(10, 60.0, 100.0),
		(6, 50.0, 60.0),
		(3, None, 30.0),
	]


def test_removed_stage_orders_still_count_below():
	assert reached_counts({5: 2}, [1, 3]) == {1: 2, 3: 2}
	assert funnel([], {}) == []


# --- percentiles ----------------------------------------------------------------------------


def expand(histogram):
	return sorted(v for v, c in histogram for _ in range(c))


@given(histograms)
def test_median_matches_statistics(histogram):
	values = expand(histogram)
	assert histogram_percentile(histogram, 0.5) == pytest.approx(statistics.median(values))


@given(histograms)
def test_p90_matches_inclusive_quantiles(histogram):
	values = expand(histogram)
	assume(len(values) >= 2)
	expected = statistics.quantiles(values, n=10, method="inclusive")[8]
	assert histogram_percentile(histogram, 0.9) == pytest.approx(expected)


@given(histograms, st.floats(0, 1), st.floats(0, 1))
def test_percentiles_are_monotone_and_within_range(histogram, q1, q2):
	low, high = sorted((q1, q2))
	values = expand(histogram)
	p_low, p_high = histogram_percentile(histogram, low), histogram_percentile(histogram, high)
	assert values[0] - 1e-9 <= p_low <= p_high + 1e-9 <= values[-1] + 2e-9


def test_percentile_edges():
	assert histogram_percentile([], 0.5) is None
	assert histogram_percentile([(3.0, 0)], 0.5) is None
	assert median_p90([(2.0, 1)]) == (2.0, 2.0)
	# 1, 2, 3, 4, 10: median 3; p90 at position 3.6 -> 4 + 0.6 x 6 = 7.6
	assert median_p90([(1, 1), (2, 1), (3, 1), (4, 1), (10, 1)]) == (3.0, pytest.approx(7.6))
	with pytest.raises(LogicError):
		histogram_percentile([(1, 1)], 1.5)


# --- ABC ------------------------------------------------------------------------------------


def _rev(values):
	return {f"C{i:03d}": v for i, v in enumerate(values)}


@given(st.lists(money, min_size=1, max_size=40), st.integers(1, 99), st.integers(0, 50))
def test_abc_a_covers_its_share_and_no_less_is_enough(values, a, b):
	assume(a + b <= 100)
	revenues = _rev(values)
	classes = abc_classes(revenues, a, b)
	total = sum(v for v in values if v > 0)
	a_revenue = sum(revenues[k] for k, c in classes.items() if c == "A")
	if total > 0:
		assert a_revenue * 100 >= a * total
		smallest_a = min(revenues[k] for k, c in classes.items() if c == "A")
		assert (a_revenue - smallest_a) * 100 < a * total
		ab_revenue = sum(revenues[k] for k, c in classes.items() if c in ("A", "B"))
		assert ab_revenue * 100 >= min(a + b, 100) * total or b == 0
	else:
		assert set(classes.values()) <= {"C"}


@given(st.lists(money, min_size=1, max_size=40))
def test_abc_higher_revenue_never_gets_a_worse_class(values):
	revenues = _rev(values)
	classes = abc_classes(revenues)
	for k1, v1 in revenues.items():
		for k2, v2 in revenues.items():
			if v1 > v2:
				assert classes[k1] <= classes[k2]
	assert all(classes[k] == "C" for k, v in revenues.items() if v <= 0)


def test_abc_known_figures():
	# total 100: X 50 (A), Y 30 (before 50 < 80: A), Z 12 (before 80: B), W 5 (before 92 < 95: B), V 3 (C)
	revenues = {"X": 50, "Y": 30, "Z": 12, "W": 5, "V": 3}
	assert abc_classes(revenues) == {"X": "A", "Y": "A", "Z": "B", "W": "B", "V": "C"}
	assert abc_classes({"X": 95, "Y": 5}) == {"X": "A", "Y": "C"}  # Y is the last 5 %
	assert abc_classes(revenues, 50, 30) == {"X": "A", "Y": "B", "Z": "C", "W": "C", "V": "C"}


@pytest.mark.parametrize("a, b", [(0, 10), (90, 20), (101, 0), (50, -1)])
def test_abc_rejects_bad_shares(a, b):
	with pytest.raises(LogicError):
		abc_classes({"X": 1}, a, b)


# --- RFM ------------------------------------------------------------------------------------


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 30), min_size=1, max_size=40))
def test_rank_scores_in_range_monotone_and_ties_equal(values):
	scores = rank_scores(values)
	assert set(scores.values()) <= set(range(1, 6))
	for k1, v1 in values.items():
		for k2, v2 in values.items():
			if v1 > v2:
				assert scores[k1] >= scores[k2]
			if v1 == v2:
				assert scores[k1] == scores[k2]
	reverse = rank_scores(values, higher_is_better=False)
	for k1, v1 in values.items():
		for k2, v2 in values.items():
			if v1 > v2:
				assert reverse[k1] <= reverse[k2]


@given(st.integers(1, 20))
def test_rank_scores_split_distinct_values_evenly(groups):
	values = {f"K{i}": i for i in range(groups * 5)}
	scores = rank_scores(values)
	assert [list(scores.values()).count(s) for s in range(1, 6)] == [groups] * 5


def test_rfm_known_figures():
	customers = {
		"A": RFMInput(recency_days=3, frequency=10, monetary=1000),
		"B": RFMInput(recency_days=30, frequency=2, monetary=5000),
		"C": RFMInput(recency_days=300, frequency=1, monetary=10),
		"D": RFMInput(recency_days=30, frequency=2, monetary=200),
		"E": RFMInput(recency_days=90, frequency=5, monetary=700),
	}
	# recency: worse (more days) than A: 4 -> 1 + 4 = 5; B, D: 2 worse (E, C) -> 3; E: 1 -> 2; C: 1
	assert rfm_scores(customers) == {
		"A": (5, 5, 4),
		"B": (3, 2, 5),
		"C": (1, 1, 1),
		"D": (3, 2, 2),
		"E": (2, 4, 3),
	}
	with pytest.raises(LogicError):
		rank_scores({"x": 1}, bins=0)


# --- forecast -------------------------------------------------------------------------------


@given(positive_money, st.integers(-10, 150))
def test_weighted_amount_between_zero_and_amount(amount, probability):
	weighted = weighted_amount(amount, probability)
	assert 0 <= weighted <= amount
	if 0 <= probability <= 100:
		assert weighted == amount * probability / 100


@given(
	st.lists(
		st.tuples(st.sampled_from(["2026-01", "2026-02", "2026-03"]), positive_money, st.integers(0, 100)),
		max_size=20,
	)
)
def test_forecast_sums_per_bucket(lines):
	result = forecast([ForecastLine(b, a, p) for b, a, p in lines])
	assert list(result) == sorted(result)
	for bucket, row in result.items():
		assert row.pipeline == sum(a for b, a, _p in lines if b == bucket)
		assert row.weighted == sum(a * p / 100 for b, a, p in lines if b == bucket)
		assert row.weighted <= row.pipeline


def test_forecast_known_figures_with_rates_and_unpaid():
	result = forecast(
		[
			ForecastLine("2026-01", 1000, 50),
			ForecastLine("2026-01", 200, 10, rate=2),
			ForecastLine("2026-02", 300, 80),
		],
		[ForecastLine("2026-02", 150), ForecastLine("2026-03", 40, rate="1.5")],
	)
	assert {k: (v.pipeline, v.weighted, v.invoiced_unpaid, v.expected) for k, v in result.items()} == {
		"2026-01": (Decimal(1400), Decimal(540), Decimal(0), Decimal(540)),
		"2026-02": (Decimal(300), Decimal(240), Decimal(150), Decimal(390)),
		"2026-03": (Decimal(0), Decimal(0), Decimal(60), Decimal(60)),
	}


def test_coverage_and_buckets():
	assert coverage(1500, 1000) == 150.0
	assert coverage(1500, 0) is None
	assert coverage(1, 3) == 33.3
	assert month_bucket("2026-01", "2026-02") == BEFORE_PERIOD
	assert month_bucket("2026-02", "2026-02") == "2026-02"
	assert month_bucket(None, "2026-02") == NO_DATE
	assert BEFORE_PERIOD < "2026-02" < NO_DATE


# --- ratio (KPIs) ---------------------------------------------------------------------------


def test_ratio_rounds_and_is_none_without_a_whole():
	assert ratio(1000, 3) == 333.33
	assert ratio(5, 2, digits=0) == 2.0  # banker's rounding of 2.5
	assert ratio(7, 0) is None
	assert ratio(7, None) is None
	assert ratio(None, 4) == 0.0


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=10**6))
def test_ratio_times_whole_gives_back_part(part, whole):
	assert abs(ratio(part, whole, digits=6) * whole - part) <= whole * 1e-6


def test_mean_score_leaves_unknown_scores_out():
	assert mean_score([80, 50]) == 65.0
	assert mean_score([70, None]) == 70.0
	assert mean_score([None, None]) is None
	assert mean_score([]) is None
	assert mean_score([Decimal("33.33"), 66.67, 100]) == 66.7


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=100)), max_size=6))
def test_mean_score_lies_between_the_known_scores(scores):
	known = [s for s in scores if s is not None]
	result = mean_score(scores, digits=6)
	if not known:
		assert result is None
	else:
		assert min(known) - 1e-6 <= result <= max(known) + 1e-6
