"""The translation files of crm_ext: PO (the source), the POT template and the generated CSV.

Frappe v15 and v16 load both kinds per app (``frappe.translate.get_translations_from_apps``): the
CSV ``crm_ext/translations/<lang>.csv`` at run time, and the MO that ``bench build`` /
``bench compile-po-to-mo`` compiles from ``crm_ext/locale/<lang>.po`` into
``sites/assets/locale/<lang>/LC_MESSAGES/crm_ext.mo``; for the same key the MO wins. The CSV is
generated from the PO, so both say the same.

The PO files are written the way babel (Frappe's compiler) reads them: one line per string,
locations without line numbers (they would change with every edit of the code), no dates.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = {
	"ru": (
		"Russian",
		"nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
	),
	"uk": (
		"Ukrainian",
		"nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
	),
}
LOCALE_DIR = Path("crm_ext/locale")
CSV_DIR = Path("crm_ext/translations")
POT_FILE = LOCALE_DIR / "main.pot"
MAX_LOCATIONS = 6


def po_path(lang: str) -> Path:
	return LOCALE_DIR / f"{lang}.po"


def csv_path(lang: str) -> Path:
	return CSV_DIR / f"{lang}.csv"


@dataclass
class Entry:
	msgid: str
	msgstr: str = ""
	context: str | None = None
	comments: list[str] = field(default_factory=list)  # "#." lines
	locations: list[str] = field(default_factory=list)  # "#:" lines
	flags: list[str] = field(default_factory=list)  # "#," lines
	line: int = 0  # where the entry starts in its file

	@property
	def key(self) -> tuple[str, str | None]:
		return (self.msgid, self.context)

	@property
	def fuzzy(self) -> bool:
		return "fuzzy" in self.flags


# --- PO ----------------------------------------------------------------------------------------

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def unquote(text: str) -> str:
	text = text.strip()
	if len(text) < 2 or text[0] != '"' or text[-1] != '"':
		raise ValueError(f"not a quoted PO string: {text}")
	out, i, body = [], 0, text[1:-1]
	while i < len(body):
		if body[i] == "\\" and i + 1 < len(body):
			out.append(ESCAPES.get(body[i + 1], body[i + 1]))
			i += 2
		else:
			out.append(body[i])
			i += 1
	return "".join(out)


def quote(text: str) -> str:
	return (
		'"'
		+ (
			text.replace("\\", "\\\\")
			.replace('"', '\\"')
			.replace("\n", "\\n")
			.replace("\t", "\\t")
			.replace("\r", "\\r")
		)
		+ '"'
	)


def parse_po(text: str) -> tuple[list[Entry], list[str]]:
	"""Entries of a PO text (header and obsolete ``#~`` entries left out) and syntax errors."""
	entries, errors = [], []
	entry, keyword = Entry(""), None
	started = False

	def finish():
		nonlocal entry, keyword, started
		if started and entry.msgid:
			entries.append(entry)
		entry, keyword, started = Entry(""), None, False

	for number, raw in enumerate(text.splitlines(), start=1):
		line = raw.strip()
		if not line:
			finish()
			continue
		if line.startswith("#~"):
			continue
		if line.startswith("#"):
			if started and keyword == "msgstr":
				finish()
			if not started:
				entry.line = entry.line or number
			if line.startswith("#."):
				entry.comments.append(line[2:].strip())
			elif line.startswith("#:"):
				entry.locations.extend(line[2:].split())
			elif line.startswith("#,"):
				entry.flags.extend(f.strip() for f in line[2:].split(","))
			continue
		try:
			if line.startswith('"'):
				if keyword is None:
					raise ValueError("a string continues nothing")
				setattr(entry, keyword, (getattr(entry, keyword) or "") + unquote(line))
				continue
			word, _, rest = line.partition(" ")
			if started and (word == "msgctxt" or (word == "msgid" and keyword == "msgstr")):
				finish()
			if word not in ("msgctxt", "msgid", "msgstr"):
				raise ValueError(f"unknown keyword {word!r} (plural forms are not used by Frappe)")
			entry.line = entry.line or number
			started, keyword = True, {"msgctxt": "context", "msgid": "msgid", "msgstr": "msgstr"}[word]
			setattr(entry, keyword, unquote(rest))
		except ValueError as e:
			errors.append(f"line {number}: {e}")
	finish()
	return entries, errors


def header(lang: str | None) -> str:
	lines = [
		"Project-Id-Version: CRM Ext\n",
		"Report-Msgid-Bugs-To: dev@crm-ext.invalid\n",
		*([f"Language: {lang}\n"] if lang else []),
		"MIME-Version: 1.0\n",
		"Content-Type: text/plain; charset=UTF-8\n",
		"Content-Transfer-Encoding: 8bit\n",
		*([f"Plural-Forms: {LANGUAGES[lang][1]}\n"] if lang else []),
	]
	return 'msgid ""\nmsgstr ""\n' + "".join(quote(line) + "\n" for line in lines)


def write_po(entries: list[Entry], lang: str | None) -> str:
	"""A PO text (``lang``) or the POT template (``lang`` None), entries sorted by msgid."""
	title = f"{LANGUAGES[lang][0]} translations of CRM Ext" if lang else "Translatable strings of CRM Ext"
	out = [
		f"# {title}.\n"
		"# Written by python -m tests.i18n.sync / tests.i18n.missing; fill in the msgstr lines.\n",
		header(lang),
	]
	for e in sorted(entries, key=lambda e: (e.msgid, e.context or "")):
		block = [f"#. {c}\n" for c in e.comments]
		if e.locations:
			block.append("#: " + " ".join(e.locations[:MAX_LOCATIONS]) + "\n")
		if e.flags:
			block.append("#, " + ", ".join(e.flags) + "\n")
		if e.context is not None:
			block.append(f"msgctxt {quote(e.context)}\n")
		block.append(f"msgid {quote(e.msgid)}\n")
		block.append(f"msgstr {quote(e.msgstr if lang else '')}\n")
		out.append("".join(block))
	return "\n".join(out)


def read_po(root: Path, lang: str) -> tuple[list[Entry], list[str]]:
	path = root / po_path(lang)
	if not path.exists():
		return [], [f"{po_path(lang)} is missing"]
	return parse_po(path.read_text(encoding="utf-8"))


# --- CSV (generated) ---------------------------------------------------------------------------


def csv_rows(entries: list[Entry]) -> list[list[str]]:
	"""What Frappe's CSV loader needs: [msgid, translation] or [msgid, translation, context]."""
	rows = []
	for e in sorted(entries, key=lambda e: (e.msgid, e.context or "")):
		if e.msgstr and not e.fuzzy:
			rows.append([e.msgid, e.msgstr] + ([e.context] if e.context else []))
	return rows


def write_csv(rows: list[list[str]]) -> str:
	buffer = io.StringIO()
	csv.writer(buffer, lineterminator="\n").writerows(rows)
	return buffer.getvalue()


def read_csv(root: Path, lang: str) -> list[list[str]] | None:
	path = root / csv_path(lang)
	if not path.exists():
		return None
	with open(path, encoding="utf-8", newline="") as f:
		return [row for row in csv.reader(f)]
