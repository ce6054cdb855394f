"""Who receives a supplier's e-mails: the users its master user chose (``Supplier`` fields
``crm_invitation_recipients`` for the tender e-mails, ``crm_notice_recipients`` for the qualification
notices, set by ``crm_ext.supply.supplier_users``), else the defaults. Disabled users never."""

import frappe

from crm_ext.logic import supplier_users as rules

INVITATIONS, NOTICES = "crm_invitation_recipients", "crm_notice_recipients"


def enabled_users(users) -> set[str]:
	users = [u for u in users if u]
	if not users:
		return set()
	return set(frappe.get_all("User", filters={"name": ("in", users), "enabled": 1}, pluck="name"))


def emails_of(users) -> list[str]:
	users = list(users)
	if not users:
		return []
	return frappe.get_all("User", filters={"name": ("in", users), "enabled": 1}, pluck="email")


def chosen(supplier: str | None, field: str) -> list[str]:
	"""The enabled users the master user chose for ``field`` (none: the default applies)."""
	users = rules.parse_users(frappe.db.get_value("Supplier", supplier, field)) if supplier else []
	return rules.still_chosen(users, enabled_users(users))


def tender_emails(supplier: str) -> list[str]:
	"""The tender e-mails' addresses: the users the master user chose, else every enabled portal
	user and the supplier's e-mail address."""
	users = chosen(supplier, INVITATIONS)
	if users:
		return sorted(set(emails_of(users)))
	portal = frappe.get_all(
		"Portal User", filters={"parenttype": "Supplier", "parent": supplier}, pluck="user"
	)
	emails = [*emails_of(portal), frappe.db.get_value("Supplier", supplier, "email_id")]
	return sorted({e for e in emails if e})


def notice_emails(supplier: str | None, contact_email: str | None) -> str:
	"""The qualification notices' addresses (one per line): the users the master user chose, else
	the qualification's contact e-mail."""
	users = chosen(supplier, NOTICES)
	emails = emails_of(users) if users else [contact_email]
	return "\n".join(sorted({e for e in emails if e}))
