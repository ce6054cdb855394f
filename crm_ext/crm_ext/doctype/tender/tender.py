# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt, getdate

from crm_ext.logic.tender.auction import MinStep
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.scoring import Weights
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument

# What bidders rely on: frozen once the tender is published (the deadline moves only through
# "Extend Deadline", which logs and notifies).
FROZEN_FIELDS = (
	"company",
	"mode",
	"auction_scope",
	"opening_date",
	"deadline",
	"incoterm",
	"delivery_location",
	"allow_alternatives",
	"allow_excess_qty",
	"open_to_qualified",
	"min_step",
	"min_step_kind",
	"show_best_price",
	"sniping_window_minutes",
	"extension_minutes",
	"agreement_from",
	"agreement_to",
)
FROZEN_TABLES = {
	# the item group decides who may bid on an open tender and who may be awarded the line
	"items": ("item_code", "description", "item_group", "qty", "uom", "required_by", "award_as", "min_step"),
	"currencies": ("currency",),
	"other_incoterms": ("incoterm", "freight_percent", "insurance_percent"),
	"questions": ("question", "mandatory"),
	"suppliers": ("supplier",),
}
# Once awarded or cancelled, the evaluation is history: its settings and the budget (the savings
# baseline) stay as they were.
FINAL_STATUSES = ("Awarded", "Cancelled")
FINAL_FIELDS = (
	"weight_price",
	"weight_delivery",
	"weight_qualification",
	"annual_interest_percent",
	"award_method",
)
FINAL_TABLES = {"items": ("budget_unit_price",)}


def frozen_for(status: str | None) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
	"""(fields, table -> columns) that no save may change while the tender is stored as ``status``.
	Rows of a table listed here are neither added nor removed."""
	if not status or status == "Draft":
		return (), {}
	if status not in FINAL_STATUSES:
		return FROZEN_FIELDS, FROZEN_TABLES
	tables = {table: columns + FINAL_TABLES.get(table, ()) for table, columns in FROZEN_TABLES.items()}
	return FROZEN_FIELDS + FINAL_FIELDS, tables


class Tender(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_ext.crm_ext.doctype.tender_award_line.tender_award_line import TenderAwardLine
		from crm_ext.crm_ext.doctype.tender_currency.tender_currency import TenderCurrency
		from crm_ext.crm_ext.doctype.tender_evaluation.tender_evaluation import TenderEvaluation
		from crm_ext.crm_ext.doctype.tender_incoterm.tender_incoterm import TenderIncoterm
		from crm_ext.crm_ext.doctype.tender_item.tender_item import TenderItem
		from crm_ext.crm_ext.doctype.tender_material_request.tender_material_request import (
			TenderMaterialRequest,
		)
		from crm_ext.crm_ext.doctype.tender_question.tender_question import TenderQuestion
		from crm_ext.crm_ext.doctype.tender_supplier.tender_supplier import TenderSupplier

		agreement_from: DF.Date | None
		agreement_to: DF.Date | None
		allow_alternatives: DF.Check
		allow_excess_qty: DF.Check
		annual_interest_percent: DF.Percent
		auction_scope: DF.Literal["Total", "Per Line"]
		award_method: DF.Literal["Per Line", "Whole Tender"]
		awards: DF.Table[TenderAwardLine]
		company: DF.Link
		currencies: DF.TableMultiSelect[TenderCurrency]
		deadline: DF.Datetime
		delivery_location: DF.Data
		evaluations: DF.Table[TenderEvaluation]
		exchange_rate_date: DF.Date | None
		extension_minutes: DF.Int
		incoterm: DF.Link
		invoiced_amount: DF.Currency
		items: DF.Table[TenderItem]
		log_head_hash: DF.Data | None
		material_requests: DF.Table[TenderMaterialRequest]
		min_step: DF.Float
		min_step_kind: DF.Literal["Amount", "Percent"]
		mode: DF.Literal["Sealed Bid", "Reverse Auction"]
		naming_series: DF.Literal["TND-.YYYY.-"]
		open_to_qualified: DF.Check
		opened_by: DF.Link | None
		opened_on: DF.Datetime | None
		opening_date: DF.Datetime | None
		ordered_amount: DF.Currency
		other_incoterms: DF.Table[TenderIncoterm]
		paid_amount: DF.Currency
		questions: DF.Table[TenderQuestion]
		savings: DF.Currency
		show_best_price: DF.Check
		sniping_window_minutes: DF.Int
		status: DF.Literal["Draft", "Published", "Closed", "Evaluated", "Awarded", "Cancelled"]
		supplier_quotations: DF.Literal["", "Draft", "Submitted"]
		suppliers: DF.Table[TenderSupplier]
		title: DF.Data
		weight_delivery: DF.Float
		weight_price: DF.Float
		weight_qualification: DF.Float
	# end: auto-generated types

	def onload(self):
		"""The form greys out what the server would refuse (``frozen_for`` the stored status)."""
		fields, tables = frozen_for(self.status)
		self.set_onload("frozen", {"fields": list(fields), "tables": {t: list(c) for t, c in tables.items()}})

	def validate(self):
		self.check_starts_as_draft()
		self.check_frozen_after_publication()
		self.check_unique_rows()
		self.check_lines()
		self.drop_sources_of_removed_lines()
		self.check_auction_settings()
		self.check_weights()
		self.check_agreement()

	def check_starts_as_draft(self):
		"""A new tender is a Draft with nothing opened, evaluated or awarded: the procedure's own
		actions (publish, open, evaluate, award) move it on."""
		if not self.is_new() or self.flags.server_action:
			return
		if (
			(self.status or "Draft") != "Draft"
			or self.opened_on
			or self.opened_by
			or self.evaluations
			or self.awards
		):
			frappe.throw(
				_("A new tender starts as a Draft: publish, open, evaluate and award it with its actions."),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def check_frozen_after_publication(self):
		if self.is_new() or self.flags.server_action:
			return
		before = self.get_doc_before_save()
		if not before:
			return
		frozen_fields, frozen_tables = frozen_for(before.status)
		changed = [f for f in frozen_fields if str(self.get(f) or "") != str(before.get(f) or "")]
		for table, fields in frozen_tables.items():
			if _rows(self, table, fields) != _rows(before, table, fields):
				changed.append(table)
		if changed:
			frappe.throw(
				_(
					"The tender is {0}: {1} can no longer change. A published tender's deadline moves with Extend Deadline."
				).format(_(before.status), ", ".join(_(self.meta.get_label(f)) for f in changed)),
				title=_("Tender Frozen"),
			)

	def check_unique_rows(self):
		for table, field in (
			("currencies", "currency"),
			("suppliers", "supplier"),
			("other_incoterms", "incoterm"),
		):
			seen = set()
			for row in self.get(table):
				if row.get(field) in seen:
					frappe.throw(
						_("{0}: {1} is listed twice; keep one row.").format(
							_(self.meta.get_label(table)), row.get(field)
						),
						title=_("Duplicate Row"),
					)
				seen.add(row.get(field))
		if any(row.incoterm == self.incoterm for row in self.other_incoterms):
			frappe.throw(
				_("Other Accepted Incoterms: {0} is already the tender's Incoterm; remove the row.").format(
					self.incoterm
				)
			)

	def check_lines(self):
		for row in self.items:
			if not row.item_code and not (row.description or "").strip():
				frappe.throw(
					_("Items row {0}: choose an Item or describe what is requested.").format(row.idx)
				)
			if flt(row.qty) <= 0:
				frappe.throw(_("Items row {0}: the quantity must be more than 0.").format(row.idx))

	def drop_sources_of_removed_lines(self):
		"""A Draft's line removed by the buyer lets its Material Request lines go (another tender may
		take them)."""
		lines = {row.name for row in self.items}
		kept = [row for row in self.material_requests if row.tender_item in lines]
		if len(kept) != len(self.material_requests):
			self.set("material_requests", kept)

	def check_auction_settings(self):
		if self.mode != "Reverse Auction":
			return
		if len(self.currencies) != 1:
			frappe.throw(
				_(
					"Allowed Currencies: a reverse auction compares live totals, so allow exactly one currency."
				),
				title=_("Auction Currency"),
			)
		kind = "percent" if self.min_step_kind == "Percent" else "amount"
		try:
			MinStep(flt(self.min_step), kind)
		except TenderError as e:
			throw(e, self)
		for row in self.items:
			try:
				MinStep(flt(row.min_step), kind)
			except TenderError as e:
				frappe.throw(
					_("Items row {0}: {1}").format(row.idx, _(e.template).format(*e.format_args)),
					title=_("Invalid Value"),
				)

	def check_agreement(self):
		"""Lines awarded as framework agreements need the agreement's validity (checked against
		today when the tender is published and awarded)."""
		if not self.has_framework_lines():
			return
		if not self.agreement_from or not self.agreement_to:
			frappe.throw(
				_("Agreement Valid From / To: set them, since lines are awarded as Blanket Orders."),
				title=_("Agreement Validity"),
			)
		if getdate(self.agreement_from) > getdate(self.agreement_to):
			frappe.throw(_("Agreement Valid To: the agreement cannot end before it starts."))

	def has_framework_lines(self) -> bool:
		return any(row.award_as == "Blanket Order" for row in self.items)

	def check_weights(self):
		try:
			Weights(flt(self.weight_price), flt(self.weight_delivery), flt(self.weight_qualification))
		except TenderError as e:
			throw(e, self)


def _rows(doc, table: str, fields: tuple[str, ...]) -> list[tuple[str, ...]]:
	return [tuple(str(row.get(f) or "") for f in fields) for row in doc.get(table)]
