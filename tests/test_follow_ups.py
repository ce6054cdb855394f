from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.errors import LogicError
from crm_ext.logic.follow_ups import (
	MISSING,
	OK,
	OVERDUE,
	OpenFollowUp,
	check_interaction,
	counts_as_contact,
	is_overdue,
	next_step_state,
	pick_assignee,
	plan_roll_over,
	spread,
	step_due,
)
from crm_ext.logic.working_time import WorkingCalendar

# Monday 6 January 2025 .. Sunday 12 January 2025
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2025, 1, 6) + timedelta(days=i) for i in range(7))
CAL = WorkingCalendar(holidays=frozenset({date(2025, 1, 1), date(2025, 1, 8)}))
NOW = datetime(2025, 1, 6, 10, 30)

days = st.dates(min_value=date(2024, 12, 1), max_value=date(2025, 3, 31))
moments = st.datetimes(min_value=datetime(2024, 12, 1), max_value=datetime(2025, 3, 31))
calendars = st.builds(
	WorkingCalendar,
	holidays=st.frozensets(days, max_size=20),
	weekly_off=st.frozensets(st.integers(0, 6), max_size=6),
)


def valid(**kw):
	values = {"interaction_type": "Call", "reference_doctype": "Sales Lead", "reference_name": "L-1"}
	values.update(kw)
	return values


# --- interactions ---------------------------------------------------------------------------


def test_a_plain_call_is_valid():
	check_interaction(valid(direction="Outgoing", duration=120), NOW)


@pytest.mark.parametrize(
	("values", "field"),
	[
		(valid(reference_doctype=None, reference_name=None), "reference_name"),
		(valid(reference_name=""), "reference_name"),
		(valid(reference_doctype="Item"), "reference_doctype"),
		(valid(interaction_type="Fax"), "interaction_type"),
		(valid(direction="Sideways"), "direction"),
		(valid(duration=-1), "duration"),
		(valid(next_step="Call back"), "next_step_on"),
		(valid(next_step_on=datetime(2025, 1, 7, 9)), "next_step"),
		(valid(next_step="Call back", next_step_on=datetime(2025, 1, 6, 10)), "next_step_on"),
		(
			valid(next_step="Call back", next_step_on=datetime(2025, 1, 5), next_step_all_day=1),
			"next_step_on",
		),
	],
)
def test_bad_interactions_name_the_field(values, field):
	with pytest.raises(LogicError) as e:
		check_interaction(values, NOW)
	assert e.value.field == field


def test_next_step_later_today_or_all_day_today_is_fine():
	check_interaction(valid(next_step="Call back", next_step_on=datetime(2025, 1, 6, 10, 30, 59)), NOW)
	check_interaction(
		valid(next_step="Send offer", next_step_on=datetime(2025, 1, 6), next_step_all_day=1), NOW
	)


# --- sequence due dates ---------------------------------------------------------------------


def test_step_due_counts_working_hours():
	# Friday 17:00 + 2 working hours = Monday 10:00; Tuesday 17:00 + 2 h skips the Wednesday holiday
	assert step_due(datetime.combine(FRI, time(17)), 2, CAL) == datetime.combine(date(2025, 1, 13), time(10))
	assert step_due(datetime.combine(TUE, time(17)), 2, CAL) == datetime.combine(THU, time(10))
	assert step_due(datetime.combine(MON, time(9)), 0.25, CAL) == datetime.combine(MON, time(9, 15))


def test_negative_offset_is_refused():
	with pytest.raises(LogicError) as e:
		step_due(NOW, -1, CAL)
	assert e.value.field == "due_after_hours"


@given(moments, st.floats(min_value=0, max_value=200), calendars)
def test_step_due_is_working_time_and_not_before_start(start, hours, cal):
	due = step_due(start, hours, cal)
	assert due >= start
	assert cal.is_working_day(due)
	assert cal.day_start <= due.time() <= cal.day_end


@given(moments, moments, st.floats(min_value=0, max_value=100), calendars)
def test_step_due_is_monotone_in_start(a, b, hours, cal):
	a, b = sorted((a, b))
	assert step_due(a, hours, cal) <= step_due(b, hours, cal)


# --- roll-over ------------------------------------------------------------------------------


def test_overdue_follow_up_moves_to_next_working_day_and_counts():
	tasks = [OpenFollowUp("T1", FRI), OpenFollowUp("T2", date(2025, 1, 13)), OpenFollowUp("T3", TUE, MON, 1)]
	plan = plan_roll_over(tasks, SAT, CAL)
	assert [(a.name, a.new_due, a.carried_over, a.escalate) for a in plan] == [
		("T1", date(2025, 1, 13), 1, False),
		("T3", date(2025, 1, 13), 2, False),
	]


def test_holiday_is_skipped():
	(action,) = plan_roll_over([OpenFollowUp("T", TUE)], WED, CAL)
	assert action.new_due == THU


def test_escalation_counts_from_the_original_date_once():
	task = OpenFollowUp("T", THU, original_due=MON, carried_over=2)
	(action,) = plan_roll_over([task], FRI, CAL, escalate_after_days=2)  # Tue, Thu, Fri: 3 > 2
	assert action.escalate and action.new_due == FRI
	assert plan_roll_over([replace(task, due=FRI, escalated=True)], FRI, CAL, 2) == []
	assert not plan_roll_over([task], FRI, CAL, escalate_after_days=3)[0].escalate
	assert not plan_roll_over([task], FRI, CAL, escalate_after_days=0)[0].escalate


@given(days, days, calendars, st.integers(0, 5))
def test_roll_over_is_idempotent_and_lands_on_a_working_day(due, today, cal, carried):
	plan = plan_roll_over([OpenFollowUp("T", due, carried_over=carried)], today, cal)
	if due >= today:
		assert plan == []
		return
	(action,) = plan
	assert action.new_due >= today
	assert cal.is_working_day(action.new_due)
	assert action.carried_over == carried + 1
	moved = OpenFollowUp("T", action.new_due, due, action.carried_over)
	assert plan_roll_over([moved], today, cal) == []


@given(days, days, days, calendars)
def test_roll_over_is_monotone_in_today(due, today, later, cal):
	today, later = sorted((today, later))
	first = plan_roll_over([OpenFollowUp("T", due)], today, cal)
	second = plan_roll_over([OpenFollowUp("T", due)], later, cal)
	if first and second:
		assert first[0].new_due <= second[0].new_due


# --- next step, handover, assignees ---------------------------------------------------------


def test_next_step_state():
	assert next_step_state("Open", None, MON) == MISSING
	assert next_step_state("Open", SUN - timedelta(days=7), MON) == OVERDUE
	assert next_step_state("Open", MON, MON) == OK
	assert next_step_state("Won", None, MON) == OK
	# carried over from Friday to Monday: still late until done
	assert next_step_state("Open", MON, MON, planned_for=MON - timedelta(days=3)) == OVERDUE
	assert next_step_state("Open", MON, MON, planned_for=MON) == OK
	assert next_step_state("Won", MON, MON, planned_for=MON - timedelta(days=3)) == OK


@given(days, days, calendars)
def test_roll_over_never_clears_the_overdue_signal(due, today, cal):
	"""Before the roll-over a task due before today is overdue; after it, still (by its planned day)."""
	task = OpenFollowUp("T", due, original_due=due)
	for action in plan_roll_over([task], today, cal):
		if action.new_due is not None:
			assert is_overdue(due, due, today)
			assert is_overdue(task.original_due, action.new_due, today)
			assert next_step_state("Open", action.new_due, today, planned_for=due) == OVERDUE


def test_a_carried_over_follow_up_stays_overdue_until_done():
	friday = MON - timedelta(days=3)
	(action,) = plan_roll_over([OpenFollowUp("T", friday)], MON, CAL)
	assert action.new_due == MON
	assert is_overdue(friday, action.new_due, MON)
	assert not is_overdue(MON, MON, MON)
	assert not is_overdue(None, MON, MON)
	assert is_overdue(None, friday, MON)
	assert not is_overdue(None, None, MON)


def test_spread_takes_turns_and_needs_someone():
	assert spread(["a", "b", "c"], ["x", "y", "x"]) == {"a": "x", "b": "y", "c": "x"}
	with pytest.raises(LogicError):
		spread(["a"], [])


def test_pick_assignee():
	assert pick_assignee("u", ["r1"], "owner") == "u"
	assert pick_assignee(None, ["r1", "owner"], "owner") == "owner"
	assert pick_assignee(None, ["r1", "r2"], "owner", {"r1": 3, "r2": 1}) == "r2"
	assert pick_assignee(None, None, "owner") == "owner"
	with pytest.raises(LogicError):
		pick_assignee(None, [], "owner")
	with pytest.raises(LogicError):
		pick_assignee(None, None, None)


def test_what_counts_as_contacting_the_client():
	assert counts_as_contact("Call", "Outgoing", 0)
	assert counts_as_contact("Call", "Incoming", 30)
	assert not counts_as_contact("Call", "Incoming", 0)
	assert counts_as_contact("Meeting", None, None)
	assert not counts_as_contact("Note", None, None)
	assert not counts_as_contact("Message", "Incoming", None)
	assert counts_as_contact("Message", "Outgoing", None)
	assert not counts_as_contact("E-mail", "Incoming", None)  # a reply to a campaign, say
	assert counts_as_contact("E-mail", "Outgoing", None)
