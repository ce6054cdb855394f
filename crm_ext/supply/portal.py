"""Supplier self-service on the portal: "My qualifications", the questionnaire and registration.

Every method runs as the logged-in portal user with Frappe's normal permission checks (the
Supplier role's permissions on Supplier Qualification, narrowed to the user's own suppliers and
registrations by ``crm_ext.supply.access``), so a supplier can neither see nor change another
supplier's data, nor change its own questionnaire once submitted.
"""

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow

from crm_ext.logic.qualification import DRAFT
from crm_ext.supply.access import suppliers_of_user
from crm_ext.supply.portal_files import attach_private_file, find_row, require_login
from crm_ext.supply.registration import grant_supplier_role

DOCTYPE = "Supplier Qualification"
SUBMIT_ACTION = "Submit for Review"
REGISTRATION_FIELDS = ("company_name", "country", "tax_id", "website", "regions")


def my_qualifications() -> list[dict]:
	"""The user's qualifications and registrations (what its permissions let it list)."""
	return frappe.get_list(
		DOCTYPE,
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


@frappe.whitelist()
def start_qualification(template: str, supplier: str | None = None) -> str:
	"""Create a Draft questionnaire for one of the user's suppliers."""
	require_login()
	suppliers = suppliers_of_user()
	supplier = supplier or (suppliers[0] if len(suppliers) == 1 else None)
	if not supplier or supplier not in suppliers:
		frappe.throw(
			_("Choose one of your suppliers: {0}.").format(", ".join(suppliers) or "-"),
			frappe.PermissionError,
		)
	doc = frappe.get_doc({"doctype": DOCTYPE, "supplier": supplier, "template": template})
	doc.insert()
	return doc.name


@frappe.whitelist()
def register_company(template: str, company: dict | str) -> str:
	"""A new company's registration: a Supplier Qualification pending review, no Supplier yet."""
	require_login()
	data = frappe.parse_json(company) if isinstance(company, str) else company
	grant_supplier_role(frappe.session.user)
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"is_registration": 1,
			"registration_user": frappe.session.user,
			"template": template,
			**{f: data.get(f) for f in REGISTRATION_FIELDS},
		}
	)
	for row in data.get("signatories") or []:
		doc.append("signatories", {k: row.get(k) for k in ("full_name", "designation", "email")})
	for row in data.get("contact_persons") or []:
		doc.append("contact_persons", {k: row.get(k) for k in ("full_name", "designation", "email", "phone")})
	for group in data.get("item_groups") or []:
		doc.append("item_groups", {"item_group": group})
	doc.insert()
	return doc.name


@frappe.whitelist()
def save_answers(name: str, answers: dict | str, documents: dict | str | None = None) -> dict:
	"""Update answers ({row name: text}) and document expiry dates ({row name: date})."""
	doc = get_own(name, "write")
	answers = frappe.parse_json(answers) if isinstance(answers, str) else answers or {}
	documents = frappe.parse_json(documents) if isinstance(documents, str) else documents or {}
	for row in doc.answers:
		if row.name in answers:
			row.answer = answers[row.name]
	for row in doc.documents:
		if row.name in documents:
			row.expiry_date = documents[row.name] or None
	doc.save()
	return {"name": doc.name, "score": doc.score, "status": doc.status}


@frappe.whitelist()
def upload_file(name: str, row: str, filename: str, filedata: str, expiry_date: str | None = None) -> str:
	"""Attach a file (base64) to an answer or document row of the user's own Draft."""
	doc = get_own(name, "write")
	target = find_row([*doc.answers, *doc.documents], row, name)
	target.attachment = attach_private_file(doc, filename, filedata)
	if expiry_date and target.doctype == "Supplier Qualification Document":
		target.expiry_date = expiry_date
	doc.save()
	return target.attachment


@frappe.whitelist()
def submit_questionnaire(name: str) -> str:
	"""Submit the Draft for review (the workflow's "Submit for Review")."""
	doc = get_own(name, "write")
	if doc.status != DRAFT:
		frappe.throw(_("{0} is already {1}.").format(name, _(doc.status)))
	return apply_workflow(doc, SUBMIT_ACTION).status


def get_own(name: str, ptype: str = "read"):
	require_login()
	doc = frappe.get_doc(DOCTYPE, name)
	doc.check_permission(ptype)
	return doc
