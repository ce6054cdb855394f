"""Every ``@frappe.whitelist`` function of the app, found by reading the source (no import, no frappe).

Used by the tier-1 check (every method has its row in ``methods.METHODS``, with the verbs its
decorator allows) and by the tier-2 method matrix (which calls each one over HTTP).
"""

import ast
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Whitelisted:
	path: str  # dotted path, as a client calls it: /api/method/<path>
	verbs: frozenset[str]  # what the decorator allows (Frappe's default: every verb)
	allow_guest: bool
	source: str  # file:line


ALL_VERBS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})


def _decorator(node: ast.FunctionDef) -> ast.expr | None:
	for deco in node.decorator_list:
		target = deco.func if isinstance(deco, ast.Call) else deco
		if isinstance(target, ast.Attribute) and target.attr == "whitelist":
			if isinstance(target.value, ast.Name) and target.value.id == "frappe":
				return deco
	return None


def _constants(tree: ast.Module) -> dict[str, object]:
	"""Module-level NAME = <literal> assignments (a decorator may say ``methods=POST``)."""
	found = {}
	for node in tree.body:
		if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
			try:
				found[node.targets[0].id] = ast.literal_eval(node.value)
			except ValueError:
				continue
	return found


def _keyword(deco: ast.expr, name: str, constants: dict):
	if not isinstance(deco, ast.Call):
		return None
	for keyword in deco.keywords:
		if keyword.arg == name:
			if isinstance(keyword.value, ast.Name) and keyword.value.id in constants:
				return constants[keyword.value.id]
			return ast.literal_eval(keyword.value)
	return None


def whitelisted_methods(app: Path = APP) -> list[Whitelisted]:
	found = []
	for path in sorted(app.rglob("*.py")):
		rel = path.relative_to(app.parent)
		if path.name.startswith("test_") or "access_matrix" in rel.parts:
			continue
		module = ".".join(rel.with_suffix("").parts)
		tree = ast.parse(path.read_text())
		constants = _constants(tree)
		# module functions, and methods of controllers (called through run_doc_method)
		functions = [(module, n) for n in tree.body if isinstance(n, ast.FunctionDef)]
		for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
			functions += [(f"{module}.{cls.name}", n) for n in cls.body if isinstance(n, ast.FunctionDef)]
		for owner, node in functions:
			deco = _decorator(node)
			if deco is None:
				continue
			methods = _keyword(deco, "methods", constants)
			found.append(
				Whitelisted(
					path=f"{owner}.{node.name}",
					verbs=frozenset(m.upper() for m in methods) if methods else ALL_VERBS,
					allow_guest=bool(_keyword(deco, "allow_guest", constants)),
					source=f"{rel}:{node.lineno}",
				)
			)
	return found


def overrides(app: Path = APP) -> dict[str, str]:
	"""``override_whitelisted_methods`` of hooks.py: {Frappe's method: the app's replacement}. The
	replacements keep Frappe's callers and verbs; what they answer is asked by the doctype matrix."""
	tree = ast.parse((app / "hooks.py").read_text())
	for node in tree.body:
		if (
			isinstance(node, ast.Assign)
			and getattr(node.targets[0], "id", None) == "override_whitelisted_methods"
		):
			return ast.literal_eval(node.value)
	return {}
