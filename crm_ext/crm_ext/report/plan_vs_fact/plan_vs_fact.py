"""Plan vs Fact: each rep's sales plan for a month or quarter against what they invoiced.

- Plan: the reps' Sales Plans of the period, company and dimensions chosen (no pipeline / item
  group filter: the plans without one). A quarter without its own plan adds up its month plans.
- Fact: submitted Sales Invoices of the company posted in the period that belong to a card
  (``sales_lead``) of the rep (the card's responsible, ``lead_owner``), net of credit notes (a
  return is a negative invoice), without taxes (``base_net_total``: company currency); with an item
  group, the invoiced lines of that group and its sub-groups (``base_net_amount``).
- Paid: what the Payment Ledger received in the period (payments, journal entries, a POS invoice's own
  payment) against the rep's cards' invoices of the company, whenever they were invoiced; refunds
  subtract, credit notes are not payments (company currency; not shown with an item group filter:
  payments are not per line).
- Weighted pipeline: the rep's open cards of the company expected to close in the period, expected
  amount x the card's stage probability, in company currency (cards carry no items: not shown
  with an item group filter).
- % done, run-rate projection to the period end, remaining and gap:
  :mod:`crm_ext.logic.plan`.

Row rule: the sales side's (:func:`crm_ext.analytics.filters.restricted_user`): a rep sees only
their own row (their plans, their cards); the head of sales, CRM managers and accounting see
every rep and the team total. Every figure is aggregated in SQL, one query per measure, grouped
by rep.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Sum
from frappe.utils import flt, getdate, nowdate

from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import as_filters, check_company, restricted_user
from crm_ext.crm_ext.report.revenue_forecast.revenue_forecast import exchange_rate
from crm_ext.logic.errors import LogicError
from crm_ext.logic.plan import MONTH, PlanLine, period_bounds, period_plan, plan_line
from crm_ext.utils import throw

Plan = DocType("Sales Plan")
Invoice = DocType("Sales Invoice")
Ledger = DocType("Payment Ledger Entry")
InvoiceItem = DocType("Sales Invoice Item")
ItemGroup = DocType("Item Group")
Lead = DocType("Sales Lead")
User = DocType("User")


@readable_links
def execute(filters=None):
	filters = as_filters(filters)
	company = filters.get("company") or frappe.defaults.get_user_default("Company")
	if not company:
		frappe.throw(_("Choose a Company in the filters."), title=_("Company Missing"))
	check_company(company)
	filters.company = company
	filters.period_type = filters.get("period_type") or MONTH
	try:
		start, end = period_bounds(filters.period_type, getdate(filters.get("date") or nowdate()))
	except LogicError as error:
		throw(error)
	rep = restricted_user() or filters.get("sales_rep")
	currency = frappe.get_cached_value("Company", company, "default_currency")
	precision = frappe.get_precision("Sales Plan", "plan_amount") or 2

	plans = plan_amounts(filters, start, end, rep)
	facts = fact_amounts(filters, start, end, rep)
	pipelines, skipped = (
		({}, {}) if filters.get("item_group") else weighted_pipeline(filters, start, end, rep)
	)
	paid = {} if filters.get("item_group") else paid_amounts(filters, start, end, rep)
	as_of = getdate(nowdate())

	reps = set(plans) | set(facts) | set(pipelines) | set(paid)
	names = full_names(sorted(reps))
	data, lines = [], []
	for user in sorted(reps, key=lambda u: (names.get(u) or u).lower()):
		line = plan_line(
			period_plan(filters.period_type, plans.get(user, {})),
			flt(facts.get(user)),
			flt(pipelines.get(user)),
			start,
			end,
			as_of,
			precision,
		)
		lines.append(line)
		data.append(
			row(line, currency, sales_rep=user, rep_name=names.get(user) or user, paid=flt(paid.get(user)))
		)
	# the team's line (the head of sales: a total row); a rep's summary is their own line
	total = plan_line(
		sum(line.plan for line in lines),
		sum(line.fact for line in lines),
		sum(line.weighted_pipeline for line in lines),
		start,
		end,
		as_of,
		precision,
	)
	if not restricted_user() and data:
		team_paid = flt(sum(r["paid"] for r in data), precision)
		data.append(
			row(total, currency, sales_rep=None, rep_name=_("Team Total"), is_total=1, paid=team_paid)
		)
	message = None
	if skipped:
		message = _("{0} open cards in currencies without an exchange rate to {1} are left out: {2}.").format(
			sum(skipped.values()), currency, ", ".join(sorted(skipped))
		)
	return (
		columns(bool(filters.get("item_group"))),
		data,
		message,
		chart([r for r in data if not r.get("is_total")]),
		summary(total, currency, None if filters.get("item_group") else flt(sum(paid.values()), precision)),
	)


def row(line: PlanLine, currency: str, **values) -> dict:
	return {**values, **line.__dict__, "currency": currency}


# --- the three measures, each one aggregate query grouped by rep ----------------------------------


def blank(column):
	return column.isnull() | (column == "")


def plan_amounts(filters, start, end, rep: str | None) -> dict[str, dict[str, float]]:
	"""{rep: {period type: planned amount}} of the plans inside the period (a quarter also
	collects its month plans: :func:`crm_ext.logic.plan.period_plan` chooses)."""
	query = (
		frappe.qb.from_(Plan)
		.select(Plan.sales_rep, Plan.period_type, Sum(Plan.plan_amount).as_("amount"))
		.where(Plan.company == filters.company)
		.where(Plan.period_start >= start)
		.where(Plan.period_start <= end)
		.groupby(Plan.sales_rep, Plan.period_type)
	)
	if filters.period_type == MONTH:
		query = query.where(Plan.period_type == MONTH)
	for field in ("pipeline", "item_group"):
		query = query.where(Plan[field] == filters[field] if filters.get(field) else blank(Plan[field]))
	if rep:
		query = query.where(Plan.sales_rep == rep)
	plans: dict[str, dict[str, float]] = {}
	for r in query.run(as_dict=True):
		plans.setdefault(r.sales_rep, {})[r.period_type] = flt(r.amount)
	return plans


def fact_amounts(filters, start, end, rep: str | None) -> dict[str, float]:
	"""{rep: net invoiced} of the period, credit notes included (negative)."""
	query = (
		frappe.qb.from_(Invoice)
		.join(Lead)
		.on(Lead.name == Invoice.sales_lead)
		.where(Invoice.docstatus == 1)
		.where(Invoice.company == filters.company)
		.where(Invoice.posting_date >= start)
		.where(Invoice.posting_date <= end)
		.where(Lead.lead_owner.isnotnull())
		.groupby(Lead.lead_owner)
	)
	if filters.get("item_group"):
		lft, rgt = frappe.db.get_value("Item Group", filters.item_group, ["lft", "rgt"]) or (0, -1)
		query = (
			query.join(InvoiceItem)
			.on((InvoiceItem.parent == Invoice.name) & (InvoiceItem.parenttype == "Sales Invoice"))
			.join(ItemGroup)
			.on(ItemGroup.name == InvoiceItem.item_group)
			.where(ItemGroup.lft >= lft)
			.where(ItemGroup.rgt <= rgt)
			.select(Lead.lead_owner, Sum(InvoiceItem.base_net_amount).as_("amount"))
		)
	else:
		query = query.select(Lead.lead_owner, Sum(Invoice.base_net_total).as_("amount"))
	if filters.get("pipeline"):
		query = query.where(Lead.pipeline == filters.pipeline)
	if rep:
		query = query.where(Lead.lead_owner == rep)
	return {r.lead_owner: flt(r.amount) for r in query.run(as_dict=True)}


def paid_amounts(filters, start, end, rep: str | None) -> dict[str, float]:
	"""{rep: received in the period} against the invoices of the rep's cards: the live Payment Ledger
	Entries of other vouchers (a payment, a journal entry, a refund) or of the invoice itself paying
	it (POS), never a credit note's (company currency; ``amount`` is negative for money received)."""
	# an invoice's own negative row is its POS payment, a credit note's (outstanding kept on
	# itself) is not money received
	payment = (Ledger.voucher_type != "Sales Invoice") | (
		(Ledger.voucher_no == Ledger.against_voucher_no) & (Ledger.amount < 0) & (Invoice.is_return == 0)
	)
	query = (
		frappe.qb.from_(Lead)
		.join(Invoice)
		.on(Invoice.sales_lead == Lead.name)
		.join(Ledger)
		.on((Ledger.against_voucher_type == "Sales Invoice") & (Ledger.against_voucher_no == Invoice.name))
		.select(Lead.lead_owner, Sum(-Ledger.amount).as_("amount"))
		.where(Invoice.docstatus == 1)
		.where(Invoice.company == filters.company)
		.where(Ledger.delinked == 0)
		.where(Ledger.company == filters.company)
		.where(Ledger.posting_date >= start)
		.where(Ledger.posting_date <= end)
		.where(payment)
		.where(Lead.lead_owner.isnotnull())
		.groupby(Lead.lead_owner)
	)
	if filters.get("pipeline"):
		query = query.where(Lead.pipeline == filters.pipeline)
	if rep:
		query = query.where(Lead.lead_owner == rep)
	return {r.lead_owner: flt(r.amount) for r in query.run(as_dict=True)}


def weighted_pipeline(filters, start, end, rep: str | None) -> tuple[dict[str, float], dict[str, int]]:
	"""({rep: open pipeline x probability closing in the period, company currency},
	{currency without an exchange rate: cards left out})."""
	currency = frappe.get_cached_value("Company", filters.company, "default_currency")
	of_company = Lead.company == filters.company
	if filters.company == frappe.defaults.get_global_default("company"):
		of_company = of_company | blank(Lead.company)  # a card without a company: the default one's
	query = (
		frappe.qb.from_(Lead)
		.select(
			Lead.lead_owner,
			Lead.currency,
			(Sum(Lead.expected_amount * Lead.probability) / 100).as_("weighted"),
			Count("*").as_("cards"),
		)
		.where(Lead.stage_kind == "Open")
		.where(of_company)
		.where(Lead.expected_close_date >= start)
		.where(Lead.expected_close_date <= end)
		.where(Lead.lead_owner.isnotnull())
		.groupby(Lead.lead_owner, Lead.currency)
	)
	if filters.get("pipeline"):
		query = query.where(Lead.pipeline == filters.pipeline)
	if rep:
		query = query.where(Lead.lead_owner == rep)
	rates, skipped, weighted = {}, {}, {}
	for r in query.run(as_dict=True):
		rate = exchange_rate(r.currency or currency, currency, rates)
		if not rate:
			skipped[r.currency] = skipped.get(r.currency, 0) + r.cards
			continue
		weighted[r.lead_owner] = weighted.get(r.lead_owner, 0) + flt(r.weighted) * rate
	return weighted, skipped


def full_names(users: list[str]) -> dict[str, str]:
	if not users:
		return {}
	rows = frappe.qb.from_(User).select(User.name, User.full_name).where(User.name.isin(users)).run()
	return {name: full_name for name, full_name in rows}


# --- presentation ----------------------------------------------------------------------------------


def columns(by_item_group: bool) -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency", "width": 130}
	percent = {"fieldtype": "Percent", "width": 90}
	shown = [
		{
			"fieldname": "sales_rep",
			"label": _("Sales Rep"),
			"fieldtype": "Link",
			"options": "User",
			"width": 200,
		},
		{"fieldname": "rep_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "plan", "label": _("Plan"), **money},
		{"fieldname": "fact", "label": _("Fact"), **money},
	]
	if not by_item_group:
		shown.append({"fieldname": "paid", "label": _("Paid"), **money})
	shown += [
		{"fieldname": "percent", "label": _("% Done"), **percent},
		{"fieldname": "projection", "label": _("Projection"), **money},
		{"fieldname": "projected_percent", "label": _("Projected %"), **percent},
	]
	if not by_item_group:
		shown.append({"fieldname": "weighted_pipeline", "label": _("Weighted Pipeline"), **money})
	shown += [
		{"fieldname": "remaining", "label": _("Remaining"), **money},
		{"fieldname": "gap", "label": _("Gap"), **money},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]
	return shown


def chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [r["rep_name"] for r in data],
			"datasets": [
				{"name": _("Plan"), "values": [r["plan"] for r in data]},
				{"name": _("Fact"), "values": [r["fact"] for r in data]},
				{"name": _("Projection"), "values": [r["projection"] for r in data]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def summary(line: PlanLine, currency: str, paid: float | None) -> list[dict]:
	def money(value, label, indicator=None):
		card = {"value": value, "label": label, "datatype": "Currency", "currency": currency}
		return card | ({"indicator": indicator} if indicator else {})

	done = line.percent or 0
	return [
		money(line.plan, _("Plan")),
		money(line.fact, _("Fact"), "Blue"),
		*([] if paid is None else [money(paid, _("Paid"), "Blue")]),
		{
			"value": done,
			"label": _("% Done"),
			"datatype": "Percent",
			"indicator": "Green" if done >= 100 else "Orange",
		},
		money(line.projection, _("Projection")),
		money(line.weighted_pipeline, _("Weighted Pipeline")),
		money(line.gap, _("Gap"), "Red" if line.gap > 0 else "Green"),
	]
