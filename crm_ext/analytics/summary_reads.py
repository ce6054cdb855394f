"""The sales reports' figures read from the summary tables (:mod:`crm_ext.analytics.summaries`)
instead of the stage log and the interactions, when the filters allow it.

The summaries count per day, pipeline, stage, responsible rep and company. They answer the
funnel and time in stage filtered by company, pipeline, rep and period: for a user who sees every
card (the head of sales, an accountant) from *Sales Stage Summary* and *Sales Stage Stay*, for a
user who sees only their own cards (Responsible, created or assigned: the Sales Lead row rule)
from their own rows of *Sales Viewer Summary*. A filter on another field of the card (source,
campaign) is answered from the source tables by the report itself. Manager Activity is per rep by
construction: its rep's row is one of the summaries' dimensions, so it reads them for every user.
"""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import DateFormat, Sum

from crm_ext.analytics.filters import period_criteria, restricted_user, where_all
from crm_ext.logic.summaries import CREATED, CUSTOMER, FURTHEST, LOST, MOVED, STAY

StageSummary = DocType("Sales Stage Summary")
Stay = DocType("Sales Stage Stay")
InteractionSummary = DocType("Interaction Summary")
ViewerSummary = DocType("Sales Viewer Summary")
# the card filters the summaries have a dimension for
ANSWERED = {"company": "company", "pipeline": "pipeline", "lead_owner": "rep"}
NOT_ANSWERED = ("source", "campaign")


def answers(filters) -> bool:
	"""Whether the summaries answer the funnel and time in stage for these filters."""
	return not any(filters.get(key) for key in NOT_ANSWERED)


def funnel_rows(measure: str):
	"""The table holding ``measure``'s rows the current user may count, and the criteria selecting
	them: a user who sees only their own cards reads their rows of the viewer summary."""
	user = restricted_user()
	if user:
		return ViewerSummary, [ViewerSummary.viewer == user, ViewerSummary.measure == measure]
	return StageSummary, [StageSummary.measure == measure]


def card_criteria(table, filters, skip: tuple[str, ...] = ()) -> list:
	return [
		table[column] == filters[key]
		for key, column in ANSWERED.items()
		if filters.get(key) and key not in skip
	]


def viewer_customers(user: str, filters):
	"""A query of the customers of the cards ``user`` sees (pipeline and rep filters), from their
	rows of the viewer summary (rows of a renamed customer add up under its new name)."""
	query = (
		frappe.qb.from_(ViewerSummary)
		.select(ViewerSummary.customer)
		.where(ViewerSummary.viewer == user)
		.where(ViewerSummary.measure == CUSTOMER)
		.groupby(ViewerSummary.customer)
		.having(Sum(ViewerSummary.number) > 0)
	)
	return where_all(query, card_criteria(ViewerSummary, filters, skip=("company",)))


# --- Sales Funnel ---------------------------------------------------------------------------


def furthest_counts(pipeline: str, orders: dict[str, int], filters, by_cohort: bool) -> dict:
	"""{(cohort month or "", furthest stage order): cards} of the cards that entered ``pipeline`` in
	the period (``orders``: {open or won stage: its order})."""
	table, criteria = funnel_rows(FURTHEST)
	query = (
		frappe.qb.from_(table)
		.select(table.stage, Sum(table.number).as_("cards"))
		.where(table.pipeline == pipeline)
		.groupby(table.stage)
	)
	query = where_all(query, criteria + card_criteria(table, filters, skip=("pipeline",)))
	query = where_all(query, period_criteria(table.day, filters))
	if by_cohort:
		cohort = DateFormat(table.day, "%Y-%m")
		query = query.select(cohort.as_("cohort")).groupby(cohort)
	result: dict[tuple[str, int], int] = {}
	for row in query.run(as_dict=True):
		order = orders.get(row.stage)
		if order is not None:
			key = (row.get("cohort") or "", order)
			result[key] = result.get(key, 0) + int(row.cards)
	return result


def lost_counts(pipeline: str, filters, created_lost: str) -> dict[str, dict[str, int]]:
	"""{stage the card was lost from (``created_lost``: none): {lost reason: cards}} of the cards lost
	now, created in the period."""
	table, criteria = funnel_rows(LOST)
	query = (
		frappe.qb.from_(table)
		.select(table.stage, table.lost_reason, Sum(table.number).as_("cards"))
		.where(table.pipeline == pipeline)
		.groupby(table.stage, table.lost_reason)
	)
	query = where_all(query, criteria + card_criteria(table, filters, skip=("pipeline",)))
	query = where_all(query, period_criteria(table.day, filters))
	result: dict[str, dict[str, int]] = {}
	for row in query.run(as_dict=True):
		result.setdefault(row.stage or created_lost, {})[row.lost_reason or ""] = int(row.cards)
	return result


# --- Time in Stage --------------------------------------------------------------------------


def stay_histograms(filters, months_from, months_to) -> dict[str, list[tuple[float, int]]]:
	"""{stage: [(days, moves out)]} of the moves out of a stage in the months ``months_from`` up to
	``months_to`` (exclusive; None: unbounded)."""
	table, month, criteria = Stay, Stay.month, []
	if user := restricted_user():
		table, month = ViewerSummary, ViewerSummary.day
		criteria = [ViewerSummary.viewer == user, ViewerSummary.measure == STAY]
	query = (
		frappe.qb.from_(table)
		.select(table.stage, table.days, Sum(table.number).as_("moves"))
		.groupby(table.stage, table.days)
	)
	query = where_all(query, criteria + card_criteria(table, filters))
	if months_from:
		query = query.where(month >= months_from)
	if months_to:
		query = query.where(month < months_to)
	result: dict[str, list[tuple[float, int]]] = {}
	for row in query.run(as_dict=True):
		result.setdefault(row.stage, []).append((float(row.days), int(row.moves)))
	return result


# --- Manager Activity -----------------------------------------------------------------------


def interactions_by_rep_and_type(filters) -> list[tuple[str, str, int]]:
	"""[(rep, interaction type, interactions the rep handled and logged in the period)]."""
	query = (
		frappe.qb.from_(InteractionSummary)
		.select(InteractionSummary.rep, InteractionSummary.interaction_type, Sum(InteractionSummary.number))
		.where(InteractionSummary.logged_by_rep == 1)
		.where(InteractionSummary.rep != "")
		.groupby(InteractionSummary.rep, InteractionSummary.interaction_type)
	)
	query = where_all(query, period_criteria(InteractionSummary.day, filters))
	if filters.get("lead_owner"):
		query = query.where(InteractionSummary.rep == filters.lead_owner)
	return [(rep, kind, int(n)) for rep, kind, n in query.run()]


def cards_by_rep(filters) -> dict[str, dict]:
	"""{rep: {"new_cards": cards created in the period, "won": moves into a won stage, "lost": ...}}
	of the cards each rep is responsible for now."""
	kind_column = {"Won": "won", "Lost": "lost"}
	query = (
		frappe.qb.from_(StageSummary)
		.select(StageSummary.rep, StageSummary.measure, StageSummary.kind, Sum(StageSummary.number))
		.where(
			(StageSummary.measure == CREATED)
			| ((StageSummary.measure == MOVED) & StageSummary.kind.isin(list(kind_column)))
		)
		.where(StageSummary.rep != "")
		.groupby(StageSummary.rep, StageSummary.measure, StageSummary.kind)
	)
	query = where_all(query, card_criteria(StageSummary, filters, skip=("pipeline",)))
	query = where_all(query, period_criteria(StageSummary.day, filters))
	result: dict[str, dict] = {}
	for rep, measure, kind, number in query.run():
		column = "new_cards" if measure == CREATED else kind_column[kind]
		row = result.setdefault(rep, {})
		row[column] = row.get(column, 0) + int(number)
	return result
