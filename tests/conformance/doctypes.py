"""Checks of doctype JSON files and their controllers, mirroring Frappe's validate_fields."""

import ast
import json
from pathlib import Path

from .frappe_rules import (
	FIELD_TYPES,
	FIELDNAME_RE,
	FRAPPE_CRM_DOCTYPES,
	LINK_TYPES,
	MAX_FIELDNAME_LENGTH,
	NO_VALUE_TYPES,
	RESERVED_FIELDNAMES,
	TABLE_TYPES,
	controller_class_name,
	known,
	scrub,
)
from .problems import Problem

MODULE = "CRM Ext"


def find_doctype_files(app_root: Path) -> list[Path]:
	"""Every ``<module>/doctype/<folder>/<folder>.json`` of the app package."""
	package = app_root / "crm_ext"
	return sorted(
		p
		for p in package.glob("*/doctype/*/*.json")
		if p.stem == p.parent.name and p.parent.name != "__pycache__"
	)


def load_doctypes(app_root: Path) -> tuple[dict[str, dict], list[Problem]]:
	"""Parse every doctype file; returns {name: json} and the files that do not parse."""
	doctypes, problems = {}, []
	for path in find_doctype_files(app_root):
		rel = str(path.relative_to(app_root))
		try:
			doc = json.loads(path.read_text())
		except (json.JSONDecodeError, UnicodeDecodeError) as e:
			problems.append(Problem(rel, f"is not valid JSON ({e}); fix the syntax."))
			continue
		if not isinstance(doc, dict) or doc.get("doctype") != "DocType":
			problems.append(Problem(rel, 'is not a DocType export: it needs "doctype": "DocType".'))
			continue
		if not doc.get("name"):
			problems.append(Problem(rel, 'has no "name": set it to the DocType name.'))
			continue
		doc["__path"] = rel
		doctypes[doc["name"]] = doc
	return doctypes, problems


def doctype_exists(name: str, app_doctypes: dict) -> bool:
	return name in app_doctypes or name in known()["doctypes"]


def is_child_table(name: str, app_doctypes: dict) -> bool:
	if name in app_doctypes:
		return bool(app_doctypes[name].get("istable"))
	return bool(known()["doctypes"].get(name, {}).get("istable"))


def check_doctype(doc: dict, app_doctypes: dict, app_roles: set[str]) -> list[Problem]:
	path, name = doc["__path"], doc["name"]
	problems: list[Problem] = []

	def bad(message: str):
		problems.append(Problem(path, message))

	folder = Path(path).parent.name
	if scrub(name) != folder:
		bad(f"doctype {name!r} must live in folder {scrub(name)!r}, not {folder!r}; rename one of them.")
	if name in known()["doctypes"] or name in FRAPPE_CRM_DOCTYPES:
		bad(f"doctype name {name!r} collides with a Frappe/ERPNext/Frappe CRM doctype; choose another name.")
	if doc.get("module") != MODULE:
		bad(f'"module" is {doc.get("module")!r}; set it to {MODULE!r}.')
	fields = doc.get("fields")
	if not isinstance(fields, list):
		bad('has no "fields" list; export the doctype from the desk or add "fields": [].')
		return problems
	permissions = doc.get("permissions") or []
	# a table only the app writes and reads (read_only, in_create: e.g. the analytics summaries)
	# may have no permissions at all
	internal = doc.get("read_only") and doc.get("in_create")
	if not doc.get("istable") and not permissions and not internal:
		bad('has no "permissions"; give at least one role read access (or make it read_only, in_create).')
	for perm in permissions:
		role = perm.get("role")
		if role and role not in app_roles and role not in known()["roles"]:
			bad(
				f"permission row names unknown role {role!r}; use an ERPNext/Frappe role or add it to crm_ext/setup/roles.py."
			)

	by_name = {f.get("fieldname"): f for f in fields if f.get("fieldname")}
	seen: set[str] = set()
	for idx, df in enumerate(fields, start=1):
		problems.extend(check_field(path, idx, df, by_name, app_doctypes, seen))

	problems.extend(check_doctype_properties(path, doc, by_name))
	return problems


def check_field(path: str, idx: int, df: dict, by_name: dict, app_doctypes: dict, seen: set) -> list[Problem]:
	problems: list[Problem] = []
	fieldname, fieldtype, options = df.get("fieldname"), df.get("fieldtype"), df.get("options")
	where = f"field {fieldname or '#' + str(idx)!r}"

	def bad(message: str):
		problems.append(Problem(path, f"{where}: {message}"))

	if not fieldname:
		bad('has no "fieldname"; give it a snake_case name.')
		return problems
	if not FIELDNAME_RE.match(fieldname) or len(fieldname) > MAX_FIELDNAME_LENGTH:
		bad("fieldname must be snake_case (a-z, 0-9, _; starting with a letter; at most 64 characters).")
	if fieldname in RESERVED_FIELDNAMES:
		bad("fieldname is reserved by Frappe (standard column or document attribute); rename it.")
	if fieldname in seen:
		bad("fieldname appears more than once; every fieldname of a doctype must be unique.")
	seen.add(fieldname)
	if fieldtype not in FIELD_TYPES:
		bad(f"fieldtype {fieldtype!r} is not a Frappe field type; use one of Data, Link, Select, ...")
		return problems
	if fieldtype in LINK_TYPES:
		if not options:
			bad(f"{fieldtype} needs the target DocType in options.")
		elif not doctype_exists(options, app_doctypes):
			bad(
				f"{fieldtype} options {options!r} is not a doctype of crm_ext, Frappe or ERPNext; fix the name."
			)
		elif fieldtype in TABLE_TYPES and not is_child_table(options, app_doctypes):
			bad(f"{fieldtype} options {options!r} is not a child table (istable); point it at one.")
	if fieldtype == "Dynamic Link":
		pointer = by_name.get(options or "")
		if not pointer or not (
			(pointer.get("fieldtype") == "Link" and pointer.get("options") == "DocType")
			or pointer.get("fieldtype") == "Select"
		):
			bad("Dynamic Link options must name a Link-to-DocType (or Select) field of the same doctype.")
	if fieldtype == "Select" and not (options or "").strip():
		bad("Select needs options (one per line).")
	if fieldtype in NO_VALUE_TYPES and df.get("reqd"):
		bad(f"a {fieldtype} cannot be mandatory; remove reqd.")
	if fieldtype == "Check" and str(df.get("default", "0")) not in ("0", "1"):
		bad("Check default must be 0 or 1.")
	if df.get("hidden") and df.get("reqd") and not df.get("default"):
		bad("hidden and mandatory without a default can never be filled; give a default or unhide it.")
	fetch_from = df.get("fetch_from")
	if fetch_from:
		link_field = fetch_from.split(".", 1)[0]
		if link_field not in by_name:
			bad(f"fetch_from {fetch_from!r} starts with {link_field!r}, which is not a field here.")
	return problems


def check_doctype_properties(path: str, doc: dict, by_name: dict) -> list[Problem]:
	problems: list[Problem] = []
	standard = {"name", "owner", "creation", "modified", "modified_by", "idx", "docstatus"}

	def field_of(prop: str, value: str, types: tuple | None = None):
		df = by_name.get(value)
		if value in standard and prop == "sort_field":
			return
		if not df:
			problems.append(
				Problem(path, f"{prop} {value!r} is not a field of this doctype; name a real field.")
			)
		elif types and df.get("fieldtype") not in types:
			problems.append(Problem(path, f"{prop} {value!r} must be a {' or '.join(types)} field."))

	for prop in ("title_field", "sender_field", "subject_field", "sender_name_field", "starts_on_field"):
		if doc.get(prop):
			field_of(prop, doc[prop])
	if doc.get("image_field"):
		field_of("image_field", doc["image_field"], ("Attach Image",))
	if doc.get("timeline_field"):
		field_of("timeline_field", doc["timeline_field"], ("Link", "Dynamic Link"))
	for value in (doc.get("search_fields") or "").split(","):
		if value.strip():
			field_of("search_fields", value.strip())
			if by_name.get(value.strip(), {}).get("fieldtype") in NO_VALUE_TYPES:
				problems.append(Problem(path, f"search_fields {value.strip()!r} holds no value; remove it."))
	if doc.get("sort_field"):
		for part in doc["sort_field"].split(","):
			field_of("sort_field", part.split()[0])
	autoname = doc.get("autoname") or ""
	if autoname.startswith("field:"):
		field_of("autoname", autoname[len("field:") :])
	if autoname.startswith("naming_series:") and "naming_series" not in by_name:
		problems.append(Problem(path, 'autoname "naming_series:" needs a naming_series Select field.'))
	return problems


def check_controller(doc: dict, app_root: Path) -> list[Problem]:
	"""The controller module is next to the JSON, named like the folder, with the right class."""
	json_path = app_root / doc["__path"]
	folder = json_path.parent
	py = folder / f"{folder.name}.py"
	expected = controller_class_name(doc["name"])
	problems: list[Problem] = []
	if not (folder / "__init__.py").exists():
		problems.append(
			Problem(doc["__path"], f"folder {folder.name!r} has no __init__.py; add an empty one.")
		)
	if not py.exists():
		problems.append(
			Problem(doc["__path"], f"has no controller {py.name}; add it with class {expected}(Document).")
		)
		return problems
	rel = str(py.relative_to(app_root))
	try:
		tree = ast.parse(py.read_text())
	except SyntaxError as e:
		return [*problems, Problem(rel, f"does not parse ({e}); fix the syntax.")]
	classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
	if expected not in classes:
		problems.append(
			Problem(
				rel,
				f"must define class {expected} for doctype {doc['name']!r} (found: {', '.join(classes) or 'none'}).",
			)
		)
	return problems
