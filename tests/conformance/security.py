"""Static rules of the app's security model (``crm_ext.utils.documents``, ``crm_ext.access``).

- Every controller is an ``AppDocument`` (documents) or an ``AppRow`` (child tables): Frappe saves
  whatever a client sends, so only these bases keep server fields and child rows safe.
- Every ``read_only`` field (no ``fetch_from``) is declared server-owned in the access module of a
  side (``crm_ext/sales/access.py``, ``crm_ext/supply/access.py``): in ``SERVER_FIELDS[doctype]`` (or
  ``TRANSITION_FIELDS[doctype]``, a workflow state the controller checks), a ``read_only`` table as
  ``SERVER_TABLES[doctype][table] = ALL``, a ``read_only`` column of a child table in its parent's
  ``SERVER_TABLES[doctype][table]`` (or the table ``ALL``). Read-only in the form is not protection;
  the declaration is. Every declared field exists. Server fields of another app's doctype are the
  app's custom fields only, restored by a ``before_validate`` doc event.
- Every child doctype of the app is listed under ``permission_query_conditions`` with
  ``crm_ext.access.child_query`` (its rows follow its parent's row rule when listed on their own).
- Every ``has_permission`` hook of an app doctype answers True or False on every path: Frappe v16
  denies on None.
- No field of a doctype with row rules (one named in ``permission_query_conditions`` or
  ``has_permission``), or of a child table of one, is ``in_global_search``: Frappe's global search
  answers from its own index with no row rule, so such a field leaks as soon as the doctype is
  added to Global Search Settings.
"""

import ast
from pathlib import Path

from .dotted_paths import module_file, read_hooks
from .problems import Problem

BASES = {False: "AppDocument", True: "AppRow"}
SIDES = ("crm_ext/sales/access.py", "crm_ext/supply/access.py")
CHILD_QUERY = "crm_ext.access.child_query"
LAYOUT_TYPES = {"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Heading", "Fold", "Image"}
TABLE_TYPES = {"Table", "Table MultiSelect"}
FRAPPE_OWNED = {"amended_from"}  # Frappe sets it on amendment


def _controller(app_root: Path, doc: dict) -> tuple[Path, ast.ClassDef | None]:
	from .frappe_rules import controller_class_name

	folder = (app_root / doc["__path"]).parent
	py = folder / f"{folder.name}.py"
	if not py.exists():
		return py, None
	try:
		tree = ast.parse(py.read_text())
	except SyntaxError:
		return py, None
	name = controller_class_name(doc["name"])
	return py, next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)


def side_declarations(app_root: Path) -> tuple[dict, dict, list[Problem]]:
	"""{doctype: declared server fields (incl. transition fields)}, {doctype: {table: columns}}."""
	fields: dict[str, tuple] = {}
	tables: dict[str, dict] = {}
	problems: list[Problem] = []
	for rel in SIDES:
		path = app_root / rel
		if not path.exists():
			continue
		for node in ast.parse(path.read_text()).body:
			if not (isinstance(node, ast.Assign | ast.AnnAssign)):
				continue
			target = node.targets[0] if isinstance(node, ast.Assign) else node.target
			name = getattr(target, "id", None)
			if name not in ("SERVER_FIELDS", "SERVER_TABLES", "TRANSITION_FIELDS") or node.value is None:
				continue
			try:
				value = _literal(node.value)
			except ValueError:
				problems.append(Problem(rel, f"{name} must be a literal dict of doctype -> fields."))
				continue
			for doctype, declared in value.items():
				if name == "SERVER_TABLES":
					tables.setdefault(doctype, {}).update(declared)
				else:
					fields[doctype] = fields.get(doctype, ()) + tuple(declared)
	return fields, tables, problems


def _literal(node):
	if isinstance(node, ast.Name) and node.id == "ALL":
		return "*"
	if isinstance(node, ast.Dict):
		return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True)}
	if isinstance(node, ast.Tuple | ast.List):
		return tuple(_literal(e) for e in node.elts)
	return ast.literal_eval(node)


def read_only_fields(doc: dict) -> list[dict]:
	return [
		df
		for df in doc.get("fields") or []
		if df.get("read_only")
		and not df.get("fetch_from")
		and df.get("fieldtype") not in LAYOUT_TYPES
		and df.get("fieldname") not in FRAPPE_OWNED
	]


def check_security(app_root: Path, doctypes: dict) -> list[Problem]:
	problems: list[Problem] = []
	for doc in doctypes.values():
		py, cls = _controller(app_root, doc)
		if cls is None:
			continue  # check_controller reports it
		rel = str(py.relative_to(app_root))
		base = BASES[bool(doc.get("istable"))]
		if base not in {b.id for b in cls.bases if isinstance(b, ast.Name)}:
			problems.append(
				Problem(
					rel,
					f"class {cls.name} must subclass {base} (crm_ext.utils.documents): "
					"it keeps server fields and child rows safe from every door.",
				)
			)

	all_fields, all_tables, side_problems = side_declarations(app_root)
	problems += side_problems
	custom = custom_field_names(app_root)
	for doctype in sorted(set(all_fields) | set(all_tables)):
		if doctype not in doctypes and doctype in custom:
			problems += check_custom_server_fields(app_root, doctype, all_fields, all_tables, custom[doctype])
			continue
		if doctype not in doctypes:
			problems.append(
				Problem(SIDES[0], f"server fields are declared for {doctype!r}, no doctype of the app.")
			)
			continue
		names = {df.get("fieldname") for df in doctypes[doctype].get("fields") or []}
		missing = [f for f in all_fields.get(doctype, ()) if f not in names]
		missing += [t for t in all_tables.get(doctype, {}) if t not in names]
		if missing:
			problems.append(
				Problem(doctypes[doctype]["__path"], f"declared server fields {missing} are not fields here.")
			)
	for doc in doctypes.values():
		if doc.get("istable"):
			continue
		fields, tables = all_fields.get(doc["name"], ()), all_tables.get(doc["name"], {})
		path = doc["__path"]
		for df in read_only_fields(doc):
			name = df["fieldname"]
			if df.get("fieldtype") in TABLE_TYPES:
				if tables.get(name) != "*":
					problems.append(
						Problem(
							path, f"read-only table {name!r} must be declared SERVER_TABLES[{name!r}] = ALL."
						)
					)
			elif name not in fields:
				problems.append(
					Problem(
						path,
						f"read-only field {name!r} must be declared in SERVER_FIELDS[{doc['name']!r}] (access module of its side).",
					)
				)
		for df in doc.get("fields") or []:
			if df.get("fieldtype") not in TABLE_TYPES or df.get("options") not in doctypes:
				continue
			child = doctypes[df["options"]]
			covered = tables.get(df["fieldname"])
			for column in read_only_fields(child):
				if covered != "*" and column["fieldname"] not in (covered or ()):
					problems.append(
						Problem(
							path,
							f"read-only column {column['fieldname']!r} of {child['name']!r} must be in "
							f"SERVER_TABLES[{df['fieldname']!r}] (or the table ALL).",
						)
					)
	problems += check_child_hooks(app_root, doctypes)
	problems += check_has_permission_answers(app_root, doctypes)
	problems += check_global_search(app_root, doctypes)
	return problems


def custom_field_names(app_root: Path) -> dict[str, set[str]]:
	"""{doctype: fieldnames} of the fields the app adds to other apps' doctypes."""
	from .assets import literal_assignment

	table = literal_assignment(app_root / "crm_ext" / "setup" / "custom_fields.py", "CUSTOM_FIELDS") or {}
	return {doctype: {df.get("fieldname") for df in fields} for doctype, fields in table.items()}


def check_custom_server_fields(app_root: Path, doctype: str, fields, tables, names) -> list[Problem]:
	"""Server fields of another app's doctype: the app's own custom fields only, restored by a
	``before_validate`` doc event (its controller is not an AppDocument)."""
	problems = []
	missing = [f for f in (*fields.get(doctype, ()), *tables.get(doctype, {})) if f not in names]
	if missing:
		problems.append(
			Problem(SIDES[0], f"server fields {missing} of {doctype!r} are not custom fields of the app.")
		)
	hooks, _problems = read_hooks(app_root / "crm_ext" / "hooks.py")
	if not (hooks.get("doc_events") or {}).get(doctype, {}).get("before_validate"):
		problems.append(
			Problem(
				"crm_ext/hooks.py",
				f"server fields of {doctype!r} need a before_validate doc event that restores them "
				"(crm_ext.utils.documents.restore_server_fields).",
			)
		)
	return problems


def check_global_search(app_root: Path, doctypes: dict) -> list[Problem]:
	hooks, _problems = read_hooks(app_root / "crm_ext" / "hooks.py")
	ruled = set(hooks.get("permission_query_conditions") or {}) | set(hooks.get("has_permission") or {})
	guarded = {name for name, doc in doctypes.items() if name in ruled and not doc.get("istable")}
	children = {
		df.get("options")
		for name in guarded
		for df in doctypes[name].get("fields") or []
		if df.get("fieldtype") in TABLE_TYPES
	}
	problems = []
	for name in sorted(guarded | (children & set(doctypes))):
		doc = doctypes[name]
		searched = [df["fieldname"] for df in doc.get("fields") or [] if df.get("in_global_search")]
		if searched:
			problems.append(
				Problem(
					doc["__path"],
					f"{name!r} has row rules: global search would show {searched} to every user; "
					"remove in_global_search from them.",
				)
			)
	return problems


def check_child_hooks(app_root: Path, doctypes: dict) -> list[Problem]:
	hooks, _problems = read_hooks(app_root / "crm_ext" / "hooks.py")
	conditions = hooks.get("permission_query_conditions") or {}
	problems = []
	for doc in doctypes.values():
		if doc.get("istable"):
			given = conditions.get(doc["name"])
			given = [given] if isinstance(given, str) else list(given or [])
			if CHILD_QUERY not in given:
				problems.append(
					Problem(
						"crm_ext/hooks.py",
						f"permission_query_conditions has no {CHILD_QUERY!r} for child doctype "
						f"{doc['name']!r}: its rows, listed on their own, must follow their parent.",
					)
				)
	return problems


def _falls_through(body: list[ast.stmt]) -> bool:
	"""True when control can reach the end of ``body`` without a return or raise."""
	if not body:
		return True
	last = body[-1]
	if isinstance(last, ast.Return | ast.Raise):
		return False
	if isinstance(last, ast.If):
		return _falls_through(last.body) or _falls_through(last.orelse)
	if isinstance(last, ast.Try):
		return _falls_through(last.body + last.finalbody) or any(
			_falls_through(h.body) for h in last.handlers
		)
	return True


def check_has_permission_answers(app_root: Path, doctypes: dict) -> list[Problem]:
	hooks, _problems = read_hooks(app_root / "crm_ext" / "hooks.py")
	problems = []
	for doctype, paths in (hooks.get("has_permission") or {}).items():
		if doctype not in doctypes:
			continue  # another app's doctype: the hook leaves the decision to it (access.no_objection)
		for dotted in [paths] if isinstance(paths, str) else paths:
			module, _sep, func = dotted.rpartition(".")
			py = module_file(app_root, module)
			if not py:
				continue
			node = next(
				(
					n
					for n in ast.parse(py.read_text()).body
					if isinstance(n, ast.FunctionDef) and n.name == func
				),
				None,
			)
			if node is None:
				continue
			rel = str(py.relative_to(app_root))
			bare = [
				r
				for r in ast.walk(node)
				if isinstance(r, ast.Return)
				and (r.value is None or (isinstance(r.value, ast.Constant) and r.value.value is None))
			]
			if bare or _falls_through(node.body):
				problems.append(
					Problem(
						rel,
						f"{func} (has_permission of {doctype!r}) must return True or False on every path: "
						"Frappe v16 denies on None.",
					)
				)
	return problems
