"""The money side of merging two Sales Leads (``crm_ext.sales.merge``).

Frappe's rename-with-merge moves every document linked to the disappearing card (quotations,
orders, invoices, payments) onto the kept card by rewriting their ``sales_lead`` in the database:
no document event runs, so the kept card's money is recomputed from the ledger afterwards. A card
is one customer's deal: cards (or their documents) of two customers are not merged.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType

from crm_ext.accounts.money import recompute_lead_money

# Selling and payment documents naming a card, with the field that names their customer.
PARTY_FIELDS = (
	("Quotation", "party_name"),
	("Sales Order", "customer"),
	("Sales Invoice", "customer"),
	("Payment Entry", "party"),
)


def card_customers(cards: list[str]) -> list[str]:
	"""Distinct customers of ``cards`` and of their live (not cancelled) documents, sorted."""
	lead = DocType("Sales Lead")
	customers = set(frappe.qb.from_(lead).select(lead.customer).where(lead.name.isin(cards)).run(pluck=True))
	for doctype, field in PARTY_FIELDS:
		table = DocType(doctype)
		query = (
			frappe.qb.from_(table)
			.select(table[field])
			.distinct()
			.where(table.sales_lead.isin(cards) & (table.docstatus < 2))
		)
		if doctype == "Quotation":
			query = query.where(table.quotation_to == "Customer")
		elif doctype == "Payment Entry":
			query = query.where(table.party_type == "Customer")
		customers.update(query.run(pluck=True))
	return sorted(c for c in customers if c)


def check_merge(source: str, target: str) -> None:
	"""Refuse to merge cards that belong to different customers (417, naming them)."""
	customers = card_customers([source, target])
	if len(customers) > 1:
		frappe.throw(
			_(
				"Sales Leads {0} and {1} belong to different customers ({2}): a card is the deal of one customer, and its invoices would count for the wrong one. Merge only cards of the same customer."
			).format(frappe.bold(source), frappe.bold(target), ", ".join(frappe.bold(c) for c in customers)),
			title=_("Cards of Different Customers"),
		)


def after_merge(target: str) -> None:
	"""The kept card now holds the other card's invoices: its money comes from the ledger again."""
	recompute_lead_money(target)
