"""Filters shared by the sales reports: which Sales Leads (and their customers) are in scope.

Every report narrows the leads the same way (company, pipeline, rep, source, campaign, period)
and applies the same row-level rule as the Sales Lead list: a user who does not see all leads
(:func:`crm_ext.sales.access.sees_all_leads`) sees only the cards they own, created or are
assigned to (the query-builder twin of ``own_leads_condition``).
"""

import frappe
from frappe import _
from frappe.model.db_query import DatabaseQuery
from frappe.query_builder import DocType
from frappe.query_builder.functions import DateFormat
from frappe.utils import add_days, getdate
from pypika.terms import Criterion, Term
from pypika.utils import format_alias_sql

from crm_ext.sales.access import CARD, assigned_pattern, sees_all_leads

Lead = DocType("Sales Lead")
ToDo = DocType("ToDo")

# filter name -> Sales Lead field
LEAD_FILTERS = {
	"company": "company",
	"pipeline": "pipeline",
	"lead_owner": "lead_owner",
	"source": "source",
	"campaign": "campaign",
}
# the filters that narrow the customers of the invoice-based reports to those of the leads in scope
SCOPING_FILTERS = ("pipeline", "lead_owner", "source", "campaign")


def as_filters(filters) -> frappe._dict:
	if isinstance(filters, str):
		filters = frappe.parse_json(filters)
	return frappe._dict(filters or {})


def check_company(company: str) -> None:
	"""A user limited to some companies by User Permissions may not report on another one (the
	roles that open a report need no role on Company itself: a Sales Manager has none)."""
	allowed = frappe.permissions.get_user_permissions(frappe.session.user).get("Company")
	if allowed and company not in {p.get("doc") for p in allowed}:
		frappe.throw(
			_("You cannot report on company {0}.").format(frappe.bold(company)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def reads_every(doctype: str) -> bool:
	"""The user reads records of ``doctype`` through a role, so a report may list a client's records of
	that kind. A share of one record, or a role that reads only the user's own records, does not
	open the client's other records."""
	perms = frappe.permissions.get_role_permissions(doctype)
	return bool(perms.get("read")) and "read" not in (perms.get("if_owner") or {})


class Condition(Criterion):
	"""An SQL condition Frappe built, as a query-builder criterion."""

	def __init__(self, sql: str):
		super().__init__()
		self.sql = sql

	def get_sql(self, **kwargs) -> str:
		return f"({self.sql})"


def readable_rows(doctype: str) -> list[Criterion]:
	"""The records of ``doctype`` (a kind :func:`reads_every` lets the user read) that Frappe's list
	shows the user: its User Permissions (e.g. on Company) and the app's row rules, as criteria on
	``tab<doctype>`` for :func:`where_all` (none when every record)."""
	condition = DatabaseQuery(doctype).build_match_conditions(as_condition=True)
	return [Condition(condition)] if condition else []


def restricted_user(user: str | None = None) -> str | None:
	"""The user whose own cards alone are in scope, or None when the user sees every card."""
	user = user or frappe.session.user
	return None if sees_all_leads(user) else user


def own_leads_criterion(user: str, lead=Lead) -> Criterion:
	return (lead.lead_owner == user) | (lead.owner == user) | lead._assign.like(assigned_pattern(user))


def lead_criteria(
	filters, lead=Lead, period_field: str | None = "creation", skip: tuple[str, ...] = ()
) -> list[Criterion]:
	"""Conditions on ``lead`` for the report filters and the current user's rights."""
	criteria = [
		lead[field] == filters[key]
		for key, field in LEAD_FILTERS.items()
		if filters.get(key) and key not in skip
	]
	if period_field:
		criteria += period_criteria(lead[period_field], filters)
	user = restricted_user()
	if user:
		criteria.append(own_leads_criterion(user, lead))
	return criteria


def period_criteria(column, filters) -> list[Criterion]:
	"""from_date / to_date (inclusive days) on a Date or Datetime column."""
	criteria = []
	if filters.get("from_date"):
		criteria.append(column >= getdate(filters.from_date))
	if filters.get("to_date"):
		criteria.append(column < add_days(getdate(filters.to_date), 1))
	return criteria


def changed_since(filters):
	"""The day from which a card may have a stage move in the period (None: no period start): a move
	saves its card (and a merge marks the card it keeps as changed, see ``SalesLead.after_rename``),
	so a card unchanged since before the period has no move in it; a day's margin covers the save's
	own duration."""
	return add_days(getdate(filters.from_date), -1) if filters.get("from_date") else None


def changed_in_period(filters, lead=Lead) -> list[Criterion]:
	"""Cards that may have a stage move in the period (:func:`changed_since`). A rep's reports then
	skip the moves of their old, closed cards instead of reading years of them."""
	since = changed_since(filters)
	return [lead.modified >= since] if since else []


# a rep's own cards are read by name (an IN list on the primary key) when at most this many were
# changed in the period; with more, the row rule is checked on every card, in key order
FEW_CARDS = 5000


def few_own_cards(filters) -> list[str] | None:
	"""For a user who sees only their own cards: the names of the cards they are Responsible for,
	created or are assigned to, among those changed since the period began (:func:`changed_since`;
	every card without a period). None for a user who sees every card or when more than
	:data:`FEW_CARDS`.

	A superset of the row rule's cards, for the rule is still applied to them: the Responsible and the
	creator through the indexes (lead_owner, modified) and (owner, modified), the assignments through
	the user's open ToDos (Frappe writes ``_assign`` from them; index (reference_type, allocated_to,
	status)). The row rule alone is an OR no single index serves: MariaDB checks it on every card.
	"""
	user = restricted_user()
	if not user:
		return None
	since = changed_since(filters)
	names: set[str] = set()
	for column in (Lead.lead_owner, Lead.owner):
		query = frappe.qb.from_(Lead).select(Lead.name).where(column == user).limit(FEW_CARDS + 1)
		if since:
			query = query.where(Lead.modified >= since)
		names.update(query.run(pluck=True))
		if len(names) > FEW_CARDS:
			return None
	assigned = (
		frappe.qb.from_(ToDo)
		.select(ToDo.reference_name)
		.where(ToDo.allocated_to == user)
		.where(ToDo.reference_type == CARD)
		.where(ToDo.status == "Open")
		.limit(FEW_CARDS + 1)
	)
	names.update(assigned.run(pluck=True))
	return sorted(names) if len(names) <= FEW_CARDS else None


def own_cards_only(query, names: list[str] | None, column=Lead.name):
	"""``query`` kept to a rep's few cards (``names`` from :func:`few_own_cards`, on ``column``):
	unchanged for None (every card, or too many to list), None when the rep has none (an empty report).
	"""
	if names is None:
		return query
	return query.where(column.isin(names)) if names else None


def needs_lead_join(filters, skip: tuple[str, ...] = ()) -> bool:
	"""Whether a stage-log query must join the Sales Lead (a lead filter or a restricted user)."""
	return bool(restricted_user()) or any(filters.get(k) for k in LEAD_FILTERS if k not in skip)


def customers_in_scope(filters, customer) -> list[Criterion]:
	"""Criteria keeping ``customer`` (a column of the outer query) to the customers of the leads in
	scope, for :func:`where_all`; none when every customer is in scope (no lead filter and a user who
	sees every card).

	A user who sees only their own cards: the customers of their rows of the viewer summary (with a
	source or campaign filter, the set of their cards' customers: the row rule checked on every
	card). Filters only: for each customer, one lookup of a matching card on the index (customer,
	pipeline) (the set would read every card of the pipeline's whole history).
	"""
	from crm_ext.analytics import summary_reads

	user = restricted_user()
	if not user and not any(filters.get(k) for k in SCOPING_FILTERS):
		return []
	if user and summary_reads.answers(filters):
		return [customer.isin(summary_reads.viewer_customers(user, filters))]
	criteria = lead_criteria(filters, period_field=None, skip=("company",))
	if user:
		query = frappe.qb.from_(Lead).select(Lead.customer).distinct().where(Lead.customer.isnotnull())
		return [customer.isin(where_all(query, criteria))]
	card = frappe.qb.from_(Lead).select(1).where(Lead.customer == customer).limit(1)
	return [where_all(card, criteria).isnotnull()]


def where_all(query, criteria):
	for criterion in criteria:
		query = query.where(criterion)
	return query


def month_of(column):
	return DateFormat(column, "%Y-%m")


class YearMonth(Term):
	"""``extract(year_month from column)``: the month as the integer YYYYMM (NULL for NULL).
	Grouping by it is about twice as fast as by ``date_format`` (a string per row)."""

	def __init__(self, column, alias: str | None = None):
		super().__init__(alias=alias)
		self.column = column

	def get_sql(self, **kwargs) -> str:
		sql = f"extract(year_month from {self.column.get_sql(**kwargs)})"
		return format_alias_sql(sql, self.alias, **kwargs)


def month_key(year_month: int | None) -> str | None:
	"""YYYYMM (of :class:`YearMonth`) -> 'YYYY-MM'."""
	if not year_month:
		return None
	return f"{int(year_month) // 100:04d}-{int(year_month) % 100:02d}"


def month_label(month: str) -> str:
	"""'2026-03' -> 'Mar 2026' (translated month name)."""
	year, number = month.split("-")
	names = [_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun")]
	names += [_("Jul"), _("Aug"), _("Sep"), _("Oct"), _("Nov"), _("Dec")]
	return f"{names[int(number) - 1]} {year}"


def require_pipeline(filters) -> str:
	from crm_ext.sales.pipeline import default_pipeline

	pipeline = filters.get("pipeline") or default_pipeline()
	if not pipeline:
		frappe.throw(_("Choose a Pipeline in the filters."), title=_("Pipeline Missing"))
	return pipeline
