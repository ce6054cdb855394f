"""Pipelines and their stages as the rules see them, default pipeline, kanban boards."""

import frappe
from frappe import _

from crm_ext.logic.pipeline import Stage, initial_stage, ordered

DEFAULT_PIPELINE = "Sales"
# (stage name, kind, probability %, days before stale, required fields)
DEFAULT_STAGES = (
	("New", "Open", 10, 2, ()),
	("Contacted", "Open", 20, 7, ()),
	("Qualified", "Open", 40, 14, ("expected_amount",)),
	("Proposal", "Open", 60, 14, ("expected_amount", "expected_close_date")),
	("Negotiation", "Open", 80, 21, ("expected_amount", "expected_close_date")),
	("Won", "Won", 100, 0, ()),
	("Lost", "Lost", 0, 0, ()),
)
# A card on the board is compact: its title, and (drawn by the board's script, sales_lead_list.js)
# its amount, next-step state and payment state as coloured indicators; Frappe's own field lines
# stay for what a head of sales adds in Kanban Settings.
KANBAN_CARD_FIELDS: list[str] = []
# what boards of earlier versions showed line by line (crm_ext.patches.v1.compact_kanban_cards)
OLD_KANBAN_CARD_FIELDS = (
	"organization",
	"expected_amount",
	"lead_owner",
	"next_follow_up",
	"next_step_status",
	"payment_status",
	"outstanding_amount",
)


def get_stage(name: str) -> Stage | None:
	row = frappe.db.get_value(
		"Pipeline Stage",
		name,
		["name", "pipeline", "kind", "stage_order", "probability", "stale_after_days"],
		as_dict=True,
	)
	if not row:
		return None
	required = frappe.get_all(
		"Pipeline Stage Field",
		filters={"parent": name, "parenttype": "Pipeline Stage"},
		pluck="fieldname",
		order_by="idx",
	)
	return _stage(row, required)


def pipeline_stages(pipeline: str) -> list[Stage]:
	rows = frappe.get_all(
		"Pipeline Stage",
		filters={"pipeline": pipeline},
		fields=["name", "pipeline", "kind", "stage_order", "probability", "stale_after_days"],
	)
	return ordered(_stage(r, ()) for r in rows)


def _stage(row, required) -> Stage:
	return Stage(
		name=row.name,
		pipeline=row.pipeline,
		kind=row.kind,
		order=row.stage_order or 0,
		probability=row.probability or 0,
		required_fields=tuple(required),
		stale_after_days=row.stale_after_days or 0,
	)


def first_stage(pipeline: str) -> str | None:
	stage = initial_stage(pipeline_stages(pipeline))
	return stage.name if stage else None


def default_pipeline() -> str | None:
	"""The settings' default pipeline, else the only enabled one."""
	name = frappe.db.get_single_value("CRM Ext Settings", "default_pipeline")
	if name:
		return name
	enabled = frappe.get_all("Sales Pipeline", filters={"disabled": 0}, pluck="name", limit=2)
	return enabled[0] if len(enabled) == 1 else None


def sync_kanban_board(pipeline: str) -> str:
	"""Create or update the pipeline's Kanban Board: one column per stage, in order."""
	stages = frappe.get_all(
		"Pipeline Stage", filters={"pipeline": pipeline}, fields=["name", "color"], order_by="stage_order asc"
	)
	board_name = frappe.db.get_value("Sales Pipeline", pipeline, "kanban_board")
	if board_name and frappe.db.exists("Kanban Board", board_name):
		board = frappe.get_doc("Kanban Board", board_name)
	else:
		board = frappe.new_doc("Kanban Board")
		board.kanban_board_name = _kanban_board_name(pipeline)
		board.reference_doctype = "Sales Lead"
		board.field_name = "stage"
		board.private = 0
		board.filters = frappe.as_json([["Sales Lead", "pipeline", "=", pipeline]])
		board.show_labels = 0
	card_fields = frappe.parse_json(board.fields or "[]")
	board.fields = frappe.as_json(card_fields + [f for f in KANBAN_CARD_FIELDS if f not in card_fields])
	existing = {c.column_name: c for c in board.columns}
	wanted = [s.name for s in stages]
	columns = []
	for stage in stages:
		column = existing.get(stage.name)
		columns.append(
			{
				"column_name": stage.name,
				"status": "Active",
				"indicator": stage.color or "Gray",
				"order": column.order if column else "[]",
			}
		)
	board.set("columns", columns)
	board.flags.ignore_permissions = True
	board.save()
	if board_name != board.name:
		frappe.db.set_value("Sales Pipeline", pipeline, "kanban_board", board.name, update_modified=False)
	if set(existing) - set(wanted):
		frappe.clear_cache(doctype="Sales Lead")
	return board.name


def forget_kanban_board(board, method: str | None = None) -> None:
	"""Kanban Board ``on_trash``: the pipeline no longer names a board that is gone (its next save
	makes a new one), or no one could save the pipeline again."""
	frappe.db.set_value(
		"Sales Pipeline", {"kanban_board": board.name}, "kanban_board", None, update_modified=False
	)


def _kanban_board_name(pipeline: str) -> str:
	"""The board's name is an ID (the workspace links the default one, "Sales Pipeline"); the desk
	translates it where it shows it."""
	name = f"{pipeline} Pipeline"
	return (
		name if not frappe.db.exists("Kanban Board", name) else f"{name} ({frappe.generate_hash(length=4)})"
	)


def ensure_kanban_boards() -> list[str]:
	"""Give every pipeline whose board is gone (deleted by force, or by an uninstall that was rolled
	back) a new one, so the pipeline can be saved again; returns the pipelines repaired."""
	pipelines = frappe.qb.DocType("Sales Pipeline")
	boards = frappe.qb.DocType("Kanban Board")
	orphans = (
		frappe.qb.from_(pipelines)
		.left_join(boards)
		.on(boards.name == pipelines.kanban_board)
		.select(pipelines.name)
		.where(boards.name.isnull())
		.run(pluck=True)
	)
	for pipeline in orphans:
		sync_kanban_board(pipeline)
	return orphans


def create_default_pipeline(pipeline_name: str = DEFAULT_PIPELINE) -> str:
	"""Create the default pipeline with its stages (idempotent) and make it the settings' default."""
	if not frappe.db.exists("Sales Pipeline", pipeline_name):
		frappe.get_doc({"doctype": "Sales Pipeline", "pipeline_name": pipeline_name}).insert(
			ignore_permissions=True
		)
	for order, (stage_name, kind, probability, stale, required) in enumerate(DEFAULT_STAGES, start=1):
		# made earlier (in English or the site's language), possibly renamed since: its ID stays
		names = {stage_name, _(stage_name)}
		if frappe.db.exists(
			"Pipeline Stage", {"pipeline": pipeline_name, "stage_name": ("in", list(names))}
		) or any(frappe.db.exists("Pipeline Stage", f"{pipeline_name}-{n}") for n in names):
			continue
		frappe.get_doc(
			{
				"doctype": "Pipeline Stage",
				"pipeline": pipeline_name,
				"stage_name": _(stage_name),
				"stage_order": order * 10,
				"kind": kind,
				"probability": probability,
				"stale_after_days": stale,
				"color": {"Won": "Green", "Lost": "Red"}.get(kind, "Blue"),
				"required_fields": [{"fieldname": f} for f in required],
			}
		).insert(ignore_permissions=True)
	if not frappe.db.get_single_value("CRM Ext Settings", "default_pipeline"):
		frappe.db.set_single_value("CRM Ext Settings", "default_pipeline", pipeline_name)
	sync_kanban_board(pipeline_name)
	return pipeline_name


@frappe.whitelist(methods=["POST"])
def recreate_default_pipeline() -> str:
	"""Desk action (CRM Ext Settings): bring back the default pipeline's missing stages."""
	frappe.has_permission("Sales Pipeline", "create", throw=True)
	frappe.has_permission("Pipeline Stage", "create", throw=True)
	name = create_default_pipeline()
	frappe.msgprint(_("Pipeline {0} has all its default stages.").format(frappe.bold(name)), alert=True)
	return name


def move_card(lead: str, stage: str, refused_note: str, **flags) -> bool:
	"""Move a card to ``stage`` as a procedure of the app (a payment, an accepted proposal): the
	card's stage rules still apply; when they refuse, the card stays where it is and
	``refused_note`` ("... {0} (the stage): {1} (the reason)", translated) is written on its
	timeline: the accounting event that moved it is never refused because of a card."""
	from crm_ext.analytics.summary_events import forget_failed_save
	from crm_ext.sales.timeline import log_on_lead

	doc = frappe.get_doc("Sales Lead", lead)
	doc.stage = stage
	doc.flags.ignore_permissions = True
	doc.flags.update(flags)
	savepoint = f"crm_ext_move_{frappe.generate_hash(length=8)}"
	frappe.db.savepoint(savepoint)
	try:
		doc.save()
		return True
	except frappe.ValidationError as e:
		frappe.db.rollback(save_point=savepoint)
		forget_failed_save(lead)
		frappe.clear_last_message()
		log_on_lead(lead, refused_note.format(frappe.bold(stage), frappe.utils.escape_html(str(e))))
		return False
