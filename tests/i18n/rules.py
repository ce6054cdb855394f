"""What makes the translations of crm_ext wrong; ``check(root)`` returns every Problem.

- every collected string has a non-empty, non-fuzzy entry in each language (an entry without
  context serves every context); the problem names the file that shows the string;
- a translation keeps the placeholders of its text: the same ``{0}`` / ``{name}`` set, as many
  ``{}`` / ``%s`` (positional) as the text, and the same markup tags;
- a translation of an English sentence is not English (a copied msgid) and has no surrounding
  space (Frappe strips it);
- the PO files parse and hold each key once; the CSV files and main.pot are what
  ``python -m tests.i18n.sync`` would write from them.
"""

import re
from collections import Counter
from pathlib import Path

from tests.conformance.problems import Problem

from . import catalog
from .extract import Message, collect

NAMED = re.compile(r"\{[^{}]+\}")
POSITIONAL = re.compile(r"\{\}|%s|%d|%\([^)]+\)[sd]")
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)[^>]*>")
ENGLISH_WORD = re.compile(r"\b[a-z]{4,}\b")
CYRILLIC = re.compile(r"[А-Яа-яЁёІіЇїЄєҐґ]")


def placeholder_problem(msgid: str, msgstr: str) -> str | None:
	expected, got = set(NAMED.findall(msgid)), set(NAMED.findall(msgstr))
	if expected != got:
		missing, extra = sorted(expected - got), sorted(got - expected)
		parts = ([f"lacks {', '.join(missing)}"] if missing else []) + (
			[f"has {', '.join(extra)} that the text has not"] if extra else []
		)
		return "breaks the placeholders: it " + " and ".join(parts)
	if Counter(POSITIONAL.findall(msgid)) != Counter(POSITIONAL.findall(msgstr)):
		return (
			f"breaks the positional placeholders: {POSITIONAL.findall(msgstr)} instead of "
			f"{POSITIONAL.findall(msgid)}"
		)
	if Counter(t.lower() for t in TAG.findall(msgid)) != Counter(t.lower() for t in TAG.findall(msgstr)):
		return f"breaks the markup: tags {TAG.findall(msgstr)} instead of {TAG.findall(msgid)}"
	return None


def entry_problem(entry: catalog.Entry) -> str | None:
	"""What is wrong with a filled-in entry (None: nothing)."""
	if entry.fuzzy:
		return "is marked fuzzy: Frappe's MO compiler skips it; check it and drop the flag"
	if entry.msgstr != entry.msgstr.strip():
		return "has space around it, which Frappe strips"
	broken = placeholder_problem(entry.msgid, entry.msgstr)
	if broken:
		return broken
	if ENGLISH_WORD.search(entry.msgid) and not CYRILLIC.search(entry.msgstr):
		return "is still English"
	return None


def lookup(po: dict, message: Message) -> catalog.Entry | None:
	return po.get(message.key) or po.get((message.msgid, None))


def check_language(root: Path, lang: str, messages: dict) -> list[Problem]:
	po_file = catalog.po_path(lang).as_posix()
	entries, errors = catalog.read_po(root, lang)
	problems = [Problem(po_file, error) for error in errors]
	po: dict[tuple, catalog.Entry] = {}
	for e in entries:
		if e.key in po:
			problems.append(
				Problem(f"{po_file}:{e.line}", f"{e.msgid!r} is in the file twice; keep one entry.")
			)
		po[e.key] = e
	for message in sorted(messages.values(), key=lambda m: (m.where[0], m.msgid)):
		entry = lookup(po, message)
		if entry is None or not entry.msgstr:
			state = "no" if entry is None else "an empty"
			problems.append(
				Problem(
					message.where[0],
					f"{lang}: {state} translation of {message.msgid!r} in {po_file} "
					"(python -m tests.i18n.missing lists the rows to fill).",
				)
			)
	for e in entries:
		if e.msgstr:
			wrong = entry_problem(e)
			if wrong:
				problems.append(
					Problem(f"{po_file}:{e.line}", f"the translation of {e.msgid!r} ({e.msgstr!r}) {wrong}.")
				)
	expected = catalog.csv_rows(entries)
	found = catalog.read_csv(root, lang)
	if found != expected:
		problems.append(
			Problem(
				catalog.csv_path(lang).as_posix(),
				f"is not what {po_file} says ({describe_difference(found, expected)}): "
				"run python -m tests.i18n.sync.",
			)
		)
	return problems


def describe_difference(found: list | None, expected: list) -> str:
	if found is None:
		return "the file is missing"
	found_set, expected_set = {tuple(r) for r in found}, {tuple(r) for r in expected}
	missing, extra = expected_set - found_set, found_set - expected_set
	if not missing and not extra:
		return "order or duplicates differ"
	sample = sorted(missing)[:1] or sorted(extra)[:1]
	return f"{len(missing)} rows missing, {len(extra)} rows extra, e.g. {sample[0]!r}"


def check_template(root: Path, messages: dict) -> list[Problem]:
	path = root / catalog.POT_FILE
	if not path.exists():
		return [Problem(catalog.POT_FILE.as_posix(), "is missing: run python -m tests.i18n.sync.")]
	entries, errors = catalog.parse_po(path.read_text(encoding="utf-8"))
	keys = {e.key for e in entries}
	if errors or keys != set(messages):
		new, gone = len(set(messages) - keys), len(keys - set(messages))
		return [
			Problem(
				catalog.POT_FILE.as_posix(),
				f"is out of step with the code ({new} strings new, {gone} gone): run python -m tests.i18n.sync.",
			)
		]
	return []


def check(root: Path) -> list[Problem]:
	messages, problems = collect(root)
	problems = list(problems) + check_template(root, messages)
	for lang in catalog.LANGUAGES:
		problems += check_language(root, lang, messages)
	return problems
