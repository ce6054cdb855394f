"""What the supplier portal pages share: login check and private uploads."""

import base64

import frappe
from frappe import _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def require_login() -> None:
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to the supplier portal first."), frappe.PermissionError)


def find_row(rows, row: str, parent: str):
	"""The child row named ``row`` among ``rows`` of document ``parent``, or a clear error."""
	target = next((r for r in rows if r.name == row), None)
	if not target:
		frappe.throw(_("Row {0} is not part of {1}.").format(row, parent))
	return target


def attach_private_file(doc, filename: str, filedata: str) -> str:
	"""Save a base64 upload (data URL or bare) as a private File attached to ``doc``; its URL."""
	content = base64.b64decode(filedata.split(",", 1)[-1])
	if len(content) > MAX_UPLOAD_BYTES:
		frappe.throw(_("The file is larger than 10 MB; upload a smaller one."))
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": filename,
			"attached_to_doctype": doc.doctype,
			"attached_to_name": doc.name,
			"is_private": 1,
			"content": content,
		}
	).save()
	return file.file_url
