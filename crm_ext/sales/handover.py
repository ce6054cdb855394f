"""Handover: when a rep leaves, the head of sales gives all their open cards, open follow-ups and
scheduled sequence steps to another rep (or spreads them over a team) in one action. Each card
gets a note on its timeline; nothing else about the cards changes."""

import json

import frappe
from frappe import _

from crm_ext.logic.errors import LogicError
from crm_ext.logic.follow_ups import spread
from crm_ext.sales.follow_ups import refresh_next_step
from crm_ext.sales.timeline import log_on_lead
from crm_ext.utils import throw

HANDOVER_ROLES = ("Sales Manager", "CRM Manager", "System Manager")


@frappe.whitelist(methods=["POST"])
def handover(from_user: str, to_users: str | list[str]) -> dict:
	"""Reassign ``from_user``'s open Sales Leads and open follow-ups to ``to_users`` (one user, or a
	list / JSON list to spread the cards over in turn; a card's follow-ups go with the card).
	Returns the counts: {"leads": n, "follow_ups": m}."""
	check_may_hand_over()
	users = parse_users(to_users)
	check_users(from_user, users)
	leads = frappe.get_all(
		"Sales Lead",
		filters={"lead_owner": from_user, "stage_kind": "Open"},
		pluck="name",
		order_by="creation asc",
	)
	other_cards = frappe.get_all(
		"ToDo",
		filters={"allocated_to": from_user, "status": "Open", "crm_follow_up": 1},
		fields=["reference_type", "reference_name"],
		order_by="date asc",
	)
	cards = list(
		dict.fromkeys(
			[("Sales Lead", n) for n in leads] + [(r.reference_type, r.reference_name) for r in other_cards]
		)
	)
	try:
		plan = spread(cards, users)
	except LogicError as e:
		throw(e, title=_("Handover"))
	counts = {"leads": 0, "follow_ups": 0}
	for (doctype, name), to_user in plan.items():
		counts["follow_ups"] += move_follow_ups(doctype, name, from_user, to_user)
		if doctype == "Sales Lead" and name in leads:
			move_lead(name, from_user, to_user)
			counts["leads"] += 1
		log_handover(doctype, name, from_user, to_user)
		refresh_next_step(doctype, name)
	return counts


def check_may_hand_over():
	"""Only the head of sales (Sales Manager), a CRM Manager or a System Manager."""
	if frappe.session.user != "Administrator" and not set(HANDOVER_ROLES) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a Sales Manager or CRM Manager can hand cards over."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def parse_users(to_users) -> list[str]:
	if isinstance(to_users, str):
		text = to_users.strip()
		to_users = json.loads(text) if text.startswith("[") else [u.strip() for u in text.split(",")]
	return [u for u in dict.fromkeys(to_users or []) if u]


def check_users(from_user: str, users: list[str]):
	if not from_user or not frappe.db.exists("User", from_user):
		frappe.throw(_("From User: choose the user whose cards are handed over."), title=_("Handover"))
	if from_user in users:
		frappe.throw(
			_("To Users: {0} cannot take over their own cards; choose someone else.").format(from_user),
			title=_("Handover"),
		)
	for user in users:
		if not frappe.db.get_value("User", user, "enabled"):
			frappe.throw(
				_("To Users: {0} is not an enabled user; choose an active rep.").format(frappe.bold(user)),
				title=_("Handover"),
			)


def log_handover(doctype: str, name: str, from_user: str, to_user: str):
	text = _("Handed over from {0} to {1} by {2}.").format(
		frappe.utils.get_fullname(from_user),
		frappe.utils.get_fullname(to_user),
		frappe.utils.get_fullname(frappe.session.user),
	)
	if doctype == "Sales Lead":
		log_on_lead(name, text)
		return
	frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": "Note",
			"reference_doctype": doctype,
			"reference_name": name,
			"summary": text,
			"handled_by": to_user,
		}
	).insert(ignore_permissions=True)


def move_follow_ups(doctype: str, name: str, from_user: str, to_user: str) -> int:
	"""Open follow-ups (and sequence steps) of ``from_user`` on the card go to ``to_user``; their
	Events follow (see follow_ups.sync_event)."""
	todos = frappe.get_all(
		"ToDo",
		filters={
			"reference_type": doctype,
			"reference_name": name,
			"allocated_to": from_user,
			"status": "Open",
			"crm_follow_up": 1,
		},
		pluck="name",
	)
	for todo_name in todos:
		todo = frappe.get_doc("ToDo", todo_name)
		todo.allocated_to = to_user
		todo.flags.ignore_permissions = True
		todo.save()
	return len(todos)


def move_lead(name: str, from_user: str, to_user: str):
	"""Responsible changes; the card's assignment follows (Sales Lead.on_update)."""
	lead = frappe.get_doc("Sales Lead", name)
	lead.lead_owner = to_user
	lead.flags.ignore_permissions = True
	lead.save()
