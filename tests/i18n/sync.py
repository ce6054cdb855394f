"""Bring the translation files in step with the code (run from the repository root).

    python -m tests.i18n.sync

- ``crm_ext/locale/main.pot``: every string the app shows (tests.i18n.extract);
- ``crm_ext/locale/<lang>.po``: a new string gets an empty entry to fill in, a string no longer
  shown is dropped, the comments and locations follow the code, the translations stay;
- ``crm_ext/translations/<lang>.csv``: the filled-in entries of the PO file, for Frappe's CSV
  loader.
"""

import sys
from pathlib import Path

from . import catalog
from .extract import Message, collect

ROOT = Path(__file__).resolve().parents[2]


def files_of(message: Message) -> list[str]:
	"""Locations without line numbers or JSON field: they stay put while the code changes."""
	out = []
	for where in message.where:
		path = where.split(" (")[0]
		head, colon, line = path.rpartition(":")
		path = head if colon and line.isdigit() else path
		if path not in out:
			out.append(path)
	return out


def template_entries(messages: dict) -> list[catalog.Entry]:
	return [
		catalog.Entry(m.msgid, "", m.context, comments=list(m.comments), locations=files_of(m))
		for m in messages.values()
	]


def merged_entries(messages: dict, entries: list[catalog.Entry]) -> tuple[list[catalog.Entry], int, int]:
	"""The PO entries for ``messages``: existing translations kept, new strings empty, unused dropped."""
	po = {e.key: e for e in entries}
	out: dict[tuple, catalog.Entry] = {}
	added = 0
	for m in sorted(messages.values(), key=lambda m: (m.msgid, m.context or "")):
		entry = po.get(m.key) or po.get((m.msgid, None))
		if entry is None:
			entry, added = catalog.Entry(m.msgid), added + 1
		if entry.key in out:  # the context-less entry already serves another context
			out[entry.key].locations = list(dict.fromkeys(out[entry.key].locations + files_of(m)))
			continue
		entry.comments, entry.locations = list(m.comments), files_of(m)
		out[entry.key] = entry
	dropped = len([e for e in entries if e.key not in out])
	return list(out.values()), added, dropped


def write(root: Path, relative: Path, text: str) -> bool:
	path = root / relative
	path.parent.mkdir(parents=True, exist_ok=True)
	if path.exists() and path.read_text(encoding="utf-8") == text:
		return False
	path.write_text(text, encoding="utf-8")
	return True


def sync(root: Path = ROOT, out=sys.stderr) -> None:
	messages, problems = collect(root)
	write(root, catalog.POT_FILE, catalog.write_po(template_entries(messages), None))
	for lang in catalog.LANGUAGES:
		entries, errors = catalog.read_po(root, lang)
		if errors and (root / catalog.po_path(lang)).exists():
			raise SystemExit(f"{catalog.po_path(lang)}: fix it first: " + "; ".join(errors))
		entries, added, dropped = merged_entries(messages, entries)
		write(root, catalog.po_path(lang), catalog.write_po(entries, lang))
		write(root, catalog.csv_path(lang), catalog.write_csv(catalog.csv_rows(entries)))
		empty = len([e for e in entries if not e.msgstr])
		print(
			f"{lang}: {len(entries)} entries, {added} new, {dropped} dropped, {empty} to translate", file=out
		)
	for problem in problems:
		print(f"problem: {problem}", file=out)


if __name__ == "__main__":
	sync()
