"""Working calendar: working days, working hours and the deadlines computed from them.

Used for the first-contact service time ("contact a new lead within 15 working minutes"),
for carrying unfinished follow-ups over to the next working day and for escalating follow-ups
that are overdue by N working days.

A :class:`WorkingCalendar` is a set of holiday dates, the weekly days off and one working
window per day (``day_start`` to ``day_end``, the same on every working day). The Frappe layer
builds it from a Holiday List (its dates go into ``holidays``; the weekdays of its rows marked
"weekly off" go into ``weekly_off``, so that dates after the list's end still skip weekends)
and from the working hours in CRM Ext Settings.

Datetimes are naive and in site-local time, as Frappe stores them (``frappe.utils.now_datetime``).
An aware datetime is computed on its wall-clock time and keeps its ``tzinfo``; mixing aware and
naive values in one call raises Python's usual TypeError. The working window lies within one
calendar day: it cannot run past midnight.

Working time is counted on the half-open window ``[day_start, day_end)`` for where counting
starts, but a deadline may land exactly on ``day_end`` (the closing instant): 60 working minutes
from 17:00 with a day ending at 18:00 is 18:00 the same day, not 09:00 the next one.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from crm_ext.logic.errors import LogicError, _

_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekdays_from_names(names: Iterable[str]) -> frozenset[int]:
	"""Weekday numbers (0 = Monday .. 6 = Sunday) of English day names such as ERPNext's
	Holiday List ``weekly_off`` ("Sunday"); case and surrounding spaces are ignored."""
	days = set()
	for name in names:
		key = (name or "").strip().lower()
		if key not in _WEEKDAY_NAMES:
			raise LogicError(_("{0} is not a day of the week."), name, field="weekly_off")
		days.add(_WEEKDAY_NAMES.index(key))
	return frozenset(days)


DEFAULT_WEEKLY_OFF = frozenset({5, 6})  # Saturday, Sunday


def weekly_days_off(marked: Iterable[date]) -> frozenset[int]:
	"""Weekly days off from a Holiday List: the weekdays of its rows marked "weekly off". A list that
	marks none (public holidays only) does not make the weekend a working week: Saturday and Sunday
	stay off, as in ERPNext's default working week."""
	days = frozenset(_as_date(d).weekday() for d in marked)
	return days or DEFAULT_WEEKLY_OFF


def _as_date(value: date) -> date:
	"""A date, also when given a datetime (a subclass of date that never equals one)."""
	return value.date() if isinstance(value, datetime) else value


def _as_time(value: time | timedelta, fieldname: str) -> time:
	"""A naive time of day, also from a timedelta since midnight (how Frappe reads Time fields)."""
	if isinstance(value, timedelta) and timedelta(0) <= value < _ONE_DAY:
		return (datetime.min + value).time()
	if isinstance(value, time):
		return value.replace(tzinfo=None)
	raise LogicError(_("{0} is not a time of day."), str(value), field=fieldname)


@dataclass(frozen=True)
class WorkingCalendar:
	"""Working days and hours.

	- ``holidays``: dates that are not worked (any iterable of dates is accepted and frozen).
	- ``weekly_off``: weekdays that are never worked, 0 = Monday .. 6 = Sunday.
	- ``day_start``, ``day_end``: the working window of every working day; ``day_end`` must be
	  later than ``day_start``. A ``timedelta`` since midnight (what Frappe returns for a Time
	  field) is accepted and turned into a ``time``.

	A calendar on which no day can ever be worked (all seven weekdays off) is refused when it is
	created, so every search for a working day below terminates: the holidays are finite.
	"""

	holidays: frozenset[date] = frozenset()
	weekly_off: frozenset[int] = frozenset({5, 6})
	day_start: time = time(9, 0)
	day_end: time = time(18, 0)
	# Holidays on working weekdays, sorted: the only ones that change a count of working days.
	_extra_holidays: tuple[date, ...] = field(init=False, repr=False, compare=False)

	def __post_init__(self):
		holidays = frozenset(_as_date(d) for d in self.holidays)
		if any(not isinstance(d, date) for d in holidays):
			raise LogicError(_("Holidays must be dates."), field="holidays")
		weekly_off = frozenset(self.weekly_off)
		if any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in weekly_off):
			raise LogicError(_("Weekly days off are numbered 0 (Monday) to 6 (Sunday)."), field="weekly_off")
		if len(weekly_off) == 7:
			raise LogicError(
				_("The working calendar has no working day: every day of the week is a day off."),
				field="weekly_off",
			)
		day_start = _as_time(self.day_start, "day_start")
		day_end = _as_time(self.day_end, "day_end")
		if day_end <= day_start:
			raise LogicError(
				_("The working day must end after it starts ({0} to {1})."),
				day_start.isoformat("minutes"),
				day_end.isoformat("minutes"),
				field="day_end",
			)
		object.__setattr__(self, "day_start", day_start)
		object.__setattr__(self, "day_end", day_end)
		object.__setattr__(self, "holidays", holidays)
		object.__setattr__(self, "weekly_off", weekly_off)
		object.__setattr__(
			self, "_extra_holidays", tuple(sorted(d for d in holidays if d.weekday() not in weekly_off))
		)

	# --- days -------------------------------------------------------------------------------

	@property
	def day_length(self) -> timedelta:
		"""Working time in one working day."""
		return datetime.combine(date.min, self.day_end) - datetime.combine(date.min, self.day_start)

	@property
	def _working_weekdays(self) -> int:
		return 7 - len(self.weekly_off)

	def is_working_day(self, d: date) -> bool:
		"""True when ``d`` is neither a weekly day off nor a holiday."""
		d = _as_date(d)
		return d.weekday() not in self.weekly_off and d not in self.holidays

	def working_days_between(self, after: date, until: date) -> int:
		"""Number of working days ``d`` with ``after < d <= until`` (0 when ``until <= after``).

		Computed from whole weeks and a sorted holiday list, without walking the days.
		"""
		after, until = _as_date(after), _as_date(until)
		if until <= after:
			return 0
		weeks, rest = divmod((until - after).days, 7)
		first = after.weekday()
		count = weeks * self._working_weekdays + sum(
			1 for i in range(1, rest + 1) if (first + i) % 7 not in self.weekly_off
		)
		return count - (bisect_right(self._extra_holidays, until) - bisect_right(self._extra_holidays, after))

	def nth_working_day_after(self, d: date, n: int) -> date:
		"""The ``n``-th working day strictly after ``d`` (``n >= 1``), found by bisection."""
		d = _as_date(d)
		if n < 1:
			raise LogicError(_("Count of working days must be at least 1, not {0}."), n, field="n")
		# Each week after d has exactly _working_weekdays working weekdays and each holiday takes
		# at most one of them away, so this many weeks always hold n working days.
		later_holidays = len(self._extra_holidays) - bisect_right(self._extra_holidays, d)
		weeks = -(-(n + later_holidays) // self._working_weekdays)
		low, high = 1, 7 * weeks
		while low < high:
			middle = (low + high) // 2
			if self.working_days_between(d, d + timedelta(days=middle)) >= n:
				high = middle
			else:
				low = middle + 1
		return d + timedelta(days=low)

	def next_working_day(self, d: date) -> date:
		"""The first working day strictly after ``d``."""
		return self.nth_working_day_after(d, 1)

	def working_day_on_or_after(self, d: date) -> date:
		"""``d`` itself when it is a working day, else the next working day."""
		d = _as_date(d)
		return d if self.is_working_day(d) else self.next_working_day(d)

	# --- hours ------------------------------------------------------------------------------

	def _at(self, d: date, t: time, like: datetime) -> datetime:
		return datetime.combine(d, t, tzinfo=like.tzinfo)

	def is_working_time(self, moment: datetime) -> bool:
		"""True when ``moment`` falls on a working day within ``[day_start, day_end)``."""
		return self.is_working_day(moment) and self._opens(moment) <= moment < self._closes(moment)

	def _opens(self, moment: datetime) -> datetime:
		return self._at(moment.date(), self.day_start, moment)

	def _closes(self, moment: datetime) -> datetime:
		return self._at(moment.date(), self.day_end, moment)

	def next_working_moment(self, moment: datetime) -> datetime:
		"""``moment`` when it is working time, else the next opening (``day_start`` of the same
		day when before it, otherwise of the next working day)."""
		if self.is_working_day(moment):
			if moment < self._opens(moment):
				return self._opens(moment)
			if moment < self._closes(moment):
				return moment
		return self._at(self.next_working_day(moment.date()), self.day_start, moment)

	def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
		"""The moment at which ``duration`` of working time has elapsed after ``start``.

		Counting starts at :meth:`next_working_moment` of ``start``. The result is always working
		time or exactly a closing instant. Whole working days are skipped in one step, so the
		cost does not grow with ``duration``.
		"""
		if duration < timedelta(0):
			raise LogicError(_("Working time to add cannot be negative."), field="minutes")
		cursor = self.next_working_moment(start)
		left_today = self._closes(cursor) - cursor
		if duration <= left_today:
			return cursor + duration
		full_days, rest = divmod(duration - left_today, self.day_length)
		if not rest:
			return self._at(self.nth_working_day_after(cursor.date(), full_days), self.day_end, start)
		day = self.nth_working_day_after(cursor.date(), full_days + 1)
		return self._at(day, self.day_start, start) + rest

	def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
		"""The moment at which ``minutes`` (>= 0) working minutes have elapsed after ``start``.

		A ``start`` outside working time counts from the next opening; the result is never on a
		holiday, a weekly day off or outside the working window, except that it may be exactly a
		closing instant. ``minutes == 0`` gives :meth:`next_working_moment`.
		"""
		if minutes < 0:
			raise LogicError(_("Working minutes cannot be negative ({0})."), minutes, field="minutes")
		return self.add_working_time(start, timedelta(minutes=minutes))

	def working_time_between(self, start: datetime, end: datetime) -> timedelta:
		"""Exact working time in ``[start, end)``; zero when ``end <= start``."""
		if end <= start:
			return timedelta(0)
		cursor = self.next_working_moment(start)
		if cursor >= end:
			return timedelta(0)
		if cursor.date() == end.date():
			return min(end, self._closes(cursor)) - cursor
		total = self._closes(cursor) - cursor
		total += self.day_length * self.working_days_between(cursor.date(), end.date() - _ONE_DAY)
		if self.is_working_day(end):
			total += min(max(end, self._opens(end)), self._closes(end)) - self._opens(end)
		return total

	def working_minutes_between(self, start: datetime, end: datetime) -> int:
		"""Whole working minutes in ``[start, end)`` (rounded down); 0 when ``end <= start``.

		The inverse of :meth:`add_working_minutes`:
		``working_minutes_between(s, add_working_minutes(s, m)) == m``.
		"""
		return self.working_time_between(start, end) // _ONE_MINUTE


# --- rules built on the calendar ------------------------------------------------------------


def first_contact_due(created: datetime, service_minutes: int, cal: WorkingCalendar) -> datetime:
	"""When a new lead created at ``created`` must have been contacted: ``service_minutes``
	working minutes later (a lead arriving at night is due that many minutes after opening)."""
	if service_minutes < 0:
		raise LogicError(
			_("First contact time cannot be negative ({0})."), service_minutes, field="service_minutes"
		)
	return cal.add_working_minutes(created, service_minutes)


def is_first_contact_late(
	created: datetime,
	contacted_at: datetime | None,
	now: datetime,
	service_minutes: int,
	cal: WorkingCalendar,
) -> bool:
	"""True when the first contact missed its due time.

	A contact made exactly at the due time is on time. Without a contact yet, the lead is late
	once ``now`` is past the due time.
	"""
	due = first_contact_due(created, service_minutes, cal)
	return (contacted_at if contacted_at is not None else now) > due


def roll_over(due: date, today: date, cal: WorkingCalendar) -> date | None:
	"""New date for an unfinished follow-up, or None when it need not move.

	A task whose date has passed (``due < today``) moves to the first working day on or after
	``today``. The result is never a holiday or a day off, rolling it again with the same
	``today`` gives None, and a later ``today`` never gives an earlier date.
	"""
	due, today = _as_date(due), _as_date(today)
	if due >= today:
		return None
	return cal.working_day_on_or_after(today)


def overdue_working_days(due: date, today: date, cal: WorkingCalendar) -> int:
	"""Working days a task is overdue by: the working days strictly after ``due`` up to and
	including ``today`` (0 when ``today <= due``). A task due on Friday is 1 day overdue on the
	following Monday of a Monday-to-Friday week, whatever the weekend in between."""
	return cal.working_days_between(due, today)
