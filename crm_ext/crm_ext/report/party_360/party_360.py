"""Party 360: one view of an organisation that is both customer and supplier.

Choose a Customer or a Supplier; its counterpart is found through ERPNext's *Party Link*. For the
company: the sales side (open and won cards, invoiced in the period, receivable and overdue from
the payment ledger), the purchase side (latest qualification, tenders won, ordered and invoiced in
the period, payable from the payment ledger), the net position (receivable less payable) and the
interactions with either party and its cards in the period.

Each figure is one small aggregate query; a section whose documents the user may not read is left
out. The user must be able to read the party chosen.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_months, flt, getdate, nowdate
from pypika.terms import Criterion

from crm_ext.accounts.receivables import receivable_and_overdue
from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import (
	Lead,
	as_filters,
	check_company,
	own_leads_criterion,
	period_criteria,
	readable_rows,
	reads_every,
	restricted_user,
	where_all,
)

Interaction = DocType("Interaction")
Ledger = DocType("Payment Ledger Entry")
PartyLink = DocType("Party Link")


@readable_links
def execute(filters=None):
	filters = prepare_filters(filters)
	customer, supplier = parties(filters)
	currency = frappe.get_cached_value("Company", filters.company, "default_currency")
	rows: list[dict] = []
	receivable = payable = None
	if customer:
		receivable = sales_rows(rows, customer, filters)
	if supplier:
		payable = purchase_rows(rows, supplier, filters)
	if receivable is not None and payable is not None:
		add(rows, _("Net"), _("Receivable less Payable"), amount=receivable - payable)
	add(rows, _("Contact"), _("Interactions"), count=interaction_count(customer, supplier, filters))
	for row in rows:
		row["currency"] = currency
	return columns(), rows, None, None, summary(customer, supplier, receivable, payable, currency)


def prepare_filters(filters) -> frappe._dict:
	filters = as_filters(filters)
	filters.company = filters.get("company") or frappe.defaults.get_user_default("Company")
	if not filters.company:
		frappe.throw(_("Choose a Company in the filters."), title=_("Company Missing"))
	check_company(filters.company)
	today = getdate(nowdate())
	filters.from_date = getdate(filters.get("from_date") or add_months(today, -12))
	filters.to_date = getdate(filters.get("to_date") or today)
	return filters


def parties(filters) -> tuple[str | None, str | None]:
	"""(customer, supplier): the party chosen (checked readable) and its linked counterpart."""
	if filters.get("customer"):
		frappe.has_permission("Customer", "read", doc=filters.customer, throw=True)
		return filters.customer, counterpart("Customer", filters.customer, "Supplier")
	if filters.get("supplier"):
		frappe.has_permission("Supplier", "read", doc=filters.supplier, throw=True)
		return counterpart("Supplier", filters.supplier, "Customer"), filters.supplier
	frappe.throw(_("Choose a Customer or a Supplier in the filters."), title=_("Party Missing"))


def counterpart(role: str, party: str, other_role: str) -> str | None:
	"""The ``other_role`` party linked to ``party`` by a Party Link (either way round), when the user
	may read it (a rep reads the customer, not its supplier side)."""
	links = (
		frappe.qb.from_(PartyLink)
		.select(PartyLink.primary_role, PartyLink.primary_party, PartyLink.secondary_party)
		.where(
			((PartyLink.primary_role == role) & (PartyLink.primary_party == party))
			| ((PartyLink.secondary_role == role) & (PartyLink.secondary_party == party))
		)
		.where(Criterion.any([PartyLink.primary_role == other_role, PartyLink.secondary_role == other_role]))
		.limit(1)
		.run(as_dict=True)
	)
	if not links:
		return None
	link = links[0]
	other = link.secondary_party if link.primary_role == role else link.primary_party
	return other if frappe.has_permission(other_role, "read", doc=other) else None


def add(rows, section: str, metric: str, count=None, amount=None, link_doctype=None, link_name=None):
	rows.append(
		{
			"section": section,
			"metric": metric,
			"count": count,
			"amount": flt(amount, 2) if amount is not None else None,
			"link_doctype": link_doctype,
			"link_name": link_name,
		}
	)


def sales_rows(rows, customer: str, filters) -> float | None:
	"""The sales side; returns the receivable (None when the user may not read invoices)."""
	section = _("Sales: {0}").format(customer)
	add(rows, section, _("Customer"), link_doctype="Customer", link_name=customer)
	if reads_every("Sales Lead"):
		query = (
			frappe.qb.from_(Lead)
			.select(Lead.stage_kind, Count("*").as_("cards"))
			.where(Lead.customer == customer)
			.where(Lead.company == filters.company)
			.groupby(Lead.stage_kind)
		)
		user = restricted_user()
		if user:
			query = query.where(own_leads_criterion(user))
		query = where_all(query, readable_rows("Sales Lead"))
		cards = {row.stage_kind: row.cards for row in query.run(as_dict=True)}
		add(rows, section, _("Open Cards"), count=cards.get("Open", 0))
		add(rows, section, _("Won Cards"), count=cards.get("Won", 0))
	if not reads_every("Sales Invoice"):
		return None
	count, total = invoiced("Sales Invoice", "customer", customer, filters)
	add(rows, section, _("Invoiced in Period"), count=count, amount=total)
	receivable, overdue = receivable_and_overdue(customer, filters.company, getdate(nowdate()))
	add(rows, section, _("Receivable"), amount=receivable)
	add(rows, section, _("Overdue"), amount=overdue)
	return receivable


def purchase_rows(rows, supplier: str, filters) -> float | None:
	"""The purchase side; returns the payable (None when the user may not read invoices)."""
	section = _("Purchases: {0}").format(supplier)
	add(rows, section, _("Supplier"), link_doctype="Supplier", link_name=supplier)
	if reads_every("Supplier Qualification"):
		latest = frappe.get_all(
			"Supplier Qualification",
			filters={"supplier": supplier, "docstatus": 1},
			fields=["name", "status", "score"],
			order_by="qualified_on desc, modified desc",
			limit=1,
		)
		if latest:
			metric = _("Qualification: {0}, score {1} %").format(_(latest[0].status), flt(latest[0].score, 1))
			add(rows, section, metric, link_doctype="Supplier Qualification", link_name=latest[0].name)
	if reads_every("Tender"):
		award = DocType("Tender Award Line")
		tender = DocType("Tender")
		won = (
			frappe.qb.from_(award)
			.join(tender)
			.on((tender.name == award.parent) & (award.parenttype == "Tender"))
			.select(Count(tender.name).distinct().as_("won"), Sum(award.converted_unit_price * award.qty))
			.where(award.supplier == supplier)
			.where(tender.status == "Awarded")
			.where(tender.company == filters.company)
			.run()
		)
		add(rows, section, _("Tenders Won"), count=won[0][0] if won else 0, amount=won[0][1] if won else 0)
	if reads_every("Purchase Order"):
		count, total = invoiced(
			"Purchase Order", "supplier", supplier, filters, date_field="transaction_date"
		)
		add(rows, section, _("Ordered in Period"), count=count, amount=total)
	if not reads_every("Purchase Invoice"):
		return None
	count, total = invoiced("Purchase Invoice", "supplier", supplier, filters)
	add(rows, section, _("Invoiced in Period"), count=count, amount=total)
	payable = supplier_payable(supplier, filters.company)
	add(rows, section, _("Payable"), amount=payable)
	return payable


def invoiced(doctype: str, party_field: str, party: str, filters, date_field: str = "posting_date"):
	"""(count, total in company currency) of the submitted documents of the party in the period."""
	table = DocType(doctype)
	query = (
		frappe.qb.from_(table)
		.select(Count("*"), Sum(table.base_grand_total))
		.where(table.docstatus == 1)
		.where(table[party_field] == party)
		.where(table.company == filters.company)
		.where(table[date_field].between(filters.from_date, filters.to_date))
	)
	# the user's User Permissions on the documents (e.g. territory)
	row = where_all(query, readable_rows(doctype)).run()[0]
	return row[0] or 0, flt(row[1])


def supplier_payable(supplier: str, company: str) -> float:
	"""What the company owes the supplier now (payment ledger, company currency: ERPNext records
	a payable's ledger amounts as owed, positive for an invoice, negative for a payment)."""
	total = (
		frappe.qb.from_(Ledger)
		.select(Sum(Ledger.amount))
		.where(Ledger.company == company)
		.where(Ledger.party_type == "Supplier")
		.where(Ledger.party == supplier)
		.where(Ledger.account_type == "Payable")
		.where(Ledger.delinked == 0)
		.run()
	)[0][0]
	return flt(total)


def interaction_count(customer: str | None, supplier: str | None, filters) -> int:
	"""Interactions in the period with the customer, the supplier or the customer's cards."""
	if not reads_every("Interaction"):
		return 0
	branches = []
	if customer:
		branches.append(
			(Interaction.reference_doctype == "Customer") & (Interaction.reference_name == customer)
		)
		leads = frappe.qb.from_(Lead).select(Lead.name).where(Lead.customer == customer)
		user = restricted_user()
		if user:
			leads = leads.where(own_leads_criterion(user))
		branches.append(
			(Interaction.reference_doctype == "Sales Lead") & Interaction.reference_name.isin(leads)
		)
	if supplier:
		branches.append(
			(Interaction.reference_doctype == "Supplier") & (Interaction.reference_name == supplier)
		)
	query = frappe.qb.from_(Interaction).select(Count("*")).where(Criterion.any(branches))
	for criterion in period_criteria(Interaction.start_time, filters):
		query = query.where(criterion)
	return query.run()[0][0] or 0


def columns() -> list[dict]:
	return [
		{"fieldname": "section", "label": _("Section"), "fieldtype": "Data", "width": 220},
		{"fieldname": "metric", "label": _("Figure"), "fieldtype": "Data", "width": 240},
		{"fieldname": "count", "label": _("Count"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "amount",
			"label": _("Amount"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 140,
		},
		{
			"fieldname": "link_doctype",
			"label": _("Document Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"hidden": 1,
		},
		{
			"fieldname": "link_name",
			"label": _("Document"),
			"fieldtype": "Dynamic Link",
			"options": "link_doctype",
			"width": 160,
		},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]


def summary(customer, supplier, receivable, payable, currency) -> list[dict]:
	cards = []
	if receivable is not None:
		cards.append(
			{"value": receivable, "label": _("Receivable"), "datatype": "Currency", "currency": currency}
		)
	if payable is not None:
		cards.append({"value": payable, "label": _("Payable"), "datatype": "Currency", "currency": currency})
	if receivable is not None and payable is not None:
		net = receivable - payable
		cards.append(
			{
				"value": net,
				"label": _("Net Position"),
				"datatype": "Currency",
				"currency": currency,
				"indicator": "Green" if net >= 0 else "Red",
			}
		)
	if not (customer and supplier):
		cards.append({"value": _("No Party Link"), "label": _("Counterpart"), "datatype": "Data"})
	return cards
