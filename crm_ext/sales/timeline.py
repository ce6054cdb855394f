"""Writing to a Sales Lead's timeline: one function every feature uses (intake, accounting, ...),
so the card's history is complete and chronological whoever or whatever wrote it."""

import frappe

from crm_ext.logic.follow_ups import DIRECTED_TYPES


def log_on_lead(lead_name: str, text: str, interaction_type: str = "Note") -> None:
	"""Record ``text`` (already translated, HTML-escaped where it carries user input) as an
	Interaction of type ``interaction_type`` (Note, Message, E-mail, Call...) on the card, so it
	shows on its timeline. What the system records arrived from outside: a call or message is
	logged as incoming (it does not count as the rep having contacted the client)."""
	frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": interaction_type,
			"direction": "Incoming" if interaction_type in DIRECTED_TYPES else None,
			"reference_doctype": "Sales Lead",
			"reference_name": lead_name,
			"summary": text,
			"handled_by": frappe.db.get_value("Sales Lead", lead_name, "lead_owner") or frappe.session.user,
		}
	).insert(ignore_permissions=True)
