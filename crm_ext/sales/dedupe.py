"""Finding the existing card a request or a new card belongs to (normalised phone / e-mail)."""

import frappe
from frappe import _
from frappe.query_builder import DocType

from crm_ext.crm_ext.doctype.crm_ext_settings.crm_ext_settings import default_phone_region
from crm_ext.logic.dedupe import Candidate, ContactKeys, Match, keys_of, match

PHONE_FIELDS = ("phone", "mobile_no")
EMAIL_FIELDS = ("email", "secondary_email")
MAX_CANDIDATES = 50


class DuplicateLeadError(frappe.DuplicateEntryError):
	"""A new card would twin an open one (Frappe's e-mail intake catches DuplicateEntryError and
	links the e-mail to the existing card instead)."""


def keys_from(phones, emails) -> ContactKeys:
	return keys_of(phones, emails, default_phone_region())


def find_match(keys: ContactKeys, exclude: str | None = None) -> Match:
	"""The open Sales Lead sharing a phone or e-mail with ``keys`` (or a customer to reuse)."""
	if not keys:
		return Match(None, None)
	lead = DocType("Sales Lead")
	condition = None
	for fieldnames, values in ((PHONE_FIELDS, keys.phones), (EMAIL_FIELDS, keys.emails)):
		for fieldname in fieldnames:
			if values:
				term = lead[fieldname].isin(list(values))
				condition = term if condition is None else condition | term
	rows = (
		frappe.qb.from_(lead)
		.select(
			lead.name,
			*(lead[f] for f in PHONE_FIELDS + EMAIL_FIELDS),
			lead.stage_kind,
			lead.modified,
			lead.customer,
		)
		.where(condition)
		.orderby(lead.modified, order=frappe.qb.desc)
		.limit(MAX_CANDIDATES)
		.run(as_dict=True)
	)
	candidates = [
		Candidate(
			name=r.name,
			keys=ContactKeys(
				phones=frozenset(r[f] for f in PHONE_FIELDS if r[f]),
				emails=frozenset(r[f].lower() for f in EMAIL_FIELDS if r[f]),
			),
			is_open=r.stage_kind == "Open",
			modified=r.modified,
			customer=r.customer,
		)
		for r in rows
	]
	return match(keys, candidates, exclude=exclude)


def duplicate_message(existing: str) -> str:
	return _(
		"An open Sales Lead with the same phone or e-mail already exists: {0}. Open it instead of creating a twin, or merge the two cards."
	).format(frappe.utils.get_link_to_form("Sales Lead", existing))
