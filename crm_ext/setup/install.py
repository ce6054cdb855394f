"""Install and migrate of crm_ext (uninstall: ``uninstall.py``).

Everything the app adds to ERPNext/Frappe's own doctypes is declared once (roles in
``roles.py``, custom fields in ``custom_fields.py``, the qualification review workflow in
``workflow.py``) and created idempotently here; uninstall removes the same declarations, so a site
without crm_ext looks as if it had never been there. Notifications are module-synced JSON
(``crm_ext/crm_ext/notification``): Frappe removes them with the module.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from crm_ext.sales.sources import ensure_source_links
from crm_ext.setup.custom_fields import CUSTOM_FIELDS
from crm_ext.setup.roles import INTAKE_ROLE, INTAKE_USER, ROLES
from crm_ext.setup.workflow import sync_workflow

MODULE = "CRM Ext"
DEFAULT_LOST_REASONS = ("Price too high", "Chose a competitor", "No budget", "No response", "Not a fit")


def after_install():
	from crm_ext.analytics.indexes import ensure_indexes

	sync_roles()
	ensure_intake_user()
	sync_custom_fields()
	ensure_settings()
	create_sales_defaults()
	sync_workflow()
	ensure_indexes()
	ensure_source_links()


def create_sales_defaults():
	"""Default pipeline with stages and kanban board, lost reasons, round-robin assignment."""
	from crm_ext.sales.assignment import ensure_assignment_rule
	from crm_ext.sales.pipeline import create_default_pipeline, ensure_kanban_boards

	create_default_pipeline()
	for reason in DEFAULT_LOST_REASONS:
		if not frappe.db.exists("Sales Lead Lost Reason", reason):
			frappe.get_doc({"doctype": "Sales Lead Lost Reason", "lost_reason": reason}).insert(
				ignore_permissions=True
			)
	ensure_assignment_rule()
	ensure_kanban_boards()


def after_migrate():
	"""Keep the declared roles, fields, workflow, report indexes and pipeline boards in step after an
	upgrade (idempotent)."""
	from crm_ext.analytics.indexes import ensure_indexes
	from crm_ext.sales.pipeline import ensure_kanban_boards

	sync_roles()
	ensure_intake_user()
	sync_custom_fields()
	sync_workflow()
	ensure_indexes()
	ensure_kanban_boards()
	ensure_source_links()


def sync_roles():
	for spec in ROLES:
		if frappe.db.exists("Role", spec["role_name"]):
			role = frappe.get_doc("Role", spec["role_name"])
			role.update(spec)
			role.save(ignore_permissions=True)
		else:
			frappe.get_doc({"doctype": "Role", **spec}).insert(ignore_permissions=True)


def ensure_intake_user():
	"""The least-privilege user token-authenticated intake and telephony run as (see
	``crm_ext.setup.roles``): created once, enabled, with the CRM Intake role only; later migrates
	keep the role on it and leave the rest to the administrator."""
	if not frappe.db.exists("User", INTAKE_USER):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": INTAKE_USER,
				"first_name": "CRM Intake",
				"user_type": "Website User",
				"enabled": 1,
				"send_welcome_email": 0,
				"roles": [{"role": INTAKE_ROLE}],
			}
		).insert(ignore_permissions=True)
	elif not frappe.db.exists("Has Role", {"parent": INTAKE_USER, "parenttype": "User", "role": INTAKE_ROLE}):
		user = frappe.get_doc("User", INTAKE_USER)
		user.flags.ignore_permissions = True
		user.add_roles(INTAKE_ROLE)


def custom_field_table() -> dict[str, list[dict]]:
	"""CUSTOM_FIELDS with the app's module on every field (Frappe uses it on uninstall too)."""
	return {dt: [{**df, "module": MODULE} for df in fields] for dt, fields in CUSTOM_FIELDS.items()}


def sync_custom_fields():
	if CUSTOM_FIELDS:
		create_custom_fields(custom_field_table(), ignore_validate=True, update=True)


def ensure_settings():
	"""Create the settings single with its defaults; repair a working day that cannot work.

	Frappe gives every Time field of a new document the current time whatever its default, so
	the JSON defaults are applied explicitly while the working day is unset or empty."""
	from crm_ext.crm_ext.doctype.crm_ext_settings.crm_ext_settings import seconds_since_midnight

	settings = frappe.get_single("CRM Ext Settings")
	start = seconds_since_midnight(frappe.db.get_single_value("CRM Ext Settings", "work_day_start"))
	end = seconds_since_midnight(frappe.db.get_single_value("CRM Ext Settings", "work_day_end"))
	if start is None or end is None or end <= start:
		for df in settings.meta.fields:
			if (
				df.default
				and df.fieldtype in ("Time", "Int", "Percent")
				and (df.fieldtype == "Time" or settings.get(df.fieldname) in (None, 0))
			):
				settings.set(df.fieldname, df.default)
	for df in settings.meta.get_link_fields():
		value = settings.get(df.fieldname)
		if value and not frappe.db.exists(df.options, value):
			settings.set(df.fieldname, None)  # left over from an earlier install
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
