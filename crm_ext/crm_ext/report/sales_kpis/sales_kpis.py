"""Sales KPIs per lead source or campaign, for the cards created in a period.

- conversion rate: won / closed (won + lost) cards, by their current stage kind;
- sales cycle: average days from a card's creation to its move into a won stage (stage log);
- average check: average grand total (company currency) of the submitted Sales Invoices linked to
  the cards;
- customer lifetime value: what those invoices have been paid (grand total less outstanding, in
  company currency) per customer of the won cards;
- acquisition cost (campaigns): the campaign's *Campaign Spend* per customer won from it;
- per campaign also: messages sent and replies received in the period (the Interactions a campaign
  send and its replies wrote, :mod:`crm_ext.sales.campaigns`), revenue (the invoices of its cards) and
  cost per won card (its spend plus the cost of its sends).

Four grouped queries (cards, customers won, won moves, invoices); Python divides. The usual filters and row
rules apply (:mod:`crm_ext.analytics.filters`): a Sales User sees the figures of their own cards.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Avg, Count, Sum
from frappe.utils import flt
from pypika.functions import Coalesce
from pypika.terms import Case, CustomFunction, LiteralValue

from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import (
	Lead,
	as_filters,
	few_own_cards,
	lead_criteria,
	own_cards_only,
	period_criteria,
	restricted_user,
	where_all,
)
from crm_ext.analytics.indexes import force_index
from crm_ext.logic.analytics import percent, ratio
from crm_ext.sales.access import interaction_query
from crm_ext.sales.sources import source_doctype

Log = DocType("Sales Lead Stage Log")
Invoice = DocType("Sales Invoice")
Interaction = DocType("Interaction")
TimestampDiff = CustomFunction("TIMESTAMPDIFF", ["unit", "start", "end"])

DIMENSIONS = {"Source": "source", "Campaign": "campaign"}


@frappe.read_only()
@readable_links
def execute(filters=None):
	filters = as_filters(filters)
	field = DIMENSIONS.get(filters.get("group_by") or "Source")
	if not field:
		frappe.throw(_("Group by Source or Campaign."), title=_("Invalid Grouping"))
	cards = card_figures(filters, field)
	cycles = cycle_days(filters, field)
	invoices = invoice_figures(filters, field)
	messages = campaign_messages(filters) if field == "campaign" else {}
	groups = set(cards) | set(messages)
	spend = campaign_spend(list(groups)) if field == "campaign" else {}
	currency = company_currency(filters)
	data = []
	for group in sorted(groups, key=lambda g: (g is None, g or "")):
		card = cards.get(group) or frappe._dict(cards=0)
		invoice = invoices.get(group) or frappe._dict()
		row = {
			"group": group,
			"cards": card.cards,
			"won": int(card.won or 0),
			"lost": int(card.lost or 0),
			"conversion_rate": percent(card.won or 0, (card.won or 0) + (card.lost or 0)),
			"cycle_days": flt(cycles[group], 1) if cycles.get(group) is not None else None,
			"invoices": int(invoice.invoices or 0),
			"average_check": ratio(invoice.total, invoice.invoices),
			"customers": int(card.customers or 0),
			"lifetime_value": ratio(invoice.paid, card.customers),
			"currency": currency,
		}
		if field == "campaign":
			message = messages.get(group) or frappe._dict()
			row["sent"] = int(message.sent or 0)
			row["replied"] = int(message.replied or 0)
			row["revenue"] = flt(invoice.total) if invoice.total is not None else None
			row["spend"] = spend.get(group)
			row["acquisition_cost"] = ratio(spend.get(group), card.customers)
			row["cost_per_won"] = ratio(spend.get(group), card.won)
		data.append(row)
	return columns(filters, field), data, None, chart(data)


def company_currency(filters) -> str | None:
	company = filters.get("company") or frappe.defaults.get_user_default("Company")
	return frappe.get_cached_value("Company", company, "default_currency") if company else None


def card_figures(filters, field: str) -> dict:
	"""{group: cards, won, lost, customers of won cards} for the cards created in the period.

	Both queries read the period's cards from ``period_cards_index`` alone for a user who sees every
	card, and a rep's few cards of the period by name (:func:`few_own_cards`: a card created in the
	period changed since); for a rep with many, MariaDB checks the row rule on every card (faster
	than the period's cards out of key order at 100k cards, slower at 900k)."""
	names = few_own_cards(filters) if filters.get("from_date") else None
	if names == []:
		return {}

	def cards_in_scope(query):
		query = where_all(query, lead_criteria(filters))
		if filters.get("from_date") and not restricted_user():
			query = force_index(query, "period_cards_index", table="tabSales Lead")
		return own_cards_only(query, names)

	won = Lead.stage_kind == "Won"
	query = (
		frappe.qb.from_(Lead)
		.select(
			Lead[field].as_("grp"),
			Count("*").as_("cards"),
			Sum(Case().when(won, 1).else_(0)).as_("won"),
			Sum(Case().when(Lead.stage_kind == "Lost", 1).else_(0)).as_("lost"),
		)
		.groupby(Lead[field])
	)
	cards = {row.grp: row for row in cards_in_scope(query).run(as_dict=True)}
	# the customers of the won cards in a query of their own: a distinct count inside the grouping
	# of every card doubles its time
	query = (
		frappe.qb.from_(Lead)
		.select(Lead[field].as_("grp"), Count(Lead.customer).distinct().as_("customers"))
		.where(won)
		.groupby(Lead[field])
	)
	customers = dict(cards_in_scope(query).run())
	for group, row in cards.items():
		row.customers = customers.get(group, 0)
	return cards


def cycle_days(filters, field: str) -> dict:
	"""{group: average days from creation to a move into a won stage} (every such move counts)."""
	days = TimestampDiff(LiteralValue("SECOND"), Lead.creation, Log.changed_on) / 86400
	query = (
		frappe.qb.from_(Log)
		.join(Lead)
		.on(Lead.name == Log.sales_lead)
		.select(Lead[field].as_("grp"), Avg(days).as_("days"))
		.where(Log.to_kind == "Won")
		.groupby(Lead[field])
	)
	# a card created in the period moved on or after the period's start: bounds the won moves read
	# (kind_changed_index) to the period instead of the whole history
	query = where_all(
		query,
		[
			*lead_criteria(filters),
			*period_criteria(Log.changed_on, frappe._dict(from_date=filters.get("from_date"))),
		],
	)
	return {row.grp: row.days for row in query.run(as_dict=True)}


def invoice_figures(filters, field: str) -> dict:
	"""{group: invoices, total, paid} of the submitted Sales Invoices linked to the cards."""
	outstanding = Coalesce(Invoice.outstanding_amount, 0) * Coalesce(Invoice.conversion_rate, 1)
	query = (
		frappe.qb.from_(Invoice)
		.join(Lead)
		.on(Lead.name == Invoice.sales_lead)
		.select(
			Lead[field].as_("grp"),
			Count("*").as_("invoices"),
			Sum(Invoice.base_grand_total).as_("total"),
			Sum(Invoice.base_grand_total - outstanding).as_("paid"),
		)
		.where(Invoice.docstatus == 1)
		.groupby(Lead[field])
	)
	if filters.get("company"):
		query = query.where(Invoice.company == filters.company)
	query = where_all(query, lead_criteria(filters))
	return {row.grp: row for row in query.run(as_dict=True)}


def campaign_messages(filters) -> dict:
	"""{campaign: sent, replied} of the campaign sends' interactions that started in the period (a
	rep: those on the cards and customers they may read, as the Interaction list shows them)."""
	incoming = Interaction.direction == "Incoming"
	query = (
		frappe.qb.from_(Interaction)
		.select(
			Interaction.campaign.as_("grp"),
			Sum(Case().when(incoming, 0).else_(1)).as_("sent"),
			Sum(Case().when(incoming, 1).else_(0)).as_("replied"),
		)
		.where(Interaction.campaign_send.isnotnull())
		.groupby(Interaction.campaign)
	)
	query = where_all(query, period_criteria(Interaction.start_time, filters))
	if filters.get("campaign"):
		query = query.where(Interaction.campaign == filters.campaign)
	user = restricted_user()
	if user:
		query = query.where(LiteralValue(interaction_query(user)))
	return {row.grp: row for row in query.run(as_dict=True)}


def campaign_spend(campaigns: list) -> dict:
	"""{campaign: its Campaign Spend plus the cost of its sends}."""
	names = [c for c in campaigns if c]
	if not names:
		return {}
	spend = dict(
		frappe.get_all(
			"Campaign", filters={"name": ("in", names)}, fields=["name", "crm_spend"], as_list=True
		)
	)
	send = DocType("Sales Campaign Send")
	for name, cost in (
		frappe.qb.from_(send)
		.select(send.campaign, Sum(send.cost))
		.where(send.campaign.isin(names) & (send.status == "Sent"))
		.groupby(send.campaign)
		.run()
	):
		spend[name] = flt(spend.get(name)) + flt(cost)
	return spend


def columns(filters, field: str) -> list[dict]:
	def money(fieldname: str, label: str) -> dict:
		return {
			"fieldname": fieldname,
			"label": label,
			"fieldtype": "Currency",
			"options": "currency",
			"width": 130,
		}

	group = {
		"fieldname": "group",
		"label": _("Source") if field == "source" else _("Campaign"),
		"fieldtype": "Link",
		"options": source_doctype() if field == "source" else "Campaign",
		"width": 160,
	}
	result = [
		group,
		{"fieldname": "cards", "label": _("Cards"), "fieldtype": "Int", "width": 80},
		{"fieldname": "won", "label": _("Won"), "fieldtype": "Int", "width": 70},
		{"fieldname": "lost", "label": _("Lost"), "fieldtype": "Int", "width": 70},
		{"fieldname": "conversion_rate", "label": _("Conversion %"), "fieldtype": "Percent", "width": 110},
		{
			"fieldname": "cycle_days",
			"label": _("Sales Cycle (Days)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 130,
		},
		{"fieldname": "invoices", "label": _("Invoices"), "fieldtype": "Int", "width": 80},
		money("average_check", _("Average Check")),
		{"fieldname": "customers", "label": _("Customers Won"), "fieldtype": "Int", "width": 110},
		money("lifetime_value", _("Customer Lifetime Value")),
	]
	if field == "campaign":
		result += [
			{"fieldname": "sent", "label": _("Sent"), "fieldtype": "Int", "width": 80},
			{"fieldname": "replied", "label": _("Replied"), "fieldtype": "Int", "width": 80},
			money("revenue", _("Revenue")),
			money("spend", _("Campaign Spend")),
			money("acquisition_cost", _("Acquisition Cost")),
			money("cost_per_won", _("Cost per Won")),
		]
	result.append(
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		}
	)
	return result


def chart(data: list[dict]) -> dict | None:
	rows = [row for row in data if row["conversion_rate"] is not None]
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["group"] or _("Not Set") for row in rows],
			"datasets": [{"name": _("Conversion %"), "values": [row["conversion_rate"] for row in rows]}],
		},
		"type": "bar",
	}
