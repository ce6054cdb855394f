"""Checks of the app's non-doctype files: custom-field table, fixtures, other JSON, JS."""

import ast
import json
import shutil
import subprocess
from pathlib import Path

from .doctypes import doctype_exists
from .frappe_rules import FIELD_TYPES, FIELDNAME_RE, LINK_TYPES, RESERVED_FIELDNAMES, known, scrub
from .problems import Problem

MODULE = "CRM Ext"


def literal_assignment(py_file: Path, name: str):
	"""The literal value assigned to ``name`` at module level of ``py_file`` (or None)."""
	for node in ast.parse(py_file.read_text()).body:
		if isinstance(node, ast.Assign) and any(
			isinstance(t, ast.Name) and t.id == name for t in node.targets
		):
			return ast.literal_eval(node.value)
		if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
			return ast.literal_eval(node.value)
	return None


def check_custom_fields(app_root: Path, app_doctypes: dict) -> list[Problem]:
	"""The declarative table of fields the app adds to ERPNext/Frappe doctypes."""
	table_file = app_root / "crm_ext" / "setup" / "custom_fields.py"
	rel = "crm_ext/setup/custom_fields.py"
	if not table_file.exists():
		return [Problem(rel, "is missing; the install mechanism reads CUSTOM_FIELDS from it.")]
	try:
		table = literal_assignment(table_file, "CUSTOM_FIELDS")
	except (SyntaxError, ValueError) as e:
		return [Problem(rel, f"CUSTOM_FIELDS must be a literal dict ({e}).")]
	if not isinstance(table, dict):
		return [Problem(rel, "CUSTOM_FIELDS must be a dict {doctype: [field, ...]}.")]
	problems = []
	for doctype, fields in table.items():
		target = known()["doctypes"].get(doctype)
		if not target:
			problems.append(
				Problem(
					rel, f"{doctype!r} is not an ERPNext/Frappe doctype; custom fields go on theirs only."
				)
			)
			continue
		existing = set(target["fields"])
		seen: set[str] = set()
		for df in fields:
			name = df.get("fieldname", "")
			where = f"{doctype}.{name or '?'}"
			if not FIELDNAME_RE.match(name) or name in RESERVED_FIELDNAMES:
				problems.append(Problem(rel, f"{where}: fieldname must be snake_case and not reserved."))
			if name in existing:
				problems.append(
					Problem(rel, f"{where}: {doctype} already has a field {name!r}; choose another name.")
				)
			if name in seen:
				problems.append(Problem(rel, f"{where}: declared twice for {doctype}; keep one."))
			if df.get("fieldtype") not in FIELD_TYPES:
				problems.append(
					Problem(rel, f"{where}: fieldtype {df.get('fieldtype')!r} is not a Frappe field type.")
				)
			if df.get("fieldtype") in LINK_TYPES and not doctype_exists(
				df.get("options") or "", app_doctypes
			):
				problems.append(
					Problem(rel, f"{where}: options {df.get('options')!r} is not a doctype anywhere.")
				)
			after = df.get("insert_after")
			if not after or (after not in existing and after not in seen):
				problems.append(
					Problem(
						rel,
						f"{where}: insert_after {after!r} is not a field of {doctype} (or an earlier custom field).",
					)
				)
			seen.add(name)
	return problems


def check_fixtures(app_root: Path, app_doctypes: dict) -> list[Problem]:
	problems = []
	for path in sorted((app_root / "crm_ext" / "fixtures").glob("*.json")):
		rel = str(path.relative_to(app_root))
		try:
			records = json.loads(path.read_text())
		except json.JSONDecodeError as e:
			problems.append(Problem(rel, f"is not valid JSON ({e}); fix the syntax."))
			continue
		if not isinstance(records, list) or not all(
			isinstance(r, dict) and r.get("doctype") for r in records
		):
			problems.append(Problem(rel, 'must be a list of records, each with "doctype".'))
			continue
		for record in records:
			dt = record["doctype"]
			if not doctype_exists(dt, app_doctypes):
				problems.append(Problem(rel, f"record of unknown doctype {dt!r}."))
			elif scrub(dt) != path.stem:
				problems.append(
					Problem(rel, f"holds {dt!r} records; Frappe expects them in {scrub(dt)}.json.")
				)
	return problems


# JSON documents Frappe syncs from module folders, and the module field they must carry.
SYNCED_FOLDERS = {
	"workspace": "Workspace",
	"report": "Report",
	"web_form": "Web Form",
	"notification": "Notification",
	"print_format": "Print Format",
	"dashboard_chart": "Dashboard Chart",
	"number_card": "Number Card",
	"dashboard": "Dashboard",
	"page": "Page",
}


def check_synced_json(app_root: Path, app_doctypes: dict) -> list[Problem]:
	"""Workspaces, reports, web forms, ... under crm_ext/crm_ext/<kind>/<name>/<name>.json."""
	problems = []
	module_dir = app_root / "crm_ext" / "crm_ext"
	app_reports = set()
	for folder, doctype in SYNCED_FOLDERS.items():
		for path in sorted(module_dir.glob(f"{folder}/*/*.json")):
			if path.stem != path.parent.name:
				continue
			rel = str(path.relative_to(app_root))
			try:
				doc = json.loads(path.read_text())
			except json.JSONDecodeError as e:
				problems.append(Problem(rel, f"is not valid JSON ({e}); fix the syntax."))
				continue
			if doc.get("doctype") != doctype:
				problems.append(Problem(rel, f'must have "doctype": "{doctype}".'))
			if doc.get("module") != MODULE:
				problems.append(
					Problem(rel, f'"module" must be {MODULE!r} so it is synced and uninstalled with the app.')
				)
			if scrub(doc.get("name", "")) != path.stem:
				problems.append(
					Problem(rel, f"name {doc.get('name')!r} does not match its folder {path.stem!r}.")
				)
			taken = {"Workspace": known()["workspaces"], "Report": known()["reports"]}.get(doctype, ())
			if doc.get("name") in taken:
				problems.append(
					Problem(
						rel, f"{doctype} {doc.get('name')!r} already exists in Frappe/ERPNext; rename it."
					)
				)
			if doctype == "Report":
				app_reports.add(doc.get("name"))
				if not doctype_exists(doc.get("ref_doctype") or "", app_doctypes):
					problems.append(Problem(rel, f"ref_doctype {doc.get('ref_doctype')!r} is not a doctype."))
			for key in ("doc_type", "document_type", "ref_doctype"):
				if doctype != "Report" and doc.get(key) and not doctype_exists(doc[key], app_doctypes):
					problems.append(Problem(rel, f"{key} {doc[key]!r} is not a doctype."))
	for path in sorted(module_dir.glob("workspace/*/*.json")):
		doc = json.loads(path.read_text())
		rel = str(path.relative_to(app_root))
		for link in (doc.get("links") or []) + (doc.get("shortcuts") or []):
			kind, target = link.get("link_type") or link.get("type"), link.get("link_to")
			if kind == "DocType" and target and not doctype_exists(target, app_doctypes):
				problems.append(Problem(rel, f"link to doctype {target!r}, which exists nowhere."))
			if kind == "Report" and target and target not in app_reports and target not in known()["reports"]:
				problems.append(Problem(rel, f"link to report {target!r}, which exists nowhere."))
		problems.extend(unrendered_blocks(doc, rel))
	return problems


# workspace block type -> (its key in the block's data, the child table whose labels it names)
WORKSPACE_BLOCKS = {
	"number_card": ("number_card_name", "number_cards"),
	"chart": ("chart_name", "charts"),
	"shortcut": ("shortcut_name", "shortcuts"),
	"quick_list": ("quick_list_name", "quick_lists"),
	"custom_block": ("custom_block_name", "custom_blocks"),
}


def unrendered_blocks(doc: dict, rel: str) -> list[Problem]:
	"""The desk draws a block of a workspace's layout (``content``) from the child row whose *label*
	equals the block's name (Frappe's ``blocks/block.js``); a block naming anything else is silently
	left out."""
	try:
		blocks = json.loads(doc.get("content") or "[]")
	except json.JSONDecodeError as e:
		return [Problem(rel, f"content is not valid JSON ({e}).")]
	cards = {link.get("label") for link in doc.get("links") or [] if link.get("type") == "Card Break"}
	problems = []
	for block in blocks:
		kind, data = block.get("type"), block.get("data") or {}
		if kind == "card":
			key, labels = "card_name", cards
		elif kind in WORKSPACE_BLOCKS:
			key, table = WORKSPACE_BLOCKS[kind]
			labels = {row.get("label") for row in doc.get(table) or []}
		else:
			continue
		if data.get(key) not in labels:
			problems.append(
				Problem(
					rel,
					f"{kind} block {data.get(key)!r} matches no {kind} label ({sorted(labels)}); "
					"the desk does not draw it.",
				)
			)
	return problems


def check_js(app_root: Path) -> list[Problem]:
	"""Every .js of the app parses (``node --check``; ES modules for *.bundle.js / imports)."""
	node = shutil.which("node")
	if not node:
		return [Problem("crm_ext/**/*.js", "node is not installed; install Node.js to check JS syntax.")]
	problems = []
	for path in sorted((app_root / "crm_ext").rglob("*.js")):
		if "node_modules" in path.parts:
			continue
		source = path.read_text()
		module = path.name.endswith(".bundle.js") or source.lstrip().startswith(("import ", "export "))
		args = [node, "--check", "--input-type=module"] if module else [node, "--check"]
		run = subprocess.run(
			[*args, "-"] if module else [*args, str(path)],
			input=source if module else None,
			capture_output=True,
			text=True,
		)
		if run.returncode != 0:
			first = next((line for line in run.stderr.splitlines() if "Error" in line), run.stderr.strip())
			problems.append(Problem(str(path.relative_to(app_root)), f"JS does not parse: {first}"))
	return problems
