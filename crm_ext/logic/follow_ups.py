"""Interactions and follow-ups: the rules, without Frappe.

- :func:`check_interaction`: what makes an Interaction valid (a party, a known type, a next step
  that is complete and not in the past).
- :func:`step_due`: when a step of a scripted sequence is due (working hours after a start).
- :func:`plan_roll_over`: which unfinished follow-ups move to the next working day and which
  escalate to the head of sales; running it twice on the same day changes nothing.
- :func:`next_step_state`: does an open card have a future follow-up, or is its work late?
- :func:`is_overdue`: is an open follow-up late (carried over or not)?
- :func:`spread` and :func:`pick_assignee`: who gets a card or a task.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crm_ext.logic.errors import LogicError, _
from crm_ext.logic.working_time import WorkingCalendar, overdue_working_days, roll_over

INTERACTION_TYPES = ("Call", "E-mail", "Meeting", "Visit", "Message", "Note")
DIRECTED_TYPES = frozenset({"Call", "Message", "E-mail"})
PLACE_TYPES = frozenset({"Meeting", "Visit"})
PARTY_DOCTYPES = ("Sales Lead", "Customer", "Supplier")
DIRECTIONS = ("Incoming", "Outgoing")

OK, MISSING, OVERDUE = "OK", "Missing", "Overdue"


def _as_date(value) -> date:
	return value.date() if isinstance(value, datetime) else value


def check_interaction(values: Mapping, now: datetime) -> None:
	"""Raise a LogicError naming the field when an interaction cannot be saved.

	``values`` holds the Interaction's fields: interaction_type, reference_doctype,
	reference_name, direction, duration (seconds), next_step, next_step_on, next_step_all_day.
	A next step needs both its text and its date; a timed next step must not be earlier than
	``now`` (to the minute) and an all-day one not earlier than today.
	"""
	kind = values.get("interaction_type")
	if kind not in INTERACTION_TYPES:
		raise LogicError(
			_("{0} is not a type of interaction; choose one of {1}."),
			kind or "",
			", ".join(INTERACTION_TYPES),
			field="interaction_type",
		)
	doctype, name = values.get("reference_doctype"), values.get("reference_name")
	if not doctype or not name:
		raise LogicError(
			_("Choose the Sales Lead, Customer or Supplier this interaction was with."),
			field="reference_name",
		)
	if doctype not in PARTY_DOCTYPES:
		raise LogicError(
			_("Interactions are logged on a Sales Lead, Customer or Supplier, not on {0}."),
			doctype,
			field="reference_doctype",
		)
	direction = values.get("direction")
	if direction and direction not in DIRECTIONS:
		raise LogicError(_("Direction must be Incoming or Outgoing, not {0}."), direction, field="direction")
	if (values.get("duration") or 0) < 0:
		raise LogicError(_("Duration cannot be negative."), field="duration")
	check_next_step(values.get("next_step"), values.get("next_step_on"), values.get("next_step_all_day"), now)


def check_next_step(text: str | None, when: datetime | None, all_day, now: datetime) -> None:
	text = (text or "").strip()
	if not text and not when:
		return
	if not text:
		raise LogicError(_("Describe the next step, or clear its date."), field="next_step")
	if not when:
		raise LogicError(
			_("Give the next step a date (and a time if it is an appointment)."), field="next_step_on"
		)
	if all_day:
		if _as_date(when) < now.date():
			raise LogicError(
				_("The next step's date {0} is in the past; choose today or a later day."),
				_as_date(when).isoformat(),
				field="next_step_on",
			)
	elif when < now.replace(second=0, microsecond=0):
		raise LogicError(
			_("The next step's time {0} is in the past; choose a later time."),
			when.isoformat(" ", "minutes"),
			field="next_step_on",
		)


def step_due(start: datetime, hours: float, cal: WorkingCalendar) -> datetime:
	"""When a sequence step started at ``start`` is due: ``hours`` working hours later (rounded
	to the minute). Never on a holiday or a day off, never before ``start``'s next working
	moment, and a later ``start`` never gives an earlier due time."""
	if hours is None or hours < 0:
		raise LogicError(_("Due offset cannot be negative ({0} hours)."), hours, field="due_after_hours")
	return cal.add_working_minutes(start, round(hours * 60))


@dataclass(frozen=True)
class OpenFollowUp:
	"""An unfinished follow-up as the roll-over sees it. ``original_due`` is its first date."""

	name: str
	due: date
	original_due: date | None = None
	carried_over: int = 0
	escalated: bool = False


@dataclass(frozen=True)
class RollOverAction:
	"""What to do with one follow-up: move it (``new_due``, with its new carry-over count) and/or
	escalate it."""

	name: str
	new_due: date | None
	carried_over: int
	escalate: bool


def plan_roll_over(
	tasks: Iterable[OpenFollowUp], today: date, cal: WorkingCalendar, escalate_after_days: int = 0
) -> list[RollOverAction]:
	"""Moves and escalations for ``tasks`` on ``today``; tasks needing nothing are left out.

	A task due before today moves to the first working day on or after today and its count goes
	up by one (whatever the number of days missed). It escalates once, when it is overdue by
	more than ``escalate_after_days`` working days counted from its original date (0 = never).
	Applying the plan and planning again on the same day gives an empty plan.
	"""
	today = _as_date(today)
	actions = []
	for task in tasks:
		new_due = roll_over(task.due, today, cal)
		first_due = task.original_due or task.due
		escalate = (
			not task.escalated
			and escalate_after_days > 0
			and overdue_working_days(first_due, today, cal) > escalate_after_days
		)
		if new_due is None and not escalate:
			continue
		count = task.carried_over + (1 if new_due is not None else 0)
		actions.append(RollOverAction(task.name, new_due, count, escalate))
	return actions


def next_step_state(
	stage_kind: str | None, next_follow_up: date | None, today: date, planned_for: date | None = None
) -> str:
	"""OK for a closed card or an open one with a follow-up today or later; Missing without one;
	Overdue when its follow-up date has passed, or when an open follow-up was planned for a day that
	has passed (``planned_for``: the earliest original date of its open follow-ups). A follow-up the
	morning roll-over carried over to today is still late work: the card stays Overdue until it is
	done or re-planned."""
	if stage_kind not in (None, "", "Open"):
		return OK
	if not next_follow_up:
		return MISSING
	first = min(_as_date(next_follow_up), _as_date(planned_for or next_follow_up))
	return OVERDUE if first < _as_date(today) else OK


def is_overdue(planned_for: date | None, due: date | None, today: date) -> bool:
	"""An open follow-up is overdue from the day after the one it was planned for, however often it
	was carried over since; without a planned date, from the day after its due date."""
	first = planned_for or due
	return first is not None and _as_date(first) < _as_date(today)


def spread(items: Sequence[str], users: Sequence[str]) -> dict[str, str]:
	"""Hand ``items`` out to ``users`` in turn (item i to user i mod n), in the given order."""
	users = [u for u in dict.fromkeys(users) if u]
	if not users:
		raise LogicError(_("Choose at least one user to hand the cards over to."), field="to_users")
	return {item: users[i % len(users)] for i, item in enumerate(items)}


def pick_assignee(
	user: str | None,
	role_users: Sequence[str] | None,
	card_owner: str | None,
	open_tasks: Mapping[str, int] | None = None,
) -> str:
	"""Who does a sequence step: its named user; else, when the step names a role, the card's
	owner if they have the role, otherwise the holder of the role with the fewest open tasks
	(ties by name); without user or role, the card's owner."""
	if user:
		return user
	if role_users is not None:
		if card_owner and card_owner in role_users:
			return card_owner
		if role_users:
			load = open_tasks or {}
			return min(role_users, key=lambda u: (load.get(u, 0), u))
		raise LogicError(_("Nobody has the role this step is assigned to."), field="assign_to_role")
	if card_owner:
		return card_owner
	raise LogicError(_("The card has no Responsible to give the step to."), field="lead_owner")


def counts_as_contact(interaction_type: str, direction: str | None, duration_seconds: float | None) -> bool:
	"""Does this interaction count as having contacted the client (first/last contact)? A note or an
	incoming message or e-mail does not; an incoming call of zero length is a missed call."""
	if interaction_type == "Note":
		return False
	if interaction_type in ("Message", "E-mail") and direction == "Incoming":
		return False
	if interaction_type == "Call" and direction == "Incoming" and not duration_seconds:
		return False
	return True


def end_of(start: datetime, duration_seconds: float | None) -> datetime:
	"""End of an interaction that started at ``start`` and lasted ``duration_seconds``."""
	return start + timedelta(seconds=max(duration_seconds or 0, 0))
