"""A new company's self-registration becomes an ERPNext Supplier only when it is approved.

``create_supplier`` runs inside the approval (``before_submit`` of the Qualified decision): the
Supplier, its contacts and the registrant's portal access are created in the same transaction as
the decision, so a failed approval leaves nothing behind. Until then the registration is only a
Supplier Qualification with ``is_registration`` set and no supplier.
"""

import frappe
from frappe import _

SUPPLIER_ROLE = "Supplier"


def create_supplier(qualification) -> str:
	"""Create the Supplier (with contacts and portal user) of an approved registration."""
	if not qualification.company_name:
		frappe.throw(
			_("Company Name is missing: the Supplier cannot be created."), title=_("Missing Company")
		)
	supplier = frappe.new_doc("Supplier")
	supplier.update(
		{
			"supplier_name": qualification.company_name,
			"country": qualification.country,
			"tax_id": qualification.tax_id,
			"website": qualification.website,
			"supplier_group": frappe.db.get_single_value("Buying Settings", "supplier_group"),
		}
	)
	if qualification.registration_user:
		supplier.append("portal_users", {"user": qualification.registration_user})
	# The approval decides; the approver need not also hold Supplier create rights.
	supplier.insert(ignore_permissions=True)

	primary = None
	if qualification.registration_user:
		primary = make_contact(
			supplier.name,
			full_name=frappe.utils.get_fullname(qualification.registration_user),
			email=frappe.db.get_value("User", qualification.registration_user, "email"),
			user=qualification.registration_user,
		)
		grant_supplier_role(qualification.registration_user)
	for person in qualification.contact_persons:
		contact = make_contact(
			supplier.name,
			full_name=person.full_name,
			email=person.email,
			phone=person.phone,
			designation=person.designation,
		)
		primary = primary or contact
	if primary:
		supplier.db_set("supplier_primary_contact", primary)
		supplier.db_set("email_id", frappe.db.get_value("Contact", primary, "email_id"))
	return supplier.name


def make_contact(supplier: str, full_name: str, email=None, phone=None, designation=None, user=None) -> str:
	first, _sep, last = (full_name or "").strip().partition(" ")
	contact = frappe.new_doc("Contact")
	contact.update(
		{
			"first_name": first or email or supplier,
			"last_name": last,
			"designation": designation,
			"user": user,
		}
	)
	if email:
		contact.add_email(email, is_primary=True)
	if phone:
		contact.add_phone(phone, is_primary_phone=True)
	contact.append("links", {"link_doctype": "Supplier", "link_name": supplier})
	contact.insert(ignore_permissions=True)
	return contact.name


def grant_supplier_role(user: str) -> None:
	"""ERPNext's portal role for supplier users (it shows nothing until a Supplier is linked)."""
	if SUPPLIER_ROLE in frappe.get_roles(user):
		return
	doc = frappe.get_doc("User", user)
	doc.flags.ignore_permissions = True
	doc.add_roles(SUPPLIER_ROLE)
