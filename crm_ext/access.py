"""What the access rules of both sides share: a record's rows, history, files and comments follow it.

The rules themselves live in one module per side: ``crm_ext.sales.access`` (cards, requests,
stage log, interactions) and ``crm_ext.supply.access`` (qualifications, tenders, bids, tender
log). This module derives from them (through the ``permission_query_conditions`` and
``has_permission`` hooks they are registered under), for every record of the app:

- its child rows listed on their own (``/api/resource/<child>``, ``frappe.client.get_list`` /
  ``get_value`` / ``get_count`` with ``parent``, report view): only rows of parents the user may
  read, by the parent's own row rule (``child_query``); a single row read on its own is judged by
  its parent (``crm_ext.utils.documents.AppRow``);
- its Version history, File attachments, Comments and Communications: listed and opened only
  where the record itself may be read (``attached_query`` / ``attached_permission``): a sealed
  bid's history and files are sealed with it.

Frappe's generic doors that would reach past these rules (sub-selects in list arguments, joins,
link search, counts, dashboards, likes, follows, file copies) are closed in ``crm_ext.doors``.
"""

import frappe
from frappe.core.doctype.server_script.server_script_utils import get_server_script_map
from frappe.utils.caching import site_cache

from crm_ext.utils.compat import FRAPPE_MAJOR

MODULE = "CRM Ext"
NOTHING = "1 = 0"
# doctype -> (column naming the record's doctype, column naming the record)
ATTACHED = {
	"Version": ("ref_doctype", "docname"),
	"File": ("attached_to_doctype", "attached_to_name"),
	"Comment": ("reference_doctype", "reference_name"),
	"Communication": ("reference_doctype", "reference_name"),
}


def no_objection():
	"""What a ``has_permission`` hook on another app's doctype returns to leave the decision to the
	others: None on Frappe v15 (there the first non-None answer decides), True from v16 on (there
	every hook must allow and None denies)."""
	return None if FRAPPE_MAJOR < 16 else True


@site_cache(maxsize=1)
def app_doctypes() -> dict[str, bool]:
	"""{doctype of this app: is a child table}."""
	return {
		row.name: bool(row.istable)
		for row in frappe.get_all("DocType", filters={"module": MODULE}, fields=["name", "istable"])
	}


@site_cache(maxsize=1)
def child_parents() -> dict[str, list[str]]:
	"""{child doctype: the app doctypes whose table it is} (a row type may serve several parents)."""
	parents: dict[str, list[str]] = {}
	for doctype, is_table in sorted(app_doctypes().items()):
		if not is_table:
			for df in frappe.get_meta(doctype).get_table_fields():
				parents.setdefault(df.options, [])
				if doctype not in parents[df.options]:
					parents[df.options].append(doctype)
	return parents


def guarded_doctypes() -> list[str]:
	"""Documents of the app with a row rule: their attachments and history follow them."""
	hooked = set(frappe.get_hooks("permission_query_conditions")) | set(frappe.get_hooks("has_permission"))
	return sorted(dt for dt, is_table in app_doctypes().items() if not is_table and dt in hooked)


def bracketed(conditions) -> str:
	"""SQL conditions ANDed, each in brackets. Frappe joins the conditions of several hooks with a
	bare " and " (``DatabaseQuery.get_permission_query_conditions``, and ``build_match_conditions``
	appends them to the role conditions the same way), so a hook returning an unbracketed
	``a OR b`` makes the next hook's condition bind to ``b`` only. Frappe's own File condition is
	such a chain: no later hook can narrow its first terms (``crm_ext.doors.files`` keeps the app's
	attachments out of them instead). The app's own conditions are always bracketed."""
	return " and ".join(f"({c})" for c in conditions if c)


def permission_conditions(doctype: str, user: str) -> list[str]:
	"""What every ``permission_query_conditions`` hook and permission-query Server Script of
	``doctype`` answers for ``user`` (as ``DatabaseQuery`` asks them), one condition each."""
	hooks = frappe.get_hooks("permission_query_conditions", {})
	conditions = [
		frappe.call(frappe.get_attr(method), user, doctype=doctype)
		for method in hooks.get(doctype, []) + hooks.get("*", [])
	]
	if script := get_server_script_map().get("permission_query", {}).get(doctype):
		conditions.append(frappe.get_doc("Server Script", script).get_permission_query_conditions(user))
	return [c for c in conditions if c]


def visible_condition(doctype: str, user: str) -> str:
	"""SQL condition on ``tab<doctype>`` for the rows ``user`` may read: "" for all of them."""
	if user == "Administrator":
		return ""
	permissions = frappe.permissions.get_role_permissions(frappe.get_meta(doctype), user=user)
	if not (permissions.get("read") or permissions.get("select")):
		return NOTHING
	return bracketed(permission_conditions(doctype, user))


def records_in(doctype: str, column: str, user: str) -> str:
	"""SQL: ``column`` names a ``doctype`` record ``user`` may read ("" when every record)."""
	condition = visible_condition(doctype, user)
	if not condition:
		return ""
	return f"{column} in (select `name` from `tab{doctype}` where {condition})"


def child_query(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` of every child doctype of the app: its parent's row rule."""
	user = user or frappe.session.user
	parts = []
	for parent in child_parents().get(doctype, []):
		condition = records_in(parent, f"`tab{doctype}`.`parent`", user)
		if not condition:
			condition = "1 = 1"
		parts.append(f"(`tab{doctype}`.`parenttype` = {frappe.db.escape(parent)} and {condition})")
	return "(" + " or ".join(parts) + ")" if parts else NOTHING


def attached_query(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` of Version / File / Comment / Communication: rows about a
	record of the app only when that record may be read."""
	user = user or frappe.session.user
	doctype_column, name_column = ATTACHED[doctype]
	parts = []
	for record_doctype in guarded_doctypes():
		condition = records_in(record_doctype, f"`tab{doctype}`.`{name_column}`", user)
		if condition:
			parts.append(
				f"(ifnull(`tab{doctype}`.`{doctype_column}`, '') != {frappe.db.escape(record_doctype)}"
				f" or {condition})"
			)
	return f"({' and '.join(parts)})" if parts else ""


def attached_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""``has_permission`` of Version / File / Comment / Communication: one about a record of the app
	is refused where the record is (write needs write on it); anything else is left to Frappe."""
	user = user or frappe.session.user
	doctype_column, name_column = ATTACHED[doc.doctype]
	record_doctype, record_name = doc.get(doctype_column), doc.get(name_column)
	if user == "Administrator" or record_doctype not in guarded_doctypes() or not record_name:
		return no_objection()
	if not frappe.db.exists(record_doctype, record_name):
		return no_objection()
	needed = "write" if ptype in ("write", "create", "delete") else "read"
	if not frappe.has_permission(record_doctype, needed, record_name, user=user):
		return False
	return no_objection()
