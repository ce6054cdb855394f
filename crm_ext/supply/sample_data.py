"""Builders of real documents for the supply-side tier-2 tests (no mocks, no test_records)."""

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, nowdate

from crm_ext.testing import make_user

ROOT_GROUP = "All Item Groups"


def make_item_group(name: str, parent: str = ROOT_GROUP, is_group: int = 0) -> str:
	if not frappe.db.exists("Item Group", name):
		frappe.get_doc(
			{
				"doctype": "Item Group",
				"item_group_name": name,
				"parent_item_group": parent,
				"is_group": is_group,
			}
		).insert(ignore_permissions=True)
	return name


def make_category_tree() -> dict:
	"""Raw Material (group) > Steel; Services apart."""
	raw = make_item_group("_SQ Raw Material", is_group=1)
	steel = make_item_group("_SQ Steel", parent=raw)
	services = make_item_group("_SQ Services")
	return {"raw": raw, "steel": steel, "services": services}


def make_template(name: str = "_SQ Standard", **kw) -> str:
	if frappe.db.exists("Qualification Template", name):
		frappe.delete_doc("Qualification Template", name, force=True, ignore_permissions=True)
	groups = kw.pop("item_groups", None) or [make_category_tree()["raw"]]
	doc = frappe.get_doc(
		{
			"doctype": "Qualification Template",
			"template_name": name,
			"pass_score": 60,
			"validity_months": 12,
			"item_groups": [{"item_group": g} for g in groups],
			"criteria": [
				{"criterion": "ISO 9001 certified?", "answer_type": "Yes/No", "weight": 2, "knock_out": 1},
				{
					"criterion": "Years in business",
					"answer_type": "Number",
					"weight": 1,
					"target_value": 10,
					"zero_value": 0,
					"scoring_curve": "Linear",
				},
				{
					"criterion": "Quality system",
					"answer_type": "Choice",
					"weight": 1,
					"choice_options": "None | 0\nPartial | 4\nCertified | 10",
				},
			],
			"required_documents": [
				{"document_type": "Tax certificate", "expiry_required": 1},
				{"document_type": "Company profile", "expiry_required": 0},
			],
			**kw,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def make_supplier(name: str, portal_user: str | None = None, email: str | None = None) -> str:
	if not frappe.db.exists("Supplier", name):
		supplier = frappe.get_doc({"doctype": "Supplier", "supplier_name": name})
		if portal_user:
			supplier.append("portal_users", {"user": portal_user})
		supplier.insert(ignore_permissions=True)
	if email:
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": name,
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": "Supplier", "link_name": name}],
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Supplier", name, "supplier_primary_contact", contact.name)
	return name


def make_supplier_user(email: str) -> str:
	return make_user(email, "Supplier", user_type="Website User")


def make_qualification(supplier: str, template: str, **kw):
	doc = frappe.get_doc(
		{"doctype": "Supplier Qualification", "supplier": supplier, "template": template, **kw}
	)
	doc.insert()
	return doc


def fill(doc, iso="Yes", years="10", quality="Certified", tax_expiry=None, save=True):
	"""Answer every question and attach every document (files are URLs of real File records)."""
	answers = {"ISO 9001 certified?": iso, "Years in business": years, "Quality system": quality}
	for row in doc.answers:
		row.answer = answers.get(row.question)
	for row in doc.documents:
		row.attachment = make_file(doc, row.document_type)
		if row.expiry_required:
			row.expiry_date = tax_expiry or add_days(nowdate(), 400)
	if save:
		doc.save()
	return doc


def make_file(doc, label: str) -> str:
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{frappe.scrub(label)}.txt",
			"attached_to_doctype": doc.doctype,
			"attached_to_name": doc.name,
			"is_private": 1,
			"content": f"{label} of {doc.name}",
		}
	).insert(ignore_permissions=True)
	return file.file_url


def staff() -> dict:
	return {
		"buyer": make_user("sq-buyer@example.com", "Purchase User"),
		"manager": make_user("sq-manager@example.com", "Purchase Manager", "Purchase User"),
	}


def qualify(doc, manager: str, comment: str = "All good.", reviewer: str | None = None):
	"""Submitted -> Under Review -> Qualified, as the procurement staff would: a Purchase User
	submits (if still a Draft) and reviews it, ``manager`` (another person: four eyes) approves."""
	reviewer = reviewer or staff()["buyer"]
	frappe.set_user(reviewer)
	doc = frappe.get_doc(doc.doctype, doc.name)
	if doc.status == "Draft":
		doc = apply_workflow(doc, "Submit for Review")
	if doc.status == "Submitted":
		doc = apply_workflow(doc, "Start Review")
	doc.review_comment = comment
	doc.save()
	frappe.set_user(manager)
	doc = apply_workflow(frappe.get_doc(doc.doctype, doc.name), "Approve")
	frappe.set_user("Administrator")
	return doc
