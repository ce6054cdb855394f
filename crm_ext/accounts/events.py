"""``doc_events`` of ERPNext's accounting documents: recompute the money of the cards they touch
and write the event on each card's timeline.

When the ledger of a card changes (read in ERPNext v15's code): in the invoice's ``on_change``,
the one event every change of an invoice's ledger ends in, once the rows are written.

- The invoice's own submit, cancel and update after submit (re-linking it to another card) end
  with ``on_change`` (``Document.run_post_save_methods``).
- Everything else that changes an invoice's ledger goes through ERPNext's
  ``update_voucher_outstanding`` (called by each Payment Ledger Entry a payment or journal posts
  or cancels, by Payment Reconciliation for each invoice it allocates to, by Unreconcile Payment
  for each invoice it unlinks, by Repost Payment Ledger), which finishes with
  ``set_status(update=True)``: a ``db_set``, which runs ``on_change``.

Every hook only finds the cards (from the document in hand: at most one query, the cards of the
invoices a payment or journal pays) and hands them to the transaction's one background job,
enqueued after the commit (:func:`~crm_ext.accounts.money.schedule`), which recomputes each card
once from the ledger and writes the timeline notes: a submit pays for a lookup, not for the
figures. A Payment or Journal Entry's ``on_update_after_submit`` (Payment Reconciliation:
``reconcile_against_document`` saves it with its new references) even runs *before* its ledger
is rebuilt (its Payment Ledger Entries are deleted first and re-created after the save): figures
taken there would be wrong; the job runs after the commit.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import flt

from crm_ext.accounts.links import leads_of, relink_payment
from crm_ext.accounts.money import format_amount, on_accounting_event, on_ledger_change
from crm_ext.logic.credit import affected_leads
from crm_ext.logic.receivables import NOT_INVOICED

# Cards recomputed per transaction by the daily refresh.
REFRESH_BATCH = 200


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
	text = _("Invoice {0} cancelled").format(link(doc))
	on_accounting_event(leads, dict.fromkeys(leads, text))


def sales_invoice_on_change(doc, method=None):
	"""The invoice or its ledger changed (see the module's docstring): its card's figures follow
	(the card it left too, when it was re-linked)."""
	if doc.docstatus == 0:
		return
	on_ledger_change(invoice_leads(doc))


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
	text = _("Payment {0} cancelled").format(link(doc))
	on_accounting_event(leads, dict.fromkeys(leads, text))


def new_invoice_references(doc, rows: str, doctype_field: str) -> list[str]:
	"""Invoices ``doc`` references now and did not before this save (Payment Reconciliation); a
	reference Unreconcile Payment zeroed counts as gone."""

	def live(row) -> bool:
		return bool(row.get("reference_name")) and (
			row.get("allocated_amount") is None or flt(row.allocated_amount) > 0
		)

	before = doc.get_doc_before_save()
	old = {
		(row.get(doctype_field), row.reference_name)
		for row in (before.get(rows) if before else [])
		if live(row)
	}
	return [
		row.reference_name
		for row in doc.get(rows) or []
		if live(row)
		and row.get(doctype_field) == "Sales Invoice"
		and (row.get(doctype_field), row.reference_name) not in old
	]


def on_reconciliation(doc, invoices: list[str]) -> None:
	leads = affected_leads(leads_of("Sales Invoice", invoices))
	if not leads:
		return
	text = _("{0} reconciled with invoices of this lead").format(link(doc))
	on_accounting_event(leads, dict.fromkeys(leads, text))


def payment_entry_on_update_after_submit(doc, method=None):
	if doc.get("party_type") == "Customer":
		on_reconciliation(doc, new_invoice_references(doc, "references", "reference_doctype"))


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
	text = _("Journal Entry {0} cancelled").format(link(doc))
	on_accounting_event(leads, dict.fromkeys(leads, text))


def journal_entry_on_update_after_submit(doc, method=None):
	on_reconciliation(doc, new_invoice_references(doc, "accounts", "reference_type"))


# --- Unreconcile Payment ----------------------------------------------------------------------


def unreconcile_payment_on_submit(doc, method=None):
	"""ERPNext has unlinked the payment from the invoices of ``doc.allocations`` and restored their
	outstanding amounts: the cards owe again, and the payment belongs to what it still pays."""
	invoices = [row.reference_name for row in doc.allocations if row.reference_doctype == "Sales Invoice"]
	if doc.voucher_type == "Payment Entry":
		relink_payment(doc.voucher_no)
	leads = affected_leads(leads_of("Sales Invoice", invoices))
	if not leads:
		return
	text = _("{0} {1} unreconciled from invoices of this lead").format(
		_(doc.voucher_type), frappe.bold(doc.voucher_no)
	)
	on_accounting_event(leads, dict.fromkeys(leads, text))


# --- scheduler ------------------------------------------------------------------------------


def refresh_open_receivables():
	"""Daily: invoices and instalments fall overdue with time, and the ledger may have changed by a
	door no event watches: recompute every card that has a submitted invoice or shows money (a
	Paid card can owe again, a card can stop owing). One job per batch of cards, each its own
	transaction: one long transaction would hold every card's row locked against its rep."""
	cards = cards_with_money()
	for start in range(0, len(cards), REFRESH_BATCH):
		frappe.enqueue(
			"crm_ext.accounts.money.recompute_leads",
			queue="long",
			leads=cards[start : start + REFRESH_BATCH],
			move_when_paid=False,
			now=bool(frappe.flags.in_test),
		)


def cards_with_money() -> list[str]:
	si = DocType("Sales Invoice")
	lead = DocType("Sales Lead")
	invoiced = (
		frappe.qb.from_(si)
		.select(si.sales_lead)
		.distinct()
		.where((si.docstatus == 1) & si.sales_lead.isnotnull() & (si.sales_lead != ""))
		.run(pluck=True)
	)
	showing = (
		frappe.qb.from_(lead)
		.select(lead.name)
		.where((lead.payment_status != NOT_INVOICED) | (lead.invoiced_amount != 0))
		.run(pluck=True)
	)
	return sorted(set(invoiced) | set(showing))
