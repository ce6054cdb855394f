"""Supplier self-service on the portal: "My qualifications", the questionnaire and registration.

Every method names its right at its top (``crm_ext.supply.access``): a portal user of one of its
own suppliers, or the registrant of its own registration; a change only while the qualification
is stored as Draft. After that explicit check the method changes only what a supplier fills in
(answers, files, expiry dates, company details) and saves; the controller derives the rules from
the template again and checks the review step (``crm_ext.logic.qualification_review``).

A registrant is a website user not linked to any supplier; it holds no role until procurement
approves the registration (then it becomes the new Supplier's portal user with the Supplier
role), so its registration is reached only through these methods.
"""

import datetime

import frappe
from frappe import _

from crm_ext.logic.qualification import SUBMITTED
from crm_ext.supply.access import (
	forbid,
	own_supplier,
	require_login,
	require_qualification_party,
	suppliers_of_user,
)
from crm_ext.supply.portal_files import attach_private_file, bad_input, find_row, parse_object
from crm_ext.utils.documents import as_procedure, procedure

DOCTYPE = "Supplier Qualification"
REGISTRATION_FIELDS = ("company_name", "country", "tax_id", "website", "regions")
REQUIRED_REGISTRATION_FIELDS = ("company_name", "country", "tax_id")
PEOPLE = {
	"signatories": ("full_name", "designation", "email"),
	"contact_persons": ("full_name", "designation", "email", "phone"),
}
MAX_PEOPLE = 20
# API accounts of integrations (site forms, telephony): not a company's person
INTEGRATION_ROLES = frozenset({"CRM Intake"})


def my_qualifications() -> list[dict]:
	"""The user's suppliers' qualifications and its own registrations."""
	user = frappe.session.user
	suppliers = suppliers_of_user(user)
	names = set(
		frappe.get_all(
			DOCTYPE, filters={"supplier": ("is", "not set"), "registration_user": user}, pluck="name"
		)
	)
	if suppliers:
		names |= set(frappe.get_all(DOCTYPE, filters={"supplier": ("in", suppliers)}, pluck="name"))
	return frappe.get_all(
		DOCTYPE,
		filters={"name": ("in", sorted(names) or [""])},
		fields=["name", "supplier", "company_name", "template", "status", "score", "valid_until", "modified"],
		order_by="modified desc",
	)


def open_templates() -> list[dict]:
	return frappe.get_all(
		"Qualification Template",
		filters={"enabled": 1},
		fields=["name", "description", "validity_months"],
		order_by="name",
	)


def require_template(template: str) -> str:
	if not isinstance(template, str) or not frappe.db.exists(
		"Qualification Template", {"name": template, "enabled": 1}
	):
		bad_input("template", _("choose one of the open questionnaires."))
	return template


def get_own(name: str, write: bool = False):
	"""The qualification, after the right: its party (to change it: while stored as Draft)."""
	require_qualification_party(name, write=write)
	doc = frappe.get_doc(DOCTYPE, name)
	doc.flags.ignore_permissions = True  # the right was checked on the stored record above
	return doc


@frappe.whitelist(methods=["POST"])
def start_qualification(template: str, supplier: str | None = None) -> str:
	"""Create a Draft questionnaire for one of the user's suppliers.
	Right: a portal user of that supplier."""
	require_login()
	supplier = own_supplier(supplier)
	doc = frappe.get_doc({"doctype": DOCTYPE, "supplier": supplier, "template": require_template(template)})
	doc.insert(ignore_permissions=True)
	return doc.name


def require_registrant() -> None:
	"""Right: a website user (not staff, not an integration account) not linked to any supplier yet."""
	require_login()
	user = frappe.session.user
	if user == "Administrator" or frappe.db.get_value("User", user, "user_type") != "Website User":
		forbid(_("Staff users cannot register a company: log in with the company's own portal account."))
	if INTEGRATION_ROLES & set(frappe.get_roles(user)):
		forbid(_("An integration account cannot register a company."))
	if suppliers_of_user(user):
		forbid(_("Your account already belongs to a supplier: start a questionnaire for it instead."))


@frappe.whitelist(methods=["POST"])
def register_company(template: str, company: dict | str) -> str:
	"""A new company's registration: a Supplier Qualification pending review, no Supplier yet.
	Right: a website user not linked to any supplier (:func:`require_registrant`)."""
	require_registrant()
	template = require_template(template)
	data = parse_object(company, "company")
	for field in REQUIRED_REGISTRATION_FIELDS:
		if not isinstance(data.get(field), str) or not data[field].strip():
			bad_input(field, _("this is required to register."))
	if not frappe.db.exists("Country", data["country"]):
		bad_input("country", _("choose a country from the list."))
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"is_registration": 1,
			"registration_user": frappe.session.user,
			"template": template,
			**{f: text(data.get(f), f) for f in REGISTRATION_FIELDS},
		}
	)
	for table, columns in PEOPLE.items():
		for row in people(data.get(table), table):
			doc.append(table, {c: text(row.get(c), f"{table}.{c}") for c in columns})
	groups = data.get("item_groups") or []
	if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
		bad_input("item_groups", _("send a list of product categories."))
	for group in groups:
		doc.append("item_groups", {"item_group": group})
	as_procedure(doc)  # the registration's own fields (is_registration, registration_user)
	doc.insert(ignore_permissions=True)
	return doc.name


def people(rows, field: str) -> list[dict]:
	if rows in (None, ""):
		return []
	if not isinstance(rows, list) or len(rows) > MAX_PEOPLE or not all(isinstance(r, dict) for r in rows):
		bad_input(field, _("send a list of at most {0} people.").format(MAX_PEOPLE))
	return rows


def text(value, field: str) -> str | None:
	if value in (None, ""):
		return None
	if not isinstance(value, str):
		bad_input(field, _("send text."))
	return value.strip()


@frappe.whitelist(methods=["POST"])
def save_answers(name: str, answers: dict | str, documents: dict | str | None = None) -> dict:
	"""Update answers ({row name: text}) and document expiry dates ({row name: date}).
	Right: the qualification's own supplier or registrant, while it is stored as Draft."""
	answers = {row: text(value, "answers") for row, value in parse_object(answers, "answers").items()}
	expiries = {
		row: date(value, "documents") for row, value in parse_object(documents or {}, "documents").items()
	}
	doc = get_own(name, write=True)
	for row in doc.answers:
		if row.name in answers:
			row.answer = answers[row.name]
	for row in doc.documents:
		if row.name in expiries:
			row.expiry_date = expiries[row.name]
	doc.save()
	return {"name": doc.name, "score": doc.score, "status": doc.status}


@frappe.whitelist(methods=["POST"])
def upload_file(name: str, row: str, filename: str, filedata: str, expiry_date: str | None = None) -> str:
	"""Attach a file (base64) to an answer or document row of the user's own Draft.
	Right: the qualification's own supplier or registrant, while it is stored as Draft."""
	doc = get_own(name, write=True)
	target = find_row([*doc.answers, *doc.documents], row, name)
	expiry = date(expiry_date, "expiry_date")
	target.attachment = attach_private_file(doc, filename, filedata)
	if expiry and target.doctype == "Supplier Qualification Document":
		target.expiry_date = expiry
	doc.save()
	return target.attachment


@frappe.whitelist(methods=["POST"])
def submit_questionnaire(name: str) -> str:
	"""Submit the Draft for review (the workflow's "Submit for Review"; the controller checks the
	step). Right: the qualification's own supplier or registrant, while it is stored as Draft."""
	doc = get_own(name, write=True)
	doc.status = SUBMITTED
	doc.save()
	with procedure():  # the workflow's note on the record (a registrant has no role to comment)
		doc.add_comment("Workflow", _(SUBMITTED))
	return doc.status


def date(value, field: str) -> datetime.date | None:
	if value in (None, ""):
		return None
	try:
		if isinstance(value, str):
			return datetime.date.fromisoformat(value[:10])
	except ValueError:
		pass
	bad_input(field, _("enter a date as YYYY-MM-DD."))
