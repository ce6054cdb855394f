"""Who is responsible for a card: Frappe's assignment (ToDo) and the card's Responsible field
kept in step, and the default round-robin Assignment Rule for new cards."""

import json

import frappe
from frappe import _
from frappe.desk.form import assign_to

from crm_ext.utils.documents import procedure

RULE_NAME = "Sales Lead Round Robin"


def sync_owner_assignment(lead):
	"""Responsible set or changed on the card → the new rep is assigned, the previous one is not."""
	if not lead.has_value_changed("lead_owner"):
		return
	before = lead.get_doc_before_save()
	previous = before.lead_owner if before else None
	assigned = set(json.loads(frappe.db.get_value("Sales Lead", lead.name, "_assign") or "[]"))
	with procedure():  # the card's save was already judged; its assignment follows it
		if lead.lead_owner and lead.lead_owner not in assigned:
			assign_to.add(
				{
					"assign_to": [lead.lead_owner],
					"doctype": "Sales Lead",
					"name": lead.name,
					"description": _("Sales Lead {0}").format(lead.title or lead.name),
				},
				ignore_permissions=True,
			)
		if previous and previous != lead.lead_owner and previous in assigned:
			assign_to.remove("Sales Lead", lead.name, previous, ignore_permissions=True)


def on_todo_change(todo, method=None):
	"""An open assignment of a card without a Responsible (or made by an Assignment Rule) makes
	the assignee Responsible. Written with db_set: no second save of the card."""
	if todo.reference_type != "Sales Lead" or todo.status != "Open" or not todo.allocated_to:
		return
	current = frappe.db.get_value("Sales Lead", todo.reference_name, "lead_owner")
	if current == todo.allocated_to:
		return
	if not current or todo.assignment_rule:
		frappe.db.set_value(
			"Sales Lead", todo.reference_name, "lead_owner", todo.allocated_to, update_modified=False
		)


def ensure_assignment_rule() -> str:
	"""Create the round-robin rule for new cards once, disabled and without users: the head of
	sales chooses the team (Assignment Rule "Sales Lead Round Robin" > Users) and enables it. Every
	Sales User of the site is not the sales team (ERPNext's own test users, accountants with the
	role, ...): a rule filled in at install gave the first web lead to whoever had the role.

	It assigns open cards that have no Responsible, on every day of the week (the first-contact
	clock counts working time anyway). Assignments close when the card is won or lost."""
	if frappe.db.exists("Assignment Rule", RULE_NAME):
		return RULE_NAME
	days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
	rule = frappe.get_doc(
		{
			"doctype": "Assignment Rule",
			"name": RULE_NAME,
			"document_type": "Sales Lead",
			"priority": 0,
			"rule": "Round Robin",
			"description": _("New Sales Lead {{ title }}: contact it within the service time."),
			"assign_condition": 'stage_kind == "Open" and not lead_owner',
			"close_condition": 'stage_kind != "Open"',
			"users": [],
			"assignment_days": [{"day": d} for d in days],
			"disabled": 1,
		}
	)
	rule.flags.ignore_mandatory = True
	rule.insert(ignore_permissions=True)
	return rule.name
