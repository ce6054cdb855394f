"""The ``sales_lead`` link along ERPNext's selling chain.

ERPNext's mappers copy ``sales_lead`` (same fieldname) from Quotation to Sales Order to Sales
Invoice, to credit notes and to amendments. These hooks fill it where a document was made another
way (several quotations merged, an invoice made from a delivery note, a return made by hand),
derive it for Payment Entries from what they pay, and guard it on every door that sets it
(``validate`` of a draft, ``before_update_after_submit`` of a submitted invoice, where
``validate`` does not run):

- the card's customer must be the document's;
- hanging a document on a card, or taking it off one, is acting on that card: it needs write on
  the card as stored (a rep cannot hang an invoice on a colleague's card, nor take one off it).
  The card a document inherits from its sources (its amended original, the invoice a credit note
  returns, the orders it bills, the quotations it orders) needs no more than making it from them.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType

from crm_ext.logic.credit import single_lead
from crm_ext.utils.documents import in_procedure


def leads_of(doctype: str, names) -> list[str | None]:
	"""``sales_lead`` of the documents ``names`` of ``doctype`` (one query)."""
	names = sorted({n for n in names if n})
	if not names:
		return []
	table = DocType(doctype)
	return frappe.qb.from_(table).select(table.sales_lead).where(table.name.isin(names)).run(pluck=True)


def source_leads(doc) -> list[str | None]:
	"""The cards of the documents ``doc`` is made from."""
	leads = leads_of(doc.doctype, [doc.get("amended_from")])
	if doc.doctype == "Sales Invoice":
		leads += leads_of("Sales Invoice", [doc.get("return_against")])
		leads += leads_of("Sales Order", [row.sales_order for row in doc.items if row.get("sales_order")])
	elif doc.doctype == "Sales Order":
		leads += leads_of(
			"Quotation", [row.prevdoc_docname for row in doc.items if row.get("prevdoc_docname")]
		)
	return leads


# --- doc_events ---------------------------------------------------------------------------------


def quotation_validate(doc, method=None):
	if doc.get("quotation_to") == "Customer":
		check_lead_customer(doc, doc.party_name)
	check_lead_link(doc)


def sales_order_validate(doc, method=None):
	if not doc.get("sales_lead"):
		quotations = [row.prevdoc_docname for row in doc.items if row.get("prevdoc_docname")]
		doc.sales_lead = single_lead(leads_of("Quotation", quotations))
	check_lead_customer(doc, doc.customer)
	check_lead_link(doc)


def sales_invoice_validate(doc, method=None):
	if not doc.get("sales_lead"):
		if doc.get("return_against"):
			doc.sales_lead = single_lead(leads_of("Sales Invoice", [doc.return_against]))
		if not doc.get("sales_lead"):
			orders = [row.sales_order for row in doc.items if row.get("sales_order")]
			doc.sales_lead = single_lead(leads_of("Sales Order", orders))
	check_lead_customer(doc, doc.customer)
	check_lead_link(doc)


def sales_invoice_before_update_after_submit(doc, method=None):
	"""Re-linking a submitted invoice (``sales_lead`` may be set after submit): the checks of
	``validate``, which does not run on this door. The money moves in ``events``."""
	check_lead_customer(doc, doc.customer)
	check_lead_link(doc)


def payment_entry_validate(doc, method=None):
	"""A payment belongs to a card when every invoice and order it pays belongs to that card."""
	if doc.get("party_type") != "Customer":
		doc.sales_lead = None
		return
	by_type: dict[str, list[str]] = {}
	for ref in doc.get("references") or []:
		if ref.reference_doctype in ("Sales Invoice", "Sales Order") and ref.get("allocated_amount"):
			by_type.setdefault(ref.reference_doctype, []).append(ref.reference_name)
	leads = []
	for doctype, names in by_type.items():
		leads += leads_of(doctype, names)
	doc.sales_lead = single_lead(leads)


def payment_entry_before_update_after_submit(doc, method=None):
	"""Payment Reconciliation adds references to a submitted payment (``reconcile_against_document``
	saves it as an update after submit): the card follows them, as in ``validate``; a client's
	``sales_lead`` on this door is replaced the same way."""
	payment_entry_validate(doc)


def relink_payment(payment: str) -> None:
	"""Unreconcile Payment zeroes a payment's references in the database, without saving it: its
	card is derived again from what it still pays."""
	doc = frappe.get_doc("Payment Entry", payment)
	before = doc.get("sales_lead")
	payment_entry_validate(doc)
	if doc.get("sales_lead") != before:
		doc.db_set("sales_lead", doc.sales_lead, update_modified=False)


# --- checks -------------------------------------------------------------------------------------


def check_lead_customer(doc, customer: str | None):
	"""A document of customer B cannot name a card converted to customer A."""
	if not doc.get("sales_lead") or not customer:
		return
	lead_customer = frappe.db.get_value("Sales Lead", doc.sales_lead, "customer")
	if lead_customer and lead_customer != customer:
		frappe.throw(
			_(
				"Sales Lead {0} belongs to customer {1}, this document is for {2}: choose a lead of {2} or clear the Sales Lead field."
			).format(frappe.bold(doc.sales_lead), frappe.bold(lead_customer), frappe.bold(customer)),
			title=_("Sales Lead of Another Customer"),
		)


def check_lead_link(doc):
	"""Setting, changing or clearing ``sales_lead`` needs write on the card named before (as stored)
	and on the card named now, unless the new card is the one the document inherits from its
	sources. Code that saves with ``ignore_permissions`` and the app's procedures answer for
	themselves."""
	if doc.flags.ignore_permissions or in_procedure():
		return
	new = doc.get("sales_lead") or None
	old = None if doc.is_new() else frappe.db.get_value(doc.doctype, doc.name, "sales_lead")
	if new == old:
		return
	for card in filter(None, (old, new)):
		if frappe.has_permission("Sales Lead", "write", card):
			continue
		if card == new and new == single_lead(source_leads(doc)):
			continue
		frappe.throw(
			_(
				"You cannot move {0} {1} onto or off Sales Lead {2}: only who may change that card may link documents to it."
			).format(_(doc.doctype), frappe.bold(doc.name), frappe.bold(card)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
