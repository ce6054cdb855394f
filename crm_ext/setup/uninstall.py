"""Uninstall of crm_ext: the site is left as if the app had never been installed.

Frappe drops the app's tables and the records of its module (reports, workspace, number cards, ...).
What it leaves, and ``before_uninstall`` removes:

- what the app added to Frappe / ERPNext: its custom fields, property setters, roles, intake user,
  workflow, settings values, scheduled jobs (which would otherwise fail every few minutes with
  AppNotInstalledError until the next migrate);
- configuration a person made *for* the app's doctypes (custom fields, property setters, client and
  server scripts, custom permissions, notifications, reports, kanban boards, assignment rules, ...):
  useless without them, and some (a client script, a notification) would fail;
- records that only said something about one of the app's records (assignments, comments,
  versions, follows, shares, tags, event participants, e-mail timeline links, ...); records of their
  own that pointed at one (an e-mail appended to a card, a file attached to it) are kept and
  unlinked, so they can still be saved.

Fields of other doctypes that point at an app doctype and were not made by the app (a custom Link
from Customer to Sales Lead) would break every save of those documents and hold a person's data: they
are listed and the uninstall is refused unless confirmed at the terminal or forced with the
environment variable ``CRM_EXT_FORCE_UNINSTALL=1``; then they are removed too.
"""

import os
import sys

import click
import frappe
from frappe import _

MODULE = "CRM Ext"
FORCE_VARIABLE = "CRM_EXT_FORCE_UNINSTALL"
LINK_TYPES = ("Link", "Table", "Table MultiSelect")

# (doctype, field naming an app doctype): configuration made for the app's doctypes
CONFIGURATION = (
	("Custom Field", "dt"),
	("Property Setter", "doc_type"),
	("Client Script", "dt"),
	("Server Script", "reference_doctype"),
	("Custom DocPerm", "parent"),
	("Notification", "document_type"),
	("Number Card", "document_type"),
	("Dashboard Chart", "document_type"),
	("Report", "ref_doctype"),
	("Print Format", "doc_type"),
	("Web Form", "doc_type"),
	("List View Settings", "name"),
	("Kanban Board", "reference_doctype"),
	("Calendar View", "reference_doctype"),
	("Assignment Rule", "document_type"),
	("Auto Repeat", "reference_doctype"),
	("Document Naming Rule", "document_type"),
	("Workflow", "document_type"),
	("Webhook", "webhook_doctype"),
	("User Permission", "allow"),
	("Energy Point Rule", "reference_doctype"),
	("Milestone Tracker", "document_type"),
)
# (doctype, field naming an app doctype): rows that only say something about an app record
ATTACHED = (
	("ToDo", "reference_type"),
	("Comment", "reference_doctype"),
	("Version", "ref_doctype"),
	("Document Follow", "ref_doctype"),
	("DocShare", "share_doctype"),
	("Tag Link", "document_type"),
	("View Log", "reference_doctype"),
	("Notification Log", "document_type"),
	("Energy Point Log", "reference_doctype"),
	("Activity Log", "reference_doctype"),
	("Event Participants", "reference_doctype"),
	("Communication Link", "link_doctype"),
	("Workflow Action", "reference_doctype"),
	("DocType Link", "link_doctype"),
)
# doctype -> (field naming an app doctype, other fields of the same pointer): kept, unlinked
UNLINKED = {
	"Communication": ("reference_doctype", ("reference_name",)),
	"File": ("attached_to_doctype", ("attached_to_name", "attached_to_field")),
}


def app_doctypes() -> list[str]:
	return frappe.get_all("DocType", filters={"module": MODULE}, pluck="name")


def exists(doctype: str, fieldname: str) -> bool:
	return frappe.db.table_exists(doctype) and frappe.db.has_column(doctype, fieldname)


# --- what would break ---------------------------------------------------------------------------


def links_into_the_app(doctypes: list[str]) -> list[dict]:
	"""Fields of other doctypes that point at an app doctype and that the app did not make: a
	person's custom fields, property setters changing a field's target, fields of their own
	doctypes. ``[{"doctype", "fieldname", "label", "kind", "name"}]``."""
	if not doctypes:
		return []
	found = []
	for row in frappe.get_all(
		"Custom Field",
		filters={"fieldtype": ("in", LINK_TYPES), "options": ("in", doctypes), "dt": ("not in", doctypes)},
		fields=["name", "dt", "fieldname", "label", "module"],
	):
		if row.module != MODULE:
			found.append(
				dict(
					doctype=row.dt,
					fieldname=row.fieldname,
					label=row.label,
					kind="Custom Field",
					name=row.name,
				)
			)
	for row in frappe.get_all(
		"Property Setter",
		filters={"property": "options", "value": ("in", doctypes), "doc_type": ("not in", doctypes)},
		fields=["name", "doc_type", "field_name", "module"],
	):
		if row.module != MODULE:
			found.append(
				dict(
					doctype=row.doc_type,
					fieldname=row.field_name,
					label=row.field_name,
					kind="Property Setter",
					name=row.name,
				)
			)
	for row in frappe.get_all(
		"DocField",
		filters={
			"fieldtype": ("in", LINK_TYPES),
			"options": ("in", doctypes),
			"parent": ("not in", doctypes),
			"parenttype": "DocType",
		},
		fields=["parent", "fieldname", "label"],
	):
		found.append(
			dict(doctype=row.parent, fieldname=row.fieldname, label=row.label, kind="DocField", name=None)
		)
	return found


def describe(links: list[dict]) -> str:
	return "\n".join(
		_("- {0}: field {1} ({2}, {3})").format(
			link["doctype"], link["label"] or link["fieldname"], link["fieldname"], _(link["kind"])
		)
		for link in links
	)


def confirmed(links: list[dict]) -> bool:
	"""Forced by the environment variable, or confirmed by the person at the terminal."""
	if os.environ.get(FORCE_VARIABLE) == "1":
		return True
	if sys.stdin is not None and sys.stdin.isatty() and not frappe.flags.in_test:
		click.secho(
			_("These fields point at crm_ext's doctypes and would break every save of their documents:"),
			fg="yellow",
		)
		click.echo(describe(links))
		return click.confirm(_("Remove them, with the values they hold, and uninstall crm_ext?"))
	return False


def check_links_into_the_app() -> list[dict]:
	"""Refuse the uninstall while other doctypes point at the app's (unless confirmed or forced)."""
	links = links_into_the_app(app_doctypes())
	if links and not confirmed(links):
		frappe.throw(
			_(
				"crm_ext was not uninstalled: these fields of other doctypes point at its doctypes, and every save of their documents would fail without them: {0} Remove or change them (Customize Form), or confirm at the terminal, or run the uninstall with {1}=1 to remove them with the values they hold."
			).format("<br>" + describe(links).replace("\n", "<br>") + "<br>", FORCE_VARIABLE),
			title=_("Fields Point at crm_ext"),
		)
	return links


def remove_links_into_the_app(links: list[dict]) -> None:
	from frappe.model import delete_fields

	for link in links:
		if link["kind"] == "Custom Field" and frappe.db.exists("Custom Field", link["name"]):
			frappe.delete_doc("Custom Field", link["name"], ignore_permissions=True, force=True)
			frappe.clear_cache(doctype=link["doctype"])
			delete_fields({link["doctype"]: [link["fieldname"]]}, delete=1)
		elif link["kind"] == "Property Setter":
			frappe.db.delete("Property Setter", {"name": link["name"]})
		else:
			click.secho(
				_("{0}.{1} still points at an app doctype: change it in its DocType.").format(
					link["doctype"], link["fieldname"]
				),
				fg="yellow",
			)
		frappe.clear_cache(doctype=link["doctype"])


# --- what the app and people made around the app's doctypes ------------------------------------


def remove_scheduled_jobs() -> None:
	"""The app's Scheduled Job Types (Frappe removes them only at the next migrate) and their logs."""
	jobs = frappe.get_all("Scheduled Job Type", filters={"method": ("like", "crm_ext.%")}, pluck="name")
	if jobs:
		frappe.db.delete("Scheduled Job Log", {"scheduled_job_type": ("in", jobs)})
		frappe.db.delete("Scheduled Job Type", {"name": ("in", jobs)})


def remove_configuration(doctypes: list[str]) -> None:
	"""Configuration made for the app's doctypes; records of the app's own module are Frappe's to
	remove (it deletes the module's records after this hook)."""
	if not doctypes:
		return
	for doctype, fieldname in CONFIGURATION:
		if not exists(doctype, fieldname):
			continue
		has_module = frappe.db.has_column(doctype, "module")
		fields = ["name", "module"] if has_module else ["name"]
		for row in frappe.get_all(doctype, filters={fieldname: ("in", doctypes)}, fields=fields):
			if has_module and row.module == MODULE:
				continue
			if doctype == "Custom DocPerm":
				frappe.db.delete(doctype, {"name": row.name})
			else:
				frappe.delete_doc(
					doctype, row.name, ignore_permissions=True, force=True, ignore_on_trash=True
				)


def remove_attached_records(doctypes: list[str]) -> None:
	if not doctypes:
		return
	for doctype, fieldname in ATTACHED:
		if exists(doctype, fieldname):
			frappe.db.delete(doctype, {fieldname: ("in", doctypes)})
	for doctype, (fieldname, others) in UNLINKED.items():
		if exists(doctype, fieldname):
			frappe.db.set_value(
				doctype,
				{fieldname: ("in", doctypes)},
				{fieldname: None, **{f: None for f in others if frappe.db.has_column(doctype, f)}},
				update_modified=False,
			)


def remove_role_permissions(roles: list[str]) -> None:
	"""Permissions given to the app's roles on other doctypes (Role Permissions Manager)."""
	frappe.db.delete("Custom DocPerm", {"role": ("in", roles)})


# --- what the app added to Frappe / ERPNext -----------------------------------------------------


def remove_intake_user() -> None:
	from crm_ext.setup.roles import INTAKE_USER

	if frappe.db.exists("User", INTAKE_USER):
		frappe.delete_doc("User", INTAKE_USER, ignore_permissions=True, force=True)


def remove_custom_fields() -> None:
	"""Delete the app's Custom Field records and drop their columns."""
	from frappe.model import delete_fields

	from crm_ext.setup.custom_fields import CUSTOM_FIELDS

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


def remove_property_setters() -> None:
	frappe.db.delete("Property Setter", {"module": MODULE})


def remove_roles() -> None:
	from crm_ext.setup.roles import ROLES

	names = [spec["role_name"] for spec in ROLES]
	remove_role_permissions(names)
	for name in names:
		if frappe.db.exists("Role", name):
			frappe.db.delete("Has Role", {"role": name})
			frappe.delete_doc("Role", name, ignore_permissions=True, force=True)


def remove_settings() -> None:
	"""Frappe drops the app's tables but keeps a single doctype's values in tabSingles."""
	frappe.db.delete("Singles", {"doctype": "CRM Ext Settings"})


def before_uninstall() -> None:
	"""Refuse while other doctypes point at the app's (unless confirmed or forced), then remove what
	the app made and what was made around its doctypes."""
	from crm_ext.analytics.indexes import drop_indexes_on_other_apps_tables
	from crm_ext.setup.workflow import remove_workflow

	links = check_links_into_the_app()
	doctypes = app_doctypes()
	remove_links_into_the_app(links)
	remove_scheduled_jobs()
	remove_intake_user()
	remove_workflow()
	remove_custom_fields()
	remove_property_setters()
	remove_configuration(doctypes)
	remove_attached_records(doctypes)
	remove_roles()
	remove_settings()
	drop_indexes_on_other_apps_tables()
