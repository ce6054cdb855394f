"""ERPNext v16 deletes Lead Source (its sources move to Frappe's UTM Source): the app names the
source doctype in one place (``crm_ext/sales/sources.py``), and every Link to it is switched there."""

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "crm_ext"
SOURCES = APP / "sales" / "sources.py"
JS_FALLBACK = 'frappe.boot.crm_ext_source_doctype || "Lead Source"'


def declared_links() -> set[tuple[str, str]]:
	tree = ast.parse(SOURCES.read_text())
	for node in tree.body:
		if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SOURCE_LINKS" for t in node.targets):
			return {tuple(pair) for pair in ast.literal_eval(node.value)}
	raise AssertionError("SOURCE_LINKS not found in sales/sources.py")


def test_every_link_to_lead_source_is_switched_by_the_migrate_hook():
	links = set()
	for path in APP.glob("*/doctype/*/*.json"):
		doc = json.loads(path.read_text())
		if doc.get("doctype") != "DocType":
			continue
		for field in doc.get("fields", []):
			if field.get("fieldtype") == "Link" and field.get("options") == "Lead Source":
				links.add((doc["name"], field["fieldname"]))
	assert links, "no Link to Lead Source found: is the scan broken?"
	assert links == declared_links()


def test_code_names_the_source_doctype_only_through_the_helper():
	offenders = []
	for path in [*APP.rglob("*.py"), *APP.rglob("*.js")]:
		if path == SOURCES or "/public/dist/" in str(path):
			continue
		text = path.read_text()
		if path.suffix == ".js":
			text = text.replace(JS_FALLBACK, "")
		if '"Lead Source"' in text or "'Lead Source'" in text:
			offenders.append(str(path.relative_to(ROOT)))
	assert not offenders, f"name the source doctype through crm_ext.sales.sources: {offenders}"
