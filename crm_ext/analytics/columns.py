"""Report columns every user who may run the report can be shown.

Frappe's report runner (``frappe.desk.query_report.run``) checks, for every Link column that has
values, that the user may read the linked doctype (it applies their user permissions to the rows)
and refuses the whole report when they may not: a Sales Manager without a role on Currency gets
"No permission to read Currency" from a report whose currency column only formats the amounts; a
Sales User gets "No permission to read DocType" from a column naming a document type. What a column
shows is the report's to decide (each report scopes its rows itself, see
:mod:`crm_ext.analytics.filters`), so such a column is shown as plain text to that user.

Stage columns keep the stage's ID and show its name (:mod:`crm_ext.sales.stage_names`).
"""

import functools

import frappe

from crm_ext.sales.stage_names import send_stage_titles_of_report


def readable_links(execute):
	"""Decorator of a report's ``execute``: Link columns to doctypes the user may not read become
	Data columns (see the module docstring); everything else is returned as it was."""

	@functools.wraps(execute)
	def run(filters=None):
		columns, *rest = execute(filters)
		send_stage_titles_of_report(columns, rest[0] if rest else None)
		return (plain_unreadable_links(columns), *rest)

	return run


def plain_unreadable_links(columns: list, user: str | None = None) -> list:
	user = user or frappe.session.user
	shown = []
	for column in columns or []:
		if (
			isinstance(column, dict)
			and column.get("fieldtype") == "Link"
			and not may_read(column.get("options"), user)
		):
			column = {key: value for key, value in column.items() if key != "options"} | {"fieldtype": "Data"}
		shown.append(column)
	return shown


def may_read(doctype: str | None, user: str) -> bool:
	"""The role right Frappe's report runner asks for on a Link column's doctype."""
	if not doctype or user == "Administrator":
		return True
	rights = frappe.permissions.get_role_permissions(frappe.get_meta(doctype), user=user)
	return bool(rights.get("read") or rights.get("select"))
