"""Counts: each counts only the rows the user may read.

- ``frappe.client.get_count`` runs ``frappe.db.count``: no permission check at all, any doctype,
  any filter (an oracle on any column). Here it counts through ``frappe.get_list`` for every
  doctype: the desk counts through ``frappe.desk.reportview.get_count`` (already permission
  aware), only API clients and ERPNext's bank statement import call this one, and a count of
  rows one may not list is what the doors are about.
- ``frappe.desk.listview.get_group_by_count`` with ``field="assigned_to"`` (the sidebar's
  "Assigned To") counts ToDos of every record named like one the filters match, with no check:
  here the records are the user's list (``frappe.get_list``) and the ToDos are of that doctype.
  (Frappe v16 also adds the title of each linked record: not of records the user may not read.)
- ``get_workflow_state_count`` (list view of a workflow doctype) groups ``frappe.get_all``:
  users whose rows are narrowed get the same counts over their own rows.
- ``frappe.desk.notifications.get_open_count`` (the form's connections) counts linked records
  with ``frappe.get_all``: linked records with row rules are counted through ``frappe.get_list``.
"""

import frappe
from frappe.desk import listview, notifications
from frappe.workflow.doctype.workflow import workflow

from crm_ext.doors.common import is_sensitive, sees_every_record
from crm_ext.doors.guard import check_arguments
from crm_ext.utils.compat import count_field


@frappe.whitelist()
def get_count(doctype: str, filters=None, debug: bool = False, cache: bool = False) -> int:
	rows = frappe.get_list(
		doctype, filters=frappe.utils.get_safe_filters(filters), fields=[count_field("total")]
	)
	return rows[0].total if rows else 0


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str | list | dict, field: str) -> list[dict]:
	check_arguments(
		{"current_filters": current_filters, "field": field},
		"frappe.desk.listview.get_group_by_count",
		doctype,
	)
	if field != "assigned_to":
		return _readable_titles(doctype, field, listview.get_group_by_count(doctype, current_filters, field))
	records = frappe.get_list(doctype, filters=frappe.parse_json(current_filters), fields=["name"], run=0)
	return frappe.db.sql(
		f"""select `tabToDo`.`allocated_to` as name, count(*) as count
		from `tabToDo` join `tabUser` on `tabUser`.`name` = `tabToDo`.`allocated_to`
		where `tabToDo`.`status` != 'Cancelled' and `tabUser`.`user_type` = 'System User'
			and `tabToDo`.`reference_type` = {frappe.db.escape(doctype)}
			and `tabToDo`.`reference_name` in ({records})
		group by `tabToDo`.`allocated_to`
		order by count desc
		limit 50""",
		as_dict=True,
	)


def _readable_titles(doctype: str, field: str, rows: list[dict]) -> list[dict]:
	"""Frappe v16 adds the title of each linked record to the counts: not of hidden records."""
	df = frappe.get_meta(doctype).get_field(field)
	if df and df.fieldtype == "Link" and is_sensitive(df.options):
		for row in rows or []:
			if row.get("title") and not frappe.has_permission(df.options, "read", row.get("name")):
				row["title"] = row.get("name")
	return rows


@frappe.whitelist()
def get_workflow_state_count(doctype: str, workflow_state_field: str, states) -> list | None:
	check_arguments(
		{"workflow_state_field": workflow_state_field},
		"frappe.workflow.doctype.workflow.workflow.get_workflow_state_count",
		doctype,
	)
	if sees_every_record(doctype):
		return workflow.get_workflow_state_count(doctype, workflow_state_field, states)
	frappe.has_permission(doctype, "read", throw=True)
	if workflow_state_field not in frappe.get_meta(doctype).get_valid_columns():
		return None
	rows = frappe.get_list(
		doctype,
		fields=[workflow_state_field, count_field("count")],
		filters={workflow_state_field: ["not in", frappe.parse_json(states)]},
		group_by=workflow_state_field,
	)
	return [row for row in rows if row[workflow_state_field]]


@frappe.whitelist()
def get_open_count(doctype: str, name: str, items=None) -> dict:
	out = notifications.get_open_count(doctype, name, items)
	links = frappe.get_meta(doctype).get_dashboard_data()
	for entry in (out.get("count") or {}).get("external_links_found", []):
		linked = entry.get("doctype")
		if is_sensitive(linked) and not sees_every_record(linked):
			entry.update(_visible_links(linked, name, links))
	return out


def _visible_links(doctype: str, name: str, links) -> dict:
	"""``frappe.desk.notifications.get_external_links`` over the user's rows."""
	fieldname = links.get("non_standard_fieldnames", {}).get(doctype, links.get("fieldname"))
	filters = {fieldname: name}
	filters.update(notifications.get_dynamic_link_filters(doctype, links, fieldname) or {})
	total = _count(doctype, filters)
	open_count = 0
	if open_filters := notifications.get_filters_for(doctype):
		open_count = _count(doctype, {**filters, **open_filters})
	return {"count": total, "open_count": open_count}


def _count(doctype: str, filters: dict) -> int:
	return len(frappe.get_list(doctype, filters=filters, pluck="name", limit=100, distinct=True))
