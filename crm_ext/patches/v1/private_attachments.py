"""Attachments of the app's records with row rules become private (crm_ext.doors.files).

Frappe lists every public File row to every desk user (its File condition is an unbracketed OR
chain the app's condition only narrows the last term of), so a public attachment of a sealed bid
or a hidden card was listed to anyone. New ones are stored private; this moves the old ones.
"""

import frappe

from crm_ext.doors.common import sensitive_doctypes


def execute():
	rows = frappe.get_all(
		"File",
		filters={
			"is_private": 0,
			"is_folder": 0,
			"attached_to_doctype": ("in", sorted(sensitive_doctypes()) or [""]),
		},
		pluck="name",
	)
	for name in rows:
		doc = frappe.get_doc("File", name)
		doc.is_private = 1
		try:
			doc.save(ignore_permissions=True)
		except (FileNotFoundError, FileExistsError, frappe.ValidationError):
			# the file is gone from disk, or its private name is taken: at least unlist it
			frappe.db.set_value("File", name, "is_private", 1, update_modified=False)
