"""The app itself passes every conformance rule."""

from pathlib import Path

from tests.conformance.checker import check_app
from tests.conformance.doctypes import find_doctype_files

ROOT = Path(__file__).resolve().parents[2]


def test_app_has_doctypes():
	assert find_doctype_files(ROOT), "no doctype found: is the app layout broken?"


def test_app_conforms_to_frappe_rules():
	problems = check_app(ROOT)
	assert not problems, "\n".join(map(str, problems))


def test_app_layout_is_what_bench_expects():
	for path in (
		"pyproject.toml",
		"crm_ext/__init__.py",
		"crm_ext/hooks.py",
		"crm_ext/modules.txt",
		"crm_ext/patches.txt",
		"crm_ext/crm_ext/__init__.py",
		"crm_ext/public",
		"crm_ext/fixtures",
		"crm_ext/config/__init__.py",
		"crm_ext/templates/__init__.py",
	):
		assert (ROOT / path).exists(), f"{path} is missing"
	assert (ROOT / "crm_ext/modules.txt").read_text().strip() == "CRM Ext"
	init = (ROOT / "crm_ext/__init__.py").read_text()
	assert "__version__" in init
	# bench reads required_apps with a regex on one line; "frappe/erpnext" as frappe/hrms writes it
	assert 'required_apps = ["frappe/erpnext"]' in (ROOT / "crm_ext/hooks.py").read_text()
