"""Frappe v15 facts the checks need, taken from Frappe's own sources.

- FIELD_TYPES: the options of DocField.fieldtype (frappe/core/doctype/docfield/docfield.json).
- RESERVED_FIELDNAMES: frappe.model.default_fields, child_table_fields, optional_fields and
  BaseDocument._reserved_keywords.
- known_frappe_erpnext.json: every DocType (with istable/issingle and fieldnames), Report and
  Role of frappe v15, erpnext v15 and payments, extracted from their source trees by
  ``refresh_known.py``.
"""

import json
import re
from functools import cache
from pathlib import Path

FIELD_TYPES = frozenset(
	(
		"Attach",
		"Attach Image",
		"Autocomplete",
		"Barcode",
		"Button",
		"Check",
		"Code",
		"Color",
		"Column Break",
		"Currency",
		"Data",
		"Date",
		"Datetime",
		"Duration",
		"Dynamic Link",
		"Float",
		"Fold",
		"Geolocation",
		"HTML",
		"HTML Editor",
		"Heading",
		"Icon",
		"Image",
		"Int",
		"JSON",
		"Link",
		"Long Text",
		"Markdown Editor",
		"Password",
		"Percent",
		"Phone",
		"Rating",
		"Read Only",
		"Section Break",
		"Select",
		"Signature",
		"Small Text",
		"Tab Break",
		"Table",
		"Table MultiSelect",
		"Text",
		"Text Editor",
		"Time",
	)
)

NO_VALUE_TYPES = frozenset(
	{"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Image", "Fold", "Heading"}
)
TABLE_TYPES = frozenset({"Table", "Table MultiSelect"})
LINK_TYPES = frozenset({"Link"}) | TABLE_TYPES

DEFAULT_FIELDS = ("doctype", "name", "owner", "creation", "modified", "modified_by", "docstatus", "idx")
CHILD_TABLE_FIELDS = ("parent", "parentfield", "parenttype")
OPTIONAL_FIELDS = ("_user_tags", "_comments", "_assign", "_liked_by", "_seen")
RESERVED_KEYWORDS = (
	"meta",
	"flags",
	"parent_doc",
	"_table_fields",
	"_valid_columns",
	"_doc_before_save",
	"_table_fieldnames",
	"_reserved_keywords",
	"permitted_fieldnames",
	"dont_update_if_missing",
)
RESERVED_FIELDNAMES = frozenset(DEFAULT_FIELDS + CHILD_TABLE_FIELDS + OPTIONAL_FIELDS + RESERVED_KEYWORDS)

FIELDNAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_FIELDNAME_LENGTH = 64

# Frappe CRM (frappe/crm) doctype names an app must not reuse: both apps may share a site.
FRAPPE_CRM_DOCTYPES = frozenset(
	{
		"CRM Lead",
		"CRM Deal",
		"CRM Settings",
		"CRM Organization",
		"CRM Note",
		"CRM Task",
		"CRM Call Log",
		"CRM Lead Source",
		"CRM Lead Status",
		"CRM Deal Status",
		"CRM Lost Reason",
		"CRM Product",
		"CRM Products",
		"CRM Holiday",
		"CRM Holiday List",
		"CRM Industry",
		"CRM Territory",
		"CRM Notification",
		"CRM Invitation",
		"CRM Service Level Agreement",
		"CRM Service Level Priority",
		"CRM Service Day",
		"CRM Communication Status",
		"CRM Contacts",
		"CRM Dashboard",
		"CRM Form Script",
		"CRM Fields Layout",
		"CRM View Settings",
		"CRM Global Settings",
		"FCRM Settings",
		"FCRM Note",
	}
)

KNOWN_FILE = Path(__file__).with_name("known_frappe_erpnext.json")


@cache
def known() -> dict:
	"""The doctypes, reports and roles of frappe, erpnext and payments (v15)."""
	return json.loads(KNOWN_FILE.read_text())


def scrub(name: str) -> str:
	"""frappe.scrub: the folder/file name Frappe derives from a doctype or report name."""
	return name.replace(" ", "_").replace("-", "_").lower()


def controller_class_name(doctype: str) -> str:
	"""The class Frappe imports for a doctype (frappe.model.base_document.import_controller)."""
	return doctype.replace(" ", "").replace("-", "")
