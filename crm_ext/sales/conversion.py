"""Convert a Sales Lead into an ERPNext Customer (and Contact), reusing what already exists."""

import frappe
from frappe import _
from frappe.query_builder import DocType


@frappe.whitelist(methods=["POST"])
def convert_to_customer(sales_lead: str) -> dict:
	"""Link the card to a Customer and a Contact, creating them only when no match exists.

	Customer match: a Contact with the card's e-mail or phone that is linked to a Customer, else
	a Customer named like the card's organisation. Contact match: by e-mail, then phone.
	Needs write on the card; creating the Customer / Contact needs Frappe's own create rights."""
	frappe.has_permission("Sales Lead", "write", doc=sales_lead, throw=True)
	lead = frappe.get_doc("Sales Lead", sales_lead)
	contact = lead.contact or find_contact(lead)
	customer = lead.customer or customer_of_contact(contact) or find_customer_by_name(lead)
	if not customer:
		customer = make_customer(lead)
	if contact:
		link_contact(contact, customer)
	else:
		contact = make_contact(lead, customer)
	lead.customer, lead.contact = customer, contact
	lead.save()
	return {"customer": customer, "contact": contact}


def find_contact(lead) -> str | None:
	if lead.email:
		name = frappe.db.get_value(
			"Contact Email", {"email_id": lead.email, "parenttype": "Contact"}, "parent"
		)
		if name:
			return name
	for phone in filter(None, (lead.mobile_no, lead.phone)):
		name = frappe.db.get_value("Contact Phone", {"phone": phone, "parenttype": "Contact"}, "parent")
		if name:
			return name
	return None


def customer_of_contact(contact: str | None) -> str | None:
	if not contact:
		return None
	return frappe.db.get_value(
		"Dynamic Link",
		{"parenttype": "Contact", "parent": contact, "link_doctype": "Customer"},
		"link_name",
	)


def find_customer_by_name(lead) -> str | None:
	name = (lead.organization or "").strip()
	if not name:
		return None
	customer = DocType("Customer")
	rows = (
		frappe.qb.from_(customer)
		.select(customer.name)
		.where((customer.customer_name == name) & (customer.disabled == 0))
		.limit(1)
		.run(pluck=True)
	)
	return rows[0] if rows else None


def make_customer(lead) -> str:
	name = (lead.organization or lead.lead_name or lead.title or "").strip()
	if not name:
		frappe.throw(_("Enter the Organisation or Person Name before converting."), title=_("Name Missing"))
	selling = frappe.get_cached_doc("Selling Settings")
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name,
			"customer_type": "Company" if lead.organization else "Individual",
			"customer_group": selling.customer_group or None,
			"territory": selling.territory or None,
			"default_currency": lead.currency if lead.currency else None,
		}
	)
	customer.insert()
	return customer.name


def make_contact(lead, customer: str) -> str | None:
	first_name = (lead.lead_name or lead.organization or "").strip()
	if not (first_name or lead.email or lead.phone or lead.mobile_no):
		return None
	contact = frappe.new_doc("Contact")
	contact.first_name = first_name or lead.email or lead.phone
	contact.company_name = lead.organization
	contact.designation = lead.job_title
	if lead.email:
		contact.append("email_ids", {"email_id": lead.email, "is_primary": 1})
	if lead.secondary_email:
		contact.append("email_ids", {"email_id": lead.secondary_email})
	if lead.mobile_no:
		contact.append("phone_nos", {"phone": lead.mobile_no, "is_primary_mobile_no": 1})
	if lead.phone:
		contact.append("phone_nos", {"phone": lead.phone, "is_primary_phone": 1})
	contact.append("links", {"link_doctype": "Customer", "link_name": customer})
	contact.insert()
	return contact.name


def link_contact(contact: str, customer: str):
	doc = frappe.get_doc("Contact", contact)
	if not any(link.link_doctype == "Customer" and link.link_name == customer for link in doc.links):
		doc.append("links", {"link_doctype": "Customer", "link_name": customer})
		doc.save()
