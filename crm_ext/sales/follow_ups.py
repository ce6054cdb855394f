"""Follow-ups: ToDos (and Events when they have a time) for the person who must act next.

A follow-up is a ToDo with ``crm_follow_up`` set, referencing its card (Sales Lead, Customer or
Supplier), so it shows in Frappe's to-do list, the ToDo calendar and the card's assignments; a
timed one also gets a private Event owned by its user (Frappe's calendar). The card's
``next_follow_up`` / ``next_step`` / ``next_step_status`` mirror its earliest open follow-up.

Daily jobs: :func:`roll_over_follow_ups` carries unfinished follow-ups over to the next working day
and escalates old ones to the head of sales; :func:`send_follow_up_digests` tells every rep (and
the head of sales, for the team) which cards have no next step and what is overdue.
"""

from datetime import date, datetime, timedelta

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification
from frappe.query_builder import DocType
from frappe.utils import get_url_to_form, getdate, strip_html, today

from crm_ext.logic.follow_ups import MISSING, OK, OVERDUE, OpenFollowUp, next_step_state, plan_roll_over
from crm_ext.utils.calendar import working_calendar

EVENT_MINUTES = 30
BATCH = 1000


def create_follow_up(
	reference_doctype: str,
	reference_name: str,
	user: str,
	text: str,
	due: date,
	at: datetime | None = None,
	interaction: str | None = None,
	sequence_stage: str | None = None,
	sequence_step: int | None = None,
	category: str | None = None,
) -> tuple[str, str | None]:
	"""Create the ToDo (and the Event when ``at`` is given); returns their names."""
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"status": "Open",
			"allocated_to": user,
			"assigned_by": frappe.session.user if frappe.session.user != "Guest" else None,
			"description": text,
			"date": due,
			"reference_type": reference_doctype,
			"reference_name": reference_name,
			"crm_follow_up": 1,
			"crm_interaction": interaction,
			"crm_original_date": due,
			"crm_sequence_stage": sequence_stage,
			"crm_sequence_step": sequence_step or 0,
		}
	).insert(ignore_permissions=True)
	event = None
	if at:
		event = create_event(reference_doctype, reference_name, user, text, at, category)
		todo.db_set("crm_event", event, update_modified=False)
	refresh_next_step(reference_doctype, reference_name)
	return todo.name, event


def update_follow_up(todo_name: str, user: str, text: str | None, at: datetime | None, timed: bool) -> None:
	"""Rewrite an open follow-up: ``at`` None cancels it; otherwise new person, text and date (and
	the Event's time when ``timed``). Closed or cancelled follow-ups are left as they were."""
	todo = frappe.get_doc("ToDo", todo_name)
	if todo.status != "Open":
		return
	if at is None:
		todo.status = "Cancelled"
	else:
		todo.update(
			{"allocated_to": user, "description": text, "date": at.date(), "crm_original_date": at.date()}
		)
	todo.save(ignore_permissions=True)  # on_todo_update keeps the Event's status, owner and day
	if at is not None and timed and todo.crm_event:
		frappe.db.set_value(
			"Event",
			todo.crm_event,
			{"starts_on": at, "ends_on": at + timedelta(minutes=EVENT_MINUTES), "description": text},
			update_modified=False,
		)


def create_event(reference_doctype, reference_name, user, text, at, category=None) -> str:
	title = frappe.db.get_value(
		reference_doctype, reference_name, frappe.get_meta(reference_doctype).get_title_field()
	)
	event = frappe.get_doc(
		{
			"doctype": "Event",
			"subject": _("{0} ({1})").format(strip_html(text)[:120], title or reference_name),
			"description": text,
			"starts_on": at,
			"ends_on": at + timedelta(minutes=EVENT_MINUTES),
			"event_type": "Private",
			"event_category": category or "Other",
			"status": "Open",
			"event_participants": [
				{"reference_doctype": reference_doctype, "reference_docname": reference_name}
			],
		}
	).insert(ignore_permissions=True)
	# Frappe makes the inserting user the owner; a private event shows in its owner's calendar
	frappe.db.set_value("Event", event.name, "owner", user, update_modified=False)
	return event.name


def on_todo_update(todo, method=None):
	"""A follow-up closed, cancelled, moved or reassigned: keep its Event, the card's next step and
	(when it is a sequence step being closed) the sequence going."""
	if not todo.get("crm_follow_up"):
		return
	before = todo.get_doc_before_save()
	status_changed = before is not None and before.status != todo.status
	if todo.crm_event:
		sync_event(todo)
	if status_changed and todo.status == "Closed" and todo.crm_sequence_stage:
		from crm_ext.sales.sequences import start_next_step

		start_next_step(todo)
	if todo.reference_type and todo.reference_name:
		refresh_next_step(todo.reference_type, todo.reference_name)


def sync_event(todo):
	status = {"Open": "Open", "Closed": "Completed", "Cancelled": "Cancelled"}.get(todo.status, "Open")
	values = {"status": status, "owner": todo.allocated_to}
	starts_on = frappe.db.get_value("Event", todo.crm_event, "starts_on")
	if starts_on and todo.date and getdate(starts_on) != getdate(todo.date):
		moved = datetime.combine(getdate(todo.date), starts_on.time())
		values.update(starts_on=moved, ends_on=moved + timedelta(minutes=EVENT_MINUTES))
	frappe.db.set_value("Event", todo.crm_event, values, update_modified=False)


def open_follow_ups(reference_doctype: str, reference_name: str) -> list[dict]:
	return frappe.get_all(
		"ToDo",
		filters={
			"reference_type": reference_doctype,
			"reference_name": reference_name,
			"crm_follow_up": 1,
			"status": "Open",
		},
		fields=["name", "date", "description", "allocated_to", "crm_original_date"],
		order_by="date asc, creation asc",
	)


def follow_up_on(lead_name: str, day) -> bool:
	"""Has the card an open follow-up on ``day``?"""
	return bool(
		frappe.db.exists(
			"ToDo",
			{
				"reference_type": "Sales Lead",
				"reference_name": lead_name,
				"crm_follow_up": 1,
				"status": "Open",
				"date": getdate(day),
			},
		)
	)


def refresh_next_step(reference_doctype: str, reference_name: str):
	"""Mirror the card's earliest open follow-up on the card (Sales Lead only). Its state is
	Overdue while any open follow-up is late, also one the morning roll-over carried over."""
	if reference_doctype != "Sales Lead":
		return
	stage_kind = frappe.db.get_value("Sales Lead", reference_name, "stage_kind")
	if stage_kind is None:
		return
	rows = [r for r in open_follow_ups(reference_doctype, reference_name) if r.date]
	first = rows[0] if rows else None
	next_date = getdate(first.date) if first else None
	planned = [getdate(r.crm_original_date) for r in rows if r.crm_original_date]
	frappe.db.set_value(
		"Sales Lead",
		reference_name,
		{
			"next_follow_up": next_date,
			"next_step": strip_html(first.description or "")[:500] if first else None,
			"next_step_status": next_step_state(
				stage_kind, next_date, getdate(today()), min(planned) if planned else None
			),
		},
		update_modified=False,
	)


def keep_planned_date(todo, method=None):
	"""ToDo ``validate``: a follow-up remembers the day it was planned for (``crm_original_date``),
	which the morning roll-over keeps, so carried-over work stays overdue until done. A date set by
	a person (not by the roll-over) re-plans it."""
	if not todo.get("crm_follow_up") or not todo.date:
		return
	if not todo.crm_original_date or (
		not todo.flags.carried_over and not todo.is_new() and todo.has_value_changed("date")
	):
		todo.crm_original_date = todo.date


# --- daily: roll-over and escalation ----------------------------------------------------------


def overdue_follow_ups(day: date) -> list[dict]:
	todo = DocType("ToDo")
	return (
		frappe.qb.from_(todo)
		.select(
			todo.name,
			todo.date,
			todo.crm_original_date,
			todo.crm_carried_over,
			todo.crm_escalated,
			todo.allocated_to,
			todo.description,
			todo.reference_type,
			todo.reference_name,
		)
		.where((todo.crm_follow_up == 1) & (todo.status == "Open") & (todo.date < day))
		.orderby(todo.date)
		.limit(BATCH)
		.run(as_dict=True)
	)


def roll_over_follow_ups(day: date | None = None) -> int:
	"""Scheduler job (daily): unfinished follow-ups whose date has passed move to the next working
	day (same ToDo, so never duplicated; its carry-over count goes up) and the ones overdue by more
	than the settings' number of working days escalate to the head of sales, once."""
	day = getdate(day or today())
	rows = {r.name: r for r in overdue_follow_ups(day)}
	settings = frappe.get_cached_doc("CRM Ext Settings")
	tasks = [
		OpenFollowUp(
			r.name,
			getdate(r.date),
			getdate(r.crm_original_date) if r.crm_original_date else None,
			r.crm_carried_over or 0,
			bool(r.crm_escalated),
		)
		for r in rows.values()
	]
	plan = plan_roll_over(tasks, day, working_calendar(), settings.follow_up_escalation_days or 0)
	for action in plan:
		row = rows[action.name]
		todo = frappe.get_doc("ToDo", action.name)
		if action.new_due:
			todo.date = action.new_due
			todo.crm_carried_over = action.carried_over
			todo.crm_original_date = todo.crm_original_date or row.date
		if action.escalate:
			todo.crm_escalated = 1
			notify_escalation(row, settings.head_of_sales)
		todo.flags.ignore_permissions = True
		todo.flags.carried_over = True
		todo.save()
	return len(plan)


def notify_escalation(row, head_of_sales: str | None):
	if not head_of_sales:
		return
	subject = _("Follow-up of {0} is overdue since {1}: {2}").format(
		frappe.utils.get_fullname(row.allocated_to),
		frappe.utils.format_date(row.crm_original_date or row.date),
		strip_html(row.description or "")[:140],
	)
	enqueue_create_notification(
		[head_of_sales],
		{
			"type": "Alert",
			"document_type": row.reference_type or "ToDo",
			"document_name": row.reference_name or row.name,
			"subject": subject,
			"email_content": _("Open the task: {0}").format(get_url_to_form("ToDo", row.name)),
		},
	)


# --- daily: next-step status and digest -------------------------------------------------------


def refresh_next_step_status(day: date | None = None):
	"""Open cards whose follow-up date passed, or with an open follow-up planned for a day that
	passed (carried over), become Overdue; cards without one Missing; the others OK."""
	day = getdate(day or today())
	lead = DocType("Sales Lead")
	todo = DocType("ToDo")
	late_cards = (
		frappe.qb.from_(todo)
		.select(todo.reference_name)
		.distinct()
		.where(
			(todo.reference_type == "Sales Lead")
			& (todo.crm_follow_up == 1)
			& (todo.status == "Open")
			& (todo.crm_original_date < day)
		)
	)
	open_ = lead.stage_kind == "Open"
	frappe.qb.update(lead).set(lead.next_step_status, OK).where(
		(lead.stage_kind != "Open") | (lead.next_follow_up >= day)
	).run()
	frappe.qb.update(lead).set(lead.next_step_status, MISSING).where(
		open_ & lead.next_follow_up.isnull()
	).run()
	frappe.qb.update(lead).set(lead.next_step_status, OVERDUE).where(
		open_ & ((lead.next_follow_up < day) | lead.name.isin(late_cards))
	).run()


def digest_rows(day: date) -> tuple[list[dict], list[dict]]:
	"""Open cards without a future follow-up, and follow-ups overdue or carried over."""
	cards = frappe.get_all(
		"Sales Lead",
		filters={"stage_kind": "Open", "next_step_status": ("in", (MISSING, OVERDUE))},
		fields=["name", "title", "lead_owner", "next_step_status", "next_follow_up"],
		order_by="next_follow_up asc",
		limit=BATCH,
	)
	todo = DocType("ToDo")
	tasks = (
		frappe.qb.from_(todo)
		.select(
			todo.name,
			todo.date,
			todo.allocated_to,
			todo.description,
			todo.reference_type,
			todo.reference_name,
			todo.crm_carried_over,
		)
		.where(
			(todo.crm_follow_up == 1)
			& (todo.status == "Open")
			& ((todo.date < day) | (todo.crm_carried_over > 0))
		)
		.orderby(todo.date)
		.limit(BATCH)
		.run(as_dict=True)
	)
	return cards, tasks


def render_digest(cards: list[dict], tasks: list[dict]) -> str:
	parts = []
	if cards:
		items = "".join(
			"<li>{}: {}</li>".format(
				frappe.utils.get_link_to_form("Sales Lead", c.name, c.title or c.name),
				_("no next step") if c.next_step_status == MISSING else _("follow-up overdue"),
			)
			for c in cards
		)
		parts.append("<p><b>{}</b></p><ul>{}</ul>".format(_("Cards without a next step"), items))
	if tasks:
		items = "".join(
			"<li>{} {} — {}{}</li>".format(
				frappe.utils.get_link_to_form("ToDo", t.name, frappe.utils.format_date(t.date)),
				frappe.utils.escape_html(strip_html(t.description or "")[:140]),
				frappe.utils.escape_html(t.reference_name or ""),
				_(" (carried over {0}x)").format(t.crm_carried_over) if t.crm_carried_over else "",
			)
			for t in tasks
		)
		parts.append("<p><b>{}</b></p><ul>{}</ul>".format(_("Overdue and carried-over follow-ups"), items))
	return "".join(parts)


def send_follow_up_digests(day: date | None = None) -> dict[str, int]:
	"""Scheduler job (daily, after the roll-over): one digest per rep, one for the head of sales
	with the whole team's. Returns {user: number of items}."""
	day = getdate(day or today())
	settings = frappe.get_cached_doc("CRM Ext Settings")
	refresh_next_step_status(day)
	if not settings.send_follow_up_digest:
		return {}
	cards, tasks = digest_rows(day)
	per_user: dict[str, tuple[list, list]] = {}
	for c in cards:
		if c.lead_owner:
			per_user.setdefault(c.lead_owner, ([], []))[0].append(c)
	for t in tasks:
		if t.allocated_to:
			per_user.setdefault(t.allocated_to, ([], []))[1].append(t)
	sent = {}
	for user, (user_cards, user_tasks) in per_user.items():
		send_digest(
			user, _("Your follow-ups for {0}").format(frappe.utils.format_date(day)), user_cards, user_tasks
		)
		sent[user] = len(user_cards) + len(user_tasks)
	head = settings.head_of_sales
	if head and (cards or tasks):
		send_digest(head, _("Team follow-ups for {0}").format(frappe.utils.format_date(day)), cards, tasks)
		sent[head] = sent.get(head, 0) + len(cards) + len(tasks)
	return sent


def send_digest(user: str, subject: str, cards: list, tasks: list):
	enqueue_create_notification(
		[user],
		{"type": "Alert", "subject": subject, "email_content": render_digest(cards, tasks)},
	)


def daily():
	"""Morning jobs in order: carry over, then tell everyone what is open."""
	roll_over_follow_ups()
	send_follow_up_digests()
