import time as clock
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crm_ext.logic.errors import LogicError
from crm_ext.logic.working_time import (
	WorkingCalendar,
	first_contact_due,
	is_first_contact_late,
	overdue_working_days,
	roll_over,
	weekdays_from_names,
	weekly_days_off,
)

# Monday 6 January 2025 .. Sunday 12 January 2025; 1 January 2025 is a Wednesday.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2025, 1, 6) + timedelta(days=i) for i in range(7))
NEW_YEAR = date(2025, 1, 1)
CAL = WorkingCalendar(holidays=frozenset({NEW_YEAR}), day_start=time(9), day_end=time(18))


def at(d: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
	return datetime.combine(d, time(hour, minute, second))


# --- the calendar itself --------------------------------------------------------------------


def test_default_calendar_is_monday_to_friday_nine_to_six():
	cal = WorkingCalendar()
	assert cal.weekly_off == frozenset({5, 6})
	assert cal.day_length == timedelta(hours=9)
	assert [cal.is_working_day(d) for d in (MON, TUE, WED, THU, FRI, SAT, SUN)] == [True] * 5 + [False] * 2


def test_a_holiday_list_without_weekly_offs_keeps_the_weekend_off():
	assert weekly_days_off([]) == frozenset({5, 6})
	assert weekly_days_off([NEW_YEAR]) == frozenset({NEW_YEAR.weekday()})
	assert weekly_days_off([SUN, SUN + timedelta(days=7)]) == frozenset({6})
	cal = WorkingCalendar(holidays=frozenset({NEW_YEAR}), weekly_off=weekly_days_off([]))
	assert roll_over(FRI, SAT, cal) == MON + timedelta(days=7)


def test_end_before_start_is_refused_naming_the_field():
	with pytest.raises(LogicError) as e:
		WorkingCalendar(day_start=time(18), day_end=time(9))
	assert e.value.field == "day_end"
	assert "18:00" in e.value.message and "09:00" in e.value.message
	with pytest.raises(LogicError):
		WorkingCalendar(day_start=time(9), day_end=time(9))


@pytest.mark.parametrize(
	"weekly_off", [frozenset(range(7)), frozenset({7}), frozenset({-1}), frozenset({"6"})]
)
def test_impossible_weekly_offs_are_refused(weekly_off):
	with pytest.raises(LogicError) as e:
		WorkingCalendar(weekly_off=weekly_off)
	assert e.value.field == "weekly_off"


def test_no_working_day_at_all_is_a_clear_error_not_an_endless_loop():
	with pytest.raises(LogicError) as e:
		WorkingCalendar(weekly_off=frozenset(range(7)))
	assert "no working day" in e.value.message


def test_frappe_values_are_accepted():
	"""Time fields come as timedelta, holiday sets as lists or sets, dates sometimes as datetimes."""
	cal = WorkingCalendar(
		holidays=[datetime(2025, 1, 1, 0, 0)],
		weekly_off=weekdays_from_names(["Sunday", " saturday "]),
		day_start=timedelta(hours=8, minutes=30),
		day_end=timedelta(hours=17),
	)
	assert cal.holidays == frozenset({NEW_YEAR})
	assert cal.weekly_off == frozenset({5, 6})
	assert (cal.day_start, cal.day_end) == (time(8, 30), time(17))
	assert cal == WorkingCalendar(frozenset({NEW_YEAR}), frozenset({5, 6}), time(8, 30), time(17))
	assert not cal.is_working_day(datetime(2025, 1, 1, 12))


@pytest.mark.parametrize("value", [timedelta(hours=24), timedelta(hours=-1), "09:00", None])
def test_bad_times_are_refused(value):
	with pytest.raises(LogicError) as e:
		WorkingCalendar(day_start=value)
	assert e.value.field == "day_start"


def test_holidays_must_be_dates():
	with pytest.raises(LogicError) as e:
		WorkingCalendar(holidays=["2025-01-01"])
	assert e.value.field == "holidays"


def test_unknown_day_name_is_refused():
	with pytest.raises(LogicError) as e:
		weekdays_from_names(["Sunday", "Funday"])
	assert e.value.field == "weekly_off"
	assert "Funday" in e.value.message


def test_working_days():
	assert not CAL.is_working_day(NEW_YEAR)
	assert CAL.next_working_day(date(2024, 12, 31)) == date(2025, 1, 2)
	assert CAL.next_working_day(FRI) == date(2025, 1, 13)
	assert CAL.next_working_day(MON) == TUE
	assert CAL.working_day_on_or_after(MON) == MON
	assert CAL.working_day_on_or_after(SAT) == date(2025, 1, 13)
	assert CAL.working_day_on_or_after(NEW_YEAR) == date(2025, 1, 2)
	assert CAL.working_days_between(date(2024, 12, 31), date(2025, 1, 7)) == 4  # 2, 3, 6, 7 Jan
	assert CAL.working_days_between(MON, MON) == 0
	assert CAL.working_days_between(TUE, MON) == 0
	assert CAL.nth_working_day_after(date(2024, 12, 31), 4) == date(2025, 1, 7)


def test_holidays_on_days_off_do_not_count_twice():
	cal = WorkingCalendar(holidays=frozenset({SAT, SUN}))
	assert cal.working_days_between(FRI, date(2025, 1, 13)) == 1


# --- adding working minutes -----------------------------------------------------------------


@pytest.mark.parametrize(
	"start,minutes,expected",
	[
		(at(MON, 10), 30, at(MON, 10, 30)),
		(at(MON, 17), 60, at(MON, 18)),  # exactly the closing instant
		(at(MON, 17), 61, at(TUE, 9, 1)),
		(at(MON, 7), 15, at(MON, 9, 15)),  # before opening: counts from opening
		(at(MON, 19), 15, at(TUE, 9, 15)),  # after closing: next opening
		(at(MON, 18), 15, at(TUE, 9, 15)),  # at closing: next opening
		(at(FRI, 17, 50), 15, at(date(2025, 1, 13), 9, 5)),  # over the weekend
		(at(SAT, 12), 15, at(date(2025, 1, 13), 9, 15)),
		(at(date(2024, 12, 31), 17, 30), 60, at(date(2025, 1, 2), 9, 30)),  # over a holiday
		(at(MON, 9), 5 * 9 * 60, at(FRI, 18)),
		(at(MON, 9), 5 * 9 * 60 + 1, at(date(2025, 1, 13), 9, 1)),
		(at(MON, 10, 0, 30), 1, at(MON, 10, 1, 30)),  # seconds are kept
		(at(MON, 10), 0, at(MON, 10)),
		(at(MON, 6), 0, at(MON, 9)),
		(at(SUN, 23), 0, at(date(2025, 1, 13), 9)),
	],
)
def test_add_working_minutes(start, minutes, expected):
	assert CAL.add_working_minutes(start, minutes) == expected
	assert CAL.working_minutes_between(start, expected) == minutes


def test_negative_minutes_are_refused():
	with pytest.raises(LogicError) as e:
		CAL.add_working_minutes(at(MON, 10), -1)
	assert e.value.field == "minutes"


def test_huge_minute_counts_skip_whole_days():
	holidays = frozenset(date(2025, 1, 1) + timedelta(days=3 * i) for i in range(5000))
	cal = WorkingCalendar(holidays=holidays, weekly_off=frozenset({6}), day_start=time(8), day_end=time(8, 1))
	began = clock.perf_counter()
	due = cal.add_working_minutes(at(MON, 12), 2_000_000)
	assert clock.perf_counter() - began < 1
	assert cal.working_minutes_between(at(MON, 12), due) == 2_000_000
	assert cal.is_working_day(due)


def test_aware_datetimes_keep_their_zone_and_wall_clock():
	zone = timezone(timedelta(hours=3))
	start = datetime(2025, 1, 10, 17, 50, tzinfo=zone)
	due = CAL.add_working_minutes(start, 15)
	assert due == datetime(2025, 1, 13, 9, 5, tzinfo=zone)
	assert CAL.working_minutes_between(start, due) == 15


# --- working minutes between ----------------------------------------------------------------


@pytest.mark.parametrize(
	"start,end,expected",
	[
		(at(MON, 10), at(MON, 9), 0),
		(at(MON, 10), at(MON, 10), 0),
		(at(MON, 10), at(MON, 11, 0, 59), 60),  # rounded down to whole minutes
		(at(MON, 7), at(MON, 8), 0),
		(at(MON, 7), at(MON, 20), 9 * 60),
		(at(FRI, 17), at(date(2025, 1, 13), 10), 120),
		(at(SAT, 10), at(SUN, 10), 0),
		(at(MON, 17), at(WED, 8), 9 * 60 + 60),
		(at(date(2024, 12, 31), 9), at(date(2025, 1, 3), 18), 27 * 60),
	],
)
def test_working_minutes_between(start, end, expected):
	assert CAL.working_minutes_between(start, end) == expected


def test_working_time_between_is_exact():
	assert CAL.working_time_between(at(MON, 10), at(MON, 10, 0, 30)) == timedelta(seconds=30)
	assert CAL.is_working_time(at(MON, 9))
	assert not CAL.is_working_time(at(MON, 18))
	assert not CAL.is_working_time(at(SAT, 12))


# --- first contact --------------------------------------------------------------------------


def test_first_contact_due_counts_working_minutes():
	assert first_contact_due(at(MON, 10), 15, CAL) == at(MON, 10, 15)
	assert first_contact_due(at(FRI, 17, 55), 15, CAL) == at(date(2025, 1, 13), 9, 10)
	assert first_contact_due(at(SAT, 3), 30, CAL) == at(date(2025, 1, 13), 9, 30)


def test_first_contact_negative_service_time_is_refused():
	with pytest.raises(LogicError) as e:
		first_contact_due(at(MON, 10), -5, CAL)
	assert e.value.field == "service_minutes"


def test_is_first_contact_late():
	created = at(MON, 10)
	due = at(MON, 10, 15)
	assert not is_first_contact_late(created, due, at(MON, 12), 15, CAL)
	assert is_first_contact_late(created, due + timedelta(seconds=1), at(MON, 12), 15, CAL)
	assert not is_first_contact_late(created, None, due, 15, CAL)
	assert is_first_contact_late(created, None, due + timedelta(seconds=1), 15, CAL)
	# a contact in time stays in time whatever the clock says now
	assert not is_first_contact_late(created, at(MON, 10, 5), at(date(2025, 2, 1), 12), 15, CAL)
	# a lead created on Friday evening is not late on Saturday
	assert not is_first_contact_late(at(FRI, 20), None, at(SAT, 12), 15, CAL)


# --- follow-ups -----------------------------------------------------------------------------


def test_roll_over():
	assert roll_over(THU, FRI, CAL) == FRI
	assert roll_over(FRI, SAT, CAL) == date(2025, 1, 13)
	assert roll_over(date(2024, 12, 30), NEW_YEAR, CAL) == date(2025, 1, 2)
	assert roll_over(FRI, FRI, CAL) is None
	assert roll_over(SAT, FRI, CAL) is None


def test_overdue_working_days():
	assert overdue_working_days(FRI, date(2025, 1, 13), CAL) == 1
	assert overdue_working_days(FRI, SUN, CAL) == 0
	assert overdue_working_days(THU, SUN, CAL) == 1
	assert overdue_working_days(MON, MON, CAL) == 0
	assert overdue_working_days(TUE, MON, CAL) == 0
	assert overdue_working_days(date(2024, 12, 31), date(2025, 1, 6), CAL) == 3


# --- properties -----------------------------------------------------------------------------

FIRST, LAST = date(2024, 1, 1), date(2026, 12, 31)


@st.composite
def calendars(draw, min_minutes: int = 1):
	"""Any valid calendar; working windows of at least ``min_minutes``, at any second."""
	start = draw(st.integers(0, 24 * 3600 - 60 * min_minutes - 1))
	end = draw(st.integers(start + 60 * min_minutes, 24 * 3600 - 1))
	return WorkingCalendar(
		holidays=draw(st.frozensets(st.dates(FIRST, LAST), max_size=80)),
		weekly_off=draw(st.frozensets(st.integers(0, 6), max_size=6)),
		day_start=(datetime.min + timedelta(seconds=start)).time(),
		day_end=(datetime.min + timedelta(seconds=end)).time(),
	)


moments = st.datetimes(datetime(2024, 1, 1), datetime(2026, 12, 31, 23, 59, 59))
days = st.dates(FIRST, LAST)
minute_counts = st.integers(0, 100_000)


def brute_working_days(cal: WorkingCalendar, after: date, until: date) -> int:
	return sum(1 for i in range(1, (until - after).days + 1) if cal.is_working_day(after + timedelta(days=i)))


def brute_working_time(cal: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
	"""Day by day overlap of [start, end) with every working window."""
	total = timedelta(0)
	d = start.date()
	while d <= end.date():
		if cal.is_working_day(d):
			opens, closes = datetime.combine(d, cal.day_start), datetime.combine(d, cal.day_end)
			total += max(timedelta(0), min(end, closes) - max(start, opens))
		d += timedelta(days=1)
	return total


def brute_add(cal: WorkingCalendar, start: datetime, minutes: int) -> datetime:
	"""Walk day by day, using up each working window."""
	left, moment = timedelta(minutes=minutes), start
	while True:
		d = moment.date()
		if cal.is_working_day(d):
			opens, closes = datetime.combine(d, cal.day_start), datetime.combine(d, cal.day_end)
			moment = max(moment, opens)
			if moment < closes:
				if left <= closes - moment:
					return moment + left
				left -= closes - moment
		moment = datetime.combine(d + timedelta(days=1), time.min)


def assert_working_or_closing(cal: WorkingCalendar, moment: datetime):
	assert cal.is_working_day(moment.date())
	assert cal.day_start <= moment.time() <= cal.day_end


@given(calendars(), moments, minute_counts)
def test_result_is_always_working_time_or_a_closing_instant(cal, start, minutes):
	due = cal.add_working_minutes(start, minutes)
	assert_working_or_closing(cal, due)
	assert due >= start


@given(calendars(), moments, minute_counts)
def test_add_then_between_round_trips(cal, start, minutes):
	assert cal.working_minutes_between(start, cal.add_working_minutes(start, minutes)) == minutes


@given(calendars(min_minutes=30), moments, st.integers(0, 5000))
def test_add_matches_a_day_by_day_walk(cal, start, minutes):
	assert cal.add_working_minutes(start, minutes) == brute_add(cal, start, minutes)


@given(calendars(), moments, st.integers(0, 120 * 24 * 3600))
def test_between_matches_a_day_by_day_sum(cal, start, seconds):
	end = start + timedelta(seconds=seconds)
	assert cal.working_time_between(start, end) == brute_working_time(cal, start, end)
	assert cal.working_time_between(end, start) == timedelta(0)


@given(calendars(), moments, minute_counts, minute_counts)
def test_add_is_strictly_monotone_in_minutes(cal, start, m1, m2):
	assume(m1 != m2)
	low, high = sorted((m1, m2))
	assert cal.add_working_minutes(start, low) < cal.add_working_minutes(start, high)


@given(calendars(), moments, moments, minute_counts)
def test_add_is_monotone_in_start(cal, s1, s2, minutes):
	early, late = sorted((s1, s2))
	assert cal.add_working_minutes(early, minutes) <= cal.add_working_minutes(late, minutes)


@given(calendars(), moments, st.integers(0, 10**6), st.integers(0, 10**6))
def test_working_time_is_additive(cal, a, x, y):
	b = a + timedelta(seconds=x)
	c = b + timedelta(seconds=y)
	assert cal.working_time_between(a, c) == cal.working_time_between(a, b) + cal.working_time_between(b, c)


@given(calendars(), moments, minute_counts, st.integers(1, 100_000))
def test_adding_in_two_steps_is_adding_once(cal, start, m1, m2):
	halfway = cal.add_working_minutes(start, m1)
	assert cal.add_working_minutes(halfway, m2) == cal.add_working_minutes(start, m1 + m2)
	assert cal.add_working_minutes(halfway, 0) == cal.next_working_moment(halfway)


@given(calendars(), days)
def test_next_working_day_is_the_first_working_day_after(cal, d):
	n = cal.next_working_day(d)
	assert n > d
	assert cal.is_working_day(n)
	assert brute_working_days(cal, d, n) == 1
	on_or_after = cal.working_day_on_or_after(d)
	assert on_or_after == (d if cal.is_working_day(d) else n)


@given(calendars(), days, days)
def test_working_days_between_counts_every_working_day(cal, a, b):
	assert cal.working_days_between(a, b) == brute_working_days(cal, a, b)


@given(calendars(), days, st.integers(1, 2000))
def test_nth_working_day(cal, d, n):
	nth = cal.nth_working_day_after(d, n)
	assert cal.is_working_day(nth)
	assert cal.working_days_between(d, nth) == n
	assert cal.working_days_between(d, nth - timedelta(days=1)) == n - 1


@given(calendars(), days, days)
def test_roll_over_is_a_working_day_idempotent_and_never_early(cal, due, today):
	rolled = roll_over(due, today, cal)
	if due >= today:
		assert rolled is None
		return
	assert rolled >= today
	assert cal.is_working_day(rolled)
	assert roll_over(rolled, today, cal) is None
	assert brute_working_days(cal, today - timedelta(days=1), rolled) == 1


@given(calendars(), days, days, days)
def test_roll_over_is_monotone_in_today(cal, due, t1, t2):
	early, late = sorted((t1, t2))
	r1, r2 = roll_over(due, early, cal), roll_over(due, late, cal)
	if r1 is not None:
		assert r2 is not None and r2 >= r1


@given(calendars(), days, days, days)
def test_overdue_working_days_counts_and_grows(cal, due, t1, t2):
	early, late = sorted((t1, t2))
	assert overdue_working_days(due, early, cal) == brute_working_days(cal, due, early)
	assert overdue_working_days(due, early, cal) <= overdue_working_days(due, late, cal)
	assert overdue_working_days(due, due, cal) == 0


@given(calendars(), moments, st.integers(0, 600), st.integers(0, 10**6), moments)
def test_first_contact_lateness_is_monotone_in_contact_time(cal, created, service, later, now):
	contacted = created + timedelta(seconds=later)
	due = first_contact_due(created, service, cal)
	late = is_first_contact_late(created, contacted, now, service, cal)
	assert late == (contacted > due)
	if late:
		assert is_first_contact_late(created, contacted + timedelta(minutes=1), now, service, cal)


@given(calendars(), moments, minute_counts)
def test_results_are_deterministic_and_calendars_compare_by_value(cal, start, minutes):
	twin = WorkingCalendar(
		holidays=list(cal.holidays),
		weekly_off=set(cal.weekly_off),
		day_start=cal.day_start,
		day_end=cal.day_end,
	)
	assert twin == cal and hash(twin) == hash(cal)
	assert twin.add_working_minutes(start, minutes) == cal.add_working_minutes(start, minutes)
