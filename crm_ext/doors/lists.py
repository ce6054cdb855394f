"""List views: the desk's link titles of records with row rules, filled in for readable records.

A list view of Sales Request, Tender Bid, Tender Log, ... asks ``frappe.desk.reportview.get``
for ``sales_lead.title as sales_lead_title`` (the title of each linked record). Frappe joins the
linked table without its row rule, so a list of one's own rows would show the titles of records
one may not read. The request guard lets exactly this shape through to these two methods only;
here it is taken out of the query and filled in from ``frappe.get_list`` of the linked doctype,
i.e. only for records the user may read (the others show their name, as for any link without a
title).
"""

import json

import frappe
from frappe.desk import reportview

from crm_ext.doors.common import is_sensitive
from crm_ext.doors.guard import check_arguments, is_link_title, reached
from crm_ext.logic.query_args import NotPlain, expression


@frappe.whitelist()
def get():
	"""``frappe.desk.reportview.get`` (list, report, kanban views)."""
	titles = _take_link_titles()
	data = reportview.get()
	if titles and isinstance(data, dict) and data.get("keys"):
		keys = data["keys"]
		for link, doctype, title_field, alias in titles:
			if link not in keys:
				continue
			at = keys.index(link)
			found = _titles(doctype, title_field, [row[at] for row in data["values"]])
			keys.append(alias)
			for row in data["values"]:
				row.append(found.get(row[at]))
	return data


@frappe.whitelist()
def get_list():
	"""``frappe.desk.reportview.get_list`` (the same, uncompressed)."""
	titles = _take_link_titles()
	data = reportview.get_list()
	for link, doctype, title_field, alias in titles:
		rows = [row for row in data or [] if isinstance(row, dict)]
		found = _titles(doctype, title_field, [row.get(link) for row in rows])
		for row in rows:
			row[alias] = found.get(row.get(link))
	return data


def _take_link_titles() -> list[tuple[str, str, str, str]]:
	"""Remove the link titles of records with row rules from the request's fields:
	[(link field, linked doctype, its title field, alias)]."""
	form = frappe.local.form_dict
	doctype, fields = form.get("doctype"), form.get("fields")
	check_arguments(form, "frappe.desk.reportview.get", doctype)
	if isinstance(fields, str):
		try:
			fields = json.loads(fields)
		except ValueError:
			return []
	if not isinstance(fields, list):
		return []
	kept, taken = [], []
	for field in fields:
		try:
			reference = expression(field, "fields")
		except NotPlain:
			reference = None
		if reference and is_link_title(reference, doctype):
			target = reached(reference, doctype)
			if is_sensitive(target):
				taken.append((reference.link, target, reference.column, reference.alias))
				continue
		kept.append(field)
	form["fields"] = kept
	return taken


def _titles(doctype: str, title_field: str, names: list) -> dict:
	names = sorted({n for n in names if n})
	if not names:
		return {}
	try:
		rows = frappe.get_list(
			doctype,
			filters={"name": ("in", names)},
			fields=["name", title_field],
			limit_page_length=0,
		)
	except frappe.PermissionError:
		frappe.clear_last_message()
		return {}
	return {row.name: row.get(title_field) for row in rows}
