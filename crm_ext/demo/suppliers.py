"""Suppliers, their portal users, qualification templates and qualifications in every state of
the review workflow.

Each supplier's portal user fills in and submits its questionnaire on the portal
(``crm_ext.supply.portal``: start, answers, uploads, submit); the buyer starts the review; the
procurement manager, who neither created, submitted nor reviewed it, approves or rejects it (four
eyes); a qualification whose document ran out expires by the daily job. A new company registers
itself on the portal and waits for its review.
"""

import base64
from dataclasses import dataclass

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from crm_ext.demo.base import LOGISTICS, RAW_MATERIALS, acting_as, time_passes
from crm_ext.demo.people import BUYER, PROCUREMENT_MANAGER, ensure_user
from crm_ext.logic import qualification_review as review
from crm_ext.supply import portal, supplier_users
from crm_ext.supply.expiry import expire_qualifications

METAL = "Metal Supplier Questionnaire"
# invited by the first supplier's master user
COLLEAGUE = ("nordic.steel.sales@example.com", "Mikkel Hansen")
LOGISTICS_TEMPLATE = "Logistics Provider Questionnaire"
DRAFT, SUBMITTED, UNDER_REVIEW = "Draft", "Submitted", "Under Review"
QUALIFIED, REJECTED, EXPIRED = "Qualified", "Rejected", "Expired"
TEMPLATES = {
	METAL: {
		"item_groups": [RAW_MATERIALS],
		"pass_score": 60,
		"validity_months": 12,
		"description": "For suppliers of steel products and fasteners.",
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
				"criterion": "Quality control of every batch",
				"answer_type": "Choice",
				"weight": 1,
				"choice_options": "None | 0\nSampling | 5\nEvery batch with mill certificate | 10",
			},
			{"criterion": "Describe your delivery area", "answer_type": "Text", "weight": 0},
		],
		"required_documents": [
			{"document_type": "Tax certificate", "expiry_required": 1},
			{"document_type": "ISO 9001 certificate", "expiry_required": 1},
			{"document_type": "Company profile", "expiry_required": 0},
		],
	},
	LOGISTICS_TEMPLATE: {
		"item_groups": [LOGISTICS],
		"pass_score": 50,
		"validity_months": 12,
		"description": "For carriers and forwarders.",
		"criteria": [
			{"criterion": "Cargo insurance in place?", "answer_type": "Yes/No", "weight": 2, "knock_out": 1},
			{
				"criterion": "Own trucks",
				"answer_type": "Number",
				"weight": 1,
				"target_value": 30,
				"zero_value": 0,
				"scoring_curve": "Linear",
			},
		],
		"required_documents": [{"document_type": "Insurance policy", "expiry_required": 1}],
	},
}
GOOD = ("Yes", "18", "Every batch with mill certificate", "Poland, Ukraine, the Baltics")
WEAK = ("No", "3", "Sampling", "Local only")


@dataclass(frozen=True)
class SupplierPlan:
	name: str
	user: str
	person: str
	country: str
	template: str
	status: str  # where its qualification ends
	answers: tuple = GOOD


SUPPLIERS = (
	SupplierPlan("Nordic Steel Works", "nordic.steel@example.com", "Lars Nilsen", "Norway", METAL, QUALIFIED),
	SupplierPlan("Baltic Metals", "baltic.metals@example.com", "Ieva Ozola", "Latvia", METAL, QUALIFIED),
	SupplierPlan(
		"Carpathian Fasteners", "carpathian@example.com", "Ostap Hnatiuk", "Ukraine", METAL, QUALIFIED
	),
	SupplierPlan(
		"Danube Freight", "danube.freight@example.com", "Ana Pop", "Romania", LOGISTICS_TEMPLATE, EXPIRED
	),
	SupplierPlan(
		"Eastern Cables", "eastern.cables@example.com", "Igor Rudenko", "Ukraine", METAL, REJECTED, WEAK
	),
	SupplierPlan("Fjord Alloys", "fjord.alloys@example.com", "Sigrid Berg", "Norway", METAL, UNDER_REVIEW),
	SupplierPlan("Harbor Tools", "harbor.tools@example.com", "Jan de Vries", "Netherlands", METAL, DRAFT),
)
# a company not yet a supplier: it registers on the portal, its registration waits for review
REGISTRANT = ("register@gulf-trading.example.com", "Omar", "Haddad")
REGISTRATION = {
	"company_name": "Gulf Trading",
	"country": "United Arab Emirates",
	"tax_id": "AE100200300",
	"website": "https://gulf-trading.example.com",
	"regions": "Middle East",
	"contact_persons": [{"full_name": "Omar Haddad", "designation": "Sales", "email": REGISTRANT[0]}],
}


def ensure_templates() -> list[str]:
	for name, values in TEMPLATES.items():
		if not frappe.db.exists("Qualification Template", name):
			frappe.get_doc(
				{
					"doctype": "Qualification Template",
					"template_name": name,
					"enabled": 1,
					**{k: v for k, v in values.items() if k != "item_groups"},
					"item_groups": [{"item_group": g} for g in values["item_groups"]],
				}
			).insert(ignore_permissions=True)
	return list(TEMPLATES)


def ensure_supplier(plan: SupplierPlan, password: str) -> str:
	"""The Supplier with its contact and its portal user (a website user of the Supplier)."""
	first, _sep, last = plan.person.partition(" ")
	ensure_user(plan.user, first, last, (), password, user_type="Website User")
	if frappe.db.exists("Supplier", plan.name):
		return plan.name
	supplier = frappe.get_doc(
		{
			"doctype": "Supplier",
			"supplier_name": plan.name,
			"supplier_group": frappe.db.get_single_value("Buying Settings", "supplier_group")
			or frappe.db.get_value("Supplier Group", {"is_group": 0}),
			"country": plan.country if frappe.db.exists("Country", plan.country) else None,
			"portal_users": [{"user": plan.user}],  # ERPNext gives the user the Supplier role
		}
	).insert(ignore_permissions=True)
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first,
			"last_name": last,
			"user": plan.user,
			"email_ids": [{"email_id": plan.user, "is_primary": 1}],
			"links": [{"link_doctype": "Supplier", "link_name": supplier.name}],
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		"Supplier", supplier.name, {"supplier_primary_contact": contact.name, "email_id": plan.user}
	)
	return supplier.name


def invite_colleague(password: str) -> str:
	"""The first supplier's master user (its first portal user) invites a colleague on the portal
	(``crm_ext.supply.supplier_users``): a second portal user of the same supplier, logged."""
	email, full_name = COLLEAGUE
	if not frappe.db.exists("User", email):
		with acting_as(SUPPLIERS[0].user):
			supplier_users.invite_colleague(email, full_name)
	update_password(email, password)
	return email


def existing_qualification(supplier: str, template: str) -> str | None:
	return frappe.db.get_value("Supplier Qualification", {"supplier": supplier, "template": template})


def qualify(plan: SupplierPlan) -> str | None:
	"""The supplier's questionnaire, moved through the workflow up to ``plan.status``."""
	if existing_qualification(plan.name, plan.template):
		return None
	with acting_as(plan.user):
		name = portal.start_qualification(plan.template, plan.name)
		fill_in(name, plan.answers, complete=plan.status != DRAFT)
		if plan.status == DRAFT:
			return name
		portal.submit_questionnaire(name)
	if plan.status == SUBMITTED:
		return name
	step(name, BUYER, review.START_REVIEW, "Documents checked; references called.")
	if plan.status == UNDER_REVIEW:
		return name
	decision = review.REJECT if plan.status == REJECTED else review.APPROVE
	comment = "ISO 9001 is required for steel." if plan.status == REJECTED else "Approved."
	step(name, PROCUREMENT_MANAGER, decision, comment)
	if plan.status == EXPIRED:
		expire(name)
	return name


def fill_in(name: str, answers: tuple, complete: bool) -> None:
	"""Answer the questions (a draft only the first half) and upload the documents, as the portal
	page does."""
	doc = frappe.get_doc("Supplier Qualification", name)
	rows = doc.answers if complete else doc.answers[: len(doc.answers) // 2]
	values = {row.name: answer_for(row, answers) for row in rows}
	portal.save_answers(name, values)
	if not complete:
		return
	for row in doc.documents:
		portal.upload_file(
			name,
			row.name,
			f"{frappe.scrub(row.document_type)}.txt",
			base64.b64encode(f"{row.document_type} of {doc.supplier}".encode()).decode(),
			str(add_days(nowdate(), 400)) if row.expiry_required else None,
		)


def answer_for(row, answers: tuple) -> str:
	"""The supplier's answer to one question: by its type (yes/no, number, choice, text)."""
	yes, number, choice, text = answers
	return {"Yes/No": yes, "Number": number, "Choice": choice}.get(row.answer_type, text)


def step(name: str, user: str, action: str, comment: str) -> None:
	"""A review step through the workflow, as ``user`` (the desk's workflow button)."""
	with acting_as(user):
		doc = frappe.get_doc("Supplier Qualification", name)
		doc.review_comment = comment
		doc.save()
		apply_workflow(doc, action)


def expire(name: str) -> None:
	"""A year passes for one document: its expiry date is now yesterday, and the daily job (run as
	the scheduler runs it) expires the qualification."""
	row = frappe.get_all(
		"Supplier Qualification Document",
		filters={"parent": name, "expiry_date": ("is", "set")},
		pluck="name",
		limit=1,
	)[0]
	time_passes("Supplier Qualification Document", row, {"expiry_date": add_days(nowdate(), -1)})
	expire_qualifications()


def register_newcomer(password: str) -> str | None:
	"""A company that is not a supplier yet registers on the portal and submits its questionnaire."""
	email, first, last = REGISTRANT
	ensure_user(email, first, last, (), password, user_type="Website User")
	if frappe.db.exists("Supplier Qualification", {"registration_user": email}):
		return None
	with acting_as(email):
		name = portal.register_company(METAL, REGISTRATION)
		fill_in(name, GOOD, complete=True)
		portal.submit_questionnaire(name)
	return name
