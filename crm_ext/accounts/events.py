"""``doc_events`` of ERPNext's accounting documents: recompute the money of the cards they touch
and write the event on each card's timeline.

Cheap by design: the affected cards come from the document in hand (one query for the cards of
the invoices a payment references), and each card costs one aggregate query
(``money.recompute_lead_money``); many cards go to a background job.
"""

import frappe
from frappe import _

from crm_ext.accounts.links import leads_of
from crm_ext.accounts.money import format_amount, on_accounting_event, recompute_lead_money
from crm_ext.logic.credit import affected_leads


def link(doc) -> str:
	return f'<a href="/app/{frappe.scrub(doc.doctype).replace("_", "-")}/{doc.name}">{doc.name}</a>'


# --- Sales Invoice --------------------------------------------------------------------------


def invoice_leads(doc) -> list[str]:
	leads = [doc.get("sales_lead")]
	before = doc.get_doc_before_save()
	if before and before.get("sales_lead") != doc.get("sales_lead"):
		leads.append(before.get("sales_lead"))
	if doc.get("return_against"):
		leads += leads_of("Sales Invoice", [doc.return_against])
	return affected_leads(leads)


def sales_invoice_on_submit(doc, method=None):
	leads = invoice_leads(doc)
	if not leads:
		return
	amount = format_amount(doc.base_grand_total, doc.company)
	if doc.get("is_return"):
		text = _("Credit note {0} submitted: {1}").format(link(doc), amount)
	else:
		text = _("Invoice {0} submitted: {1}, due {2}").format(
			link(doc), amount, frappe.utils.formatdate(doc.due_date)
		)
	on_accounting_event(leads, dict.fromkeys(leads, text))


def sales_invoice_on_cancel(doc, method=None):
	leads = invoice_leads(doc)
	if not leads:
		return
	on_accounting_event(leads, dict.fromkeys(leads, _("Invoice {0} cancelled").format(link(doc))))


def sales_invoice_on_update_after_submit(doc, method=None):
	"""Re-linking a submitted invoice to another card moves its money between the two cards."""
	before = doc.get_doc_before_save()
	if before and before.get("sales_lead") == doc.get("sales_lead"):
		return
	notes = {}
	if doc.get("sales_lead"):
		notes[doc.sales_lead] = _("Invoice {0} linked to this lead").format(link(doc))
	on_accounting_event(invoice_leads(doc), notes)


# --- Payment Entry --------------------------------------------------------------------------


def payment_leads(doc) -> list[str]:
	invoices = [
		ref.reference_name for ref in doc.get("references") or [] if ref.reference_doctype == "Sales Invoice"
	]
	return affected_leads(leads_of("Sales Invoice", invoices), [doc.get("sales_lead")])


def payment_entry_on_submit(doc, method=None):
	if doc.get("party_type") != "Customer":
		return
	leads = payment_leads(doc)
	if not leads:
		return
	verb = _("received") if doc.payment_type == "Receive" else _("paid out")
	text = _("Payment {0} {1}: {2}").format(
		link(doc), verb, format_amount(doc.base_paid_amount or doc.base_received_amount, doc.company)
	)
	on_accounting_event(leads, dict.fromkeys(leads, text))


def payment_entry_on_cancel(doc, method=None):
	if doc.get("party_type") != "Customer":
		return
	leads = payment_leads(doc)
	if not leads:
		return
	on_accounting_event(leads, dict.fromkeys(leads, _("Payment {0} cancelled").format(link(doc))))


# --- Journal Entry --------------------------------------------------------------------------


def journal_entry_leads(doc) -> list[str]:
	invoices = [
		row.reference_name
		for row in doc.get("accounts") or []
		if row.get("reference_type") == "Sales Invoice" and row.get("reference_name")
	]
	return affected_leads(leads_of("Sales Invoice", invoices))


def journal_entry_on_submit(doc, method=None):
	leads = journal_entry_leads(doc)
	if not leads:
		return
	text = _("Journal Entry {0} settles invoices of this lead").format(link(doc))
	on_accounting_event(leads, dict.fromkeys(leads, text))


def journal_entry_on_cancel(doc, method=None):
	leads = journal_entry_leads(doc)
	if not leads:
		return
	on_accounting_event(leads, dict.fromkeys(leads, _("Journal Entry {0} cancelled").format(link(doc))))


# --- scheduler ------------------------------------------------------------------------------


def refresh_open_receivables():
	"""Daily: invoices fall overdue with time, and ledger changes without a document event
	(payment reconciliation, unreconcile) happen; recompute every card that still has money
	owed or had it recently."""
	leads = frappe.get_all(
		"Sales Lead",
		filters={"payment_status": ("in", ("Unpaid", "Partly paid", "Overdue"))},
		pluck="name",
	)
	for lead in leads:
		recompute_lead_money(lead, move_when_paid=False)
