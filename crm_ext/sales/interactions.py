"""Interactions from the desk's quick actions, and on the timeline of the card they belong to."""

import frappe
from frappe import _
from frappe.utils import escape_html, format_date, format_duration, get_link_to_form

from crm_ext.logic.follow_ups import PARTY_DOCTYPES
from crm_ext.utils.user_time import format_user_datetime

ICONS = {
	"Call": "call",
	"E-mail": "mail",
	"Meeting": "calendar",
	"Visit": "calendar",
	"Message": "small-message",
	"Note": "edit",
}


@frappe.whitelist(methods=["POST"])
def log_interaction(
	reference_doctype: str,
	reference_name: str,
	interaction_type: str,
	summary: str | None = None,
	direction: str | None = None,
	duration: int | None = None,
	place: str | None = None,
	outcome: str | None = None,
	start_time: str | None = None,
	contact: str | None = None,
	next_step: str | None = None,
	next_step_on: str | None = None,
	next_step_all_day: int | None = 0,
	next_step_owner: str | None = None,
) -> str:
	""" "Log call" / "Log meeting" / "Add note" of the Sales Lead, Customer and Supplier forms.
	Needs the right to create interactions and to read the card (checked again on insert)."""
	frappe.has_permission("Interaction", "create", throw=True)
	if reference_doctype not in PARTY_DOCTYPES:
		frappe.throw(
			_("Interactions are logged on a Sales Lead, Customer or Supplier, not on {0}.").format(
				_(reference_doctype)
			),
			title=_("Cannot Log Interaction"),
		)
	frappe.has_permission(reference_doctype, "read", doc=reference_name, throw=True)
	doc = frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": interaction_type,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"summary": summary,
			"direction": direction,
			"duration": duration,
			"place": place,
			"outcome": outcome,
			"start_time": start_time,
			"contact": contact,
			"next_step": next_step,
			"next_step_on": next_step_on,
			"next_step_all_day": next_step_all_day,
			"next_step_owner": next_step_owner,
		}
	)
	doc.insert()
	return doc.name


def timeline_content(doctype: str, docname: str) -> list[dict]:
	"""``additional_timeline_content`` hook: the card's interactions as timeline cards, placed at
	the time they happened (not when they were typed in)."""
	if doctype not in ("Sales Lead", "Customer", "Supplier"):
		return []
	rows = frappe.get_all(
		"Interaction",
		filters={"reference_doctype": doctype, "reference_name": docname},
		fields=[
			"name",
			"interaction_type",
			"direction",
			"start_time",
			"duration",
			"place",
			"outcome",
			"summary",
			"handled_by",
			"next_step",
			"next_step_on",
			"next_step_all_day",
		],
		order_by="start_time asc",
	)
	return [
		{
			"icon": ICONS.get(row.interaction_type, "edit"),
			"is_card": True,
			"creation": row.start_time,
			"content": render(row),
		}
		for row in rows
	]


def render(row) -> str:
	"""A timeline card: when (in the reader's time zone), what, with whom, the outcome and the next
	step. Frappe shows no time on a card of its own: the interaction's time is in the card."""
	when = format_user_datetime(row.start_time) if row.start_time else None
	head = " · ".join(
		filter(
			None,
			[
				_(row.interaction_type),
				_(row.direction) if row.direction else None,
				format_duration(row.duration) if row.duration else None,
				escape_html(row.place) if row.place else None,
				escape_html(frappe.utils.get_fullname(row.handled_by)) if row.handled_by else None,
			],
		)
	)
	parts = [f"<div><b>{get_link_to_form('Interaction', row.name, head)}</b></div>"]
	if when:
		parts.insert(0, f'<div class="text-muted small">{escape_html(when)}</div>')
	if row.outcome:
		parts.append(f"<div>{_('Outcome')}: {escape_html(row.outcome)}</div>")
	if row.summary:
		parts.append(f"<div>{row.summary}</div>")  # Text Editor content, sanitised by Frappe on save
	if row.next_step:
		due = ""
		if row.next_step_on:
			due = (
				format_date(row.next_step_on)
				if row.get("next_step_all_day")
				else format_user_datetime(row.next_step_on)
			)
		parts.append(
			"<div>{}: {} ({})</div>".format(_("Next step"), escape_html(row.next_step), escape_html(due))
		)
	return "".join(parts)
