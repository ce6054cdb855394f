"""Client History: everything that happened with one client, across reps, in time order.

For a Sales Lead (and its customer, once it has one) or a Customer (and its cards): the
interactions, the stage changes, the quotations, sales orders and sales invoices, and the
payments. One small query per kind of record, each limited to the latest rows; the rows are
merged and sorted here.

Rights: the user must be able to read the card or the customer; a kind of record the user may not
read (e.g. Payment Entry for a Sales User) is left out; for a customer, a user who does not see
every card sees only the history of their own cards of that customer (plus what belongs to the
customer itself).
"""

from datetime import datetime, time

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import fmt_money, get_datetime, getdate
from pypika.terms import Criterion

from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import (
	Lead,
	as_filters,
	own_leads_criterion,
	readable_rows,
	reads_every,
	restricted_user,
	where_all,
)
from crm_ext.sales.stage_names import stage_titles

Interaction = DocType("Interaction")
Log = DocType("Sales Lead Stage Log")
LIMIT = 500  # rows per kind of record


@frappe.read_only()
@readable_links
def execute(filters=None):
	filters = as_filters(filters)
	leads, customer = client_scope(filters)
	rows = []
	for source in (interactions, stage_changes, selling_documents, payments):
		rows += source(leads, customer)
	rows.sort(key=lambda row: (row["when"], row["document"]))
	return columns(), rows


def client_scope(filters) -> tuple[list[str], str | None]:
	"""The cards and the customer whose history is shown, after checking the user may read them."""
	if filters.get("sales_lead"):
		lead = frappe.get_doc("Sales Lead", filters.sales_lead)
		frappe.has_permission("Sales Lead", "read", doc=lead, throw=True)
		return [lead.name], lead.customer
	if filters.get("customer"):
		frappe.has_permission("Customer", "read", doc=filters.customer, throw=True)
		query = frappe.qb.from_(Lead).select(Lead.name).where(Lead.customer == filters.customer)
		user = restricted_user()
		if user:
			query = query.where(own_leads_criterion(user))
		return where_all(query, readable_rows("Sales Lead")).run(pluck=True), filters.customer
	frappe.throw(_("Choose a Sales Lead or a Customer in the filters."), title=_("Client Missing"))


def any_of(criteria: list) -> Criterion | None:
	criteria = [c for c in criteria if c is not None]
	return Criterion.any(criteria) if criteria else None


def row(when, kind: str, who: str | None, summary: str, doctype: str, name: str) -> dict:
	return {
		"when": get_datetime(when),
		"kind": kind,
		"who": who,
		"summary": summary,
		"document_type": doctype,
		"document": name,
	}


def interactions(leads: list[str], customer: str | None) -> list[dict]:
	if not reads_every("Interaction"):
		return []
	condition = any_of(
		[
			((Interaction.reference_doctype == "Sales Lead") & Interaction.reference_name.isin(leads))
			if leads
			else None,
			((Interaction.reference_doctype == "Customer") & (Interaction.reference_name == customer))
			if customer
			else None,
		]
	)
	if condition is None:
		return []
	query = (
		frappe.qb.from_(Interaction)
		.select(
			Interaction.name,
			Interaction.interaction_type,
			Interaction.direction,
			Interaction.start_time,
			Interaction.handled_by,
			Interaction.subject,
			Interaction.outcome,
		)
		.where(condition)
		.orderby(Interaction.start_time, order=frappe.qb.desc)
		.limit(LIMIT)
	)
	return [
		row(
			r.start_time,
			_(r.interaction_type),
			r.handled_by,
			" · ".join(filter(None, [_(r.direction) if r.direction else None, r.subject, r.outcome])),
			"Interaction",
			r.name,
		)
		for r in where_all(query, readable_rows("Interaction")).run(as_dict=True)
	]


def stage_changes(leads: list[str], customer: str | None) -> list[dict]:
	if not leads:
		return []
	query = (
		frappe.qb.from_(Log)
		.select(Log.name, Log.sales_lead, Log.from_stage, Log.to_stage, Log.changed_by, Log.changed_on)
		.where(Log.sales_lead.isin(leads))
		.orderby(Log.changed_on, order=frappe.qb.desc)
		.limit(LIMIT)
	)
	rows = query.run(as_dict=True)
	names = stage_titles([r.from_stage for r in rows] + [r.to_stage for r in rows])
	return [
		row(
			r.changed_on,
			_("Stage Change"),
			r.changed_by,
			_("{0}: {1} → {2}").format(
				r.sales_lead,
				names.get(r.from_stage, r.from_stage) if r.from_stage else _("(created)"),
				names.get(r.to_stage, r.to_stage),
			),
			"Sales Lead Stage Log",
			r.name,
		)
		for r in rows
	]


# doctype -> (date field, customer condition builder, extra fields)
SELLING = {
	"Quotation": ("transaction_date", lambda t, c: (t.quotation_to == "Customer") & (t.party_name == c)),
	"Sales Order": ("transaction_date", lambda t, c: t.customer == c),
	"Sales Invoice": ("posting_date", lambda t, c: t.customer == c),
}


def at_time_of(day, created) -> datetime:
	"""The document's date at the time of day it was made (orders a day's records sensibly)."""
	return datetime.combine(getdate(day), get_datetime(created).time() if created else time())


def selling_documents(leads: list[str], customer: str | None) -> list[dict]:
	rows = []
	for doctype, (date_field, of_customer) in SELLING.items():
		if not reads_every(doctype):
			continue
		table = DocType(doctype)
		condition = any_of(
			[
				table.sales_lead.isin(leads) if leads else None,
				of_customer(table, customer) if customer else None,
			]
		)
		if condition is None:
			continue
		query = (
			frappe.qb.from_(table)
			.select(
				table.name,
				table[date_field].as_("day"),
				table.creation,
				table.owner,
				table.status,
				table.grand_total,
				table.currency,
			)
			.where(table.docstatus < 2)
			.where(condition)
			.orderby(table[date_field], order=frappe.qb.desc)
			.limit(LIMIT)
		)
		for r in where_all(query, readable_rows(doctype)).run(as_dict=True):
			summary = _("{0}: {1}").format(_(r.status), fmt_money(r.grand_total, currency=r.currency))
			rows.append(row(at_time_of(r.day, r.creation), _(doctype), r.owner, summary, doctype, r.name))
	return rows


def payments(leads: list[str], customer: str | None) -> list[dict]:
	if not reads_every("Payment Entry"):
		return []
	table = DocType("Payment Entry")
	condition = any_of(
		[
			table.sales_lead.isin(leads) if leads else None,
			((table.party_type == "Customer") & (table.party == customer)) if customer else None,
		]
	)
	if condition is None:
		return []
	query = (
		frappe.qb.from_(table)
		.select(
			table.name,
			table.posting_date,
			table.creation,
			table.owner,
			table.payment_type,
			table.paid_amount,
			table.paid_from_account_currency,
			table.mode_of_payment,
		)
		.where(table.docstatus == 1)
		.where(condition)
		.orderby(table.posting_date, order=frappe.qb.desc)
		.limit(LIMIT)
	)
	return [
		row(
			at_time_of(r.posting_date, r.creation),
			_("Payment"),
			r.owner,
			" · ".join(
				filter(
					None,
					[
						_(r.payment_type),
						fmt_money(r.paid_amount, currency=r.paid_from_account_currency),
						r.mode_of_payment,
					],
				)
			),
			"Payment Entry",
			r.name,
		)
		for r in where_all(query, readable_rows("Payment Entry")).run(as_dict=True)
	]


def columns() -> list[dict]:
	return [
		{"fieldname": "when", "label": _("When"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "kind", "label": _("Kind"), "fieldtype": "Data", "width": 120},
		{"fieldname": "who", "label": _("Who"), "fieldtype": "Link", "options": "User", "width": 170},
		{"fieldname": "summary", "label": _("Summary"), "fieldtype": "Data", "width": 320},
		{
			"fieldname": "document_type",
			"label": _("Document Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 130,
		},
		{
			"fieldname": "document",
			"label": _("Document"),
			"fieldtype": "Dynamic Link",
			"options": "document_type",
			"width": 180,
		},
	]
