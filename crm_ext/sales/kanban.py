"""The pipeline's kanban board as a person uses it: what a card must fill to be dropped on a stage.

Frappe's board moves a card by saving its new stage; the card's rules (Won needs a customer, Lost a
lost reason, a stage its required fields) refuse what is missing. Before such a move the board asks
:func:`stage_entry` what the stage needs from this card and opens a dialog for exactly those fields;
the dialog then saves them with the stage in one save (``frappe.client.set_value``), so the same
rules judge it and a refusal comes back as a message.
"""

import frappe
from frappe import _

from crm_ext.logic.pipeline import LOST, fields_to_enter
from crm_ext.sales.pipeline import get_stage
from crm_ext.sales.stage_names import stage_title

# shown (not required) with a Lost stage's reason: why exactly the deal was lost
LOST_EXTRA = ("lost_detail",)
# fields a dialog cannot hold: asked for on the form instead
NOT_IN_DIALOG = frozenset(
	{"Table", "Table MultiSelect", "Attach", "Attach Image", "Signature", "Geolocation"}
)


@frappe.whitelist(methods=["GET"])
def stage_entry(sales_lead: str, stage: str) -> dict:
	"""What card ``sales_lead`` must still fill to enter ``stage``: ``{"stage", "title", "kind",
	"fields": [dialog field, ...], "on_form": [label, ...]}``; ``fields`` empty when it may move as
	it is. Needs the right to change the card (its move is a change)."""
	frappe.has_permission("Sales Lead", "write", doc=sales_lead, throw=True)
	target = get_stage(stage)
	if not target:
		frappe.throw(
			_("Stage {0} does not exist.").format(frappe.bold(stage)),
			frappe.DoesNotExistError,
			title=_("Unknown Stage"),
		)
	card = frappe.get_doc("Sales Lead", sales_lead)
	if target.pipeline != card.pipeline:
		frappe.throw(
			_("Stage {0} belongs to pipeline {1}, not to this card's pipeline {2}.").format(
				frappe.bold(stage_title(stage)), target.pipeline, card.pipeline
			),
			title=_("Cannot Enter Stage"),
		)
	meta = card.meta
	missing = fields_to_enter(card.as_dict(), target)
	# a field only the app sets (read-only: a signed contract, say) is never asked for in a dialog
	asked = [
		f
		for f in missing
		if meta.get_field(f)
		and meta.get_field(f).fieldtype not in NOT_IN_DIALOG
		and not meta.get_field(f).read_only
	]
	fields = [dialog_field(meta.get_field(f), card.get(f), reqd=True) for f in asked]
	if target.kind == LOST and fields:
		fields += [
			dialog_field(meta.get_field(f), card.get(f), reqd=False)
			for f in LOST_EXTRA
			if meta.get_field(f) and f not in asked
		]
	return {
		"stage": target.name,
		"title": stage_title(target.name),
		"kind": target.kind,
		"fields": fields,
		"on_form": [_(meta.get_label(f)) for f in missing if f not in asked],
	}


def dialog_field(df, value, reqd: bool) -> dict:
	"""A Sales Lead field as a dialog field, filled with the card's value."""
	return {
		"fieldname": df.fieldname,
		"fieldtype": df.fieldtype,
		"label": _(df.label),
		"options": df.options,
		"reqd": 1 if reqd else 0,
		"default": value,
		"description": _(df.description) if df.description else None,
	}
