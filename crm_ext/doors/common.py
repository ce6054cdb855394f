"""What the doors share: which doctypes hold rows someone may not see, and the checks."""

import frappe
from frappe import _
from frappe.model.db_query import DatabaseQuery

from crm_ext.access import child_parents, guarded_doctypes

MANAGER_ROLES = frozenset({"System Manager", "Dashboard Manager"})


def sensitive_doctypes() -> frozenset[str]:
	"""Doctypes of the app with row rules, and the child tables of those."""
	guarded = set(guarded_doctypes())
	children = {child for child, parents in child_parents().items() if guarded.intersection(parents)}
	return frozenset(guarded | children)


def is_sensitive(doctype: str | None) -> bool:
	return bool(doctype) and doctype in sensitive_doctypes()


def is_doctype(doctype) -> bool:
	return (
		isinstance(doctype, str) and bool(doctype) and bool(frappe.db.exists("DocType", doctype, cache=True))
	)


def sees_every_record(doctype: str, user: str | None = None) -> bool:
	"""``user`` may read the doctype and nothing narrows the rows: no row rule, no owner-only
	permission, no user permission."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	if not frappe.has_permission(doctype, "read", user=user):
		return False
	query = DatabaseQuery(doctype, user=user)
	query.fields = ["name"]
	return query.build_match_conditions() == ""


def is_manager(user: str | None = None) -> bool:
	"""May preview dashboards built in the browser (System Manager, Dashboard Manager)."""
	user = user or frappe.session.user
	return user == "Administrator" or bool(MANAGER_ROLES.intersection(frappe.get_roles(user)))


def refuse(message: str | None = None) -> None:
	frappe.throw(message or _("Not permitted"), frappe.PermissionError, title=_("Not Permitted"))


def require(doctype, ptype: str, name) -> None:
	"""403 unless the session user has ``ptype`` on the record: the same answer whether or not
	the record exists (no existence oracle)."""
	if (
		is_doctype(doctype)
		and isinstance(name, str | int)
		and frappe.db.exists(doctype, name)
		and frappe.has_permission(doctype, ptype, name)
	):
		return
	refuse(
		_("You are not permitted to {0} {1} {2}.").format(_(ptype), _(str(doctype)), frappe.bold(str(name)))
	)
