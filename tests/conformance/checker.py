"""Entry point: ``check_app(app_root)`` runs every conformance rule and returns the Problems."""

import ast
from pathlib import Path

from .assets import check_custom_fields, check_fixtures, check_js, check_synced_json, literal_assignment
from .doctypes import check_controller, check_doctype, load_doctypes
from .dotted_paths import check_hooks, check_patches
from .problems import Problem
from .security import check_security


def app_roles(app_root: Path) -> set[str]:
	"""Role names the app creates itself (ROLES in crm_ext/setup/roles.py)."""
	roles_py = app_root / "crm_ext" / "setup" / "roles.py"
	if not roles_py.exists():
		return set()
	try:
		roles = literal_assignment(roles_py, "ROLES") or []
	except (SyntaxError, ValueError):
		return set()
	return {r["role_name"] if isinstance(r, dict) else r for r in roles}


def check_python_syntax(app_root: Path) -> list[Problem]:
	problems = []
	for path in sorted((app_root / "crm_ext").rglob("*.py")):
		try:
			ast.parse(path.read_text())
		except SyntaxError as e:
			problems.append(
				Problem(str(path.relative_to(app_root)), f"does not parse ({e}); fix the syntax.")
			)
	return problems


def check_app(app_root: Path, with_js: bool = True) -> list[Problem]:
	app_root = Path(app_root)
	problems = check_python_syntax(app_root)
	doctypes, load_problems = load_doctypes(app_root)
	problems += load_problems
	roles = app_roles(app_root)
	for doc in doctypes.values():
		problems += check_doctype(doc, doctypes, roles)
		problems += check_controller(doc, app_root)
	problems += check_hooks(app_root, doctypes)
	problems += check_patches(app_root)
	problems += check_custom_fields(app_root, doctypes)
	problems += check_fixtures(app_root, doctypes)
	problems += check_synced_json(app_root, doctypes)
	problems += check_security(app_root, doctypes)
	if with_js:
		problems += check_js(app_root)
	return problems
