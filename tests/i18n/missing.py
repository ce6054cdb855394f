"""The strings still to translate, as CSV rows to fill in, and the way back in.

    python -m tests.i18n.missing > todo.csv   # msgid, context, ru, uk, where, erpnext_ru, erpnext_uk
    (fill in the ru and uk columns)
    python -m tests.i18n.missing --apply todo.csv    # into the PO files, then tests.i18n.sync

A row is listed when its ru or uk translation is missing, empty or wrong (placeholders, markup,
still English); the translations already there are filled in. ``erpnext_ru`` / ``erpnext_uk``
show how Frappe and ERPNext already translate the same text (read from the bench at
``--bench``, default /root/frappe-bench, when there is one): crm_ext's entry replaces theirs
everywhere in the desk, so keep their wording unless it is wrong.
``--all`` lists every string.
"""

import argparse
import csv
import sys
from pathlib import Path

from . import catalog
from .extract import collect
from .rules import entry_problem, lookup
from .sync import ROOT, sync

LANGS = list(catalog.LANGUAGES)


def other_apps(bench: Path, lang: str) -> dict[str, str]:
	"""Frappe's and ERPNext's own translations on the bench (CSV, then PO), if present."""
	out: dict[str, str] = {}
	for app in ("frappe", "erpnext"):
		base = bench / "apps" / app / app
		path = base / "translations" / f"{lang}.csv"
		if path.exists():
			with open(path, encoding="utf-8", newline="") as f:
				for row in csv.reader(f):
					if len(row) == 2 or (len(row) == 3 and not row[2]):
						out[row[0]] = row[1]
		po = base / "locale" / f"{lang}.po"
		if po.exists():
			entries, _errors = catalog.parse_po(po.read_text(encoding="utf-8"))
			out.update({e.msgid: e.msgstr for e in entries if e.msgstr and not e.context})
	return out


def rows(root: Path, bench: Path, every: bool) -> list[dict]:
	messages, _problems = collect(root)
	pos = {}
	for lang in LANGS:
		entries, _errors = catalog.read_po(root, lang)
		pos[lang] = {e.key: e for e in entries}
	theirs = {lang: other_apps(bench, lang) for lang in LANGS}
	out, seen = [], set()
	for m in sorted(messages.values(), key=lambda m: (m.where[0], m.msgid)):
		found = {lang: lookup(pos[lang], m) for lang in LANGS}
		todo = any(e is None or not e.msgstr or entry_problem(e) for e in found.values())
		# a doctype's label is filled in once, without context, unless an entry has one already
		context = (
			m.context
			if m.explicit_context
			else next((e.context for e in found.values() if e is not None and e.context), "")
		)
		if (todo or every) and (m.msgid, context) not in seen:
			seen.add((m.msgid, context))
			row = {"msgid": m.msgid, "context": context or ""}
			row.update({lang: (found[lang].msgstr if found[lang] else "") for lang in LANGS})
			row["where"] = m.where[0]
			row.update({f"erpnext_{lang}": theirs[lang].get(m.msgid, "") for lang in LANGS})
			out.append(row)
	return out


def apply(root: Path, path: Path) -> int:
	with open(path, encoding="utf-8", newline="") as f:
		filled = [r for r in csv.DictReader(f) if r.get("msgid")]
	changed = 0
	for lang in LANGS:
		entries, errors = catalog.read_po(root, lang)
		if errors and (root / catalog.po_path(lang)).exists():
			raise SystemExit(f"{catalog.po_path(lang)}: fix it first: " + "; ".join(errors))
		po = {e.key: e for e in entries}
		for r in filled:
			text = (r.get(lang) or "").strip()
			if not text:
				continue
			key = (r["msgid"], r.get("context") or None)
			entry = po.get(key)
			if entry is None:
				entry = po[key] = catalog.Entry(key[0], context=key[1])
			if entry.msgstr != text:
				entry.msgstr, changed = text, changed + 1
			entry.flags = [f for f in entry.flags if f != "fuzzy"]
		(root / catalog.po_path(lang)).parent.mkdir(parents=True, exist_ok=True)
		(root / catalog.po_path(lang)).write_text(catalog.write_po(list(po.values()), lang), encoding="utf-8")
	return changed


def main(argv=None):
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--apply", type=Path, help="merge the filled-in rows of this CSV file")
	parser.add_argument("--all", action="store_true", help="list every string, not only the ones to do")
	parser.add_argument("--bench", type=Path, default=Path("/root/frappe-bench"))
	args = parser.parse_args(argv)
	if args.apply:
		changed = apply(ROOT, args.apply)
		print(f"{changed} translations written", file=sys.stderr)
		sync(ROOT)
		return
	found = rows(ROOT, args.bench, args.all)
	fields = ["msgid", "context", *LANGS, "where", *(f"erpnext_{lang}" for lang in LANGS)]
	writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
	writer.writeheader()
	writer.writerows(found)
	print(f"{len(found)} strings to translate", file=sys.stderr)


if __name__ == "__main__":
	main()
