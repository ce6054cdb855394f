"""Every string crm_ext shows, collected from its files the way Frappe looks them up.

A message is keyed by ``(msgid, context)``: the text Frappe passes to its translation lookup and
the context given in the code (``_("x", context="y")``, ``__("x", null, "y")``), else None.
Frappe looks ``"msgid:context"`` up first and then ``msgid``, so an entry without context serves
every context.

Lookup keys as Frappe builds them: Python / Jinja ``_()`` strips HTML tags (when the text has any)
and surrounding white space; JS ``__()`` uses the text as written. Texts without a letter
(``"{0}: {1}"``) are not collected (Frappe's extractor skips them too).

Sources:
- ``*.py`` (not tests): calls of ``_`` / ``_lt`` / ``frappe._`` with a literal first argument
  (implicit concatenation included); crm_ext.logic marks its message templates with a no-op ``_``.
- ``*.js``: ``__("...")`` (concatenated literals and template literals without ``${}`` included).
- ``*.html`` and the Jinja held in JSON (print formats, notification subject and message):
  ``_("...")``, and ``__("...")`` inside scripts.
- DocType JSON: name, description, field labels and descriptions, Select options, HTML contents,
  connection groups, action labels.
- Report, Workspace, Number Card, Dashboard Chart, Print Format, Web Form JSON: what Frappe renders
  through ``_()`` / ``__()`` (names, labels, descriptions, header texts, web form texts).
- Literal tables: module name, app title and portal menu (hooks.py), roles, workflow states and
  actions, custom fields, default pipeline and stage names (translated with ``_()`` at install).

Problems found on the way (a message that cannot be looked up: an f-string or a text built from
pieces inside ``_()``; a literal ``__()`` in a portal page, which the v15 website never translates)
are returned with the messages.
"""

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.conformance.problems import Problem

HTML_TAG = re.compile(r"<[^>]+>")
HTML_TAGS = re.compile(r"<[^>]*>")
HAS_LETTER = re.compile(r"[A-Za-z]")
# Select options Frappe does not translate (its extractor skips them too)
UNTRANSLATED_SELECTS = {"naming_series", "number_format", "float_precision", "currency_precision"}
# Folders and files that are not the product (tests, fixtures of tier-2 tests)
SKIP_PARTS = {"node_modules", "dist", "__pycache__", "access_matrix"}
PORTAL_DIRS = ("crm_ext/www/", "crm_ext/templates/")


@dataclass
class Message:
	msgid: str
	context: str | None = None
	where: list[str] = field(default_factory=list)
	comments: list[str] = field(default_factory=list)
	# the context comes from the code (_("x", context=...)), not from the doctype of a label
	explicit_context: bool = False

	@property
	def key(self) -> tuple[str, str | None]:
		return (self.msgid, self.context)


class Collector:
	def __init__(self, root: Path):
		self.root = root
		self.messages: dict[tuple[str, str | None], Message] = {}
		self.problems: list[Problem] = []

	def rel(self, path: Path) -> str:
		return path.relative_to(self.root).as_posix()

	def add(self, text, where: str, comment: str = "", context: str | None = None, python: bool = False):
		if not isinstance(text, str):
			return
		if python:
			text = frappe_key(text)
		self.add_key(text, where, comment, context)

	def add_call(self, text: str, where: str, context: str | None, python: bool):
		"""A literal of a translation call in the code: also checked for what Frappe drops."""
		if text != text.strip() and HAS_LETTER.search(text):
			self.problem(
				where,
				f"{text!r}: space around a translated text is lost (Frappe strips the key and the "
				"translation); keep the space outside the call.",
			)
		if python and HTML_TAG.search(text):
			self.problem(
				where,
				f"{text!r}: _() looks this up without its <...> parts (Frappe strips markup from the "
				"key); keep markup outside _() or pass it as a {0} argument.",
			)
		self.add(text, where, context=context, python=python)
		if context:
			self.messages[(frappe_key(text) if python else text, context)].explicit_context = True

	def add_key(self, text: str, where: str, comment: str = "", context: str | None = None):
		if not text or not HAS_LETTER.search(text) or text.startswith("eval:"):
			return
		message = self.messages.setdefault((text, context), Message(text, context))
		if where not in message.where:
			message.where.append(where)
		if comment and comment not in message.comments:
			message.comments.append(comment)

	def problem(self, where: str, message: str):
		self.problems.append(Problem(where, message))


def frappe_key(text: str) -> str:
	"""The key ``frappe._`` looks up: HTML tags stripped (if any), surrounding space stripped."""
	if HTML_TAG.search(text):
		text = HTML_TAGS.sub("", text)
	return text.replace("\ufeff", "").replace("\u200b", "").strip()


def collect(root: Path) -> tuple[dict[tuple[str, str | None], Message], list[Problem]]:
	"""All messages of the app at ``root`` (the repository root) and the problems met."""
	c = Collector(Path(root))
	app = c.root / "crm_ext"
	for path in sorted(app.rglob("*")):
		if not path.is_file() or SKIP_PARTS & set(path.relative_to(app).parts):
			continue
		if path.suffix == ".py" and not is_test_file(path):
			python_file(c, path)
		elif path.suffix == ".js":
			js_file(c, path)
		elif path.suffix == ".html":
			html_file(c, path)
		elif path.suffix == ".json":
			json_file(c, path)
	tables(c)
	return c.messages, c.problems


def is_test_file(path: Path) -> bool:
	return path.name.startswith("test_") or path.name in ("testing.py", "conftest.py")


# --- Python ------------------------------------------------------------------------------------


def is_translate_call(node: ast.Call) -> bool:
	func = node.func
	if isinstance(func, ast.Name):
		return func.id in ("_", "_lt")
	return (
		isinstance(func, ast.Attribute)
		and func.attr in ("_", "_lt")
		and isinstance(func.value, ast.Name)
		and func.value.id == "frappe"
	)


def python_file(c: Collector, path: Path):
	rel = c.rel(path)
	try:
		tree = ast.parse(path.read_text(encoding="utf-8"))
	except SyntaxError:
		return  # the conformance check reports it
	for node in ast.walk(tree):
		if not (isinstance(node, ast.Call) and is_translate_call(node) and node.args):
			continue
		where = f"{rel}:{node.lineno}"
		arg = node.args[0]
		context = next(
			(
				k.value.value
				for k in node.keywords
				if k.arg == "context" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
			),
			None,
		)
		if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
			c.add_call(arg.value, where, context, python=True)
		elif isinstance(arg, ast.JoinedStr):
			c.problem(where, 'an f-string inside _() is never translated: use _("... {0}").format(...).')
		elif isinstance(arg, ast.BinOp) and has_string_literal(arg):
			c.problem(
				where,
				"a text built with + or % inside _() is never translated: one literal with {0} "
				"placeholders, then .format(...).",
			)


def has_string_literal(node: ast.AST) -> bool:
	return any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(node))


# --- JS and Jinja call scanner -------------------------------------------------------------------

JS_CALL = re.compile(r"(?<![\w$.])__\(")
JINJA_CALL = re.compile(r"(?:(?<=frappe\.)|(?<![\w$.]))_\(")
JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@dataclass
class Call:
	offset: int
	msgid: str | None  # None: the first argument is not a literal
	context: str | None = None
	pieces: bool = False  # literal joined with something that is not a literal
	interpolated: bool = False  # template literal with ${...}


def line_of(text: str, offset: int) -> int:
	return text.count("\n", 0, offset) + 1


def skip_space(text: str, i: int) -> int:
	while i < len(text):
		if text[i].isspace():
			i += 1
		elif text.startswith("//", i):
			i = text.find("\n", i)
			i = len(text) if i < 0 else i
		elif text.startswith("/*", i):
			i = text.find("*/", i)
			i = len(text) if i < 0 else i + 2
		else:
			break
	return i


def read_string(text: str, i: int, js: bool) -> tuple[str | None, int, bool]:
	"""A string literal at ``i``: (value, index after it, has ${...}); value None if none there."""
	if i >= len(text) or text[i] not in ("'", '"', "`"):
		return None, i, False
	quote = text[i]
	if quote == "`" and not js:
		return None, i, False
	if not js and text.startswith(quote * 3, i):
		end = text.find(quote * 3, i + 3)
		if end < 0:
			return None, i, False
		return ast.literal_eval(text[i : end + 3]), end + 3, False
	out, j, interpolated = [], i + 1, False
	while j < len(text):
		ch = text[j]
		if ch == "\\" and j + 1 < len(text):
			nxt = text[j + 1]
			if nxt == "\n":
				j += 2
				continue
			if nxt == "u" and js:
				out.append(chr(int(text[j + 2 : j + 6], 16)))
				j += 6
				continue
			if nxt == "x":
				out.append(chr(int(text[j + 2 : j + 4], 16)))
				j += 4
				continue
			out.append(JS_ESCAPES.get(nxt, nxt))
			j += 2
			continue
		if ch == quote:
			return "".join(out), j + 1, interpolated
		if quote == "`" and text.startswith("${", j):
			interpolated = True
		if ch == "\n" and quote != "`":
			return None, i, False
		out.append(ch)
		j += 1
	return None, i, False


def skip_argument(text: str, i: int, js: bool) -> int:
	"""Index of the ``,`` or ``)`` that ends the argument starting at ``i``."""
	depth = 0
	while i < len(text):
		ch = text[i]
		if ch in "'\"`":
			_value, j, _ = read_string(text, i, js=True)
			i = j if j > i else i + 1
			continue
		if ch in "([{":
			depth += 1
		elif ch in ")]}":
			if depth == 0:
				return i
			depth -= 1
		elif ch == "," and depth == 0:
			return i
		i += 1
	return i


def read_literals(text: str, i: int, js: bool) -> tuple[str | None, int, bool, bool]:
	"""Literals joined by ``+`` (JS), ``~`` (Jinja) or juxtaposition: (value, end, pieces, ${})."""
	parts, interpolated = [], False
	while True:
		value, j, interp = read_string(text, i, js)
		if value is None:
			break
		parts.append(value)
		interpolated |= interp
		i = skip_space(text, j)
		if i < len(text) and text[i] in "+~":
			k = skip_space(text, i + 1)
			if k < len(text) and text[k] in "'\"`":
				i = k
				continue
			return "".join(parts), i, True, interpolated
		if i < len(text) and text[i] in "'\"" and not js:
			continue
		break
	if not parts:
		return None, i, False, False
	end = skip_space(text, i)
	pieces = end < len(text) and text[end] not in ",)"
	return "".join(parts), end, pieces, interpolated


def scan_calls(text: str, js: bool) -> list[Call]:
	"""``__(...)`` calls (js=True) or Jinja ``_(...)`` calls (js=False) in ``text``."""
	calls = []
	for m in (JS_CALL if js else JINJA_CALL).finditer(text):
		i = skip_space(text, m.end())
		msgid, i, pieces, interpolated = read_literals(text, i, js)
		call = Call(m.start(), msgid, pieces=pieces, interpolated=interpolated)
		if msgid is not None and not pieces and i < len(text) and text[i] == ",":
			call.context = read_context(text, i + 1, js)
		calls.append(call)
	return calls


def read_context(text: str, i: int, js: bool) -> str | None:
	if js:  # __(msg, replace, context)
		i = skip_argument(text, skip_space(text, i), js)
		if i >= len(text) or text[i] != ",":
			return None
		value, _j, _ = read_string(text, skip_space(text, i + 1), js)
		return value
	m = re.compile(r"\s*context\s*=\s*").match(text, i)  # _(msg, context="...")
	if not m:
		return None
	value, _j, _ = read_string(text, m.end(), js)
	return value


def add_calls(c: Collector, text: str, where_of, js: bool, python_keys: bool):
	for call in scan_calls(text, js):
		where = where_of(call.offset)
		if call.interpolated:
			c.problem(
				where,
				'a template literal with ${...} inside __() is never translated: __("... {0}", [value]).',
			)
		elif call.pieces:
			c.problem(
				where,
				"a text built from pieces inside a translation call is never translated: one literal with {0} placeholders.",
			)
		elif call.msgid is not None:
			c.add_call(call.msgid, where, call.context, python=python_keys)


def js_file(c: Collector, path: Path):
	rel, text = c.rel(path), path.read_text(encoding="utf-8")
	add_calls(c, text, lambda offset: f"{rel}:{line_of(text, offset)}", js=True, python_keys=False)


def html_file(c: Collector, path: Path):
	rel, text = c.rel(path), path.read_text(encoding="utf-8")
	jinja_text(c, text, lambda offset: f"{rel}:{line_of(text, offset)}")
	add_calls(c, text, lambda offset: f"{rel}:{line_of(text, offset)}", js=True, python_keys=False)
	if rel.startswith(PORTAL_DIRS):
		for call in scan_calls(text, js=True):
			if call.msgid is not None:
				c.problem(
					f"{rel}:{line_of(text, call.offset)}",
					f"__({call.msgid!r}) in a portal page stays English: the v15 website loads no "
					"translations for scripts. Render it with Jinja: "
					f"__({{{{ _({call.msgid!r}) | tojson }}}}, [...]).",
				)


def jinja_text(c: Collector, text: str, where_of):
	add_calls(c, text, where_of, js=False, python_keys=True)


# --- JSON Frappe renders -------------------------------------------------------------------------


def json_file(c: Collector, path: Path):
	try:
		data = json.loads(path.read_text(encoding="utf-8"))
	except ValueError:
		return  # the conformance check reports it
	if not isinstance(data, dict):
		return
	reader = JSON_READERS.get(data.get("doctype"))
	if reader:
		reader(c, c.rel(path), data)


def doctype_json(c: Collector, rel: str, d: dict):
	name = d.get("name")
	c.add(name, rel, "Name of a DocType")
	c.add(d.get("description"), rel, "Description of a DocType")
	# the form looks labels and Select options up with the doctype as context (__(label, null,
	# df.parent)), lists and filters without: an entry without context serves both, an entry
	# with the doctype as context wins in the form (for a word Frappe translates otherwise)
	for f in d.get("fields", []):
		fieldtype, label = f.get("fieldtype"), f.get("label")
		c.add(label, rel, f"Label of a {fieldtype} field in DocType '{name}'", context=name)
		c.add(
			f.get("description"),
			rel,
			f"Description of the '{label or f.get('fieldname')}' field in DocType '{name}'",
		)
		options = f.get("options")
		if fieldtype == "Select" and options and f.get("fieldname") not in UNTRANSLATED_SELECTS:
			for option in options.split("\n"):
				if option and not option.isdigit():
					c.add(option, rel, f"Option for the '{label}' field in DocType '{name}'", context=name)
		elif fieldtype == "HTML" and options:
			c.add(options, rel, f"Content of the '{label}' field in DocType '{name}'")
	for link in d.get("links", []):
		c.add(link.get("group"), rel, f"Group in {name}'s connections")
	for action in d.get("actions", []):
		c.add(action.get("label"), rel, f"Action of DocType '{name}'")


def report_json(c: Collector, rel: str, d: dict):
	c.add(d.get("report_name") or d.get("name"), rel, "Name of a report")
	for column in d.get("columns", []):
		c.add(column.get("label"), rel, f"Column of report '{d.get('name')}'")
	for flt in d.get("filters", []):
		c.add(flt.get("label"), rel, f"Filter of report '{d.get('name')}'")


def workspace_json(c: Collector, rel: str, d: dict):
	ws = d.get("label") or d.get("name")
	c.add(d.get("label"), rel, "Name of a Workspace")
	c.add(d.get("title"), rel, "Title of a Workspace")
	for link in d.get("links", []):
		c.add(link.get("label"), rel, f"Label of a {link.get('type')} in the {ws} Workspace")
		c.add(link.get("description"), rel, f"Description of a {link.get('type')} in the {ws} Workspace")
	for shortcut in d.get("shortcuts", []):
		c.add(shortcut.get("label"), rel, f"Label of a shortcut in the {ws} Workspace")
		c.add(shortcut.get("format"), rel, f"Count format of a shortcut in the {ws} Workspace")
	for table in ("charts", "number_cards", "quick_lists", "custom_blocks"):
		for row in d.get(table, []):
			c.add(row.get("label"), rel, f"Label of a {table[:-1].replace('_', ' ')} in the {ws} Workspace")
	for block in json.loads(d.get("content") or "[]"):
		if block.get("type") in ("header", "paragraph"):
			# the desk translates the text without its markup (workspace blocks header.js)
			text = HTML_TAGS.sub("", block.get("data", {}).get("text") or "").strip()
			c.add(text, rel, f"{block['type'].title()} text in the {ws} Workspace")


def number_card_json(c: Collector, rel: str, d: dict):
	c.add(d.get("label"), rel, "Label of a Number Card")


def dashboard_chart_json(c: Collector, rel: str, d: dict):
	c.add(d.get("chart_name"), rel, "Name of a Dashboard Chart")


def print_format_json(c: Collector, rel: str, d: dict):
	c.add(d.get("name"), rel, "Name of a Print Format")
	jinja_text(c, d.get("html") or "", lambda _offset: f"{rel} (html)")


def notification_json(c: Collector, rel: str, d: dict):
	for key in ("subject", "message"):
		jinja_text(c, d.get(key) or "", lambda _offset, key=key: f"{rel} ({key})")


def web_form_json(c: Collector, rel: str, d: dict):
	# what web_form.py load_translations sends to the page
	for key in (
		"title",
		"introduction_text",
		"success_title",
		"success_message",
		"list_title",
		"button_label",
		"meta_title",
		"meta_description",
	):
		c.add(d.get(key), rel, f"Web Form {key.replace('_', ' ')}")
	for f in d.get("web_form_fields", []):
		c.add(f.get("label"), rel, "Label of a Web Form field")
		c.add(f.get("description"), rel, "Description of a Web Form field")
		if f.get("fieldtype") == "Select" and f.get("options"):
			for option in f["options"].split("\n"):
				c.add(option, rel, "Option of a Web Form field")
	for column in d.get("list_columns", []):
		c.add(column.get("label"), rel, "Column of a Web Form list")


JSON_READERS = {
	"DocType": doctype_json,
	"Report": report_json,
	"Workspace": workspace_json,
	"Number Card": number_card_json,
	"Dashboard Chart": dashboard_chart_json,
	"Print Format": print_format_json,
	"Notification": notification_json,
	"Web Form": web_form_json,
}


# --- Frappe's own texts on the app's views ------------------------------------------------------

# Texts of Frappe's desk that the app's own views show (the Sales Lead form, its timeline, the
# kanban) and that Frappe v15 (translations/<lang>.csv) and v16 (locale/<lang>.po) leave
# untranslated in ru and uk. crm_ext's entry fills the gap (its translations are merged after
# Frappe's); once Frappe translates one, drop it here and run tests.i18n.sync.
FRAPPE_GAPS = (
	"Connections",  # form dashboard
	"Search or type a command ({0})",  # navbar
	"Kanban View",  # view switcher
	"Filters {0}",  # filter button with filters applied
	"No new notifications",  # navbar bell (read by screen readers)
	"Select Kanban",
	"Kanban Settings",
	"Add {0}",  # kanban column: "+ Add Sales Lead"
	"{0} changed the value of {1}",  # form timeline (versions)
	"{0} changed the value of {1} {2}",
	"You changed the value of {0}",
	"You changed the value of {0} {1}",
	"{0} from {1} to {2}",
)


# --- literal tables installed on the site --------------------------------------------------------


def literal(c: Collector, rel: str, name: str):
	"""The literal assigned to ``name`` at module level of ``rel`` (a problem if it is gone)."""
	path = c.root / rel
	if path.exists():
		for node in ast.parse(path.read_text(encoding="utf-8")).body:
			targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
			if any(isinstance(t, ast.Name) and t.id == name for t in targets):
				try:
					return ast.literal_eval(node.value)
				except ValueError:
					break
	c.problem(rel, f"{name} is no literal here any more: update tests/i18n/extract.py (tables) to read it.")
	return None


def constants(c: Collector, rel: str) -> dict[str, str]:
	"""Module-level ``NAME = "text"`` assignments of ``rel``."""
	out = {}
	for node in ast.parse((c.root / rel).read_text(encoding="utf-8")).body:
		if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
			for t in node.targets:
				if isinstance(t, ast.Name) and isinstance(node.value.value, str):
					out[t.id] = node.value.value
	return out


def tables(c: Collector):
	for text in FRAPPE_GAPS:
		c.add_key(text, "frappe (desk text on the app's views)", "Frappe's, untranslated by Frappe in ru/uk")
	for module in (c.root / "crm_ext/modules.txt").read_text().splitlines():
		c.add(module.strip(), "crm_ext/modules.txt", "Name of a module")
	hooks = "crm_ext/hooks.py"
	c.add(literal(c, hooks, "app_title"), hooks, "Title of the app")
	for item in literal(c, hooks, "portal_menu_items") or []:
		c.add(item.get("title"), hooks, "Portal menu item")
	for item in literal(c, hooks, "add_to_apps_screen") or []:
		c.add(item.get("title"), hooks, "Title on the Apps screen")
	roles = "crm_ext/setup/roles.py"
	for role in literal(c, roles, "ROLES") or []:
		c.add(role.get("role_name"), roles, "Name of a role")
	workflow = "crm_ext/setup/workflow.py"
	for state in literal(c, workflow, "STATES") or []:
		c.add(state[0], workflow, "Workflow state")
	review = "crm_ext/logic/qualification_review.py"
	names = constants(c, review)
	for action in ("SUBMIT", "START_REVIEW", "RETURN", "APPROVE", "REJECT", "EXPIRE"):
		if action in names:
			c.add(names[action], review, "Workflow action")
		else:
			c.problem(review, f"{action} is gone: update tests/i18n/extract.py (workflow actions).")
	custom = "crm_ext/setup/custom_fields.py"
	for doctype, fields in (literal(c, custom, "CUSTOM_FIELDS") or {}).items():
		for f in fields:
			c.add(f.get("label"), custom, f"Label of a custom field on {doctype}")
			c.add(f.get("description"), custom, f"Description of a custom field on {doctype}")
			if f.get("fieldtype") == "Select":
				for option in (f.get("options") or "").split("\n"):
					c.add(option, custom, f"Option of a custom field on {doctype}")
	pipeline = "crm_ext/sales/pipeline.py"  # create_default_pipeline: _(stage_name)
	for stage in literal(c, pipeline, "DEFAULT_STAGES") or []:
		c.add(stage[0], pipeline, "Stage of the default pipeline")
