"""Who sees which Supplier Qualification.

Procurement (Purchase User, Purchase Manager, System Manager) sees all of them, through the
doctype's role permissions. A portal supplier user (ERPNext's Supplier role) sees only the
qualifications of the suppliers it belongs to — as a Portal User of the Supplier (ERPNext v15) or
as the user of a Contact linked to the Supplier — and its own registrations; it may change one
only while it is a Draft.
"""

import frappe

INTERNAL_ROLES = frozenset({"Purchase User", "Purchase Manager", "System Manager"})
WRITE_PTYPES = frozenset({"write", "submit", "cancel", "delete", "amend"})


def is_internal(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(INTERNAL_ROLES & set(frappe.get_roles(user)))


def suppliers_of_user(user: str | None = None) -> list[str]:
	"""Suppliers whose portal the user may act for."""
	user = user or frappe.session.user
	portal = frappe.get_all(
		"Portal User",
		filters={"user": user, "parenttype": "Supplier"},
		pluck="parent",
		ignore_permissions=True,
	)
	contacts = frappe.get_all("Contact", filters={"user": user}, pluck="name", ignore_permissions=True)
	linked = (
		frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": ("in", contacts), "link_doctype": "Supplier"},
			pluck="link_name",
			ignore_permissions=True,
		)
		if contacts
		else []
	)
	return sorted(set(portal) | set(linked))


def qualification_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""List filter (``permission_query_conditions``) for Supplier Qualification."""
	user = user or frappe.session.user
	if is_internal(user):
		return ""
	suppliers = suppliers_of_user(user)
	conditions = [f"`tabSupplier Qualification`.`registration_user` = {frappe.db.escape(user)}"]
	if suppliers:
		names = ", ".join(frappe.db.escape(s) for s in suppliers)
		conditions.append(f"`tabSupplier Qualification`.`supplier` in ({names})")
	return "(" + " or ".join(conditions) + ")"


def has_qualification_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""Document check (``has_permission`` hook): a supplier user only for its own, writes in Draft."""
	user = user or frappe.session.user
	if is_internal(user):
		return True
	own = (doc.supplier and doc.supplier in suppliers_of_user(user)) or (
		not doc.supplier and doc.registration_user == user
	)
	if not own:
		return False
	if ptype in WRITE_PTYPES and not doc.is_new():
		return frappe.db.get_value(doc.doctype, doc.name, "status") == "Draft" and ptype == "write"
	return True


def has_website_permission(doc, ptype, user, verbose=False) -> bool:
	return bool(has_qualification_permission(doc, ptype, user))
