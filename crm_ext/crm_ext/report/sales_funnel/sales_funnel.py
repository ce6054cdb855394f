"""Sales Funnel: per stage, the cards that reached it, conversion to the next stage and overall,
the cards lost from it with their reasons; optionally split by the month the cards entered the
pipeline (for a card created in it: the month it was created).

Computed from the stage log (a card reached a stage if it ever entered it or a later one), not
from the cards' current stages: from its daily summary when the filters allow
(:mod:`crm_ext.analytics.summary_reads`), else from the log itself. SQL returns one row per (cohort, furthest stage) and per
(stage, lost reason); :func:`crm_ext.logic.analytics.funnel` does the rest.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Max, Min
from pypika.terms import Case

from crm_ext.analytics import summary_reads
from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import (
	Lead,
	as_filters,
	changed_in_period,
	few_own_cards,
	lead_criteria,
	month_label,
	month_of,
	needs_lead_join,
	own_cards_only,
	period_criteria,
	require_pipeline,
	restricted_user,
	where_all,
)
from crm_ext.analytics.indexes import force_index
from crm_ext.logic.analytics import funnel, percent

Log = DocType("Sales Lead Stage Log")
CREATED_LOST = "__created_lost__"


@frappe.read_only()
@readable_links
def execute(filters=None):
	filters = as_filters(filters)
	pipeline = require_pipeline(filters)
	stages = frappe.get_all(
		"Pipeline Stage",
		filters={"pipeline": pipeline},
		fields=["name", "stage_name", "stage_order", "kind"],
		order_by="stage_order asc",
	)
	funnel_stages = [s for s in stages if s.kind in ("Open", "Won")]
	if not funnel_stages:
		return columns([]), [], _("Pipeline {0} has no open or won stages.").format(pipeline)
	by_cohort = bool(filters.get("cohort_by_month"))
	if summary_reads.answers(filters):
		orders = {s.name: s.stage_order for s in funnel_stages}
		furthest = summary_reads.furthest_counts(pipeline, orders, filters, by_cohort)
		lost = summary_reads.lost_counts(pipeline, filters, CREATED_LOST)
	else:
		own = few_own_cards(filters)  # a rep's few cards of the period, read once for both
		furthest = furthest_counts(pipeline, funnel_stages, filters, by_cohort, own)
		lost = lost_counts(pipeline, filters, own)

	total = {}
	for (_cohort, order), count in furthest.items():
		total[order] = total.get(order, 0) + count
	steps = funnel([(s.name, s.stage_order) for s in funnel_stages], total)
	cohorts = sorted({cohort for cohort, _order in furthest}) if by_cohort else []
	cohort_steps = {
		cohort: {
			step.stage: step
			for step in funnel(
				[(s.name, s.stage_order) for s in funnel_stages],
				{order: n for (c, order), n in furthest.items() if c == cohort},
			)
		}
		for cohort in cohorts
	}

	first_stage = funnel_stages[0].name if funnel_stages else None
	data = []
	for stage, step in zip(funnel_stages, steps, strict=True):
		reasons = dict(lost.get(stage.name, {}))
		if stage.name == first_stage:
			for reason, n in lost.get(CREATED_LOST, {}).items():
				reasons[reason] = reasons.get(reason, 0) + n
		lost_here = sum(reasons.values())
		row = {
			"stage": stage.name,
			"stage_name": stage.stage_name,
			"kind": _(stage.kind),
			"is_won": stage.kind == "Won",
			"reached": step.reached,
			"to_next": step.to_next,
			"overall": step.overall,
			"lost": lost_here,
			"lost_share": percent(lost_here, step.reached),
			"lost_reasons": ", ".join(
				f"{reason or _('Not set')}: {n}" for reason, n in sorted(reasons.items(), key=lambda r: -r[1])
			),
		}
		for cohort in cohorts:
			cohort_step = cohort_steps[cohort][stage.name]
			row[cohort_field(cohort)] = cohort_step.reached
			row[cohort_field(cohort) + "_pct"] = cohort_step.overall
		data.append(row)

	return columns(cohorts), data, None, chart(data), summary(data)


def furthest_counts(
	pipeline: str, stages, filters, by_cohort: bool, own: list[str] | None = None
) -> dict[tuple[str, int], int]:
	"""{(cohort month or "", furthest stage order): cards} for the cards with a move in ``pipeline``
	(``own``: a rep's few cards of the period, :func:`few_own_cards`; None: the row rule decides).

	A card's cohort and period date is when it entered the pipeline (its first move in it, which
	for a card created there is its creation). The stage order comes from a CASE over the
	pipeline's few stages rather than a join, so the per-card aggregate reads the covering index
	(pipeline, sales_lead, to_kind, to_stage, changed_on) alone. With card filters (or a user who
	sees only their own cards) the query starts from the matching cards instead.
	"""
	order = Case()
	for stage in stages:
		order = order.when(Log.to_stage == stage.name, stage.stage_order)
	entered = Min(Log.changed_on)
	if needs_lead_join(filters, skip=("pipeline",)):
		# some cards (a rep's own, a filter's): start from the cards and read each card's moves
		# through the index (the other way round MariaDB aggregates the whole log first)
		per_lead = (
			frappe.qb.from_(Lead)
			.join(Log)
			.on(
				(Log.pipeline == pipeline) & (Log.sales_lead == Lead.name) & Log.to_kind.isin(["Open", "Won"])
			)
			.select(Lead.name.as_("sales_lead"), Max(order).as_("furthest"), entered.as_("entered"))
			.groupby(Lead.name)
		)
		per_lead = where_all(per_lead, lead_criteria(filters, period_field=None, skip=("pipeline",)))
		# a card entering the pipeline in the period moved in it: its older cards are skipped
		per_lead = where_all(per_lead, changed_in_period(filters))
		per_lead = own_cards_only(per_lead, own)
		if per_lead is None:
			return {}
		if own is None and restricted_user():
			# the row rule (an OR no single index serves) checked on every card in key order: the
			# moves are then read in the log index's order and grouped without a temporary table
			# (MariaDB sometimes takes the `modified` range instead, 5x slower for a rep who sees
			# every card)
			per_lead = force_index(per_lead, "PRIMARY", table="tabSales Lead")
	else:
		# every card: one pass over the covering index
		per_lead = (
			frappe.qb.from_(Log)
			.select(Log.sales_lead, Max(order).as_("furthest"), entered.as_("entered"))
			.where(Log.pipeline == pipeline)
			.where(Log.to_kind.isin(["Open", "Won"]))
			.groupby(Log.sales_lead)
		)
		per_lead = force_index(per_lead, "pipeline_lead_stage_index")
	for criterion in period_criteria(entered, filters):
		per_lead = per_lead.having(criterion)
	per_lead = per_lead.as_("per_lead")
	query = (
		frappe.qb.from_(per_lead)
		.select(per_lead.furthest, Count("*").as_("cards"))
		.groupby(per_lead.furthest)
	)
	if by_cohort:
		cohort = month_of(per_lead.entered)
		query = query.select(cohort.as_("cohort")).groupby(cohort)
	# a card whose moves all went to since-deleted stages has no furthest stage: left out
	return {
		(row.get("cohort") or "", row.furthest): row.cards
		for row in query.run(as_dict=True)
		if row.furthest is not None
	}


def lost_counts(pipeline: str, filters, own: list[str] | None = None) -> dict[str, dict[str, int]]:
	"""{stage the card was lost from: {lost reason: cards}} for the cards lost now (``own`` as in
	:func:`furthest_counts`).

	With a period (on the cards' creation) or card filters the query starts from the matching cards
	(the creation index) and reads each one's moves into a lost stage; without, from the pipeline's
	lost moves (the other way round MariaDB reads every lost move of the pipeline's whole history).
	"""
	cards_first = bool(filters.get("from_date")) or needs_lead_join(filters, skip=("pipeline",))
	moves = (Log.pipeline == pipeline) & (Log.to_kind == "Lost")
	cards = Count(Log.sales_lead).distinct().as_("cards")
	if cards_first:
		query = frappe.qb.from_(Lead).join(Log).on((Log.sales_lead == Lead.name) & moves)
		# a rep with many cards: MariaDB picks between the creation index and every card by the share
		# of the period's cards (either forced is 1.5-2.5x slower at 100k or at 900k cards)
		query = own_cards_only(query, own)
		if query is None:
			return {}
	else:
		query = frappe.qb.from_(Log).join(Lead).on(Lead.name == Log.sales_lead).where(moves)
	query = (
		query.select(Log.from_stage, Lead.lost_reason, cards)
		.where(Lead.stage_kind == "Lost")
		.groupby(Log.from_stage, Lead.lost_reason)
	)
	if not cards_first:
		query = force_index(query, "pipeline_kind_index")
	query = where_all(query, lead_criteria(filters, skip=("pipeline",)))
	result: dict[str, dict[str, int]] = {}
	for row in query.run(as_dict=True):
		stage = row.from_stage or CREATED_LOST
		result.setdefault(stage, {})[row.lost_reason or ""] = row.cards
	return result


def cohort_field(cohort: str) -> str:
	return "c_" + cohort.replace("-", "_")


def columns(cohorts: list[str]) -> list[dict]:
	cols = [
		{
			"fieldname": "stage",
			"label": _("Stage"),
			"fieldtype": "Link",
			"options": "Pipeline Stage",
			"width": 200,
		},
		{"fieldname": "kind", "label": _("Kind"), "fieldtype": "Data", "width": 70},
		{"fieldname": "reached", "label": _("Reached"), "fieldtype": "Int", "width": 90},
		{"fieldname": "to_next", "label": _("To Next Stage %"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "overall", "label": _("Overall %"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "lost", "label": _("Lost Here"), "fieldtype": "Int", "width": 90},
		{"fieldname": "lost_share", "label": _("Lost %"), "fieldtype": "Percent", "width": 80},
		{"fieldname": "lost_reasons", "label": _("Lost Reasons"), "fieldtype": "Data", "width": 260},
	]
	for cohort in cohorts:
		label = month_label(cohort)
		cols.append(
			{
				"fieldname": cohort_field(cohort),
				"label": _("{0}: Reached").format(label),
				"fieldtype": "Int",
				"width": 120,
			}
		)
		cols.append(
			{
				"fieldname": cohort_field(cohort) + "_pct",
				"label": _("{0}: Overall %").format(label),
				"fieldtype": "Percent",
				"width": 120,
			}
		)
	return cols


def chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [row["stage_name"] for row in data],
			"datasets": [
				{"name": _("Reached"), "values": [row["reached"] for row in data]},
				{"name": _("Lost Here"), "values": [row["lost"] for row in data]},
			],
		},
		"type": "bar",
		"colors": ["#5e64ff", "#ff5858"],
	}


def summary(data: list[dict]) -> list[dict]:
	if not data:
		return []
	entered = data[0]["reached"]
	won = sum(row["reached"] for row in data if row["is_won"])
	lost = sum(row["lost"] for row in data)
	return [
		{"value": entered, "label": _("Cards"), "datatype": "Int", "indicator": "Blue"},
		{"value": won, "label": _("Won"), "datatype": "Int", "indicator": "Green"},
		{"value": lost, "label": _("Lost"), "datatype": "Int", "indicator": "Red"},
		{
			"value": percent(won, entered) or 0,
			"label": _("Win Rate %"),
			"datatype": "Percent",
			"indicator": "Green",
		},
	]
