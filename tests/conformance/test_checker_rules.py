"""Each conformance rule fails on a broken example, with a message naming the file and the fix."""

import json
from pathlib import Path

import pytest

from tests.conformance.checker import check_app

HOOKS = """app_name = "crm_ext"
app_title = "CRM Ext"
app_publisher = "x"
app_description = "x"
app_email = "x@example.com"
app_license = "mit"
required_apps = ["frappe/erpnext"]
after_install = "crm_ext.setup.install.after_install"
doc_events = {"Sales Invoice": {"on_submit": "crm_ext.events.on_submit"}}
permission_query_conditions = {"Widget Line": "crm_ext.access.child_query"}
has_permission = {"Widget": "crm_ext.perms.widget_has_permission"}
"""


def widget_json(**overrides) -> dict:
	doc = {
		"doctype": "DocType",
		"name": "Widget",
		"module": "CRM Ext",
		"title_field": "title",
		"search_fields": "title,customer",
		"fields": [
			{"fieldname": "title", "fieldtype": "Data", "label": "Title"},
			{"fieldname": "customer", "fieldtype": "Link", "options": "Customer", "label": "Customer"},
			{"fieldname": "lines", "fieldtype": "Table", "options": "Widget Line", "label": "Lines"},
			{"fieldname": "kind", "fieldtype": "Select", "options": "A\nB", "label": "Kind"},
		],
		"permissions": [{"role": "Sales User", "read": 1}],
	}
	doc.update(overrides)
	return doc


def write(root: Path, rel: str, text: str):
	path = root / rel
	path.parent.mkdir(parents=True, exist_ok=True)
	path.write_text(text)


@pytest.fixture
def app(tmp_path) -> Path:
	"""A minimal app that passes every rule."""
	write(tmp_path, "crm_ext/__init__.py", '__version__ = "0.0.1"\n')
	write(tmp_path, "crm_ext/hooks.py", HOOKS)
	write(tmp_path, "crm_ext/patches.txt", "[pre_model_sync]\n[post_model_sync]\ncrm_ext.patches.fix_it\n")
	write(tmp_path, "crm_ext/patches/__init__.py", "")
	write(tmp_path, "crm_ext/patches/fix_it.py", "def execute():\n\tpass\n")
	write(tmp_path, "crm_ext/events.py", "def on_submit(doc, method=None):\n\tpass\n")
	write(tmp_path, "crm_ext/access.py", "def child_query(user=None, doctype=None):\n\treturn ''\n")
	write(
		tmp_path,
		"crm_ext/perms.py",
		"def widget_has_permission(doc, ptype=None, user=None):\n\tif user:\n\t\treturn True\n\treturn False\n",
	)
	write(tmp_path, "crm_ext/setup/__init__.py", "")
	write(tmp_path, "crm_ext/setup/install.py", "def after_install():\n\tpass\n")
	write(tmp_path, "crm_ext/setup/roles.py", 'ROLES = [{"role_name": "CRM Manager"}]\n')
	write(
		tmp_path,
		"crm_ext/setup/custom_fields.py",
		'CUSTOM_FIELDS = {"Customer": [{"fieldname": "widget", "fieldtype": "Link", "options": "Widget", '
		'"insert_after": "customer_name"}]}\n',
	)
	base = "crm_ext/crm_ext/doctype"
	write(tmp_path, f"{base}/widget/__init__.py", "")
	write(tmp_path, f"{base}/widget/widget.json", json.dumps(widget_json()))
	write(tmp_path, f"{base}/widget/widget.py", "class Widget(AppDocument):\n\tpass\n")
	write(tmp_path, f"{base}/widget/widget.js", 'frappe.ui.form.on("Widget", {});\n')
	line = {
		"doctype": "DocType",
		"name": "Widget Line",
		"module": "CRM Ext",
		"istable": 1,
		"fields": [{"fieldname": "item", "fieldtype": "Link", "options": "Item", "label": "Item"}],
		"permissions": [],
	}
	write(tmp_path, f"{base}/widget_line/__init__.py", "")
	write(tmp_path, f"{base}/widget_line/widget_line.json", json.dumps(line))
	write(tmp_path, f"{base}/widget_line/widget_line.py", "class WidgetLine(AppRow):\n\tpass\n")
	return tmp_path


def messages(app: Path) -> list[str]:
	return [str(p) for p in check_app(app)]


def set_widget(app: Path, doc: dict):
	(app / "crm_ext/crm_ext/doctype/widget/widget.json").write_text(json.dumps(doc))


def only_problem(app: Path, *needles: str) -> str:
	found = messages(app)
	assert found, "the broken example passed every rule"
	hits = [m for m in found if all(n in m for n in needles)]
	assert hits, f"no problem mentions {needles}: {found}"
	return hits[0]


def test_minimal_app_passes(app):
	assert messages(app) == []


def test_link_to_doctype_that_exists_nowhere(app):
	doc = widget_json()
	doc["fields"][1]["options"] = "Customr"
	set_widget(app, doc)
	msg = only_problem(app, "widget/widget.json", "'Customr'", "fix the name")
	assert "field 'customer'" in msg


def test_duplicate_fieldname(app):
	doc = widget_json()
	doc["fields"].append({"fieldname": "title", "fieldtype": "Data", "label": "Again"})
	set_widget(app, doc)
	only_problem(app, "widget/widget.json", "field 'title'", "more than once", "unique")


@pytest.mark.parametrize(
	"reserved", ["name", "owner", "docstatus", "parent", "idx", "meta", "flags", "_assign"]
)
def test_reserved_fieldname(app, reserved):
	doc = widget_json()
	doc["fields"].append({"fieldname": reserved, "fieldtype": "Data", "label": "X"})
	set_widget(app, doc)
	only_problem(app, "widget/widget.json", f"field '{reserved}'", "reserved", "rename")


def test_hooks_path_to_missing_function(app):
	write(app, "crm_ext/hooks.py", HOOKS.replace("crm_ext.events.on_submit", "crm_ext.events.on_sumbit"))
	only_problem(
		app, "crm_ext/hooks.py", "crm_ext.events.on_sumbit", "defines no 'on_sumbit'", "add the function"
	)


def test_hooks_path_to_missing_module(app):
	write(app, "crm_ext/hooks.py", HOOKS.replace("crm_ext.setup.install", "crm_ext.setup.instal"))
	only_problem(app, "crm_ext/hooks.py", "crm_ext.setup.instal.after_install", "no module")


def test_hooks_event_on_unknown_doctype(app):
	write(app, "crm_ext/hooks.py", HOOKS.replace('"Sales Invoice"', '"Sales Invoce"'))
	only_problem(app, "crm_ext/hooks.py", "'Sales Invoce'", "exists nowhere")


def test_controller_class_does_not_match(app):
	write(app, "crm_ext/crm_ext/doctype/widget/widget.py", "class Widgets(Document):\n\tpass\n")
	only_problem(app, "widget/widget.py", "must define class Widget", "found: Widgets")


def test_controller_missing(app):
	(app / "crm_ext/crm_ext/doctype/widget/widget.py").unlink()
	only_problem(app, "widget/widget.json", "has no controller widget.py", "class Widget(Document)")


def test_patch_without_execute(app):
	write(app, "crm_ext/patches/fix_it.py", "def run():\n\tpass\n")
	only_problem(app, "crm_ext/patches.txt", "has no execute()")


def test_patch_module_missing(app):
	(app / "crm_ext/patches/fix_it.py").unlink()
	only_problem(app, "crm_ext/patches.txt", "does not exist")


@pytest.mark.parametrize(
	"field,needle",
	[
		({"fieldname": "x", "fieldtype": "Strng", "label": "X"}, "not a Frappe field type"),
		({"fieldname": "x", "fieldtype": "Select", "label": "X"}, "Select needs options"),
		({"fieldname": "Bad Name", "fieldtype": "Data", "label": "X"}, "snake_case"),
		({"fieldname": "x", "fieldtype": "Table", "options": "Customer", "label": "X"}, "not a child table"),
		({"fieldname": "x", "fieldtype": "Dynamic Link", "options": "title", "label": "X"}, "Dynamic Link"),
		({"fieldname": "x", "fieldtype": "Check", "default": "2", "label": "X"}, "Check default"),
		({"fieldname": "x", "fieldtype": "Section Break", "reqd": 1, "label": "X"}, "cannot be mandatory"),
	],
)
def test_bad_fields(app, field, needle):
	doc = widget_json()
	doc["fields"].append(field)
	set_widget(app, doc)
	only_problem(app, "widget/widget.json", needle)


@pytest.mark.parametrize(
	"override,needle",
	[
		({"title_field": "titel"}, "title_field 'titel' is not a field"),
		({"search_fields": "title,nope"}, "search_fields 'nope'"),
		({"sort_field": "nope"}, "sort_field 'nope'"),
		({"image_field": "title"}, "must be a Attach Image field"),
		({"timeline_field": "title"}, "must be a Link or Dynamic Link field"),
		({"module": "Selling"}, "set it to 'CRM Ext'"),
		({"permissions": []}, 'has no "permissions"'),
		({"permissions": [{"role": "Sales Wizard", "read": 1}]}, "unknown role 'Sales Wizard'"),
		({"name": "Customer"}, "collides"),
		({"autoname": "field:nope"}, "autoname 'nope'"),
	],
)
def test_bad_doctype_properties(app, override, needle):
	set_widget(app, widget_json(**override))
	only_problem(app, "widget/widget.json", needle)


def test_invalid_json(app):
	(app / "crm_ext/crm_ext/doctype/widget/widget.json").write_text("{not json")
	only_problem(app, "widget/widget.json", "not valid JSON")


def test_custom_field_rules(app):
	write(
		app,
		"crm_ext/setup/custom_fields.py",
		'CUSTOM_FIELDS = {"Customer": [{"fieldname": "customer_name", "fieldtype": "Data", "insert_after": "nowhere"}],'
		' "Custmer": []}\n',
	)
	found = "\n".join(messages(app))
	assert "already has a field 'customer_name'" in found
	assert "insert_after 'nowhere'" in found
	assert "'Custmer' is not an ERPNext/Frappe doctype" in found


def test_fixture_rules(app):
	write(app, "crm_ext/fixtures/role.json", "[{")
	only_problem(app, "crm_ext/fixtures/role.json", "not valid JSON")
	write(app, "crm_ext/fixtures/role.json", json.dumps([{"doctype": "Custom Field", "name": "x"}]))
	only_problem(app, "crm_ext/fixtures/role.json", "custom_field.json")


def test_js_must_parse(app):
	write(app, "crm_ext/crm_ext/doctype/widget/widget.js", 'frappe.ui.form.on("Widget", {\n')
	only_problem(app, "widget/widget.js", "JS does not parse")


def test_workspace_link_to_unknown_doctype(app):
	ws = {
		"doctype": "Workspace",
		"name": "Widgets",
		"module": "CRM Ext",
		"links": [{"type": "Link", "link_type": "DocType", "link_to": "Widgett"}],
	}
	write(app, "crm_ext/crm_ext/workspace/widgets/widgets.json", json.dumps(ws))
	only_problem(app, "widgets.json", "'Widgett'", "exists nowhere")


def test_workspace_name_taken_by_erpnext(app):
	ws = {"doctype": "Workspace", "name": "CRM", "module": "CRM Ext", "links": []}
	write(app, "crm_ext/crm_ext/workspace/crm/crm.json", json.dumps(ws))
	only_problem(app, "crm.json", "already exists in Frappe/ERPNext")


def test_required_apps_must_name_erpnext(app):
	write(app, "crm_ext/hooks.py", HOOKS.replace('required_apps = ["frappe/erpnext"]', "required_apps = []"))
	only_problem(app, "crm_ext/hooks.py", "required_apps must include ERPNext")


def set_controller(app: Path, folder: str, text: str):
	(app / f"crm_ext/crm_ext/doctype/{folder}/{folder}.py").write_text(text)


def test_controller_must_use_the_app_base_classes(app):
	set_controller(app, "widget", "class Widget(Document):\n\tpass\n")
	assert "must subclass AppDocument" in only_problem(app, "widget.py")
	set_controller(app, "widget_line", "class WidgetLine(AppDocument):\n\tpass\n")
	assert "must subclass AppRow" in only_problem(app, "widget_line.py")


def test_read_only_field_must_be_declared_server_owned(app):
	doc = widget_json()
	doc["fields"].append({"fieldname": "status", "fieldtype": "Data", "label": "Status", "read_only": 1})
	set_widget(app, doc)
	assert "SERVER_FIELDS" in only_problem(app, "'status'")
	write(app, "crm_ext/sales/access.py", 'SERVER_FIELDS = {"Widget": ("status",)}\n')
	assert not messages(app)
	write(app, "crm_ext/sales/access.py", 'SERVER_FIELDS = {"Widget": ("status", "nothing")}\n')
	assert "'nothing'" in only_problem(app, "are not fields")


def test_read_only_child_column_must_be_declared_on_the_parent(app):
	line = json.loads((app / "crm_ext/crm_ext/doctype/widget_line/widget_line.json").read_text())
	line["fields"].append({"fieldname": "amount", "fieldtype": "Currency", "label": "Amount", "read_only": 1})
	(app / "crm_ext/crm_ext/doctype/widget_line/widget_line.json").write_text(json.dumps(line))
	assert "SERVER_TABLES['lines']" in only_problem(app, "'amount'")
	write(app, "crm_ext/supply/access.py", 'SERVER_TABLES = {"Widget": {"lines": ALL}}\n')
	assert not messages(app)


def test_child_doctype_needs_the_child_query_hook(app):
	hooks = (app / "crm_ext/hooks.py").read_text()
	(app / "crm_ext/hooks.py").write_text(hooks.replace('"Widget Line": "crm_ext.access.child_query"', ""))
	assert "child_query" in only_problem(app, "'Widget Line'")


def test_has_permission_hook_must_answer_on_every_path(app):
	(app / "crm_ext/perms.py").write_text(
		"def widget_has_permission(doc, ptype=None, user=None):\n\tif user:\n\t\treturn False\n"
	)
	assert "v16" in only_problem(app, "widget_has_permission")
	(app / "crm_ext/perms.py").write_text(
		"def widget_has_permission(doc, ptype=None, user=None):\n\treturn None\n"
	)
	assert "v16" in only_problem(app, "widget_has_permission")


def test_no_global_search_on_a_doctype_with_row_rules(app):
	doc = widget_json()
	doc["fields"][0]["in_global_search"] = 1
	set_widget(app, doc)
	assert "in_global_search" in only_problem(app, "'Widget'", "title")
