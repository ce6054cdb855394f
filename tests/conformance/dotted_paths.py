"""Checks that every dotted path in hooks.py and patches.txt resolves to code of the app.

Resolution reads the source with ``ast`` (nothing is imported, so frappe is not needed):
``crm_ext.a.b.fn`` resolves when ``crm_ext/a/b.py`` (or ``crm_ext/a/b/__init__.py``) defines
``fn`` at module level (def, class or assignment); ``crm_ext.a.b.Class.method`` when the class
defines the method.
"""

import ast
from functools import cache
from pathlib import Path

from .frappe_rules import known
from .problems import Problem

# hooks whose values (possibly nested in dicts/lists) are dotted paths to callables
PATH_HOOKS = {
	"after_install",
	"before_install",
	"after_migrate",
	"before_migrate",
	"before_uninstall",
	"after_uninstall",
	"before_tests",
	"after_app_install",
	"before_app_uninstall",
	"doc_events",
	"scheduler_events",
	"permission_query_conditions",
	"has_permission",
	"has_website_permission",
	"override_whitelisted_methods",
	"override_doctype_class",
	"boot_session",
	"extend_bootinfo",
	"on_session_creation",
	"on_login",
	"on_logout",
	"additional_timeline_content",
	"notification_config",
	"standard_queries",
	"jinja",
	"auth_hooks",
	"get_translated_dict",
	"website_context",
	"update_website_context",
	"calendars_resolver",
	"default_log_clearing_doctypes_resolver",
	"filters_config",
	"ignore_links_on_delete_resolver",
	"override_doctype_dashboards",
	"before_request",
	"after_request",
}
# hooks whose dict keys are doctype names
DOCTYPE_KEYED_HOOKS = {
	"doc_events",
	"permission_query_conditions",
	"has_permission",
	"doctype_js",
	"doctype_list_js",
	"doctype_tree_js",
	"doctype_calendar_js",
	"override_doctype_class",
	"standard_queries",
	"additional_timeline_content",
	"has_website_permission",
}
FILE_HOOKS = {
	"doctype_js",
	"doctype_list_js",
	"doctype_tree_js",
	"doctype_calendar_js",
	"page_js",
	"webform_include_js",
}
ASSET_HOOKS = {"app_include_js", "app_include_css", "web_include_js", "web_include_css"}


def read_hooks(hooks_py: Path) -> tuple[dict, list[Problem]]:
	"""Module-level literal assignments of hooks.py."""
	rel = f"{hooks_py.parent.name}/{hooks_py.name}"
	try:
		tree = ast.parse(hooks_py.read_text())
	except SyntaxError as e:
		return {}, [Problem(rel, f"does not parse ({e}); fix the syntax.")]
	hooks, problems = {}, []
	for node in tree.body:
		if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
			try:
				hooks[node.targets[0].id] = ast.literal_eval(node.value)
			except ValueError:
				problems.append(
					Problem(
						rel,
						f"{node.targets[0].id} is not a literal; hooks must be plain strings, lists and dicts.",
					)
				)
	return hooks, problems


def strings_in(value) -> list[str]:
	if isinstance(value, str):
		return [value]
	if isinstance(value, dict):
		return [s for v in value.values() for s in strings_in(v)]
	if isinstance(value, list | tuple):
		return [s for v in value for s in strings_in(v)]
	return []


@cache
def _module_names(py_file: Path) -> dict[str, ast.AST]:
	tree = ast.parse(py_file.read_text())
	names: dict[str, ast.AST] = {}
	for node in tree.body:
		if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
			names[node.name] = node
		elif isinstance(node, ast.Assign):
			for target in node.targets:
				if isinstance(target, ast.Name):
					names[target.id] = node
		elif isinstance(node, ast.ImportFrom):
			for alias in node.names:
				names[alias.asname or alias.name] = node
	return names


def module_file(app_root: Path, module: str) -> Path | None:
	base = app_root.joinpath(*module.split("."))
	for candidate in (base.with_suffix(".py"), base / "__init__.py"):
		if candidate.is_file():
			return candidate
	return None


def resolve(app_root: Path, dotted: str) -> str | None:
	"""None when ``dotted`` resolves to a module-level name (or Class.method) of the app; else why not."""
	parts = dotted.split(".")
	module, attr = ".".join(parts[:-1]), parts[-1]
	path = module_file(app_root, module)
	if path:
		try:
			names = _module_names(path)
		except SyntaxError as e:
			return f"{path.relative_to(app_root)} does not parse ({e})"
		return None if attr in names else f"{path.relative_to(app_root)} defines no {attr!r}"
	# crm_ext.module.Class.method
	owner_path = module_file(app_root, ".".join(parts[:-2])) if len(parts) > 3 else None
	if owner_path:
		node = _module_names(owner_path).get(parts[-2])
		if isinstance(node, ast.ClassDef):
			methods = {n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
			return None if attr in methods else f"class {parts[-2]} has no method {attr!r}"
	return f"no module {module!r} in the app"


def check_hooks(app_root: Path, app_doctypes: dict) -> list[Problem]:
	app = "crm_ext"
	hooks_py = app_root / app / "hooks.py"
	rel = f"{app}/hooks.py"
	if not hooks_py.exists():
		return [Problem(rel, "is missing; every Frappe app needs hooks.py.")]
	hooks, problems = read_hooks(hooks_py)
	for key in ("app_name", "app_title", "app_publisher", "app_description", "app_email", "app_license"):
		if not hooks.get(key):
			problems.append(Problem(rel, f"{key} is missing; bench and the apps page need it."))
	if hooks.get("app_name") and hooks["app_name"] != app:
		problems.append(
			Problem(rel, f"app_name is {hooks['app_name']!r}; it must be the package name {app!r}.")
		)

	for key, value in hooks.items():
		if key in DOCTYPE_KEYED_HOOKS and isinstance(value, dict):
			for doctype in value:
				if doctype != "*" and not (doctype in app_doctypes or doctype in known()["doctypes"]):
					problems.append(
						Problem(rel, f"{key} names doctype {doctype!r}, which exists nowhere; fix the name.")
					)
		if key in PATH_HOOKS:
			for dotted in strings_in(value):
				if dotted.startswith(f"{app}."):
					why = resolve(app_root, dotted)
					if why:
						problems.append(
							Problem(
								rel,
								f"{key}: {dotted!r} does not resolve: {why}. Fix the path or add the function.",
							)
						)
		if key in FILE_HOOKS and isinstance(value, dict):
			for file in strings_in(value):
				if not (app_root / app / file).is_file():
					problems.append(Problem(rel, f"{key}: file {app}/{file} does not exist; fix the path."))
		if key in ASSET_HOOKS:
			for asset in strings_in(value):
				prefix = f"/assets/{app}/"
				if (
					asset.startswith(prefix)
					and not (app_root / app / "public" / asset[len(prefix) :]).is_file()
				):
					if not asset.endswith(".bundle.js") and not asset.endswith(".bundle.css"):
						problems.append(
							Problem(rel, f"{key}: {asset} has no file under {app}/public; fix the path.")
						)
	for entry in hooks.get("fixtures", []) or []:
		dt = entry if isinstance(entry, str) else (entry or {}).get("dt") or (entry or {}).get("doctype")
		if not dt or not (dt in app_doctypes or dt in known()["doctypes"]):
			problems.append(Problem(rel, f"fixtures entry {entry!r} names no known doctype; fix dt."))
	required = hooks.get("required_apps") or []
	if not any(isinstance(app, str) and app.rsplit("/", 1)[-1] == "erpnext" for app in required):
		problems.append(Problem(rel, 'required_apps must include ERPNext: "frappe/erpnext".'))
	return problems


def check_patches(app_root: Path) -> list[Problem]:
	app = "crm_ext"
	patches = app_root / app / "patches.txt"
	rel = f"{app}/patches.txt"
	if not patches.exists():
		return [Problem(rel, "is missing; add one with [pre_model_sync] and [post_model_sync] sections.")]
	problems = []
	for lineno, raw in enumerate(patches.read_text().splitlines(), start=1):
		line = raw.split("#", 1)[0].strip()
		if not line or (line.startswith("[") and line.endswith("]")) or line.startswith("execute:"):
			continue
		if not line.startswith(f"{app}."):
			problems.append(Problem(rel, f"line {lineno}: {line!r} is not a dotted path of the app."))
			continue
		path = module_file(app_root, line)
		if not path:
			problems.append(
				Problem(rel, f"line {lineno}: module {line!r} does not exist; add it or remove the line.")
			)
		elif "execute" not in _module_names(path):
			problems.append(
				Problem(rel, f"line {lineno}: {line} has no execute(); a patch module needs def execute().")
			)
	return problems
