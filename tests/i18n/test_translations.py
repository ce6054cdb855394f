"""Every string crm_ext shows has a Russian and a Ukrainian translation that keeps its placeholders.

The first test is the check itself on the app; the others show that the extractor, the rules and
the file tools do what the check relies on.
"""

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.i18n import catalog, missing, sync
from tests.i18n.extract import Collector, collect, doctype_json, html_file, js_file, python_file
from tests.i18n.rules import check, entry_problem, placeholder_problem

ROOT = Path(__file__).resolve().parents[2]


def test_every_string_has_a_russian_and_ukrainian_translation():
	problems = check(ROOT)
	assert not problems, "\n".join(map(str, problems))


def test_the_app_has_strings_in_every_kind_of_source():
	messages, _problems = collect(ROOT)
	places = {w.split(":")[0].split(" (")[0].rsplit(".", 1)[-1] for m in messages.values() for w in m.where}
	assert {"py", "js", "html", "json", "txt"} <= places
	assert ("Sales Lead", None) in messages  # doctype name
	assert ("Stage", "Sales Lead") in messages  # label, with the doctype as the form's context
	assert ("Won", "Pipeline Stage") in messages  # Select option
	assert ("Supplier qualification {0}: {1}", None) in messages  # notification subject
	assert ("Receivables Overdue %", None) in messages  # number card
	assert ("Submit for Review", None) in messages  # workflow action
	assert ("CRM Manager", None) in messages  # role


# --- extractor -----------------------------------------------------------------------------------


def collector_for(tmp_path: Path, name: str, text: str):
	path = tmp_path / name
	path.parent.mkdir(parents=True, exist_ok=True)
	path.write_text(text, encoding="utf-8")
	c = Collector(tmp_path)
	return c, path


def test_python_calls(tmp_path):
	c, path = collector_for(
		tmp_path,
		"crm_ext/x.py",
		"import frappe\n"
		"from frappe import _\n"
		"a = _('Plain')\n"
		"b = _(\n\t'Two lines '\n\t'joined {0}.'\n).format(1)\n"
		"c = frappe._('With context', context='Tender')\n"
		"d = _(some_value)\n"
		"e = _(f'Bad {a}')\n"
		"f = _('Bad ' + a)\n"
		"g = _(' Spaced ')\n"
		"h = _('Click <b>here</b>')\n"
		"i = _lt('Lazy')\n",
	)
	python_file(c, path)
	assert set(c.messages) == {
		("Plain", None),
		("Two lines joined {0}.", None),
		("With context", "Tender"),
		("Spaced", None),  # looked up stripped
		("Click here", None),  # looked up without markup
		("Lazy", None),
	}
	assert c.messages[("Two lines joined {0}.", None)].where == ["crm_ext/x.py:4"]
	problems = "\n".join(map(str, c.problems))
	assert "crm_ext/x.py:10: an f-string" in problems
	assert "crm_ext/x.py:11: a text built with +" in problems
	assert "crm_ext/x.py:12: ' Spaced ': space around" in problems
	assert "crm_ext/x.py:13: 'Click <b>here</b>': _() looks this up without" in problems


def test_js_calls(tmp_path):
	c, path = collector_for(
		tmp_path,
		"crm_ext/public/js/x.js",
		'frm.add_custom_button(__("Plain"));\n'
		"__('Single {0}', [x]);\n"
		'__("Line", null, "Tender");\n'
		'__("Joined " +\n\t"text");\n'
		"__(`Template`);\n"
		"__(`Template ${x}`);\n"
		'__("Piece " + x);\n'
		"__(df.label);\n"
		'__("Say \\"hi\\"");\n'
		'_("not JS translation");\n',
	)
	js_file(c, path)
	assert set(c.messages) == {
		("Plain", None),
		("Single {0}", None),
		("Line", "Tender"),
		("Joined text", None),
		("Template", None),
		('Say "hi"', None),
	}
	problems = "\n".join(map(str, c.problems))
	assert "x.js:7: a template literal with ${...}" in problems
	assert "x.js:8: a text built from pieces" in problems


def test_jinja_templates_and_portal_scripts(tmp_path):
	c, path = collector_for(
		tmp_path,
		"crm_ext/www/page.html",
		'<h1>{{ _("Hello {0}").format(name) }}</h1>\n'
		'<p>{{ _(\'Single\') }} {{ _("Ctx", context="Tender") }} {{ my_(x) }}</p>\n'
		'<script>frappe.show_alert(__("Saved"));\n'
		'frappe.show_alert(__({{ _("Rendered") | tojson }}));</script>\n',
	)
	html_file(c, path)
	assert set(c.messages) == {
		("Hello {0}", None),
		("Single", None),
		("Ctx", "Tender"),
		("Saved", None),
		("Rendered", None),
	}
	assert [p.path for p in c.problems] == ["crm_ext/www/page.html:3"]
	assert "__('Saved') in a portal page stays English" in c.problems[0].message


def test_doctype_json():
	c = Collector(ROOT)
	doctype_json(
		c,
		"crm_ext/crm_ext/doctype/t/t.json",
		{
			"doctype": "DocType",
			"name": "Thing",
			"description": "A thing.",
			"fields": [
				{
					"fieldname": "status",
					"fieldtype": "Select",
					"label": "Status",
					"options": "\nOpen\nClosed\n1",
				},
				{"fieldname": "s", "fieldtype": "Section Break", "label": "More", "description": "Extra."},
				{"fieldname": "naming_series", "fieldtype": "Select", "options": "T-.####"},
			],
			"links": [{"group": "Buying", "link_doctype": "Purchase Order"}],
		},
	)
	assert set(c.messages) == {
		("Thing", None),
		("A thing.", None),
		("Status", "Thing"),
		("Open", "Thing"),
		("Closed", "Thing"),
		("More", "Thing"),
		("Extra.", None),
		("Buying", None),
	}


# --- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"msgid, msgstr, broken",
	[
		("Row {0}: {1}", "Строка {0}: {1}", False),
		("Row {0}: {1}", "Строка {1}: {0}", False),  # word order may change
		("Row {0}: {1}", "Строка {0}", True),  # missing
		("Row {0}", "Строка {0}: {1}", True),  # extra
		("Dear {name}", "Уважаемый {имя}", True),  # renamed
		("Row {0}", "Строка {1}", True),  # renumbered
		("Value %s of %s", "Значение %s", True),
		("Value %s", "Значение %s", False),
		("{{ title }} is new", "{{ title }} новый", False),
		("<b>{0}</b> left", "Осталось <b>{0}</b>", False),
		("<b>{0}</b> left", "Осталось {0}", True),
	],
)
def test_placeholders(msgid, msgstr, broken):
	assert (placeholder_problem(msgid, msgstr) is not None) == broken


def test_entry_rules():
	assert entry_problem(catalog.Entry("Open the card", "Открыть карточку")) is None
	assert "English" in entry_problem(catalog.Entry("Open the card", "Open the card"))
	assert entry_problem(catalog.Entry("CRM Ext", "CRM Ext")) is None  # a name stays
	assert "space" in entry_problem(catalog.Entry("Save", " Сохранить"))
	assert "fuzzy" in entry_problem(catalog.Entry("Save", "Сохранить", flags=["fuzzy"]))


# --- files ---------------------------------------------------------------------------------------

TEXT = st.text(
	st.characters(
		blacklist_categories=("Cs",), blacklist_characters="\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
	),
	min_size=1,
)


@given(
	st.lists(st.tuples(TEXT, TEXT, st.one_of(st.none(), TEXT)), max_size=5, unique_by=lambda t: (t[0], t[2]))
)
def test_po_round_trip(items):
	entries = [catalog.Entry(msgid, msgstr, context) for msgid, msgstr, context in items]
	parsed, errors = catalog.parse_po(catalog.write_po(entries, "ru"))
	assert not errors
	assert {(e.msgid, e.context): e.msgstr for e in parsed} == {(m, c): s for m, s, c in items}


def test_po_written_by_other_tools():
	text = (
		'msgid ""\nmsgstr ""\n"Language: ru\\n"\n\n'
		"#. Label\n#: crm_ext/a.py:10 crm_ext/b.js:3\n#, fuzzy, python-format\n"
		'msgctxt "Tender"\nmsgid ""\n"Long "\n"text"\nmsgstr "Длинный "\n"текст"\n\n'
		'#~ msgid "Old"\n#~ msgstr "Старое"\n'
		'msgid "Next"\nmsgstr "Далее"\n'
	)
	entries, errors = catalog.parse_po(text)
	assert not errors
	assert [(e.msgid, e.context, e.msgstr, e.fuzzy) for e in entries] == [
		("Long text", "Tender", "Длинный текст", True),
		("Next", None, "Далее", False),
	]
	assert entries[0].locations == ["crm_ext/a.py:10", "crm_ext/b.js:3"]


def test_csv_is_what_frappe_reads():
	entries = [
		catalog.Entry("Line", "Строка", "Tender"),
		catalog.Entry('Say "hi", twice', "Скажите «привет»,\nдважды"),
		catalog.Entry("Empty"),
	]
	rows = list(csv.reader(io.StringIO(catalog.write_csv(catalog.csv_rows(entries)), newline="")))
	# frappe.translate.get_translation_dict_from_file: [source, translation(, context)]
	assert rows == [["Line", "Строка", "Tender"], ['Say "hi", twice', "Скажите «привет»,\nдважды"]]


# --- the check and the tools on a copy of the app ------------------------------------------------


@pytest.fixture
def app_copy(tmp_path):
	shutil.copytree(ROOT / "crm_ext", tmp_path / "crm_ext", ignore=shutil.ignore_patterns("__pycache__"))
	return tmp_path


def test_a_new_string_fails_the_check_naming_file_and_string(app_copy):
	controller = app_copy / "crm_ext/sales/pipeline.py"
	controller.write_text(controller.read_text() + '\n\ndef hint():\n\treturn _("Brand new hint {0}")\n')
	problems = [str(p) for p in check(app_copy)]
	for lang in ("ru", "uk"):
		assert any(
			p.startswith("crm_ext/sales/pipeline.py:")
			and f"{lang}: no translation of 'Brand new hint {{0}}' in crm_ext/locale/{lang}.po" in p
			for p in problems
		), problems
	assert any(p.startswith("crm_ext/locale/main.pot: is out of step") for p in problems)


def test_a_broken_or_hand_edited_translation_fails_the_check(app_copy):
	po = app_copy / catalog.po_path("uk")
	text = po.read_text()
	assert 'msgstr "Лід {0}"' in text
	po.write_text(text.replace('msgstr "Лід {0}"', 'msgstr "Лід {1}"'))
	problems = [str(p) for p in check(app_copy)]
	assert any("'Sales Lead {0}' ('Лід {1}') breaks the placeholders" in p for p in problems), problems
	assert any(
		p.startswith("crm_ext/translations/uk.csv: is not what crm_ext/locale/uk.po says") for p in problems
	)


def test_missing_rows_then_apply_and_sync_make_the_check_pass(app_copy, monkeypatch):
	controller = app_copy / "crm_ext/sales/pipeline.py"
	controller.write_text(controller.read_text() + '\n\ndef hint():\n\treturn _("Brand new hint {0}")\n')
	sync.sync(app_copy, out=io.StringIO())  # the new string gets empty entries
	rows = missing.rows(app_copy, bench=app_copy / "no-bench", every=False)
	assert [(r["msgid"], r["ru"], r["uk"], r["where"].split(":")[0]) for r in rows] == [
		("Brand new hint {0}", "", "", "crm_ext/sales/pipeline.py")
	]
	filled = app_copy / "todo.csv"
	with open(filled, "w", encoding="utf-8", newline="") as f:
		writer = csv.DictWriter(f, fieldnames=list(rows[0]))
		writer.writeheader()
		writer.writerow({**rows[0], "ru": "Новая подсказка {0}", "uk": "Нова підказка {0}"})
	assert missing.apply(app_copy, filled) == 2
	sync.sync(app_copy, out=io.StringIO())
	assert check(app_copy) == []
	assert ["Brand new hint {0}", "Новая подсказка {0}"] in catalog.read_csv(app_copy, "ru")
