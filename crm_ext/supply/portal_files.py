"""What the supplier portal's methods share: reading the client's input and private uploads.

Bad input is answered with a 417 naming the field, before anything is written.
"""

import base64
import binascii
import json

import frappe
from frappe import _

from crm_ext.utils.documents import procedure

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 140


def bad_input(field: str, message: str) -> None:
	frappe.throw(_("{0}: {1}").format(field, message), title=_("Invalid Value"))


def parse_object(value, field: str) -> dict:
	"""A JSON object sent by a client (as a dict or its JSON text)."""
	if isinstance(value, str):
		try:
			value = json.loads(value) if value.strip() else {}
		except ValueError:
			bad_input(field, _("send a JSON object."))
	if not isinstance(value, dict):
		bad_input(field, _("send a JSON object."))
	return value


def find_row(rows, row: str, parent: str):
	"""The child row named ``row`` among ``rows`` of document ``parent``, or a clear error."""
	target = next((r for r in rows if r.name == row), None)
	if not target:
		bad_input("row", _("row {0} is not part of {1}.").format(row, parent))
	return target


def decode_upload(filename: str, filedata: str) -> bytes:
	"""The bytes of a base64 upload (data URL or bare), checked before anything is saved."""
	if not isinstance(filename, str) or not filename.strip() or len(filename) > MAX_FILENAME:
		bad_input("filename", _("give the file a name of at most {0} characters.").format(MAX_FILENAME))
	if not isinstance(filedata, str) or not filedata:
		bad_input("filedata", _("the file is empty."))
	encoded = filedata.split(",", 1)[-1]
	if len(encoded) > (MAX_UPLOAD_BYTES * 4) // 3 + 4:
		frappe.throw(
			_("filedata: the file is larger than 10 MB; upload a smaller one."), title=_("File Too Large")
		)
	try:
		content = base64.b64decode(encoded, validate=True)
	except (binascii.Error, ValueError):
		bad_input("filedata", _("send the file's content in base64."))
	if not content:
		bad_input("filedata", _("the file is empty."))
	if len(content) > MAX_UPLOAD_BYTES:
		frappe.throw(
			_("filedata: the file is larger than 10 MB; upload a smaller one."), title=_("File Too Large")
		)
	return content


def attach_private_file(doc, filename: str, filedata: str) -> str:
	"""Save a base64 upload as a private File attached to ``doc``; its URL."""
	content = decode_upload(filename, filedata)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": filename.strip(),
			"attached_to_doctype": doc.doctype,
			"attached_to_name": doc.name,
			"is_private": 1,
			"content": content,
		}
	)
	file.flags.ignore_permissions = True  # the caller checked its right on ``doc``
	with procedure():  # and Frappe's attachment comment on ``doc`` is the procedure's too
		file.save()
	return file.file_url
