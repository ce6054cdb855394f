"""Link search, tree nodes and link titles of records with row rules.

- ``search_widget`` / ``search_link`` with ``ignore_user_permissions=1`` set Frappe's
  ``ignore_permissions`` (every row, every field) for anyone with doctype-level read: never for
  a doctype with row rules. ``search_link`` calls Frappe's ``search_widget`` directly (an override
  of one is not an override of the other), so both are overridden; a custom ``query=`` is called
  through its override when it has one (``get_filtered_child_rows``), and only a method that
  takes a search's arguments under their own names: Frappe passes them by position, so
  ``query=frappe.client.get_list`` would receive ``txt`` as its ``fields``, past the request
  guard. ``treeview.get_all_nodes`` calls its ``tree_method`` the same way.
- ``get_link_title`` answers any title with no check; the form's ``_link_titles`` (``getdoc``,
  print preview) carry the titles of every linked record: a record with row rules gives its
  title only to who may read it, anyone else gets its name, as for a link without a title.
"""

import inspect

import frappe
from frappe import _
from frappe.desk import search, treeview
from frappe.desk.form import load
from frappe.www import printview

from crm_ext.doors.common import is_sensitive, refuse
from crm_ext.doors.guard import check_arguments

SEARCH_QUERY_PARAMETERS = (
	("doctype",),
	("txt",),
	("searchfield",),
	("start",),
	("page_len", "page_length"),
	("filters",),
)
TREE_METHOD_PARAMETERS = (("doctype",), ("parent",))


def overridden(method: str | None) -> str | None:
	"""The method Frappe's handler would run for ``method`` (its override, if any)."""
	if not method:
		return method
	overrides = frappe.get_hooks("override_whitelisted_methods", {}).get(method)
	return overrides[-1] if overrides else method


def called_by_position(method: str | None, parameters: tuple[tuple[str, ...], ...]) -> str | None:
	"""``method`` (through its override) if its first parameters are named as ``parameters``:
	Frappe calls a custom search query / tree method with positional arguments."""
	if not method:
		return method
	method = overridden(method)
	try:
		names = list(inspect.signature(inspect.unwrap(frappe.get_attr(method))).parameters)
	except Exception:
		names = []
	if len(names) < len(parameters) or any(
		n not in allowed for n, allowed in zip(names, parameters, strict=False)
	):
		refuse(_("{0} cannot be called this way.").format(method))
	return method


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | None | dict | list = None,
	filter_fields=None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	check_arguments({"filters": filters, "filter_fields": filter_fields}, None, doctype)
	return search.search_widget(
		doctype,
		txt,
		called_by_position(query, SEARCH_QUERY_PARAMETERS),
		searchfield=searchfield,
		start=start,
		page_length=page_length,
		filters=filters,
		filter_fields=filter_fields,
		as_dict=as_dict,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions and not is_sensitive(doctype),
	)


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	results = search_widget(
		doctype,
		txt.strip(),
		query,
		searchfield=searchfield,
		page_length=page_length,
		filters=filters,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions,
	)
	return search.build_for_autosuggest(results, doctype=doctype)


@frappe.whitelist()
def get_all_nodes(doctype: str, label: str, parent: str, tree_method: str, **filters):
	return treeview.get_all_nodes(
		doctype, label, parent, called_by_position(tree_method, TREE_METHOD_PARAMETERS), **filters
	)


def readable_title(doctype: str, name: str) -> bool:
	return not is_sensitive(doctype) or bool(frappe.has_permission(doctype, "read", name))


@frappe.whitelist()
def get_link_title(doctype: str, docname: str):
	if not readable_title(doctype, docname):
		return docname
	return search.get_link_title(doctype, docname)


def scrub_link_titles() -> None:
	"""Titles in ``frappe.response._link_titles`` of records the user may not read: their name."""
	titles = frappe.local.response.get("_link_titles") or {}
	for key in list(titles):
		doctype, _sep, name = key.partition("::")
		if not readable_title(doctype, name):
			titles[key] = name


@frappe.whitelist()
def getdoc(doctype: str, name: str, user: str | None = None):
	out = load.getdoc(doctype, name, user)
	scrub_link_titles()
	return out


@frappe.whitelist()
def get_html_and_style(
	doc: str,
	name: str | None = None,
	print_format: str | None = None,
	no_letterhead: bool | None = None,
	letterhead: str | None = None,
	trigger_print: bool = False,
	style: str | None = None,
	settings: str | None = None,
):
	out = printview.get_html_and_style(
		doc,
		name=name,
		print_format=print_format,
		no_letterhead=no_letterhead,
		letterhead=letterhead,
		trigger_print=trigger_print,
		style=style,
		settings=settings,
	)
	scrub_link_titles()
	return out
