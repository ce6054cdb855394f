"""Manager Activity: what each sales rep did in a period.

Per rep: interactions they handled and logged (calls, meetings and visits, e-mails, messages, notes), their
follow-ups (done in the period, overdue now, carried over), the cards they own that were created,
won or lost in the period, and the revenue invoiced on those cards (submitted Sales Invoices
linked to a card, in company currency, by posting date).

Each figure is one grouped query (a count or sum per rep); Python only merges the rows. The
interactions, new cards, wins and losses come from the daily summaries
(:mod:`crm_ext.analytics.summary_reads`). A user
who does not see every card (a Sales User) sees only their own row.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum
from frappe.utils import add_months, flt, getdate, nowdate
from pypika.terms import Case

from crm_ext.analytics import summary_reads
from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import Lead, as_filters, restricted_user

Interaction = DocType("Interaction")
ToDo = DocType("ToDo")
Invoice = DocType("Sales Invoice")

# report column -> interaction types counted in it
INTERACTION_COLUMNS = {
	"calls": ("Call",),
	"meetings": ("Meeting", "Visit"),
	"emails": ("E-mail",),
	"messages": ("Message",),
	"notes": ("Note",),
}
ACTIVITY_COLUMNS = (*INTERACTION_COLUMNS, "follow_ups_done")
COUNT_COLUMNS = (
	*INTERACTION_COLUMNS,
	"follow_ups_done",
	"follow_ups_overdue",
	"follow_ups_carried_over",
	"new_cards",
	"won",
	"lost",
)


@frappe.read_only()
@readable_links
def execute(filters=None):
	filters = prepare_filters(filters)
	rows: dict[str, dict] = {}
	for source in (interaction_counts, follow_up_counts, summary_reads.cards_by_rep, invoiced_revenue):
		for rep, values in source(filters).items():
			rows.setdefault(rep, {"rep": rep}).update(values)
	currency = company_currency(filters)
	data = []
	for rep in sorted(rows):
		row = rows[rep]
		for column in COUNT_COLUMNS:
			row[column] = int(row.get(column) or 0)
		row["revenue_invoiced"] = flt(row.get("revenue_invoiced"), 2)
		row["currency"] = currency
		data.append(row)
	return columns(), data, None, chart(data)


def prepare_filters(filters) -> frappe._dict:
	filters = as_filters(filters)
	today = getdate(nowdate())
	filters.from_date = getdate(filters.get("from_date") or add_months(today, -1))
	filters.to_date = getdate(filters.get("to_date") or today)
	if filters.from_date > filters.to_date:
		frappe.throw(_("From Date must be before To Date."), title=_("Invalid Period"))
	user = restricted_user()
	if user:
		filters.lead_owner = user  # a rep sees only their own row
	return filters


def company_currency(filters) -> str | None:
	company = filters.get("company") or frappe.defaults.get_user_default("Company")
	return frappe.get_cached_value("Company", company, "default_currency") if company else None


def by_rep(query) -> dict[str, dict]:
	return {row.pop("rep"): row for row in query.run(as_dict=True) if row.get("rep")}


def count_when(condition):
	return Sum(Case().when(condition, 1).else_(0))


def interaction_counts(filters) -> dict[str, dict]:
	"""Interactions in the period (by start time) that a rep handled and logged themselves, per type
	group: what the app records on its own in the rep's name (accounting events, intake, hand-overs,
	see ``crm_ext.sales.timeline``) is not the rep's activity.

	Read from the daily Interaction Summary per (rep, type), then folded into the columns here."""
	column_of = {kind: column for column, kinds in INTERACTION_COLUMNS.items() for kind in kinds}
	counts: dict[str, dict] = {}
	for rep, kind, number in summary_reads.interactions_by_rep_and_type(filters):
		if rep and kind in column_of:
			row = counts.setdefault(rep, dict.fromkeys(INTERACTION_COLUMNS, 0))
			row[column_of[kind]] += number
	return counts


def follow_up_counts(filters) -> dict[str, dict]:
	"""Follow-ups (CRM ToDos) per assignee: closed in the period (ToDo keeps no closing date: its
	last change), open and overdue today, and carried over at least once when originally due in
	the period."""
	today = getdate(nowdate())
	done = (ToDo.status == "Closed") & ToDo.modified.between(*period_bounds(filters))
	overdue = (ToDo.status == "Open") & (ToDo.date < today)
	carried = (
		(ToDo.status != "Cancelled")
		& (ToDo.crm_carried_over > 0)
		& ToDo.crm_original_date.between(filters.from_date, filters.to_date)
	)
	query = (
		frappe.qb.from_(ToDo)
		.select(
			ToDo.allocated_to.as_("rep"),
			count_when(done).as_("follow_ups_done"),
			count_when(overdue).as_("follow_ups_overdue"),
			count_when(carried).as_("follow_ups_carried_over"),
		)
		.where(ToDo.crm_follow_up == 1)
		.where(ToDo.allocated_to.isnotnull())
		.where(done | overdue | carried)
		.groupby(ToDo.allocated_to)
	)
	if filters.get("lead_owner"):
		query = query.where(ToDo.allocated_to == filters.lead_owner)
	return by_rep(query)


def period_bounds(filters):
	"""The period as datetimes (inclusive) for a Datetime column."""
	return f"{filters.from_date} 00:00:00", f"{filters.to_date} 23:59:59.999999"


def invoiced_revenue(filters) -> dict[str, dict]:
	"""Submitted Sales Invoices linked to a card, posted in the period, per responsible rep
	(grand total in company currency; returns count negative)."""
	query = (
		frappe.qb.from_(Invoice)
		.join(Lead)
		.on(Lead.name == Invoice.sales_lead)
		.select(Lead.lead_owner.as_("rep"), Sum(Invoice.base_grand_total).as_("revenue_invoiced"))
		.where(Invoice.docstatus == 1)
		.where(Invoice.posting_date.between(filters.from_date, filters.to_date))
		.where(Lead.lead_owner.isnotnull())
		.groupby(Lead.lead_owner)
	)
	if filters.get("company"):
		query = query.where(Invoice.company == filters.company)
	if filters.get("lead_owner"):
		query = query.where(Lead.lead_owner == filters.lead_owner)
	return by_rep(query)


def columns() -> list[dict]:
	def count(fieldname: str, label: str, width: int = 90) -> dict:
		return {"fieldname": fieldname, "label": label, "fieldtype": "Int", "width": width}

	return [
		{"fieldname": "rep", "label": _("Sales Rep"), "fieldtype": "Link", "options": "User", "width": 180},
		count("calls", _("Calls")),
		count("meetings", _("Meetings")),
		count("emails", _("E-mails")),
		count("messages", _("Messages")),
		count("notes", _("Notes")),
		count("follow_ups_done", _("Follow-ups Done"), 120),
		count("follow_ups_overdue", _("Follow-ups Overdue"), 130),
		count("follow_ups_carried_over", _("Follow-ups Carried Over"), 160),
		count("new_cards", _("New Cards"), 100),
		count("won", _("Won")),
		count("lost", _("Lost")),
		{
			"fieldname": "revenue_invoiced",
			"label": _("Revenue Invoiced"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 140,
		},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]


def chart(data: list[dict]) -> dict | None:
	rows = [row for row in data if any(row[column] for column in ACTIVITY_COLUMNS)]
	if not rows:
		return None
	labels = {
		"calls": _("Calls"),
		"meetings": _("Meetings"),
		"emails": _("E-mails"),
		"messages": _("Messages"),
		"notes": _("Notes"),
		"follow_ups_done": _("Follow-ups Done"),
	}
	return {
		"data": {
			"labels": [row["rep"] for row in rows],
			"datasets": [
				{"name": labels[column], "values": [row[column] for row in rows]}
				for column in ACTIVITY_COLUMNS
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
