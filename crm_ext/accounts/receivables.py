"""Receivables control of a customer: credit limit use, receivable and overdue shares.

Figures come from ERPNext: the credit limit and the exposure counted against it from
``erpnext.selling.doctype.customer.customer`` (``get_credit_limit``,
``get_customer_outstanding``), the receivable and overdue amounts from the Payment Ledger (one
aggregate query, as the Receivables Health report), shipments from submitted Sales Invoices.
The rules (what is "over") are ``crm_ext.logic.credit``.
"""

from datetime import date, timedelta

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import cint, flt, fmt_money, getdate

from crm_ext.accounts.money import invoice_total, money_precision
from crm_ext.crm_ext.doctype.crm_ext_settings.crm_ext_settings import get_settings
from crm_ext.logic.credit import BLOCK, CreditPosition, ageing_cutoffs, check_action, credit_problems
from crm_ext.logic.errors import LogicError
from crm_ext.logic.receivables import DEFAULT_AGEING_EDGES, credit_limit_use, receivables_health

DEFAULT_PERIOD_DAYS = 90


def receivables_query(company: str, as_of: date, customers: list[str] | None = None):
	"""Receivable, overdue and ageing buckets per customer (company currency) from the live
	Payment Ledger Entries up to ``as_of``, in one pass: each ledger row ages with the voucher it
	settles (a Sales Invoice's due date; a payment or journal not allocated to an invoice, by its
	posting date), so no per-voucher grouping is needed. Overdue: rows of ordinary invoices (not
	credit notes) past their due date. Bucket columns ``range1`` .. ``range4`` follow
	``crm_ext.logic.credit.ageing_cutoffs`` (not yet due in the first)."""
	ple = DocType("Payment Ledger Entry")
	si = DocType("Sales Invoice")
	age_date = Coalesce(si.due_date, ple.posting_date)
	cutoffs = ageing_cutoffs(as_of, DEFAULT_AGEING_EDGES)

	def bucket(index: int):
		if index == len(cutoffs):
			condition = age_date < cutoffs[-1]
		else:
			condition = age_date >= cutoffs[index]
			if index:
				condition = condition & (age_date < cutoffs[index - 1])
		return Sum(Case().when(condition, ple.amount).else_(0)).as_(f"range{index + 1}")

	query = (
		frappe.qb.from_(ple)
		.left_join(si)
		.on((ple.against_voucher_type == "Sales Invoice") & (si.name == ple.against_voucher_no))
		.select(
			ple.party.as_("customer"),
			Sum(ple.amount).as_("receivable"),
			Sum(Case().when((si.is_return == 0) & (si.due_date < as_of), ple.amount).else_(0)).as_("overdue"),
			*(bucket(i) for i in range(len(cutoffs) + 1)),
		)
		.where(
			(ple.company == company)
			& (ple.party_type == "Customer")
			& (ple.account_type == "Receivable")
			& (ple.delinked == 0)
			& (ple.posting_date <= as_of)
		)
		.groupby(ple.party)
	)
	if customers is not None:
		query = query.where(ple.party.isin(customers))
	return query


def shipments_query(company: str, from_date: date, to_date: date, customers: list[str] | None = None):
	"""Invoiced sales (net of credit notes) per customer in the period, company currency."""
	si = DocType("Sales Invoice")
	query = (
		frappe.qb.from_(si)
		.select(si.customer, Sum(invoice_total(si)).as_("shipments"))
		.where(
			(si.company == company)
			& (si.docstatus == 1)
			& (si.posting_date >= from_date)
			& (si.posting_date <= to_date)
		)
		.groupby(si.customer)
	)
	if customers is not None:
		query = query.where(si.customer.isin(customers))
	return query


def receivable_and_overdue(customer: str, company: str, as_of: date) -> tuple[float, float]:
	rows = receivables_query(company, as_of, [customer]).run(as_dict=True)
	if not rows:
		return 0.0, 0.0
	precision = money_precision()
	receivable = flt(rows[0].receivable, precision)
	return receivable, min(flt(rows[0].overdue, precision), max(receivable, 0))


def customer_position(customer: str, company: str, as_of: date | None = None) -> CreditPosition:
	from erpnext.selling.doctype.customer.customer import get_credit_limit, get_customer_outstanding

	as_of = getdate(as_of)
	period = cint(get_settings().shipments_period_days) or DEFAULT_PERIOD_DAYS
	receivable, overdue = receivable_and_overdue(customer, company, as_of)
	shipments = shipments_query(company, as_of - timedelta(days=period), as_of, [customer]).run()
	credit_limit = get_credit_limit(customer, company)
	return CreditPosition(
		credit_exposure=get_customer_outstanding(customer, company) if credit_limit else 0,
		credit_limit=credit_limit,
		receivable=receivable,
		overdue=overdue,
		shipments=flt(shipments[0][1]) if shipments else 0,
	)


def thresholds() -> tuple[float, float]:
	settings = get_settings()
	return flt(settings.receivable_share_threshold), flt(settings.overdue_share_threshold)


def problem_messages(problems: list[LogicError], company: str) -> list[str]:
	currency = frappe.get_cached_value("Company", company, "default_currency")
	messages = []
	for problem in problems:
		args = [
			fmt_money(a, currency=currency) if problem.field == "credit_limit" else a
			for a in problem.format_args
		]
		messages.append(_(problem.template).format(*args))
	return messages


def report_problems(customer: str, messages: list[str], action: str, title: str, context: str | None):
	intro = _("Customer {0}").format(frappe.bold(customer))
	if context:
		intro = _("{0} (for {1})").format(intro, frappe.bold(context))
	body = intro + ":<ul>" + "".join(f"<li>{m}</li>" for m in messages) + "</ul>"
	if action == BLOCK:
		frappe.throw(
			body + _("Collect the overdue amounts or raise the credit limit, then try again."), title=title
		)
	frappe.msgprint(body, title=title, indicator="orange")


def check_customer_credit(customer: str | None, company: str | None, context: str | None = None) -> list[str]:
	"""Credit check before a deal goes on (stage needing it, quotation): credit limit and overdue
	share. Warns, or blocks if CRM Ext Settings say so. Returns the messages."""
	if not customer or not company:
		return []
	settings = get_settings()
	receivable_pct, overdue_pct = thresholds()
	problems = credit_problems(customer_position(customer, company), receivable_pct, overdue_pct)
	messages = problem_messages(problems, company)
	if messages:
		report_problems(
			customer, messages, check_action(settings.credit_check_action), _("Credit Check"), context
		)
	return messages


def sales_order_validate(doc, method=None):
	"""A new Sales Order for a customer over the receivable or overdue thresholds: a warning, or
	a block if CRM Ext Settings say so (ERPNext itself checks the credit limit on submit)."""
	if not doc.is_new() or not doc.customer or doc.flags.crm_ext_receivables_checked:
		return
	doc.flags.crm_ext_receivables_checked = True
	settings = get_settings()
	receivable_pct, overdue_pct = thresholds()
	problems = credit_problems(
		customer_position(doc.customer, doc.company, doc.transaction_date),
		receivable_pct,
		overdue_pct,
		credit_limit=False,
		receivable_share=True,
	)
	messages = problem_messages(problems, doc.company)
	if messages:
		report_problems(
			doc.customer,
			messages,
			check_action(settings.sales_order_check_action),
			_("Receivables Over Threshold"),
			None,
		)


@frappe.whitelist(methods=["GET", "POST"])
def get_customer_health(customer: str, company: str | None = None) -> dict:
	"""Indicator figures for the Sales Lead and Customer dashboards. Reads only; needs read on the
	customer (ERPNext's role and user permissions), checked before any figure is computed."""
	frappe.has_permission("Customer", "read", customer, throw=True)
	company = (
		company
		or frappe.defaults.get_user_default("Company")
		or frappe.defaults.get_global_default("company")
	)
	if not company:
		return {}
	position = customer_position(customer, company)
	receivable_pct, overdue_pct = thresholds()
	health = receivables_health(
		position.receivable, position.shipments, position.overdue, receivable_pct, overdue_pct
	)
	use = credit_limit_use(position.credit_exposure, position.credit_limit)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	return {
		"company": company,
		"currency": currency,
		"receivable": position.receivable,
		"overdue": position.overdue,
		"shipments": position.shipments,
		"period_days": cint(get_settings().shipments_period_days) or DEFAULT_PERIOD_DAYS,
		"receivable_share": flt(health.receivable_share, 1) if health.receivable_share is not None else None,
		"overdue_share": flt(health.overdue_share, 1) if health.overdue_share is not None else None,
		"receivable_alert": health.receivable_alert,
		"overdue_alert": health.overdue_alert,
		"receivable_threshold": receivable_pct,
		"overdue_threshold": overdue_pct,
		"credit_limit": flt(position.credit_limit),
		"credit_use": flt(use, 1) if use is not None else None,
	}
