"""Where a card's Source lives: ERPNext's *Lead Source* (v15), or Frappe's *UTM Source* once ERPNext
v16 has moved the sources there (its patch copies every Lead Source to a UTM Source of the same
name and deletes the Lead Source doctype).

The doctypes declare ``Lead Source`` (the v15 schema). On a site without it, :func:`ensure_source_links`
(after install and every migrate) points the app's Source links at UTM Source with Property
Setters, and the workspace's shortcut with them; the values stay valid, since the names were kept.
Code and desk scripts ask :func:`source_doctype` (the desk reads it from the boot,
``frappe.boot.crm_ext_source_doctype``).
"""

import frappe

LEAD_SOURCE, UTM_SOURCE = "Lead Source", "UTM Source"
# (doctype, Link field) of the app whose options name the source doctype
SOURCE_LINKS = (("Sales Lead", "source"), ("Sales Request", "source"), ("Sales Campaign Send", "source"))
WORKSPACE = "CRM Ext"


def source_doctype() -> str:
	"""``Lead Source`` where ERPNext still has it, else ``UTM Source``."""
	if frappe.db.exists("DocType", LEAD_SOURCE, cache=True):
		return LEAD_SOURCE
	return UTM_SOURCE


def ensure_source(name: str) -> str:
	"""The source ``name`` (made when missing: demo data, tests)."""
	doctype = source_doctype()
	if not frappe.db.exists(doctype, name):
		values = {"source_name": name} if doctype == LEAD_SOURCE else {"name": name}
		frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)
	return name


def ensure_source_links() -> None:
	"""Point the Source links at the source doctype of this site (see the module docstring)."""
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter

	doctype = source_doctype()
	for parent, fieldname in SOURCE_LINKS:
		declared = frappe.get_meta(parent).get_field(fieldname)
		if declared is None:
			continue
		setter = {"doc_type": parent, "field_name": fieldname, "property": "options"}
		if doctype == LEAD_SOURCE:
			frappe.db.delete("Property Setter", setter)
		elif declared.options != doctype:
			make_property_setter(
				parent, fieldname, "options", doctype, "Text", validate_fields_for_doctype=False
			)
	other = UTM_SOURCE if doctype == LEAD_SOURCE else LEAD_SOURCE
	frappe.db.set_value(
		"Workspace Link",
		{"parent": WORKSPACE, "parenttype": "Workspace", "link_to": other},
		{"link_to": doctype, "label": doctype},
		update_modified=False,
	)
	for parent, _fieldname in SOURCE_LINKS:
		frappe.clear_cache(doctype=parent)


def boot_session(bootinfo) -> None:
	bootinfo.crm_ext_source_doctype = source_doctype()
