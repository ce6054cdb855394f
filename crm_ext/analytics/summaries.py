"""The summary tables of the sales analytics: written in the transaction of the event they count,
rebuilt from the source tables on demand.

- *Sales Stage Summary* and *Sales Stage Stay*: counts over the stage log per card's rep and
  company (:mod:`crm_ext.logic.summaries` says what each card adds);
- *Interaction Summary*: interactions per day, handler and type;
- *Sales Viewer Summary*: a card's funnel and stay rows once per user who sees it (the Sales Lead
  row rule: Responsible, creator, assignees), with *Sales Lead Viewer* holding whom each card's rows
  were counted for (an assignment changes ``_assign`` before the app's hooks run: the viewers
  before a change are read from there, never guessed).

The stage log and the interactions stay the source of truth: :func:`rebuild` recomputes every row
from them in SQL (``bench --site SITE execute crm_ext.analytics.summaries.rebuild``; the patch
``crm_ext.patches.v1.build_analytics_summaries`` runs it once). The events that keep the tables in
step are in :mod:`crm_ext.analytics.summary_events`; the reports read them through
:mod:`crm_ext.analytics.summary_reads`.

Rows are written with ``INSERT ... ON DUPLICATE KEY UPDATE number = number + change`` on a primary
key that is a hash of the row's key (:func:`crm_ext.logic.summaries.row_name`), in key order, and
rows that fall to zero are deleted.
"""

import json
from collections import Counter

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_ext.logic.summaries import (
	CREATED,
	CUSTOMER,
	FUNNEL_KINDS,
	FURTHEST,
	LOST,
	LOST_KIND,
	MOVED,
	Card,
	Move,
	card_viewers,
	delta,
	interaction_rows,
	row_name,
	stage_rows,
	stay_rows,
	viewer_rows,
)
from crm_ext.logic.summaries import (
	STAY as STAY_MEASURE,
)

STAGE_SUMMARY = "Sales Stage Summary"
STAY = "Sales Stage Stay"
INTERACTIONS = "Interaction Summary"
VIEWERS = "Sales Viewer Summary"
CARD_VIEWERS = "Sales Lead Viewer"
# table -> its key columns, in the order of the keys of crm_ext.logic.summaries
KEY_COLUMNS = {
	STAGE_SUMMARY: ("measure", "day", "pipeline", "stage", "kind", "lost_reason", "rep", "company"),
	STAY: ("month", "pipeline", "stage", "days", "rep", "company"),
	INTERACTIONS: ("day", "rep", "interaction_type", "logged_by_rep"),
	VIEWERS: (
		"viewer",
		"measure",
		"day",
		"pipeline",
		"stage",
		"lost_reason",
		"days",
		"rep",
		"company",
		"customer",
	),
}
CARD_FIELDS = (
	"lead_owner",
	"company",
	"pipeline",
	"creation",
	"stage_kind",
	"lost_reason",
	"customer",
	"owner",
	"_assign",
)
# what a card adds to the summaries: (stage summary rows, stay rows, viewer summary rows)
Rows = tuple[Counter, Counter, Counter]
NO_ROWS: Rows = (Counter(), Counter(), Counter())
# the viewers before a card's first count (a new card): its record is written whatever they are
NOT_COUNTED: frozenset[str] = frozenset({"\x00not counted"})


def refuse_direct_write(doc, method=None):
	"""``validate`` of the summary doctypes: their rows are the app's to write, in SQL."""
	frappe.throw(
		_("{0} rows are kept by the app from the stage log and the interactions.").format(_(doc.doctype)),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)


# --- the state of a card ----------------------------------------------------------------------


def card_state(name: str) -> tuple[Card | None, list[Move], frozenset[str]]:
	"""A card as the summaries see it, its stage log and the users who see it, as stored now. The card
	is read with a lock (its save or assignment holds it already): the latest committed row, not the
	transaction's older snapshot, whose Responsible or assignees a concurrent assignment may have
	changed since."""
	row = frappe.db.get_value("Sales Lead", name, CARD_FIELDS, as_dict=True, for_update=True)
	card = (
		Card(
			row.lead_owner,
			row.company,
			row.pipeline,
			row.creation,
			row.stage_kind,
			row.lost_reason,
			row.customer,
		)
		if row
		else None
	)
	viewers = card_viewers(row.lead_owner, row.owner, row._assign) if row else frozenset()
	moves = [
		Move(*values)
		for values in frappe.db.sql(
			"""select pipeline, from_stage, to_stage, to_kind, changed_on, days_in_from_stage
			from `tabSales Lead Stage Log` where sales_lead = %s""",
			name,
		)
	]
	return card, moves, viewers


def counted_viewers(name: str) -> frozenset[str]:
	"""The users the card's viewer rows were last counted for (its *Sales Lead Viewer* record, named
	as the card), read with a lock on that record: the latest committed, and two changes of one
	card's viewers are counted one after the other."""
	stored = frappe.db.sql(
		"select viewers from `tabSales Lead Viewer` where name = %s for update", name, pluck=True
	)
	return frozenset(json.loads(stored[0] or "[]")) if stored else frozenset()


def count_viewers(name: str, viewers: frozenset[str] | None) -> None:
	"""Record ``viewers`` as those the card's viewer rows are counted for now (None: the card is
	gone). Written on the record's primary key alone: no gap of an index is locked."""
	if viewers is None:
		frappe.db.sql("delete from `tabSales Lead Viewer` where name = %s", name)
		return
	now = now_datetime()
	frappe.db.sql(
		"""insert into `tabSales Lead Viewer` (name, creation, modified, owner, modified_by, viewers)
		values (%(name)s, %(now)s, %(now)s, 'Administrator', 'Administrator', %(viewers)s)
		on duplicate key update viewers = values(viewers), modified = values(modified)""",
		{"name": name, "now": now, "viewers": json.dumps(sorted(viewers))},
	)


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


def card_rows(card: Card | None, moves: list[Move], viewers: frozenset[str]) -> Rows:
	"""The summary rows of a card in the given state, its viewer rows counted for ``viewers``."""
	orders = funnel_orders(m.pipeline for m in moves)
	stage, stay = stage_rows(card, moves, orders), stay_rows(card, moves)
	return stage, stay, viewer_rows(card, stage, stay, viewers)


def counted(name: str) -> tuple[Rows, frozenset[str]]:
	"""The card's rows as the summaries hold them now (its viewer rows counted for the viewers
	recorded, :func:`counted_viewers`), and those viewers."""
	card, moves, _viewers = card_state(name)
	viewers = counted_viewers(name)
	return card_rows(card, moves, viewers), viewers


def recount(name: str, before: Rows, viewers_before: frozenset[str]) -> None:
	"""Replace the card's rows ``before`` with those of its state now; record its viewers now."""
	card, moves, viewers = card_state(name)
	apply_card_change(before, card_rows(card, moves, viewers))
	if viewers != viewers_before:
		count_viewers(name, viewers)


def plus(a: Rows, b: Rows) -> Rows:
	return a[0] + b[0], a[1] + b[1], a[2] + b[2]


def apply_card_change(before: Rows, after: Rows) -> None:
	apply(STAGE_SUMMARY, delta(before[0], after[0]))
	apply(STAY, delta(before[1], after[1]))
	apply(VIEWERS, delta(before[2], after[2]))


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
	stage rows only, with ``pipeline``: its viewer rows for the viewers recorded). Runs in the
	caller's transaction; from the command line
	``bench --site SITE execute crm_ext.analytics.summaries.rebuild`` commits at the end."""
	if pipeline:
		for table in (STAGE_SUMMARY, STAY, VIEWERS):
			summary = frappe.qb.DocType(table)
			frappe.qb.from_(summary).delete().where(summary.pipeline == pipeline).run()
	else:
		for table in (STAGE_SUMMARY, STAY, INTERACTIONS, VIEWERS):
			frappe.db.sql(f"delete from `tab{table}`")
		rebuild_interactions()
		rebuild_card_viewers()
	pipelines = [pipeline] if pipeline else frappe.get_all("Sales Pipeline", pluck="name")
	for name in pipelines:
		rebuild_furthest(name, delete=False)
	rebuild_stage_rows(pipeline)


STAMP = "%(now)s, %(now)s, 'Administrator', 'Administrator'"
STAGE_INSERT = """insert into `tabSales Stage Summary` (name, creation, modified, owner, modified_by,
	measure, day, pipeline, stage, kind, lost_reason, rep, company, number)"""
VIEWER_INSERT = """insert into `tabSales Viewer Summary` (name, creation, modified, owner, modified_by,
	viewer, measure, day, pipeline, stage, lost_reason, days, rep, company, customer, number)"""
CARD_DIMENSIONS = "coalesce(c.lead_owner, '') rep, coalesce(c.company, '') company"
# a card's viewers as recorded (the viewer summary's rows of a card are counted for them)
JOIN_VIEWERS = """join `tabSales Lead Viewer` cv on cv.name = c.name
	join json_table(cv.viewers, '$[*]' columns (viewer varchar(140) path '$')) v"""


def insert_viewer_rows(measure: str, grouped: str, args: dict) -> None:
	"""The viewer summary's rows of ``measure`` from ``grouped``: a query of viewer, day, pipeline,
	stage, reason, days, rep, company, customer and number, keyed as
	:func:`crm_ext.logic.summaries.viewer_rows` keys them (no day: "" in the key)."""
	key = ("x.viewer", "%(measure)s", "coalesce(x.day, '')", "x.pipeline", "x.stage", "x.reason", "x.days")
	frappe.db.sql(
		f"""{VIEWER_INSERT}
		select {row_name_sql(*key, "x.rep", "x.company", "x.customer")}, {STAMP}, x.viewer, %(measure)s,
			x.day, x.pipeline, x.stage, x.reason, x.days, x.rep, x.company, x.customer, x.number
		from ({grouped}) x""",
		{**args, "measure": measure},
	)


def rebuild_card_viewers() -> None:
	"""Record every card's viewers (:func:`crm_ext.logic.summaries.card_viewers` in SQL: the
	Responsible, the creator and the users of the JSON list ``_assign``), sorted, as
	:func:`count_viewers` writes them."""
	frappe.db.sql("delete from `tabSales Lead Viewer`")
	frappe.db.sql(
		f"""insert into `tabSales Lead Viewer` (name, creation, modified, owner, modified_by, viewers)
		select c.name, {STAMP}, coalesce(x.viewers, '[]')
		from `tabSales Lead` c left join (
			select y.sales_lead, json_arrayagg(y.viewer order by y.viewer) viewers
			from (
				select name sales_lead, lead_owner viewer from `tabSales Lead` where lead_owner != ''
				union
				select name, owner from `tabSales Lead` where owner != ''
				union
				select a.name, j.viewer
				from (
					select name, _assign from `tabSales Lead` where _assign like '[%%' and json_valid(_assign)
				) a,
					json_table(a._assign, '$[*]' columns (n for ordinality, viewer varchar(140) path '$')) j
				where j.viewer != ''
					and json_type(json_extract(a._assign, concat('$[', j.n - 1, ']'))) = 'STRING'
			) y
			group by y.sales_lead
		) x on x.sales_lead = c.name""",
		{"now": now_datetime()},
	)


def rebuild_furthest(pipeline: str, delete: bool = True) -> None:
	"""The *Furthest* rows of one pipeline, and its viewer rows (they follow the order and kind of its
	stages)."""
	if delete:
		for table in (STAGE_SUMMARY, VIEWERS):
			frappe.db.sql(
				f"delete from `tab{table}` where measure = %s and pipeline = %s", (FURTHEST, pipeline)
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
	per_card = f"""select l.sales_lead, date(min(l.changed_on)) day, l.pipeline,
			substr(max(case l.to_stage {case} end), 13) stage
		from `tabSales Lead Stage Log` l
		where l.pipeline = %(p)s and l.to_kind in ('Open', 'Won')
		group by l.sales_lead, l.pipeline"""
	frappe.db.sql(
		f"""{STAGE_INSERT}
		select {row_name_sql("%(m)s", "x.day", "x.pipeline", "x.stage", "''", "''", "x.rep", "x.company")},
			{STAMP}, %(m)s, x.day, x.pipeline, x.stage, '', '', x.rep, x.company, count(*)
		from (
			select f.day, f.pipeline, f.stage, {CARD_DIMENSIONS}
			from ({per_card}) f join `tabSales Lead` c on c.name = f.sales_lead
			where f.stage is not null
		) x
		group by x.day, x.pipeline, x.stage, x.rep, x.company""",
		args,
	)
	insert_viewer_rows(
		FURTHEST,
		f"""select v.viewer, f.day, f.pipeline, f.stage, '' reason, '0.0' days, {CARD_DIMENSIONS},
			'' customer, count(*) number
		from ({per_card}) f join `tabSales Lead` c on c.name = f.sales_lead {JOIN_VIEWERS}
		where f.stage is not null
		group by 1, 2, 3, 4, 7, 8""",
		args,
	)


def rebuild_stage_rows(pipeline: str | None) -> None:
	"""The *Lost*, *Moved* and *Created* rows, the stay histogram and the viewer rows of the losses,
	the stays and the customers."""
	args = {"p": pipeline, "now": now_datetime(), "lost": LOST, "moved": MOVED, "created": CREATED}
	args["lost_kind"] = LOST_KIND
	of_log = " and l.pipeline = %(p)s" if pipeline else ""
	of_card = " and c.pipeline = %(p)s" if pipeline else ""
	lost_cards = f"""from `tabSales Lead Stage Log` l join `tabSales Lead` c on c.name = l.sales_lead
			where l.to_kind = %(lost_kind)s and c.stage_kind = %(lost_kind)s and l.pipeline is not null
				and l.pipeline != ''{of_log}"""
	lost_key = "date(c.creation) day, l.pipeline, coalesce(l.from_stage, '') stage, coalesce(c.lost_reason, '') reason"
	frappe.db.sql(
		f"""{STAGE_INSERT}
		select {row_name_sql("%(lost)s", "x.day", "x.pipeline", "x.stage", "''", "x.reason", "x.rep", "x.company")},
			{STAMP}, %(lost)s, x.day, x.pipeline, x.stage, '', x.reason, x.rep, x.company, x.cards
		from (
			select {lost_key}, {CARD_DIMENSIONS}, count(distinct l.sales_lead) cards
			{lost_cards}
			group by 1, 2, 3, 4, 5, 6
		) x""",
		args,
	)
	insert_viewer_rows(
		LOST,
		f"""select v.viewer, {lost_key}, '0.0' days, {CARD_DIMENSIONS}, '' customer,
			count(distinct l.sales_lead) number
		{lost_cards.replace("where", JOIN_VIEWERS + " where", 1)}
		group by 1, 2, 3, 4, 5, 7, 8""",
		args,
	)
	frappe.db.sql(
		f"""{STAGE_INSERT}
		select {row_name_sql("%(moved)s", "x.day", "x.pipeline", "x.stage", "x.kind", "''", "x.rep", "x.company")},
			{STAMP}, %(moved)s, x.day, x.pipeline, x.stage, x.kind, '', x.rep, x.company, x.moves
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
			{STAMP}, %(created)s, x.day, x.pipeline, '', '', '', x.rep, x.company, x.cards
		from (
			select date(c.creation) day, coalesce(c.pipeline, '') pipeline, {CARD_DIMENSIONS}, count(*) cards
			from `tabSales Lead` c where 1 = 1{of_card}
			group by 1, 2, 3, 4
		) x""",
		args,
	)
	stays = f"""from `tabSales Lead Stage Log` l join `tabSales Lead` c on c.name = l.sales_lead
			where l.from_stage is not null{of_log}"""
	stay_key = """date_format(l.changed_on, '%%Y-%%m-01') month, coalesce(l.pipeline, '') pipeline,
				l.from_stage stage, coalesce(round(l.days_in_from_stage, 1), 0.0) days"""
	frappe.db.sql(
		f"""insert into `tabSales Stage Stay` (name, creation, modified, owner, modified_by,
			month, pipeline, stage, days, rep, company, number)
		select {row_name_sql("x.month", "x.pipeline", "x.stage", "x.days", "x.rep", "x.company")},
			{STAMP}, x.month, x.pipeline, x.stage, x.days, x.rep, x.company, x.moves
		from (
			select {stay_key}, {CARD_DIMENSIONS}, count(*) moves
			{stays}
			group by 1, 2, 3, 4, 5, 6
		) x""",
		args,
	)
	insert_viewer_rows(
		STAY_MEASURE,
		f"""select v.viewer, date_format(l.changed_on, '%%Y-%%m-01') day, coalesce(l.pipeline, '') pipeline,
			l.from_stage stage, '' reason, coalesce(round(l.days_in_from_stage, 1), 0.0) days,
			{CARD_DIMENSIONS}, '' customer, count(*) number
		{stays.replace("where", JOIN_VIEWERS + " where", 1)}
		group by 1, 2, 3, 4, 6, 7, 8""",
		args,
	)
	insert_viewer_rows(
		CUSTOMER,
		f"""select v.viewer, null day, coalesce(c.pipeline, '') pipeline, '' stage, '' reason, '0.0' days,
			{CARD_DIMENSIONS}, c.customer, count(*) number
		from `tabSales Lead` c {JOIN_VIEWERS}
		where c.customer != ''{of_card}
		group by 1, 3, 7, 8, 9""",
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
