"""Writing to a Sales Lead's timeline: one function every feature uses (intake, accounting, ...),
so the card's history is complete and chronological whoever or whatever wrote it."""

import frappe


def log_on_lead(lead_name: str, text: str, interaction_type: str = "Note") -> None:
	"""Add ``text`` (already translated, HTML-escaped where it carries user input) to the card's
	timeline. ``interaction_type`` says what kind of touch it was (Note, Message, E-mail, Call...)."""
	frappe.get_doc("Sales Lead", lead_name).add_comment("Info", text)
