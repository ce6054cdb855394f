"""Scripted sequences: a Pipeline Stage may list steps (task, who, due after N working hours).
A card entering the stage gets the first step's task; closing a step's task creates the next
step's task for the next person, counted from the moment the previous one was closed."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

from crm_ext.logic.errors import LogicError
from crm_ext.logic.follow_ups import pick_assignee, step_due
from crm_ext.sales.follow_ups import create_follow_up
from crm_ext.utils import throw
from crm_ext.utils.calendar import working_calendar
from crm_ext.utils.users import enabled_users_with_role


def stage_steps(stage: str) -> list[dict]:
	return frappe.get_all(
		"Pipeline Stage Step",
		filters={"parent": stage, "parenttype": "Pipeline Stage"},
		fields=["step_text", "assign_to_user", "assign_to_role", "due_after_hours"],
		order_by="idx asc",
	)


def start_sequence(lead):
	"""Called when a card enters a stage: the stage's first step, if any, for the card's
	Responsible as stored (the assignment rule may just have set it), else the head of sales."""
	steps = stage_steps(lead.stage)
	if steps:
		owner = frappe.db.get_value("Sales Lead", lead.name, "lead_owner") or frappe.db.get_single_value(
			"CRM Ext Settings", "head_of_sales"
		)
		create_step_task(lead.name, lead.stage, steps, 1, owner, lead.company)


def start_next_step(todo):
	"""A sequence step's task was closed: the next step, while the card is still in that stage."""
	if todo.reference_type != "Sales Lead":
		return
	lead = frappe.db.get_value(
		"Sales Lead", todo.reference_name, ["name", "stage", "lead_owner", "company"], as_dict=True
	)
	if not lead or lead.stage != todo.crm_sequence_stage:
		return
	steps = stage_steps(lead.stage)
	number = (todo.crm_sequence_step or 0) + 1
	if number <= len(steps):
		create_step_task(lead.name, lead.stage, steps, number, lead.lead_owner, lead.company)


def create_step_task(lead_name, stage, steps, number, lead_owner, company=None):
	step = steps[number - 1]
	try:
		user = pick_assignee(
			step.assign_to_user,
			enabled_users_with_role(step.assign_to_role) if step.assign_to_role else None,
			lead_owner,
			open_task_counts(),
		)
		due = step_due(now_datetime(), step.due_after_hours or 0, working_calendar(company))
	except LogicError as e:
		throw(e, title=frappe._("Cannot Start Step {0} of Stage {1}").format(number, stage))
	return create_follow_up(
		"Sales Lead",
		lead_name,
		user,
		step.step_text,
		due.date(),
		at=due,
		sequence_stage=stage,
		sequence_step=number,
	)


def open_task_counts() -> dict[str, int]:
	"""Open follow-ups per user (the load a role's step is balanced on)."""
	todo = DocType("ToDo")
	rows = (
		frappe.qb.from_(todo)
		.select(todo.allocated_to, Count(todo.name))
		.where((todo.crm_follow_up == 1) & (todo.status == "Open"))
		.groupby(todo.allocated_to)
		.run()
	)
	return {user: count for user, count in rows}
