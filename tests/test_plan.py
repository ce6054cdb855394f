from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.errors import LogicError
from crm_ext.logic.plan import (
	MONTH,
	QUARTER,
	gap,
	percent_done,
	period_bounds,
	period_plan,
	plan_line,
	remaining,
	run_rate_projection,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
money = st.floats(min_value=0, max_value=1e9, allow_nan=False)
signed_money = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(days, st.sampled_from([MONTH, QUARTER]))
def test_period_holds_the_day_and_is_a_whole_month_or_quarter(day, period_type):
	start, end = period_bounds(period_type, day)
	assert start <= day <= end
	assert start.day == 1
	assert (end + timedelta(days=1)).day == 1
	months = (end.year - start.year) * 12 + end.month - start.month + 1
	assert months == (1 if period_type == MONTH else 3)
	if period_type == QUARTER:
		assert start.month in (1, 4, 7, 10)


def test_period_examples():
	assert period_bounds(MONTH, date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
	assert period_bounds(QUARTER, date(2026, 11, 26)) == (date(2026, 10, 1), date(2026, 12, 31))
	assert period_bounds(MONTH, date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
	with pytest.raises(LogicError) as error:
		period_bounds("Week", date(2026, 1, 1))
	assert error.value.field == "period_type"


def test_quarter_plan_falls_back_to_its_months_a_month_does_not():
	assert period_plan(QUARTER, {QUARTER: 900.0, MONTH: 100.0}) == 900.0
	assert period_plan(QUARTER, {MONTH: 600.0}) == 600.0
	assert period_plan(MONTH, {QUARTER: 900.0}) == 0.0
	assert period_plan(MONTH, {MONTH: 300.0}) == 300.0


@given(signed_money, st.floats(min_value=0.01, max_value=1e9))
def test_percent_is_fact_over_plan(fact, plan):
	assert percent_done(fact, plan) == round(100 * fact / plan, 1)


@given(signed_money, st.floats(max_value=0, min_value=-1e9))
def test_no_percent_without_a_plan(fact, plan):
	assert percent_done(fact, plan) is None


def test_projection_examples():
	start, end = date(2026, 11, 1), date(2026, 11, 30)
	assert run_rate_projection(300, start, end, date(2026, 11, 10)) == 900
	assert run_rate_projection(300, start, end, date(2026, 11, 30)) == 300  # the last day: final
	assert run_rate_projection(300, start, end, date(2026, 12, 5)) == 300  # after: final
	assert run_rate_projection(0, start, end, date(2026, 10, 5)) == 0  # before: nothing to extend
	assert run_rate_projection(-50, start, end, date(2026, 11, 15)) == -100  # credit notes run too
	with pytest.raises(LogicError):
		run_rate_projection(1, end, start, start)


@given(money, days, st.integers(0, 120), st.integers(0, 200))
def test_projection_never_below_fact_and_exact_at_the_end(fact, start, length, offset):
	end = start + timedelta(days=length)
	as_of = start + timedelta(days=offset)
	projected = run_rate_projection(fact, start, end, as_of)
	assert projected >= fact
	if as_of >= end:
		assert projected == fact
	else:
		# pace x whole period
		assert projected == pytest.approx(fact / (offset + 1) * (length + 1))


@given(money, signed_money, signed_money)
def test_remaining_and_gap_are_never_negative_and_gap_within_remaining(plan, fact, pipeline):
	assert remaining(plan, fact) >= 0
	assert 0 <= gap(plan, fact, pipeline) <= remaining(plan, fact)


def test_gap_examples():
	assert gap(1000, 300, 200) == 500
	assert gap(1000, 300, 900) == 0
	assert gap(1000, 1200, 0) == 0
	assert gap(1000, 300, -50) == 700  # a negative pipeline never widens the gap
	assert remaining(1000, 300) == 700


def test_plan_line_rounds_once():
	line = plan_line(1000, 333.333, 100.004, date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 10))
	assert (line.plan, line.fact, line.weighted_pipeline) == (1000, 333.33, 100.0)
	assert line.percent == 33.3
	assert line.projection == 1000.0
	assert line.projected_percent == 100.0
	assert (line.remaining, line.gap) == (666.67, 566.66)
