"""The summary tables of the sales analytics: written in the transaction of the event they count,
rebuilt from the source tables on demand.

- *Sales Stage Summary* and *Sales Stage Stay*: counts over the stage log per card's rep and
  company (:mod:`crm_ext.logic.summaries` says what each card adds);
- *Interaction Summary*: interactions per day, handler and type.

The stage log and the interactions stay the source of truth: :func:`rebuild` recomputes every row
from them in SQL (``bench --site SITE execute crm_ext.analytics.summaries.rebuild``; the patch
``crm_ext.patches.v1.build_analytics_summaries`` runs it once). The events that keep the tables in
step are in :mod:`crm_ext.analytics.summary_events`; the reports read them through
:mod:`crm_ext.analytics.summary_reads`.

Rows are written with ``INSERT ... ON DUPLICATE KEY UPDATE number = number + change`` on a primary
key that is a hash of the row's key (:func:`crm_ext.logic.summaries.row_name`), in key order, and
rows that fall to zero are deleted.
"""

from collections import Counter

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_ext.logic.summaries import (
	CREATED,
	FUNNEL_KINDS,
	FURTHEST,
	LOST,
	LOST_KIND,
	MOVED,
	Card,
	Move,
	delta,
	interaction_rows,
	row_name,
	stage_rows,
	stay_rows,
)

STAGE_SUMMARY = "Sales Stage Summary"
STAY = "Sales Stage Stay"
INTERACTIONS = "Interaction Summary"
# table -> its key columns, in the order of the keys of crm_ext.logic.summaries
KEY_COLUMNS = {
	STAGE_SUMMARY: ("measure", "day", "pipeline", "stage", "kind", "lost_reason", "rep", "company"),
	STAY: ("month", "pipeline", "stage", "days", "rep", "company"),
	INTERACTIONS: ("day", "rep", "interaction_type", "logged_by_rep"),
}
CARD_FIELDS = ("lead_owner", "company", "pipeline", "creation", "stage_kind", "lost_reason")


def refuse_direct_write(doc, method=None):
	"""``validate`` of the summary doctypes: their rows are the app's to write, in SQL."""
	frappe.throw(
		_("{0} rows are kept by the app from the stage log and the interactions.").format(_(doc.doctype)),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)


# --- the state of a card ----------------------------------------------------------------------


def card_state(name: str) -> tuple[Card | None, list[Move]]:
	"""A card as the summaries see it, and its stage log, as stored now."""
	row = frappe.db.get_value("Sales Lead", name, CARD_FIELDS, as_dict=True)
	card = (
		Card(row.lead_owner, row.company, row.pipeline, row.creation, row.stage_kind, row.lost_reason)
		if row
		else None
	)
	moves = [
		Move(*values)
		for values in frappe.db.sql(
			"""select pipeline, from_stage, to_stage, to_kind, changed_on, days_in_from_stage
			from `tabSales Lead Stage Log` where sales_lead = %s""",
			name,
		)
	]
	return card, moves


def funnel_orders(pipelines) -> dict[str, dict[str, int]]:
	"""{pipeline: {open or won stage: order}}."""
	pipelines = sorted({p for p in pipelines if p})
	if not pipelines:
		return {}
	orders: dict[str, dict[str, int]] = {}
	for stage in frappe.get_all(
		"Pipeline Stage",
		filters={"pipeline": ("in", pipelines), "kind": ("in", FUNNEL_KINDS)},
		fields=["name", "pipeline", "stage_order"],
	):
		orders.setdefault(stage.pipeline, {})[stage.name] = stage.stage_order or 0
	return orders


def card_rows(card: Card | None, moves: list[Move]) -> tuple[Counter, Counter]:
	"""(stage summary rows, stay rows) of a card in the given state."""
	orders = funnel_orders(m.pipeline for m in moves)
	return stage_rows(card, moves, orders), stay_rows(card, moves)


def apply_card_change(before: tuple[Counter, Counter], after: tuple[Counter, Counter]) -> None:
	apply(STAGE_SUMMARY, delta(before[0], after[0]))
	apply(STAY, delta(before[1], after[1]))


def interactions_of_card(name: str) -> Counter:
	"""The interaction summary rows of the interactions on a card."""
	rows: Counter = Counter()
	for values in frappe.db.sql(
		"""select start_time, handled_by, interaction_type, owner from `tabInteraction`
		where reference_doctype = 'Sales Lead' and reference_name = %s""",
		name,
	):
		rows.update(interaction_rows(*values))
	return rows


# --- writing ----------------------------------------------------------------------------------


def apply(table: str, changes: dict) -> None:
	"""Add ``changes`` ({key: change}) to ``table``'s rows, in one statement, in key order."""
	if not changes:
		return
	columns = KEY_COLUMNS[table]
	now = now_datetime()
	rows = sorted((row_name(key), key, change) for key, change in changes.items())
	values, params = [], []
	for name, key, change in rows:
		values.append("(" + ", ".join(["%s"] * (len(columns) + 6)) + ")")
		params += [name, now, now, "Administrator", "Administrator", *key, change]
	frappe.db.sql(
		f"""insert into `tab{table}` (name, creation, modified, owner, modified_by,
			{", ".join(columns)}, number)
		values {", ".join(values)}
		on duplicate key update number = number + values(number), modified = values(modified)""",
		params,
	)
	gone = [name for name, _key, change in rows if change < 0]
	if gone:
		frappe.db.sql(
			f"delete from `tab{table}` where number = 0 and name in ({', '.join(['%s'] * len(gone))})", gone
		)


# --- rebuilding from the source tables --------------------------------------------------------


def row_name_sql(*parts: str) -> str:
	"""SQL for :func:`crm_ext.logic.summaries.row_name` of the row whose key is ``parts``."""
	return f"substr(sha1(concat_ws(char(31), {', '.join(parts)})), 1, 20)"


def rebuild(pipeline: str | None = None) -> None:
	"""Recompute the summary tables from the stage log and the interactions (for one pipeline's
	stage rows only, with ``pipeline``). Runs in the caller's transaction; from the command line
	``bench --site SITE execute crm_ext.analytics.summaries.rebuild`` commits at the end."""
	stage = frappe.qb.DocType(STAGE_SUMMARY)
	stay = frappe.qb.DocType(STAY)
	if pipeline:
		frappe.qb.from_(stage).delete().where(stage.pipeline == pipeline).run()
		frappe.qb.from_(stay).delete().where(stay.pipeline == pipeline).run()
	else:
		for table in (STAGE_SUMMARY, STAY, INTERACTIONS):
			frappe.db.sql(f"delete from `tab{table}`")
		rebuild_interactions()
	pipelines = [pipeline] if pipeline else frappe.get_all("Sales Pipeline", pluck="name")
	for name in pipelines:
		rebuild_furthest(name, delete=False)
	rebuild_stage_rows(pipeline)


STAGE_INSERT = """insert into `tabSales Stage Summary` (name, creation, modified, owner, modified_by,
	measure, day, pipeline, stage, kind, lost_reason, rep, company, number)"""
CARD_DIMENSIONS = "coalesce(c.lead_owner, '') rep, coalesce(c.company, '') company"


def rebuild_furthest(pipeline: str, delete: bool = True) -> None:
	"""The *Furthest* rows of one pipeline (they follow the order and kind of its stages)."""
	if delete:
		frappe.db.sql(
			"delete from `tabSales Stage Summary` where measure = %s and pipeline = %s", (FURTHEST, pipeline)
		)
	orders = funnel_orders([pipeline]).get(pipeline)
	if not orders:
		return
	# the furthest stage: the greatest (order, name), as crm_ext.logic.summaries.furthest_stages
	args = {"m": FURTHEST, "p": pipeline, "now": now_datetime()}
	whens = []
	for i, (stage, order) in enumerate(sorted(orders.items())):
		args[f"s{i}"], args[f"o{i}"] = stage, f"{int(order) + 10**9:012d}"
		whens.append(f"when %(s{i})s then concat(%(o{i})s, %(s{i})s)")
	case = " ".join(whens)
	frappe.db.sql(
		f"""{STAGE_INSERT}
		select {row_name_sql("%(m)s", "x.day", "x.pipeline", "x.stage", "''", "''", "x.rep", "x.company")},
			%(now)s, %(now)s, 'Administrator', 'Administrator', %(m)s, x.day, x.pipeline, x.stage, '', '',
			x.rep, x.company, count(*)
		from (
			select date(min(l.changed_on)) day, l.pipeline, substr(max(case l.to_stage {case} end), 13) stage,
				{CARD_DIMENSIONS}
			from `tabSales Lead Stage Log` l join `tabSales Lead` c on c.name = l.sales_lead
			where l.pipeline = %(p)s and l.to_kind in ('Open', 'Won')
			group by l.sales_lead, l.pipeline, c.lead_owner, c.company
		) x
		where x.stage is not null
		group by x.day, x.pipeline, x.stage, x.rep, x.company""",
		args,
	)


def rebuild_stage_rows(pipeline: str | None) -> None:
	"""The *Lost*, *Moved* and *Created* rows and the stay histogram."""
	args = {"p": pipeline, "now": now_datetime(), "lost": LOST, "moved": MOVED, "created": CREATED}
	of_log = " and l.pipeline = %(p)s" if pipeline else ""
	of_card = " and c.pipeline = %(p)s" if pipeline else ""
	stamp = "%(now)s, %(now)s, 'Administrator', 'Administrator'"
	frappe.db.sql(
		f"""{STAGE_INSERT}
		select {row_name_sql("%(lost)s", "x.day", "x.pipeline", "x.stage", "''", "x.reason", "x.rep", "x.company")},
			{stamp}, %(lost)s, x.day, x.pipeline, x.stage, '', x.reason, x.rep, x.company, x.cards
		from (
			select date(c.creation) day, l.pipeline, coalesce(l.from_stage, '') stage,
				coalesce(c.lost_reason, '') reason, {CARD_DIMENSIONS}, count(distinct l.sales_lead) cards
			from `tabSales Lead Stage Log` l join `tabSales Lead` c on c.name = l.sales_lead
			where l.to_kind = %(lost_kind)s and c.stage_kind = %(lost_kind)s and l.pipeline is not null
				and l.pipeline != ''{of_log}
			group by 1, 2, 3, 4, 5, 6
		) x""",
		{**args, "lost_kind": LOST_KIND},
	)
	frappe.db.sql(
		f"""{STAGE_INSERT}
		select {row_name_sql("%(moved)s", "x.day", "x.pipeline", "x.stage", "x.kind", "''", "x.rep", "x.company")},
			{stamp}, %(moved)s, x.day, x.pipeline, x.stage, x.kind, '', x.rep, x.company, x.moves
		from (
			select date(l.changed_on) day, coalesce(l.pipeline, '') pipeline, coalesce(l.to_stage, '') stage,
				coalesce(l.to_kind, '') kind, {CARD_DIMENSIONS}, count(*) moves
			from `tabSales Lead Stage Log` l join `tabSales Lead` c on c.name = l.sales_lead
			where 1 = 1{of_log}
			group by 1, 2, 3, 4, 5, 6
		) x""",
		args,
	)
	frappe.db.sql(
		f"""{STAGE_INSERT}
		select {row_name_sql("%(created)s", "x.day", "x.pipeline", "''", "''", "''", "x.rep", "x.company")},
			{stamp}, %(created)s, x.day, x.pipeline, '', '', '', x.rep, x.company, x.cards
		from (
			select date(c.creation) day, coalesce(c.pipeline, '') pipeline, {CARD_DIMENSIONS}, count(*) cards
			from `tabSales Lead` c where 1 = 1{of_card}
			group by 1, 2, 3, 4
		) x""",
		args,
	)
	frappe.db.sql(
		f"""insert into `tabSales Stage Stay` (name, creation, modified, owner, modified_by,
			month, pipeline, stage, days, rep, company, number)
		select {row_name_sql("x.month", "x.pipeline", "x.stage", "x.days", "x.rep", "x.company")},
			{stamp}, x.month, x.pipeline, x.stage, x.days, x.rep, x.company, x.moves
		from (
			select date_format(l.changed_on, '%%Y-%%m-01') month, coalesce(l.pipeline, '') pipeline,
				l.from_stage stage, coalesce(round(l.days_in_from_stage, 1), 0.0) days, {CARD_DIMENSIONS},
				count(*) moves
			from `tabSales Lead Stage Log` l join `tabSales Lead` c on c.name = l.sales_lead
			where l.from_stage is not null{of_log}
			group by 1, 2, 3, 4, 5, 6
		) x""",
		args,
	)


def rebuild_interactions(reps: list[str] | None = None) -> None:
	"""The interaction rows (of the handlers ``reps`` only, their old rows deleted first, with
	``reps``; a full rebuild has emptied the table already)."""
	of_reps = ""
	if reps is not None:
		summary = frappe.qb.DocType(INTERACTIONS)
		frappe.qb.from_(summary).delete().where(summary.rep.isin(reps or [""])).run()
		of_reps = " and handled_by in %(reps)s"
	frappe.db.sql(
		f"""insert into `tabInteraction Summary` (name, creation, modified, owner, modified_by,
			day, rep, interaction_type, logged_by_rep, number)
		select {row_name_sql("x.day", "x.rep", "x.kind", "x.own")},
			%(now)s, %(now)s, 'Administrator', 'Administrator', x.day, x.rep, x.kind, x.own, x.number
		from (
			select date(start_time) day, coalesce(handled_by, '') rep, coalesce(interaction_type, '') kind,
				coalesce(handled_by != '' and owner = handled_by, 0) own, count(*) number
			from `tabInteraction` where start_time is not null{of_reps}
			group by 1, 2, 3, 4
		) x""",
		{"now": now_datetime(), "reps": tuple(reps or [""])},
	)
