# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt

from crm_ext.logic.errors import LogicError
from crm_ext.logic.pipeline import Stage, check_pipeline, stage_default_probability
from crm_ext.sales.pipeline import pipeline_stages, sync_kanban_board
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument

# Sales Lead fields a stage may require: anything a person fills in (not layout, not computed).
NOT_REQUIRABLE = {"naming_series", "title", "stage", "stage_kind", "probability", "pipeline"}


class PipelineStage(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_ext.crm_ext.doctype.pipeline_stage_field.pipeline_stage_field import PipelineStageField
		from crm_ext.crm_ext.doctype.pipeline_stage_step.pipeline_stage_step import PipelineStageStep

		color: DF.Literal[
			"Blue", "Cyan", "Gray", "Green", "Light Blue", "Orange", "Pink", "Purple", "Red", "Yellow"
		]
		is_accepted_stage: DF.Check
		is_paid_stage: DF.Check
		kind: DF.Literal["Open", "Won", "Lost"]
		needs_credit_check: DF.Check
		pipeline: DF.Link
		probability: DF.Percent
		required_fields: DF.Table[PipelineStageField]
		sequence_steps: DF.Table[PipelineStageStep]
		stage_name: DF.Data
		stage_order: DF.Int
		stale_after_days: DF.Int
	# end: auto-generated types

	def validate(self):
		self.stage_name = (self.stage_name or "").strip()
		self.probability = stage_default_probability(self.kind, flt(self.probability))
		self.validate_pipeline_unchanged()
		self.validate_kind_unchanged()
		self.validate_required_fields()
		self.validate_pipeline_shape()
		self.validate_sequence_steps()
		self.validate_single_paid_stage()

	def on_update(self):
		sync_kanban_board(self.pipeline)

	def after_delete(self):
		if frappe.db.exists("Sales Pipeline", self.pipeline):
			sync_kanban_board(self.pipeline)

	def validate_single_paid_stage(self):
		self.validate_single_flag("is_paid_stage")
		self.validate_single_flag("is_accepted_stage")

	def validate_single_flag(self, flag: str):
		"""One Paid Stage and one Proposal Accepted Stage per pipeline."""
		if not self.get(flag):
			return
		other = frappe.db.get_value(
			"Pipeline Stage",
			{"pipeline": self.pipeline, flag: 1, "name": ("!=", self.name or "")},
			"name",
		)
		if other:
			label = _(self.meta.get_label(flag))
			frappe.throw(
				_("Stage {0} is already the {1} of pipeline {2}: untick {1} there first.").format(
					frappe.bold(other), label, frappe.bold(self.pipeline)
				),
				title=_("One {0} per Pipeline").format(label),
			)

	def validate_pipeline_unchanged(self):
		before = self.get_doc_before_save()
		if (
			before
			and before.pipeline != self.pipeline
			and frappe.db.exists("Sales Lead", {"stage": self.name})
		):
			frappe.throw(
				_("Stage {0} has cards in pipeline {1}; it cannot move to another pipeline.").format(
					self.name, before.pipeline
				),
				title=_("Stage In Use"),
			)

	def validate_kind_unchanged(self):
		"""A card's stage kind decides whether it holds its person's phone and e-mail (one open card
		per person, crm_ext.sales.contact_keys): a stage with cards keeps its kind; move the cards
		first."""
		before = self.get_doc_before_save()
		if before and before.kind != self.kind and frappe.db.exists("Sales Lead", {"stage": self.name}):
			frappe.throw(
				_(
					"Kind: stage {0} has cards, so it stays {1}; move its cards to another stage first."
				).format(frappe.bold(self.name), _(before.kind)),
				title=_("Stage In Use"),
			)

	def validate_required_fields(self):
		meta = frappe.get_meta("Sales Lead")
		seen = set()
		for row in self.required_fields:
			row.fieldname = (row.fieldname or "").strip()
			df = meta.get_field(row.fieldname)
			if (
				not df
				or df.fieldtype in ("Section Break", "Column Break", "Tab Break", "HTML")
				or (row.fieldname in NOT_REQUIRABLE)
			):
				frappe.throw(
					_(
						"Row {0}: {1} is not a field a person can fill on Sales Lead; use a fieldname such as expected_amount."
					).format(row.idx, frappe.bold(row.fieldname)),
					title=_("Invalid Required Field"),
				)
			if row.fieldname in seen:
				frappe.throw(_("Row {0}: {1} is listed twice.").format(row.idx, frappe.bold(row.fieldname)))
			seen.add(row.fieldname)
			row.label = df.label

	def validate_pipeline_shape(self):
		"""Order unique in the pipeline, probability in range, and at least one Open stage (so the
		first stage of a new pipeline must be an Open one)."""
		others = [s for s in pipeline_stages(self.pipeline) if s.name != self.name]
		this = Stage(self.name or "", self.pipeline, self.kind, self.stage_order, self.probability)
		try:
			check_pipeline([*others, this])
		except LogicError as e:
			throw(e, self, title=_("Invalid Pipeline"))

	def validate_sequence_steps(self):
		for row in self.sequence_steps:
			row.step_text = (row.step_text or "").strip()
			if flt(row.due_after_hours) < 0:
				frappe.throw(
					_(
						"Scripted Sequence row {0}: Due After cannot be negative; enter 0 or more working hours."
					).format(row.idx),
					title=_("Invalid Step"),
				)
			if row.assign_to_user and row.assign_to_role:
				frappe.throw(
					_("Scripted Sequence row {0}: choose a User or a Role, not both.").format(row.idx),
					title=_("Invalid Step"),
				)
