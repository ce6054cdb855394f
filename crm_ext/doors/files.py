"""Files of records with row rules.

- A file attached to a record with row rules is private, always (``before_insert``: a public
  upload is stored as a private file instead). Frappe's list condition of File is an unbracketed
  ``is_private = 0 OR ... OR attached_to_doctype IN (...)`` that other apps' conditions are
  ANDed to the last term of (``crm_ext.access.attached_query`` binds to that term only): any
  public File row is listed to every desk user. Private attachments of the app's records only
  ever match that last term, where the app's condition holds.
- A private file cannot be copied: a new File row (``has_permission`` "create"), or a changed
  ``file_url`` (``validate``), that points at an existing private file without bringing its
  content needs read on a File row of that file. (Frappe serves a private file to the owner of
  any File row of its URL.) E-mails copy their attachments (File names) through
  ``crm_ext.doors.records.make``, which checks the same.
- A file stays private while attached to such a record, and is moved onto or away from a record
  of the app only by who may write it (``crm_ext.doors.attached.check_repointing``).
"""

import os
from urllib.parse import unquote

import frappe
from frappe import _
from frappe.core.doctype.file.utils import delete_file

from crm_ext.access import no_objection
from crm_ext.doors.attached import check_repointing
from crm_ext.doors.common import is_sensitive
from crm_ext.utils.documents import in_procedure

PRIVATE_PREFIX = "/private/files/"


def before_insert(doc, method: str | None = None) -> None:
	"""Runs after File's own ``before_insert`` (which stored the content): a public file of a
	record with row rules is stored again as a private one."""
	if doc.is_folder or doc.is_private or not is_sensitive(doc.attached_to_doctype):
		return
	if doc.is_remote_file:
		doc.is_private = 1  # nothing on disk: only the listing changes
		return
	content = doc.get_content()
	if not content:
		frappe.throw(
			_("Attachments of {0} are private: attach a file with content.").format(
				_(doc.attached_to_doctype)
			)
		)
	public_url = doc.file_url
	doc.is_private, doc.file_url, doc.content_hash = 1, None, None
	doc.save_file(content=content)
	if public_url and not frappe.db.exists("File", {"file_url": public_url}):
		delete_file(public_url)  # written by this insert for this record only


def validate(doc, method: str | None = None) -> None:
	if doc.is_folder or doc.is_new():
		return
	if is_sensitive(doc.attached_to_doctype) and not doc.is_private:
		frappe.throw(
			_("Attachments of {0} stay private.").format(_(doc.attached_to_doctype)), frappe.ValidationError
		)
	if doc.has_value_changed("file_url") and not may_point_at(doc.file_url, doc.name):
		_refuse_copy(doc.file_url)
	check_repointing(doc, "attached_to_doctype", "attached_to_name")


def file_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""``has_permission`` of File: creating a row for an existing private file without its
	content needs read on a row of that file; anything else is left to the other hooks."""
	if ptype == "create" and not doc.get("content") and not may_point_at(doc.file_url, doc.name, user):
		return False
	return no_objection()


def may_point_at(file_url: str | None, own_name: str | None, user: str | None = None) -> bool:
	"""A File row (``own_name``) may point at ``file_url``: not a private file of this site, or
	one of whose rows the user may read."""
	user = user or frappe.session.user
	url = unquote(file_url or "")
	if not url.startswith(PRIVATE_PREFIX) or user == "Administrator" or in_procedure():
		return True
	rows = frappe.get_all(
		"File",
		filters={"file_url": ("in", [url, file_url]), "name": ("!=", own_name or "")},
		pluck="name",
	)
	if not rows and not os.path.exists(frappe.get_site_path("private", "files", os.path.basename(url))):
		return True  # no such file: File's own validation answers
	return any(frappe.has_permission("File", "read", row, user=user) for row in rows)


def _refuse_copy(file_url: str) -> None:
	frappe.throw(
		_("You may not attach {0}: it is a private file you cannot read.").format(frappe.bold(file_url)),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)
