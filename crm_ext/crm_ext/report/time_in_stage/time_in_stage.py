"""Time in Stage: median and 90th-percentile days a card stays in each stage, and the open cards
now in a stage for longer than its allowed days (the stage's "stale after").

Durations come from the stage log: every move out of a stage records the days spent in it. SQL
returns a histogram per stage (days rounded to a tenth, count); the percentiles are computed
from it by :func:`crm_ext.logic.analytics.median_p90`.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Round, Sum
from frappe.utils import add_to_date, date_diff, flt, getdate, now_datetime, time_diff_in_seconds
from pypika.terms import Case, Criterion

from crm_ext.analytics import summary_reads
from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import (
	Lead,
	as_filters,
	changed_in_period,
	few_own_cards,
	lead_criteria,
	needs_lead_join,
	own_cards_only,
	period_criteria,
	where_all,
)
from crm_ext.analytics.indexes import force_index
from crm_ext.logic.analytics import median_p90
from crm_ext.logic.summaries import split_by_month

Log = DocType("Sales Lead Stage Log")
STAGES_VIEW = "Stages"
STALE_VIEW = "Stale Cards"
STALE_LIMIT = 500


@frappe.read_only()
@readable_links
def execute(filters=None):
	filters = as_filters(filters)
	stages = frappe.get_all(
		"Pipeline Stage",
		filters={"pipeline": filters.pipeline} if filters.get("pipeline") else {},
		fields=["name", "pipeline", "stage_name", "stage_order", "kind", "stale_after_days"],
		order_by="pipeline asc, stage_order asc",
	)
	if filters.get("view") == STALE_VIEW:
		return stale_columns(), stale_cards(stages, filters)
	histograms = stay_histograms(filters)
	current = current_counts(stages, filters)
	data = []
	for stage in stages:
		if stage.kind != "Open" and stage.name not in histograms:
			continue
		histogram = histograms.get(stage.name, [])
		median, p90 = median_p90(histogram)
		now_in, stale = current.get(stage.name, (0, 0))
		data.append(
			{
				"pipeline": stage.pipeline,
				"stage": stage.name,
				"stage_name": stage.stage_name,
				"moves_out": sum(count for _days, count in histogram),
				"median_days": flt(median, 1) if median is not None else None,
				"p90_days": flt(p90, 1) if p90 is not None else None,
				"allowed_days": stage.stale_after_days or None,
				"open_now": now_in,
				"stale_now": stale,
			}
		)
	return stage_columns(), data, None, chart(data)


def stay_histograms(filters) -> dict[str, list[tuple[float, int]]]:
	"""{stage: [(days, moves out), ...]} for the moves out of a stage in the period: the whole months
	of it from the monthly summary when the filters allow, the other days from the stage log."""
	if not summary_reads.answers(filters):
		return logged_stays(filters)
	split = split_by_month(
		getdate(filters.from_date) if filters.get("from_date") else None,
		getdate(filters.to_date) if filters.get("to_date") else None,
	)
	parts = [logged_stays(frappe._dict(filters, from_date=start, to_date=end)) for start, end in split.edges]
	if split.has_months:
		parts.append(summary_reads.stay_histograms(filters, split.months_from, split.months_to))
	result: dict[str, dict[float, int]] = {}
	for part in parts:
		for stage, histogram in part.items():
			bins = result.setdefault(stage, {})
			for days, moves in histogram:
				bins[flt(days, 1)] = bins.get(flt(days, 1), 0) + moves
	return {stage: sorted(bins.items()) for stage, bins in result.items()}


def logged_stays(filters) -> dict[str, list[tuple[float, int]]]:
	"""{stage: [(days, moves out), ...]} for the moves out of a stage in the period, from the log."""
	days = Round(Log.days_in_from_stage, 1)
	query = (
		frappe.qb.from_(Log)
		.select(Log.from_stage, days.as_("days"), Count("*").as_("moves"))
		.where(Log.from_stage.isnotnull())
		.groupby(Log.from_stage, days)
	)
	if filters.get("pipeline"):
		query = query.where(Log.pipeline == filters.pipeline)
	query = where_all(query, period_criteria(Log.changed_on, filters))
	if needs_lead_join(filters, skip=("pipeline",)):
		query = query.join(Lead).on(Lead.name == Log.sales_lead)
		query = where_all(query, lead_criteria(filters, period_field=None, skip=("pipeline",)))
		own = few_own_cards(filters)
		if own is None and filters.get("pipeline") and few_days(filters):
			# many cards, a few days (the days the monthly summary leaves out): the period's moves
			# of the pipeline first, each one's card by key (the cards first read every card changed
			# since, 5-10x slower)
			return stays_of(force_index(query, "pipeline_changed_stay_index"))
		query = where_all(query, changed_in_period(filters))  # moves out in the period: cards changed since
		query = force_index(query, "lead_stay_index")
		# a rep with few cards in the period: their moves by card
		query = own_cards_only(query, own, Log.sales_lead)
		if query is None:
			return {}
	elif filters.get("pipeline"):
		dated = filters.get("from_date") or filters.get("to_date")
		query = force_index(query, "pipeline_changed_stay_index" if dated else "pipeline_stay_index")
	return stays_of(query)


def stays_of(query) -> dict[str, list[tuple[float, int]]]:
	result: dict[str, list[tuple[float, int]]] = {}
	for row in query.run(as_dict=True):
		result.setdefault(row.from_stage, []).append((flt(row.days), row.moves))
	return result


# a period of at most this many days is read from the log first for a rep with many cards
FEW_DAYS = 31


def few_days(filters) -> bool:
	if not (filters.get("from_date") and filters.get("to_date")):
		return False
	return date_diff(filters.to_date, filters.from_date) < FEW_DAYS


def stale_criterion(stages) -> Criterion | None:
	"""Open cards in a stage for longer than its allowed days (one branch per stage that has a limit)."""
	now = now_datetime()
	branches = [
		(Lead.stage == s.name) & (Lead.stage_entered_on < add_to_date(now, days=-s.stale_after_days))
		for s in stages
		if s.kind == "Open" and (s.stale_after_days or 0) > 0
	]
	return Criterion.any(branches) if branches else None


def current_counts(stages, filters) -> dict[str, tuple[int, int]]:
	"""{stage: (open cards now in it, of which stale)}."""
	stale = stale_criterion(stages)
	stale_count = Sum(Case().when(stale, 1).else_(0)) if stale is not None else Sum(0)
	query = (
		frappe.qb.from_(Lead)
		.select(Lead.stage, Count("*").as_("cards"), stale_count.as_("stale"))
		.where(Lead.stage_kind == "Open")
		.groupby(Lead.stage)
	)
	query = where_all(query, lead_criteria(filters, period_field=None))
	return {row.stage: (row.cards, int(row.stale or 0)) for row in query.run(as_dict=True)}


def stale_cards(stages, filters) -> list[dict]:
	stale = stale_criterion(stages)
	if stale is None:
		return []
	allowed = {s.name: s.stale_after_days for s in stages}
	query = (
		frappe.qb.from_(Lead)
		.select(
			Lead.name,
			Lead.title,
			Lead.pipeline,
			Lead.stage,
			Lead.lead_owner,
			Lead.stage_entered_on,
			Lead.expected_amount,
			Lead.currency,
		)
		.where(Lead.stage_kind == "Open")
		.where(stale)
		.orderby(Lead.stage_entered_on)
		.limit(STALE_LIMIT)
	)
	query = where_all(query, lead_criteria(filters, period_field=None))
	now = now_datetime()
	rows = []
	for row in query.run(as_dict=True):
		days = flt(time_diff_in_seconds(now, row.stage_entered_on) / 86400, 1)
		row.update(
			{
				"days_in_stage": days,
				"allowed_days": allowed.get(row.stage),
				"days_over": flt(days - (allowed.get(row.stage) or 0), 1),
			}
		)
		rows.append(row)
	rows.sort(key=lambda r: -r["days_over"])
	return rows


def stage_columns() -> list[dict]:
	return [
		{
			"fieldname": "pipeline",
			"label": _("Pipeline"),
			"fieldtype": "Link",
			"options": "Sales Pipeline",
			"width": 120,
		},
		{
			"fieldname": "stage",
			"label": _("Stage"),
			"fieldtype": "Link",
			"options": "Pipeline Stage",
			"width": 180,
		},
		{"fieldname": "moves_out", "label": _("Moves Out"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "median_days",
			"label": _("Median Days"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 110,
		},
		{
			"fieldname": "p90_days",
			"label": _("90th Percentile Days"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 150,
		},
		{"fieldname": "allowed_days", "label": _("Allowed Days"), "fieldtype": "Int", "width": 110},
		{"fieldname": "open_now", "label": _("Open Cards Now"), "fieldtype": "Int", "width": 120},
		{"fieldname": "stale_now", "label": _("Stale Now"), "fieldtype": "Int", "width": 100},
	]


def stale_columns() -> list[dict]:
	return [
		{
			"fieldname": "name",
			"label": _("Sales Lead"),
			"fieldtype": "Link",
			"options": "Sales Lead",
			"width": 160,
		},
		{"fieldname": "title", "label": _("Title"), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "stage",
			"label": _("Stage"),
			"fieldtype": "Link",
			"options": "Pipeline Stage",
			"width": 160,
		},
		{
			"fieldname": "lead_owner",
			"label": _("Sales Rep"),
			"fieldtype": "Link",
			"options": "User",
			"width": 160,
		},
		{
			"fieldname": "stage_entered_on",
			"label": _("In Stage Since"),
			"fieldtype": "Datetime",
			"width": 160,
		},
		{
			"fieldname": "days_in_stage",
			"label": _("Days in Stage"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 110,
		},
		{"fieldname": "allowed_days", "label": _("Allowed Days"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "days_over",
			"label": _("Days Over"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 100,
		},
		{
			"fieldname": "expected_amount",
			"label": _("Expected Amount"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 130,
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
	rows = [row for row in data if row["moves_out"]]
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["stage_name"] for row in rows],
			"datasets": [
				{"name": _("Median Days"), "values": [row["median_days"] for row in rows]},
				{"name": _("90th Percentile Days"), "values": [row["p90_days"] for row in rows]},
			],
		},
		"type": "bar",
	}
