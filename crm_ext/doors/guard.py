"""The request guard (``before_request``): query arguments must be plain and stay on their doctype.

Runs for every ``/api/method``, ``/api/v2/method``, RPC ``cmd``, and every list read of
``/api/resource``, ``/api/v2/document`` and ``/api/v2/doctype/<dt>/count``, whatever the doctype
(a sub-select in a Quotation list can read a Tender Bid), before Frappe authenticates a token:
nothing here depends on the user.

Refused (417, naming the argument): a field, filter column, ``order_by`` or ``group_by`` that is
not plain (``crm_ext.logic.query_args``); ``ignore_permissions`` sent by a client.
Refused (403): a column of another doctype that has row rules, or a child table of one, reached
from the queried doctype (``link_field.column``, ``tab<DocType>``, a filter naming that doctype,
a filter column Frappe finds in a child table, ``aggregate_on_doctype``), and
``ignore_user_permissions`` on such a doctype. The desk's own link titles in lists
(``link.title as link_title``) are let through to the report view methods only, which fill them
in for the records the user may read (``crm_ext.doors.lists``).
"""

import frappe
from frappe import _
from frappe.model import child_table_fields, default_fields, optional_fields

from crm_ext.doors.common import is_doctype, is_sensitive
from crm_ext.logic import query_args
from crm_ext.logic.query_args import NotPlain, Reference
from crm_ext.utils import throw

# the report view methods that resolve the desk's link titles themselves (crm_ext.doors.lists)
LINK_TITLE_METHODS = frozenset({"frappe.desk.reportview.get", "frappe.desk.reportview.get_list"})
# overrides that disregard a client's ignore_permissions (the desk's bulk "clear assignment" sends it)
IGNORES_FLAG = frozenset({"frappe.desk.form.assign_to.remove_multiple"})
STANDARD_COLUMNS = frozenset(default_fields) | frozenset(optional_fields) | frozenset(child_table_fields)
TABLE_FIELDTYPES = frozenset({"Table", "Table MultiSelect"})


def before_request() -> None:
	endpoint = _endpoint()
	if endpoint is None:
		return
	method, doctype = endpoint
	arguments = frappe.local.form_dict or {}
	check_arguments(arguments, method, doctype or queried_doctype(arguments))


def check_arguments(arguments: dict, method: str | None, doctype: str | None) -> None:
	"""417 / 403 unless the query arguments are plain and stay on ``doctype``. Also called by the
	overrides on what they pass on, whoever called them (a method may be reached under other
	argument names: ``search_widget``'s ``query``, ``get_all_nodes``' ``tree_method``)."""
	try:
		references = query_args.references(arguments, method)
	except NotPlain as error:
		throw(error)
	if query_args.is_truthy(arguments.get("ignore_permissions")) and method not in IGNORES_FLAG:
		throw(
			NotPlain(_("{0} cannot be sent by a client."), "ignore_permissions", field="ignore_permissions")
		)
	if query_args.is_truthy(arguments.get("ignore_user_permissions")) and is_sensitive(doctype):
		frappe.throw(
			_("ignore_user_permissions: the row rules of {0} always apply.").format(_(doctype)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	for reference in references:
		check_reach(reference, doctype, method)


def _endpoint() -> tuple[str | None, str | None] | None:
	"""(whitelisted method called, doctype of the path) of a request the guard looks at."""
	request = frappe.local.request
	if frappe.local.form_dict.get("cmd"):
		return str(frappe.local.form_dict.cmd), None  # Frappe runs it whatever the path
	parts = request.path.strip("/").split("/")
	if len(parts) < 3 or parts[0] != "api":
		return None
	if parts[1] in ("v1", "v2"):
		version, parts = parts[1], parts[2:]
	else:
		version, parts = "v1", parts[1:]
	if len(parts) < 2:
		return None
	kind = parts[0]
	if kind == "method":
		if version == "v2" and len(parts) >= 3:
			return parts[2], parts[1]  # a controller method of a doctype
		return parts[1], None
	if request.method != "GET":
		return None  # a document body, not a query
	if (kind, version) in (("resource", "v1"), ("document", "v2")) and len(parts) == 2:
		return None, parts[1]
	if kind == "doctype" and version == "v2" and parts[2:] == ["count"]:
		return None, parts[1]
	return None


def queried_doctype(arguments: dict) -> str | None:
	"""The doctype a method queries: ``doctype``, or the one of the chart / number card."""
	if isinstance(arguments.get("doctype"), str):
		return arguments["doctype"]
	for key in ("chart", "doc"):
		try:
			definition = frappe.parse_json(arguments.get(key))
		except ValueError:
			continue
		if isinstance(definition, dict) and isinstance(definition.get("document_type"), str):
			return definition["document_type"]
	if isinstance(arguments.get("chart_name"), str):
		return frappe.db.get_value("Dashboard Chart", arguments["chart_name"], "document_type")
	return None


def check_reach(reference: Reference, doctype: str | None, method: str | None) -> None:
	"""403 when ``reference`` reads a doctype with row rules other than the one queried."""
	queried = reference.queried or doctype
	target = reached(reference, queried)
	if target == queried or not is_sensitive(target):
		return
	if method in LINK_TITLE_METHODS and is_link_title(reference, queried):
		return
	_refuse(reference.argument, target)


def reached(reference: Reference, queried: str | None) -> str | None:
	"""The doctype whose column ``reference`` reads (as Frappe resolves it)."""
	base = reference.on or queried
	if reference.on and not is_doctype(reference.on):
		_no_doctype(reference.argument, reference.on)
	if reference.table:
		if not is_doctype(reference.table):
			_no_doctype(reference.argument, reference.table)
		return reference.table
	if reference.link:
		df = frappe.get_meta(base).get_field(reference.link) if is_doctype(base) else None
		if df and (df.fieldtype == "Link" or df.fieldtype in TABLE_FIELDTYPES):
			return df.options
		if reference.link.startswith("tab") and is_doctype(reference.link[3:]):
			return reference.link[3:]
		_no_doctype(reference.argument, reference.link)
	if reference.is_filter and is_doctype(base) and reference.column not in STANDARD_COLUMNS:
		meta = frappe.get_meta(base)
		if not meta.has_field(reference.column):
			# Frappe looks for the column in the child tables (frappe.utils.data.get_filter)
			for df in meta.get_table_fields():
				if frappe.get_meta(df.options).has_field(reference.column):
					return df.options
	return base


def is_link_title(reference: Reference, queried: str | None) -> bool:
	"""The desk's ``link.title_field as link_title_field`` of a Link field (list views)."""
	if not (reference.link and is_doctype(queried)) or reference.function:
		return False
	df = frappe.get_meta(queried).get_field(reference.link)
	if not df or df.fieldtype != "Link":
		return False
	meta = frappe.get_meta(df.options)
	return (
		bool(meta.show_title_field_in_link)
		and reference.column == meta.title_field
		and reference.alias == f"{reference.link}_{reference.column}"
	)


def _refuse(argument: str, doctype: str) -> None:
	frappe.throw(
		_("{0}: {1} has row-level access rules and cannot be read through another doctype's query.").format(
			argument, _(doctype)
		),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)


def _no_doctype(argument: str, name: str) -> None:
	throw(NotPlain(_("{0}: {1} names no DocType or table field."), argument, name, field=argument))
