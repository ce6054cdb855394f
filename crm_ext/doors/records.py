"""Whitelisted methods that act on one record without checking the right they need.

Each checks, then calls Frappe's / ERPNext's own method:

- ``frappe.client.get`` with ``filters``: loads the first matching record of the doctype and
  answers 403 when it is hidden, 404 when nothing matches (an oracle on any column): on a
  doctype with row rules the first match is looked for among the readable rows only.
- ``frappe.desk.form.utils.get_next``: reads the sort value of the record named by ``value``;
  ``frappe.client.is_document_amended``; ``linked_with.get_submitted_linked_docs``;
  ``tag.get_tagged_docs``: read on the record / the user's rows only.
- ``desk.like.toggle_like``, ``desk.form.document_follow.get_follow_users``,
  ``erpnext.crm.utils.get_open_activities``: read on the record (any doctype);
  ``model.document.unlock_document``: write on it (any doctype).
- ``desk.form.assign_to.remove`` / ``close`` / ``remove_multiple``: ``ignore_permissions`` from
  the client is ignored; on a record of the app they need write on it (``_assign`` is access).
- ``frappe.email.relink``: write on the e-mail, and on a record of the app it is moved to.
- ``erpnext.controllers.queries.get_filtered_child_rows``: rows of one parent the user may read.
- ``communication.email.make``: attachments (File names) copied only if the user may read them.
- ``templates.includes.comments.comments.add_comment`` (portal comments, published): never on
  a record of the app.
"""

import json

import frappe
from frappe import _
from frappe.desk import like
from frappe.desk.doctype.tag import tag as tags
from frappe.desk.form import assign_to as assignments
from frappe.desk.form import document_follow, linked_with
from frappe.desk.form import utils as form_utils
from frappe.model import document

from crm_ext.access import app_doctypes
from crm_ext.doors.common import is_doctype, is_sensitive, refuse, require
from crm_ext.doors.guard import check_arguments

POST = ["POST"]


@frappe.whitelist()
def get(doctype: str, name: str | int | None = None, filters=None, parent: str | None = None):
	check_arguments({"filters": filters}, None, doctype)
	if not name and filters is not None and is_sensitive(doctype):
		found = frappe.get_list(doctype, filters=frappe.parse_json(filters), pluck="name", limit=1)
		if not found:
			raise frappe.DoesNotExistError(_("{0} not found").format(_(doctype)))
		name = found[0]
	return frappe.client.get(doctype, name=name, filters=filters, parent=parent)


@frappe.whitelist()
def get_next(
	doctype: str,
	value: str | int,
	prev: str | int,
	filters=None,
	sort_order: str = "desc",
	sort_field: str = "modified",
):
	check_arguments(
		{"filters": filters, "sort_field": sort_field, "sort_order": sort_order},
		"frappe.desk.form.utils.get_next",
		doctype,
	)
	if is_sensitive(doctype):
		require(doctype, "read", value)
	return form_utils.get_next(doctype, value, prev, filters, sort_order, sort_field)


@frappe.whitelist()
def is_document_amended(doctype: str, docname: str | int) -> bool:
	if is_sensitive(doctype) and not frappe.has_permission(doctype, "read", docname):
		return False
	return frappe.client.is_document_amended(doctype, docname)


@frappe.whitelist()
def get_submitted_linked_docs(doctype: str, name: str | int):
	require(doctype, "read", name)
	return linked_with.get_submitted_linked_docs(doctype, name)


@frappe.whitelist()
def get_tagged_docs(doctype: str, tag: str):
	if not is_sensitive(doctype):
		return tags.get_tagged_docs(doctype, tag)
	return frappe.get_list(doctype, filters=[["_user_tags", "like", tag]], fields=["name"], as_list=True)


@frappe.whitelist(methods=POST)
def toggle_like(doctype: str, name: str | int, add: str | bool = False):
	require(doctype, "read", name)
	return like.toggle_like(doctype, name, add)


@frappe.whitelist()
def get_follow_users(doctype: str, doc_name: str | int):
	require(doctype, "read", doc_name)
	return document_follow.get_follow_users(doctype, doc_name)


@frappe.whitelist()
def get_open_activities(ref_doctype: str, ref_docname: str | int):
	from erpnext.crm.utils import get_open_activities as activities

	require(ref_doctype, "read", ref_docname)
	return activities(ref_doctype, ref_docname)


@frappe.whitelist(methods=POST)
def unlock_document(doctype: str | None = None, name: str | int | None = None, args=None):
	if not doctype and not name and args:
		args = json.loads(args)
		doctype, name = str(args["doctype"]), str(args["name"])
	require(doctype, "write", name)
	return document.unlock_document(doctype, name)


def _may_change_assignment(doctype: str, name) -> None:
	if doctype in app_doctypes():
		require(doctype, "write", name)


@frappe.whitelist(methods=POST)
def remove(doctype: str, name: str | int, assign_to: str, ignore_permissions: bool = False):
	_may_change_assignment(doctype, name)
	return assignments.remove(doctype, name, assign_to)


@frappe.whitelist(methods=POST)
def close(doctype: str, name: str | int, assign_to: str, ignore_permissions: bool = False):
	_may_change_assignment(doctype, name)
	return assignments.close(doctype, name, assign_to)


@frappe.whitelist(methods=POST)
def remove_multiple(doctype: str, names: str | list, ignore_permissions: bool = False):
	for name in frappe.parse_json(names) or []:
		_may_change_assignment(doctype, name)
	return assignments.remove_multiple(doctype, names if isinstance(names, str) else json.dumps(names))


@frappe.whitelist(methods=POST)
def relink(name: str, reference_doctype: str | None = None, reference_name: str | int | None = None):
	from frappe.email import relink as frappe_relink

	require("Communication", "write", name)
	if reference_doctype and reference_doctype in app_doctypes():
		require(reference_doctype, "write", reference_name)
	return frappe_relink(name, reference_doctype, reference_name)


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def get_filtered_child_rows(doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters):
	from erpnext.controllers.queries import get_filtered_child_rows as child_rows

	filters = frappe.parse_json(filters) or {}
	parenttype, parent = filters.get("parenttype"), filters.get("parent")
	if not (is_doctype(parenttype) and frappe.get_meta(parenttype).get("fields", {"options": doctype})):
		refuse(_("Rows of {0} are listed for one parent document only.").format(_(doctype)))
	require(parenttype, "read", parent)
	return child_rows(doctype, txt, searchfield, start, page_len, filters)


@frappe.whitelist(methods=POST)
def make(**kwargs):
	from frappe.core.doctype.communication import email

	attachments = frappe.parse_json(kwargs.get("attachments")) or []
	for attachment in attachments:
		if isinstance(attachment, str):
			require("File", "read", attachment)
	return frappe.call(email.make, **kwargs)


@frappe.whitelist(allow_guest=True, methods=POST)
def add_comment(
	comment: str,
	comment_email: str,
	comment_by: str,
	reference_doctype: str,
	reference_name: str,
	route: str,
):
	from frappe.templates.includes.comments import comments

	if reference_doctype in app_doctypes():
		refuse(_("Records of this app take no portal comments."))
	return comments.add_comment(comment, comment_email, comment_by, reference_doctype, reference_name, route)
