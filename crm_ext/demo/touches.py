"""Calls, meetings, e-mails and follow-ups on a card, logged by its rep through the desk's *Log*
action (``crm_ext.sales.interactions.log_interaction``): a next step becomes the rep's follow-up.

Follow-ups that are overdue or carried over need days to pass: the rep planned them days ago and
did not do them. The demo logs them with a future date, as the app requires, then moves the
follow-up's date into the past (:func:`crm_ext.demo.base.time_passes`); the app's morning job then
carries the oldest ones over (:func:`carry_over`).
"""

from datetime import datetime, time, timedelta

import frappe
from frappe.utils import add_days, getdate, now_datetime, nowdate

from crm_ext.demo.base import acting_as, time_passes
from crm_ext.demo.plan import NEXT_MISSING, NEXT_OK, NEXT_OVERDUE, CardPlan
from crm_ext.sales.follow_ups import refresh_next_step, roll_over_follow_ups
from crm_ext.sales.interactions import log_interaction
from crm_ext.utils.calendar import working_calendar

LEAD = "Sales Lead"
NEXT_STEPS = (
	"Call back about the measurement visit",
	"Send the revised offer",
	"Agree the installation date",
	"Check whether the budget is approved",
	"Visit the site with the installer",
)
# An overdue follow-up was due 1-3 days ago; a carried-over one 6-9 days ago, then moved by the
# morning job of a day before the overdue ones were due (so both stay overdue today).
OVERDUE_DAYS, CARRIED_DAYS, CARRY_OVER_DAY = (1, 3), (6, 9), 4


def log(card: str, rep: str, kind: str, at: datetime, **values) -> str:
	with acting_as(rep):
		return log_interaction("Sales Lead", card, kind, start_time=str(at), **values)


def first_contact(card: str, rep: str, created: datetime, rng) -> None:
	log(
		card,
		rep,
		"Call",
		created + timedelta(minutes=rng.randint(4, 40)),
		direction="Outgoing",
		duration=rng.randint(120, 900),
		outcome="Reached",
		summary="Introduced ourselves, asked about the project and the budget.",
	)


def next_steps(card: str, plan: CardPlan, rep: str, created: datetime, rng) -> None:
	"""The card's middle of life (a visit, the offer by e-mail) and its next step as planned."""
	life = now_datetime() - created
	if plan.depth >= 2 or plan.ending == "won":
		log(
			card,
			rep,
			"Visit" if plan.number % 2 else "Meeting",
			created + life * 0.35,
			duration=3600,
			place="Client's site" if plan.number % 2 else "Our showroom",
			outcome="Measured the openings",
		)
	if plan.depth >= 3 or plan.ending == "won":
		log(card, rep, "E-mail", created + life * 0.5, summary="Sent the offer with the drawings.")
	if plan.ending != "open":
		close_follow_ups(card)
		return
	if plan.next_step == NEXT_MISSING:
		return
	if plan.next_step == NEXT_OK:
		due = datetime.combine(
			getdate(add_days(nowdate(), rng.randint(1, 10))), time(rng.choice((10, 14)), 0)
		)
		log(
			card,
			rep,
			"Call",
			max(created + life * 0.8, now_datetime() - timedelta(hours=rng.randint(2, 40))),
			direction="Outgoing",
			duration=rng.randint(60, 600),
			outcome="Interested",
			next_step=rng.choice(NEXT_STEPS),
			next_step_on=str(due),
		)
		return
	days = rng.randint(*(OVERDUE_DAYS if plan.next_step == NEXT_OVERDUE else CARRIED_DAYS))
	planned_on = now_datetime() - timedelta(days=days + 2)
	interaction = log(
		card,
		rep,
		"Call",
		max(planned_on, created + timedelta(hours=1)),
		direction="Outgoing",
		duration=rng.randint(60, 300),
		outcome="Asked to call later",
		next_step=rng.choice(NEXT_STEPS),
		next_step_on=nowdate(),
		next_step_all_day=1,
	)
	# the rep did not do it: it was due ``days`` ago
	todo = frappe.db.get_value("Interaction", interaction, "follow_up")
	due = getdate(add_days(nowdate(), -days))
	time_passes("ToDo", todo, {"date": due, "crm_original_date": due})
	refresh_next_step(LEAD, card)


def close_follow_ups(card: str) -> None:
	"""A won or lost card's open follow-ups are done: each closed by its person."""
	for todo in frappe.get_all(
		"ToDo",
		filters={"reference_type": LEAD, "reference_name": card, "crm_follow_up": 1, "status": "Open"},
		fields=["name", "allocated_to"],
	):
		with acting_as(todo.allocated_to):
			doc = frappe.get_doc("ToDo", todo.name)
			doc.status = "Closed"
			doc.save()


def carry_over() -> int:
	"""The morning job of a few days ago: follow-ups older than that day move to its next working
	day and count one carry-over (the oldest escalate to the head of sales); the ones due later stay
	overdue, as they would before today's morning job."""
	day = getdate(add_days(nowdate(), -CARRY_OVER_DAY))
	if working_calendar().working_day_on_or_after(day) >= getdate(nowdate()):
		return 0  # no working day between then and today (a long holiday): nothing to show
	return roll_over_follow_ups(day)
