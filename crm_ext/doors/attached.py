"""Comments, follows and e-mails about a record of the app follow the record (``doc_events``).

- Comment: a new comment on a record of the app needs read on the record (Frappe inserts
  comments with ``ignore_permissions``: portal ``add_comment``, likes, the desk's comment box).
- Document Follow: the follower must be able to read the record (the digest e-mails every
  change and comment of it, built with ``frappe.get_all``).
- Communication, Comment, File moved onto or away from a record of the app: write on both, as
  stored (an e-mail of a hidden card re-linked onto one's own, or one's own onto a rival's).

The app's own procedures (``crm_ext.utils.documents.procedure``) and Administrator act freely.
"""

import frappe
from frappe import _

from crm_ext.access import app_doctypes
from crm_ext.utils.documents import in_procedure

# doctype -> (column naming the record's doctype, column naming the record)
REFERENCES = {
	"Comment": ("reference_doctype", "reference_name"),
	"Communication": ("reference_doctype", "reference_name"),
	"File": ("attached_to_doctype", "attached_to_name"),
	"Document Follow": ("ref_doctype", "ref_docname"),
}


def acts_freely() -> bool:
	return frappe.session.user == "Administrator" or in_procedure()


def _of_app(doctype: str | None, name) -> bool:
	return bool(doctype and name) and doctype in app_doctypes() and bool(frappe.db.exists(doctype, name))


def _require(doctype: str, ptype: str, name, user: str | None = None) -> None:
	if not frappe.has_permission(doctype, ptype, name, user=user or frappe.session.user):
		frappe.throw(
			_("Not permitted: {0} {1} needs {2} permission on it.").format(
				_(doctype), frappe.bold(name), _(ptype)
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def check_repointing(doc, doctype_column: str, name_column: str) -> None:
	"""A stored row moved from one record to another: write on both, if of the app."""
	if doc.is_new() or acts_freely():
		return
	if not (doc.has_value_changed(doctype_column) or doc.has_value_changed(name_column)):
		return
	before = doc.get_doc_before_save()
	for doctype, name in (
		(before.get(doctype_column), before.get(name_column)) if before else (None, None),
		(doc.get(doctype_column), doc.get(name_column)),
	):
		if _of_app(doctype, name):
			_require(doctype, "write", name)


def comment_before_insert(doc, method: str | None = None) -> None:
	if acts_freely() or not _of_app(doc.reference_doctype, doc.reference_name):
		return
	_require(doc.reference_doctype, "read", doc.reference_name)


def comment_validate(doc, method: str | None = None) -> None:
	check_repointing(doc, *REFERENCES["Comment"])


def communication_validate(doc, method: str | None = None) -> None:
	check_repointing(doc, *REFERENCES["Communication"])


def follow_validate(doc, method: str | None = None) -> None:
	"""The follower, whoever makes them follow, must be able to read the record."""
	if frappe.session.user == "Administrator" and doc.user == "Administrator":
		return
	if _of_app(doc.ref_doctype, doc.ref_docname):
		_require(doc.ref_doctype, "read", doc.ref_docname, user=doc.user)
