"""Money on a Sales Lead, recomputed from the ledger after every accounting event.

The invoiced, paid, outstanding and overdue amounts and the payment status of a card are never
incremented: each event recomputes them with one aggregate query over the card's submitted Sales
Invoices of the card's company and their Payment Ledger Entries (company currency, the ledger
ERPNext's own Accounts Receivable report reads) and one over their payment schedules, so
cancels, amendments, credit notes, reconciliations and concurrent payments all end right. The
maths (totals rounded once at the currency precision, overdue by instalment as ERPNext's invoice
status) is ``crm_ext.logic.receivables.lead_money_summary``; which events call it is
``crm_ext.accounts.events``.
"""

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import flt, fmt_money, getdate, now_datetime

from crm_ext.logic.credit import should_move_to_paid
from crm_ext.logic.receivables import PAID, InvoiceRow, MoneySummary, lead_money_summary

MONEY_FIELDS = ("invoiced_amount", "paid_amount", "outstanding_amount", "overdue_amount", "payment_status")


def invoice_total(si):
	"""The amount an invoice puts on the ledger: its rounded total when ERPNext rounded it."""
	return (
		Case()
		.when((si.rounding_adjustment != 0) & (si.base_rounded_total != 0), si.base_rounded_total)
		.else_(si.base_grand_total)
	)


def lead_invoice_rows(lead: str, company: str | None) -> list[InvoiceRow]:
	"""The card's submitted invoices of ``company`` with their ledger outstanding and payment
	schedule, in company currency: one query for the invoices (joined to their live Payment Ledger
	Entries, grouped per invoice), one for their instalments. Invoices of another company are in
	another company currency and ledger: they never add into the card's totals."""
	si = DocType("Sales Invoice")
	ple = DocType("Payment Ledger Entry")
	rows = (
		frappe.qb.from_(si)
		.left_join(ple)
		.on(
			(ple.against_voucher_type == "Sales Invoice")
			& (ple.against_voucher_no == si.name)
			& (ple.delinked == 0)
		)
		.select(
			si.name,
			invoice_total(si).as_("total"),
			si.is_return,
			si.is_pos,
			si.due_date,
			Coalesce(Sum(ple.amount), 0).as_("outstanding"),
		)
		.where((si.sales_lead == lead) & (si.docstatus == 1) & (si.company == company))
		.groupby(si.name)
		.run(as_dict=True)
	)
	# only an invoice that still owes can be late
	schedules = invoice_schedules(
		[r.name for r in rows if not r.is_return and not r.is_pos and flt(r.outstanding) > 0]
	)
	return [
		InvoiceRow(
			grand_total=r.total,
			outstanding_amount=r.outstanding,
			due_date=getdate(r.due_date) if r.due_date else None,
			is_return=bool(r.is_return),
			schedule=schedules.get(r.name, ()),
		)
		for r in rows
	]


def invoice_schedules(invoices: list[str]) -> dict[str, tuple]:
	"""``{invoice: ((due_date, base_payment_amount), ...)}``: the instalments ERPNext's own
	invoice status reads (POS invoices have none and fall due on their due date)."""
	if not invoices:
		return {}
	ps = DocType("Payment Schedule")
	rows = (
		frappe.qb.from_(ps)
		.select(ps.parent, ps.due_date, ps.base_payment_amount)
		.where((ps.parenttype == "Sales Invoice") & ps.parent.isin(invoices))
		.run(as_dict=True)
	)
	schedules: dict[str, list] = {}
	for row in rows:
		if row.due_date:
			schedules.setdefault(row.parent, []).append((getdate(row.due_date), row.base_payment_amount))
	return {name: tuple(instalments) for name, instalments in schedules.items()}


def card_company(lead: str) -> tuple[bool, str | None]:
	"""(the card exists, the company whose invoices count on it): its own, else the site's default
	company (the one ERPNext gives a new invoice when the card names none)."""
	row = frappe.db.get_value("Sales Lead", lead, ["name", "company"], as_dict=True)
	if not row:
		return False, None
	return True, row.company or frappe.defaults.get_global_default("company")


def money_precision() -> int:
	return frappe.get_precision("Sales Invoice", "base_grand_total") or 2


def recompute_lead_money(lead: str, move_when_paid: bool = True) -> MoneySummary | None:
	"""Recompute and store the card's money from the ledger; move it to the paid stage when
	fully paid (if configured). Returns the summary (None when the card no longer exists)."""
	exists, company = card_company(lead)
	if not exists:
		return None
	summary = lead_money_summary(
		lead_invoice_rows(lead, company),
		getdate(),
		money_precision(),
		frappe.get_system_settings("rounding_method"),
	)
	frappe.db.set_value(
		"Sales Lead",
		lead,
		{
			"invoiced_amount": summary.invoiced,
			"paid_amount": summary.paid,
			"outstanding_amount": summary.outstanding,
			"overdue_amount": summary.overdue,
			"payment_status": summary.status,
			"money_updated_on": now_datetime(),
		},
		update_modified=False,
	)
	if move_when_paid:
		move_to_paid_stage(lead, summary.status)
	return summary


def recompute_leads(leads: list[str], move_when_paid: bool = True) -> None:
	for lead in leads:
		recompute_lead_money(lead, move_when_paid)


def on_ledger_change(leads: list[str]) -> None:
	"""The ledger of the cards ``leads`` changed in this transaction (an invoice's ``on_change``):
	their figures are recomputed from it after the commit (:func:`schedule`). In tests, which
	roll back instead of committing, at once."""
	if frappe.flags.in_test:
		recompute_leads(leads)
		return
	schedule(leads)


def on_accounting_event(leads: list[str], notes: dict[str, str] | None = None) -> None:
	"""What every accounting document's handler does (``crm_ext.accounts.events``): after the
	commit, in the transaction's background job (:func:`schedule`), recompute the cards from the
	ledger (a payment submitted at the same moment in another transaction is invisible to this
	one; the job runs once both have committed) and write ``notes`` ({lead: text}) on their
	timelines. In tests the notes are written at once (the invoices' ``on_change`` recomputes)."""
	if not leads:
		return
	if frappe.flags.in_test:
		after_commit(leads, {lead: [text] for lead, text in (notes or {}).items()}, recompute=False)
		return
	schedule(leads, notes)


def schedule(leads: list[str], notes: dict[str, str] | None = None) -> None:
	"""Recompute ``leads`` and write ``notes`` in ONE background job enqueued after this
	transaction commits (``enqueue_after_commit``), each card once however many events of the
	transaction name it: a payment of three invoices runs three invoices' ``on_change`` and its
	own ``on_submit``. The request does no work on the cards beyond finding them.

	The job's arguments are the transaction's own list and dict, filled until the commit (Frappe
	serialises them when it enqueues, after the commit); a rollback drops the job and the batch.
	A job queued by another transaction is never reused: it may read the ledger before this
	one's commit (recomputing twice is harmless: from the ledger, never incremented)."""
	leads = [lead for lead in leads if lead]
	if not leads:
		return
	batch = getattr(frappe.local, "crm_ext_money_batch", None)
	if batch is None:
		batch = frappe.local.crm_ext_money_batch = {"leads": [], "notes": {}}
		frappe.enqueue(
			"crm_ext.accounts.money.after_commit",
			queue="short",
			enqueue_after_commit=True,
			leads=batch["leads"],
			notes=batch["notes"],
		)
		frappe.db.after_commit.add(forget_batch)
		frappe.db.after_rollback.add(forget_batch)
	for lead in leads:
		if lead not in batch["leads"]:
			batch["leads"].append(lead)
	for lead, text in (notes or {}).items():
		batch["notes"].setdefault(lead, []).append(text)


def forget_batch() -> None:
	frappe.local.crm_ext_money_batch = None


def after_commit(
	leads: list[str],
	notes: dict[str, list[str]] | None = None,
	recompute: bool = True,
	move_when_paid: bool = True,
) -> None:
	"""The background job of :func:`schedule`: each card recomputed from the ledger, then its
	notes ({lead: [text, ...]}) written on its timeline."""
	from crm_ext.sales.timeline import log_on_lead

	if recompute:
		recompute_leads(sorted(set(leads)), move_when_paid)
	for lead, texts in (notes or {}).items():
		if frappe.db.exists("Sales Lead", lead):
			for text in [texts] if isinstance(texts, str) else texts:
				log_on_lead(lead, text)


def move_to_paid_stage(lead: str, status: str) -> None:
	"""Move a fully paid card to its pipeline's paid stage, if the settings say so. A card that
	cannot enter the stage (its rules refuse) stays where it is, with a note on its timeline:
	a payment is never refused because of a card."""
	if status != PAID or not frappe.db.get_single_value("CRM Ext Settings", "move_paid_leads"):
		return
	stage, pipeline = frappe.db.get_value("Sales Lead", lead, ["stage", "pipeline"])
	paid_stage = frappe.db.get_value("Pipeline Stage", {"pipeline": pipeline, "is_paid_stage": 1}, "name")
	if not should_move_to_paid(status, stage, paid_stage):
		return
	from crm_ext.sales.pipeline import move_card

	move_card(
		lead,
		paid_stage,
		_("Fully paid, but the card could not move to stage {0}: {1}"),
		skip_credit_check=True,
	)


def format_amount(amount, company: str | None) -> str:
	currency = frappe.get_cached_value("Company", company, "default_currency") if company else None
	return fmt_money(amount, currency=currency)
