"""The events that keep the summary tables (:mod:`crm_ext.analytics.summaries`) in step, each in
the transaction of the change it counts.

A card's rows are a function of the card as stored and its stage log: every path that changes
either takes the card's rows before the change away and adds its rows after it.

- a save of a Sales Lead (a stage move writes its log row in ``on_update``): the state is read at
  ``validate`` and again at ``on_change``, after every ``on_update`` hook (Frappe's assignment
  rule may set the Responsible there). A save nested in another save of the same card leaves it
  to the outer one;
- an assignment outside a save of the card: Frappe rewrites the card's ``_assign`` (its viewers)
  in the ToDo's own ``on_update`` / ``on_trash``, before any hook, so the viewers before are those
  recorded in *Sales Lead Viewer*; the Responsible it may set
  (:func:`crm_ext.sales.assignment.on_todo_change` writes it with ``db_set``) is read before and
  after that hook;
- a deletion: the card's rows and those of its interactions are taken away by the controller's
  ``on_trash`` (:func:`forget_card`) before it deletes the stage log and the interactions;
- a merge (rename onto another card): both cards before the rename, both after;
- the order or kind of a stage: the pipeline's *Furthest* rows are rebuilt;
- an interaction saved or deleted: its row before and after.
"""

from collections import Counter
from dataclasses import replace

import frappe

from crm_ext.analytics import summaries
from crm_ext.logic.summaries import delta, interaction_rows

CARD = "Sales Lead"
# what the summaries read of a card: a change of one of these moves its rows (``_assign``: its
# viewers; its creator does not change)
CARD_DIMENSIONS = ("lead_owner", "company", "pipeline", "stage_kind", "lost_reason", "customer", "_assign")
PENDING = "crm_summary_pending"


def pending() -> dict:
	"""{card: (the doc object saving it, (its rows before, its viewers before))} for the saves in
	progress."""
	if PENDING not in frappe.local.flags:
		frappe.local.flags[PENDING] = {}
	# a save that failed half-way is forgotten with its transaction
	if forget_pending not in frappe.db.after_rollback._functions:
		frappe.db.after_rollback.add(forget_pending)
	return frappe.local.flags[PENDING]


def forget_pending() -> None:
	frappe.local.flags.pop(PENDING, None)


def forget_failed_save(name: str | None) -> None:
	"""A save of card ``name`` undone by a rollback to a savepoint (which runs no rollback hook):
	its pending entry goes, or the card's next save or assignment in the request would be skipped."""
	if name and PENDING in frappe.local.flags:
		frappe.local.flags[PENDING].pop(name, None)


# --- Sales Lead -------------------------------------------------------------------------------


def card_validate(doc, method=None) -> None:
	"""``validate``: remember the card's rows as stored (none for a new card)."""
	if doc.name in pending() or not moves_rows(doc):
		return
	before = (summaries.NO_ROWS, summaries.NOT_COUNTED) if doc.is_new() else summaries.counted(doc.name)
	pending()[doc.name] = (doc, before)


def moves_rows(doc) -> bool:
	"""Whether this save may change the card's rows (a stage move, a changed dimension, or no
	Responsible yet: an assignment rule may set one during the save)."""
	return (
		doc.is_new()
		or bool(doc.flags.stage_changed)
		or not doc.lead_owner
		or any(doc.has_value_changed(field) for field in CARD_DIMENSIONS)
	)


def card_on_change(doc, method=None) -> None:
	"""``on_change`` (after every ``on_update`` hook): add the difference."""
	if doc.flags.in_delete:
		return
	entry = pending().get(doc.name)
	if not entry or entry[0] is not doc:
		return
	del pending()[doc.name]
	summaries.recount(doc.name, *entry[1])


def forget_card(doc) -> None:
	"""Called by the card's ``on_trash`` before its stage log and interactions are deleted."""
	pending().pop(doc.name, None)
	rows, _viewers = summaries.counted(doc.name)
	summaries.apply_card_change(rows, summaries.NO_ROWS)
	summaries.count_viewers(doc.name, None)
	summaries.apply(summaries.INTERACTIONS, delta(summaries.interactions_of_card(doc.name), Counter()))


def card_before_rename(doc, method=None, old=None, new=None, merge=False) -> None:
	"""A merge moves the stage log of ``old`` onto ``new``: remember both cards' rows (both cards
	locked first, in name order, then their viewer records, as a save or an assignment locks them)."""
	if merge:
		for name in sorted((old, new)):
			frappe.db.get_value(CARD, name, "name", for_update=True)
		frappe.local.flags[f"{PENDING}:{old}"] = (summaries.counted(old)[0], summaries.counted(new)[0])


def card_after_rename(doc, method=None, old=None, new=None, merge=False) -> None:
	before = frappe.local.flags.pop(f"{PENDING}:{old}", None)
	if not merge or not before:
		return
	# ``old`` still exists until Frappe deletes it next (its ``on_trash`` takes its rows away)
	after = summaries.NO_ROWS
	for name in (old, new):
		card, moves, viewers = summaries.card_state(name)
		after = summaries.plus(after, summaries.card_rows(card, moves, viewers))
		summaries.count_viewers(name, viewers)
	summaries.apply_card_change(summaries.plus(*before), after)


# --- an assignment: the card's viewers, and the Responsible it may set --------------------------


def assignment_before(todo, method=None) -> None:
	"""ToDo hook placed before :func:`crm_ext.sales.assignment.on_todo_change` (and on ``on_trash``)."""
	if todo.reference_type == CARD and todo.reference_name and todo.reference_name not in pending():
		# the card's row stays locked to the end of the transaction: two assignments of one card at
		# once are counted one after the other
		owner = frappe.db.get_value(CARD, todo.reference_name, "lead_owner", for_update=True)
		todo.flags.card_owner_before = (owner,)


def assignment_after(todo, method=None) -> None:
	"""ToDo hook placed after it: the card's rows follow the viewers Frappe wrote to its ``_assign``
	and a Responsible the hook set (a save of the card in progress counts them itself)."""
	before = todo.flags.pop("card_owner_before", None)
	if before is None or todo.reference_name in pending():
		return
	card, moves, viewers = summaries.card_state(todo.reference_name)
	if card is None:
		return
	counted = summaries.counted_viewers(todo.reference_name)
	if card.rep == before[0] and viewers == counted:
		return
	summaries.apply_card_change(
		summaries.card_rows(replace(card, rep=before[0]), moves, counted),
		summaries.card_rows(card, moves, viewers),
	)
	if viewers != counted:
		summaries.count_viewers(todo.reference_name, viewers)


# --- stages -----------------------------------------------------------------------------------


def stage_on_update(stage, method=None) -> None:
	"""A stage that changed order or kind changes every card's furthest stage in its pipeline."""
	before = stage.get_doc_before_save()
	if before is None:
		return  # a new stage: no card has entered it yet
	if any(before.get(f) != stage.get(f) for f in ("stage_order", "kind", "pipeline")):
		for pipeline in {before.pipeline, stage.pipeline}:
			if pipeline:
				summaries.rebuild_furthest(pipeline)


def stage_after_delete(stage, method=None) -> None:
	if stage.pipeline:
		summaries.rebuild_furthest(stage.pipeline)


# --- interactions -----------------------------------------------------------------------------

INTERACTION_FIELDS = ("start_time", "handled_by", "interaction_type", "owner")


def stored_interaction_rows(name: str) -> Counter:
	values = frappe.db.get_value("Interaction", name, INTERACTION_FIELDS)
	return interaction_rows(*values) if values else Counter()


def interaction_validate(doc, method=None) -> None:
	if doc.is_new():
		doc.flags.summary_before = Counter()
	elif any(doc.has_value_changed(f) for f in INTERACTION_FIELDS):
		doc.flags.summary_before = stored_interaction_rows(doc.name)


def interaction_on_change(doc, method=None) -> None:
	before = doc.flags.pop("summary_before", None)
	if before is None or doc.flags.in_delete:
		return
	summaries.apply(summaries.INTERACTIONS, delta(before, stored_interaction_rows(doc.name)))


def interaction_on_trash(doc, method=None) -> None:
	summaries.apply(summaries.INTERACTIONS, delta(stored_interaction_rows(doc.name), Counter()))
