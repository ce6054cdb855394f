"""Install, migrate and uninstall of crm_ext.

Everything the app adds to ERPNext/Frappe's own doctypes is declared once (roles in
``roles.py``, custom fields in ``custom_fields.py``, the qualification review workflow in
``workflow.py``) and created idempotently here; uninstall removes the same declarations, so a site
without crm_ext looks as if it had never been there. Notifications are module-synced JSON
(``crm_ext/crm_ext/notification``): Frappe removes them with the module.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from crm_ext.setup.custom_fields import CUSTOM_FIELDS
from crm_ext.setup.roles import ROLES
from crm_ext.setup.workflow import remove_workflow, sync_workflow

MODULE = "CRM Ext"


def after_install():
	sync_roles()
	sync_custom_fields()
	ensure_settings()
	sync_workflow()


def after_migrate():
	"""Keep the declared roles, fields and workflow in step after an upgrade (idempotent)."""
	sync_roles()
	sync_custom_fields()
	sync_workflow()


def before_uninstall():
	remove_workflow()
	remove_custom_fields()
	remove_property_setters()
	remove_roles()


def sync_roles():
	for spec in ROLES:
		if frappe.db.exists("Role", spec["role_name"]):
			role = frappe.get_doc("Role", spec["role_name"])
			role.update(spec)
			role.save(ignore_permissions=True)
		else:
			frappe.get_doc({"doctype": "Role", **spec}).insert(ignore_permissions=True)


def custom_field_table() -> dict[str, list[dict]]:
	"""CUSTOM_FIELDS with the app's module on every field (Frappe uses it on uninstall too)."""
	return {dt: [{**df, "module": MODULE} for df in fields] for dt, fields in CUSTOM_FIELDS.items()}


def sync_custom_fields():
	if CUSTOM_FIELDS:
		create_custom_fields(custom_field_table(), ignore_validate=True, update=True)


def remove_custom_fields():
	"""Delete the app's Custom Field records and drop their columns."""
	from frappe.model import delete_fields

	for doctype, fields in CUSTOM_FIELDS.items():
		names = [df["fieldname"] for df in fields]
		for name in frappe.get_all(
			"Custom Field", filters={"dt": doctype, "fieldname": ("in", names)}, pluck="name"
		):
			frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)
		delete_fields({doctype: names}, delete=1)
	# anything else tagged with the module (e.g. added by hand through Customize Form)
	for name in frappe.get_all("Custom Field", filters={"module": MODULE}, pluck="name"):
		frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)


def remove_property_setters():
	frappe.db.delete("Property Setter", {"module": MODULE})


def remove_roles():
	for spec in ROLES:
		if frappe.db.exists("Role", spec["role_name"]):
			frappe.db.delete("Has Role", {"role": spec["role_name"]})
			frappe.delete_doc("Role", spec["role_name"], ignore_permissions=True, force=True)


def ensure_settings():
	"""Create the settings single with its defaults (a no-op when it exists)."""
	settings = frappe.get_single("CRM Ext Settings")
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
