"""Is a query argument plain? The pure half of the request guard (``crm_ext.doors.guard``).

Frappe's list doors (``frappe.client.get_list`` / ``get_value``, ``/api/resource``, report view,
link search, sidebar stats, dashboards, ...) put parts of the client's arguments into SQL as
they are: a field may be any expression with a sub-select, a filter may be a raw condition
string, ``order_by`` and ``group_by`` are pasted after ORDER BY / GROUP BY. Frappe's own checks
look at the outermost function name only. This module decides, without Frappe, whether every
such argument is *plain*:

- a field: a column name, optionally qualified by ``tab<DocType>`` (backticks allowed) or by a
  link / table field of the queried doctype (``link_field.column``), optionally inside one of
  ``count sum avg min max`` (``count(*)``, ``count(distinct col)``), optionally aliased
  (``as name``);
- a filter: a dict ``{column: value}`` or a list of ``[column, operator, value]`` /
  ``[doctype, column, operator, value, ...]`` lists or one-key dicts, never a string;
- ``order_by``: columns (qualified as fields are, or an aggregate of one) each optionally
  followed by ``asc`` / ``desc``; ``group_by``: columns;
- a single column argument (``field``, ``sort_field``, ...): a bare column name.

Values are not judged (Frappe escapes them); operators are checked by Frappe. What is plain
still names columns and doctypes: :func:`references` returns them so that the Frappe side can
refuse those that reach a doctype with row rules. Anything else raises :class:`NotPlain`, whose
``field`` is the argument at fault.
"""

import json
import re
from dataclasses import dataclass, replace

from crm_ext.logic.errors import LogicError, _

AGGREGATES = ("count", "sum", "avg", "min", "max")

# names: word characters of any script (custom fields may be named in Cyrillic), not a number
_NAME = r"(?!\d)\w+"
_DOCTYPE = r"\w[\w \-]*"
_FLAGS = re.IGNORECASE

# a column, optionally qualified: `tabDocType`.`column`, link_field.column, column, *
REF = re.compile(
	rf"(?:(?:`tab(?P<table>{_DOCTYPE})`|(?P<link>{_NAME}))\.)?(?:`(?P<quoted>{_NAME})`|(?P<column>{_NAME})|(?P<star>\*))",
	_FLAGS,
)
# an aggregate of a column
AGGREGATE = re.compile(
	rf"(?P<function>{'|'.join(AGGREGATES)})\s*\(\s*(?:distinct\s+)?(?P<inner>.+?)\s*\)", _FLAGS
)
ALIASED = re.compile(
	rf"\s*(?P<expr>.+?)(?:\s+as\s+(?:(?P<alias>{_NAME})|`(?P<qalias>\w+)`"
	rf"|'(?P<salias>\w+)'|\"(?P<dalias>\w+)\"))?\s*",
	_FLAGS,
)
DIRECTED = re.compile(r"\s*(?P<expr>.+?)(?:\s+(?P<direction>asc|desc))?\s*", _FLAGS)
COLUMN_NAME = re.compile(_NAME)
DOCTYPE_NAME = re.compile(_DOCTYPE)

# argument name -> what it holds, for every door
ARGUMENTS = {
	"fields": "fields",
	"filter_fields": "fields",
	"filters": "filters",
	"or_filters": "filters",
	"current_filters": "filters",
	"extra_filters": "filters",
	"export_filters": "filters",
	"order_by": "order_by",
	"group_by": "group_by",
	"aggregate_on_field": "column",
	"aggregate_on_doctype": "doctype",
}
# method -> {argument: kind}: arguments that mean a query part in that method only
METHOD_ARGUMENTS = {
	"frappe.client.get_value": {"fieldname": "fields"},
	"frappe.client.get_single_value": {"field": "column"},
	"frappe.client.validate_link": {"fields": "fields"},
	"frappe.desk.listview.get_group_by_count": {"field": "column"},
	"frappe.desk.query_report.get_data_for_custom_field": {"field": "column"},
	"frappe.desk.reportview.get_stats": {"stats": "columns"},
	"frappe.desk.reportview.get_sidebar_stats": {"stats": "columns"},
	"frappe.desk.reportview.get_filter_dashboard_data": {"stats": "named_columns"},
	"frappe.workflow.doctype.workflow.workflow.get_workflow_state_count": {"workflow_state_field": "column"},
	"frappe.desk.form.utils.get_next": {"sort_field": "column", "sort_order": "direction"},
	"frappe.desk.calendar.get_events": {"field_map": "column_map"},
	"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": {"chart": "chart"},
	"frappe.desk.doctype.number_card.number_card.get_result": {"doc": "card"},
	"frappe.desk.doctype.number_card.number_card.get_percentage_difference": {"doc": "card"},
	"frappe.core.doctype.data_export.exporter.export_data": {"select_columns": "column_lists"},
}
# columns of a client's Dashboard Chart / Number Card definition
CHART_COLUMNS = ("based_on", "value_based_on", "group_by_based_on", "aggregate_function_based_on")
CHART_FILTERS = ("filters_json", "dynamic_filters_json")


class NotPlain(LogicError):
	"""A query argument holds more than column names: ``field`` is the argument."""


@dataclass(frozen=True)
class Reference:
	"""A column a plain argument reads.

	``queried``: the doctype queried, when the argument names it itself (a client's Dashboard
	Chart / Number Card); None for the request's doctype. ``on``: the doctype a filter names
	(``[doctype, column, op, value]``). ``table``: a ``tab<DocType>`` qualifier. ``link``: an
	unquoted qualifier (a link or table field of the queried doctype, or ``tab<DocType>``).
	``alias``: the field's alias. ``is_filter``: named by a filter (Frappe then looks for the
	column in the child tables when the doctype has no such field)."""

	argument: str
	column: str
	queried: str | None = None
	on: str | None = None
	table: str | None = None
	link: str | None = None
	alias: str | None = None
	function: str | None = None
	is_filter: bool = False


def _decoded(value, argument: str):
	"""JSON text decoded (repeatedly: Frappe decodes more than once on some paths)."""
	for _depth in range(4):
		if not isinstance(value, str):
			return value
		text = value.strip()
		if not text or text[0] not in '[{"':
			return value
		try:
			value = json.loads(text)
		except ValueError:
			return value
	raise NotPlain(_("{0} is nested too deeply."), argument, field=argument)


def _not_a_column(argument: str, text) -> NotPlain:
	return NotPlain(_("{0}: {1} is not a column name."), argument, str(text).strip()[:80], field=argument)


def expression(text, argument: str, queried: str | None = None, *, aliased: bool = True) -> Reference:
	"""One field expression: ``[function(][qualifier.]column[)] [as alias]``."""
	if not isinstance(text, str):
		raise NotPlain(_("{0} must list column names."), argument, field=argument)
	alias = None
	expr = text
	if aliased:
		match = ALIASED.fullmatch(text)
		if not match:
			raise _not_a_column(argument, text)
		parts = match.groupdict()
		expr = parts["expr"]
		alias = parts["alias"] or parts["qalias"] or parts["salias"] or parts["dalias"]
	function = None
	aggregate = AGGREGATE.fullmatch(expr.strip())
	if aggregate:
		function, expr = aggregate["function"].lower(), aggregate["inner"]
	ref = REF.fullmatch(expr.strip())
	if not ref:
		raise _not_a_column(argument, text)
	star = bool(ref["star"])
	if star and (ref["table"] or ref["link"] or function not in (None, "count")):
		raise _not_a_column(argument, text)
	return Reference(
		argument=argument,
		column="*" if star else (ref["quoted"] or ref["column"]),
		queried=queried,
		table=ref["table"],
		link=ref["link"],
		alias=alias,
		function=function,
	)


def fields(value, argument: str = "fields", queried: str | None = None) -> list[Reference]:
	"""A ``fields`` argument: a list of field expressions (or JSON of one, or "a, b")."""
	value = _decoded(value, argument)
	if value in (None, "", [], ()):
		return []
	if isinstance(value, str):
		items = [part.strip() for part in value.split(",")]
	elif isinstance(value, list | tuple):
		items = list(value)
	else:
		raise NotPlain(_("{0} must list column names."), argument, field=argument)
	return [expression(item, argument, queried) for item in items if item not in (None, "")]


def column(value, argument: str) -> str:
	"""A single bare column name."""
	if not isinstance(value, str) or not COLUMN_NAME.fullmatch(value):
		raise NotPlain(_("{0} must be a column name."), argument, field=argument)
	return value


def doctype_name(value, argument: str) -> str:
	if not isinstance(value, str) or not DOCTYPE_NAME.fullmatch(value):
		raise NotPlain(_("{0} must be a DocType name."), argument, field=argument)
	return value


def _filter_row(row, argument: str) -> list[Reference]:
	if isinstance(row, dict):
		return [Reference(argument, column(key, argument), is_filter=True) for key in row]
	if not isinstance(row, list | tuple):
		raise NotPlain(
			_("{0}: conditions must be [column, operator, value] lists, not text."), argument, field=argument
		)
	if len(row) == 3:
		return [Reference(argument, column(row[0], argument), is_filter=True)]
	if len(row) >= 4:
		on = doctype_name(row[0], argument) if row[0] else None
		return [Reference(argument, column(row[1], argument), on=on, is_filter=True)]
	raise NotPlain(_("{0}: a condition needs a column, an operator and a value."), argument, field=argument)


def filters(value, argument: str = "filters", queried: str | None = None) -> list[Reference]:
	"""A filters argument: dict or list of conditions. Text that is not JSON is a record name
	(``frappe.client.get_value`` reads it so) and names no column."""
	value = _decoded(value, argument)
	if value in (None, "", [], {}, ()) or isinstance(value, str | int | float):
		return []
	if isinstance(value, dict):
		rows = [value]
	elif isinstance(value, list | tuple):
		rows = list(value)
	else:
		raise NotPlain(_("{0} must be a list or a dict of conditions."), argument, field=argument)
	references = []
	for row in rows:
		references.extend(_filter_row(row, argument))
	if queried:
		references = [replace(r, queried=queried) for r in references]
	return references


def order_by(value, argument: str = "order_by") -> list[Reference]:
	"""Columns (or an aggregate of one), each optionally ``asc`` / ``desc``."""
	if value in (None, ""):
		return []
	if not isinstance(value, str):
		raise NotPlain(_("{0} must be text."), argument, field=argument)
	references = []
	for item in value.split(","):
		match = DIRECTED.fullmatch(item)
		if not match:
			raise _not_a_column(argument, item)
		references.append(expression(match["expr"], argument, aliased=False))
	return references


def group_by(value, argument: str = "group_by") -> list[Reference]:
	"""Columns."""
	if value in (None, ""):
		return []
	if not isinstance(value, str):
		raise NotPlain(_("{0} must be text."), argument, field=argument)
	references = [expression(item, argument, aliased=False) for item in value.split(",")]
	if any(r.function or r.column == "*" for r in references):
		raise _not_a_column(argument, value)
	return references


def _definition(value, argument: str) -> list[Reference]:
	"""A client's Dashboard Chart / Number Card: its columns and filters, on its doctype."""
	value = _decoded(value, argument)
	if value in (None, ""):
		return []
	if not isinstance(value, dict):
		raise NotPlain(_("{0} must be a JSON object."), argument, field=argument)
	doctype = value.get("document_type")
	queried = doctype_name(doctype, argument) if doctype else None
	references = [
		Reference(argument, column(value[key], argument), queried=queried)
		for key in CHART_COLUMNS
		if value.get(key)
	]
	if value.get("parent_document_type"):
		doctype_name(value["parent_document_type"], argument)
	for key in CHART_FILTERS:
		references += filters(value.get(key), argument, queried=queried)
	return references


def _column(value, argument: str) -> list[Reference]:
	return [Reference(argument, column(value, argument))] if value not in (None, "") else []


def _doctype(value, argument: str) -> list[Reference]:
	return [Reference(argument, "name", on=doctype_name(value, argument))] if value else []


def _direction(value, argument: str) -> list[Reference]:
	if value not in (None, "") and (not isinstance(value, str) or value.lower() not in ("asc", "desc")):
		raise NotPlain(_("{0} must be asc or desc."), argument, field=argument)
	return []


def _columns(value, argument: str) -> list[Reference]:
	"""A JSON list of column names (or one name)."""
	value = _decoded(value, argument)
	if isinstance(value, str):
		return _column(value, argument)
	if not isinstance(value, list | tuple):
		raise NotPlain(_("{0} must list column names."), argument, field=argument)
	return [Reference(argument, column(v, argument)) for v in value]


def _named_columns(value, argument: str) -> list[Reference]:
	"""A JSON list of ``{"name": column, ...}``."""
	value = _decoded(value, argument) or []
	if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
		raise NotPlain(_("{0} must list column names."), argument, field=argument)
	return [Reference(argument, column(v.get("name"), argument)) for v in value]


def _column_map(value, argument: str) -> list[Reference]:
	"""A JSON object whose values are column names."""
	value = _decoded(value, argument) or {}
	if not isinstance(value, dict):
		raise NotPlain(_("{0} must map names to column names."), argument, field=argument)
	return [
		Reference(argument, column(v, argument))
		for v in value.values()
		if v not in (None, "") and not isinstance(v, bool | int | float)  # flags, not columns
	]


def _column_lists(value, argument: str) -> list[Reference]:
	"""A JSON object ``{doctype: [column, ...]}``."""
	value = _decoded(value, argument) or {}
	if not isinstance(value, dict):
		raise NotPlain(_("{0} must map DocTypes to column names."), argument, field=argument)
	return [
		Reference(argument, column(v, argument), on=doctype_name(doctype, argument))
		for doctype, columns in value.items()
		for v in (columns if isinstance(columns, list) else [columns])
	]


KINDS = {
	"fields": fields,
	"filters": filters,
	"order_by": order_by,
	"group_by": group_by,
	"column": _column,
	"doctype": _doctype,
	"direction": _direction,
	"columns": _columns,
	"named_columns": _named_columns,
	"column_map": _column_map,
	"column_lists": _column_lists,
	"chart": _definition,
	"card": _definition,
}


def is_truthy(value) -> bool:
	"""How Frappe reads a flag sent as text (``cint`` / ``sbool``)."""
	if isinstance(value, str):
		return value.strip().lower() not in ("", "0", "false", "no", "off", "null", "none", "undefined")
	return bool(value)


def references(arguments: dict, method: str | None = None) -> list[Reference]:
	"""Every column the query arguments of one request name (``method``: the whitelisted method
	called, None for ``/api/resource``); raises :class:`NotPlain` for anything that is not plain.
	Unknown arguments are not looked at."""
	kinds = {**ARGUMENTS, **METHOD_ARGUMENTS.get(method or "", {})}
	found = []
	for argument, kind in kinds.items():
		if argument in arguments:
			found += KINDS[kind](arguments[argument], argument)
	return found
