# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, now_datetime

from crm_ext.logic.tender import bid_rules
from crm_ext.logic.tender.errors import TenderError
from crm_ext.supply import tender_auction, tender_log, tenders
from crm_ext.supply.access import suppliers_of_user
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument

SAVED, SUBMITTED, WITHDRAWN = "Saved", "Submitted", "Withdrawn"


class DuplicateBidError(frappe.UniqueValidationError):
	"""A second bid of one supplier on one tender (the unique key (tender, supplier) says the same)."""


class TenderBid(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_ext.crm_ext.doctype.tender_bid_answer.tender_bid_answer import TenderBidAnswer
		from crm_ext.crm_ext.doctype.tender_bid_item.tender_bid_item import TenderBidItem

		answers: DF.Table[TenderBidAnswer]
		bid_digest: DF.Data | None
		credit_days: DF.Int
		currency: DF.Link
		incoterm: DF.Link | None
		incoterm_location: DF.Data | None
		items: DF.Table[TenderBidItem]
		naming_series: DF.Literal["TBID-.YYYY.-"]
		notes: DF.Text | None
		revision: DF.Int
		status: DF.Literal["Saved", "Submitted", "Withdrawn", "Awarded", "Not Awarded"]
		submitted_on: DF.Datetime | None
		supplier: DF.Link
		supplier_name: DF.Data | None
		tender: DF.Link
		tender_title: DF.Data | None
		total: DF.Currency
	# end: auto-generated types

	def insert(self, *args, **kwargs):
		tender_log.lock_tender(self.tender)
		return super().insert(*args, **kwargs)

	def save(self, *args, **kwargs):
		"""Every change of a bid takes the tender's lock first, then the bid's rows (Frappe locks
		them when it loads the stored copy): one order for all writers of a tender, so concurrent
		offers queue instead of deadlocking."""
		if not self.is_new() and self.name:
			tender_log.lock_tender(frappe.db.get_value(self.doctype, self.name, "tender") or self.tender)
		return super().save(*args, **kwargs)

	def validate(self):
		self.load_tender()
		self.check_supplier()
		self.check_one_bid_per_supplier()
		self.start_as_saved()
		self.sync_lines_with_tender()
		self.set_amounts()
		if self.flags.from_award:
			return
		self.check_window()
		if self.status == SUBMITTED:
			self.check_submission()

	def on_update(self):
		if self.flags.log_event:
			payload = {"digest": self.bid_digest, "revision": self.revision}
			if self.flags.line_offers is not None:
				payload["lines"] = self.flags.line_offers
			elif self.tender_doc.mode == tenders.AUCTION:
				payload["total"] = format(flt(self.total, 9), "f")
			tender_log.append(
				self.tender, self.flags.log_event, payload, supplier=self.supplier, bid=self.name
			)
			if self.tender_doc.mode == tenders.AUCTION:
				tender_auction.after_offer(self.tender_doc, now_datetime())

	def on_trash(self):
		if self.status != SAVED:
			frappe.throw(_("Only a bid that was never submitted can be deleted; withdraw it instead."))

	# --- helpers ------------------------------------------------------------------------------

	def load_tender(self):
		self.tender_doc = frappe.get_doc("Tender", self.tender)

	def check_supplier(self):
		"""Only the supplier's own portal users act on its bid (Administrator aside), whatever door."""
		if frappe.session.user != "Administrator" and self.supplier not in suppliers_of_user():
			frappe.throw(_("Supplier: you can bid only for your own supplier."), frappe.PermissionError)

	def check_one_bid_per_supplier(self):
		other = frappe.db.exists(
			"Tender Bid", {"tender": self.tender, "supplier": self.supplier, "name": ("!=", self.name)}
		)
		if other:
			frappe.throw(
				_(
					"Supplier {0} already has bid {1} on this tender: change that bid (a re-submission replaces it)."
				).format(self.supplier, other),
				DuplicateBidError,
				title=_("One Bid per Supplier"),
			)

	def start_as_saved(self):
		"""A new bid is the supplier's Saved draft, whatever was sent (it is submitted by its action)."""
		if self.is_new():
			self.update({"status": SAVED, "submitted_on": None, "revision": 0, "bid_digest": None})

	def sync_lines_with_tender(self):
		"""One row per tender line (requested item, qty, UOM from the tender); one answer per question.
		The supplier's own rows are continued (same row), so a save updates them in place."""
		rows = {}
		for row in self.items:
			rows.setdefault(row.tender_item, row)
		self.set("items", [])
		for idx, line in enumerate(self.tender_doc.items, start=1):
			values = {
				"idx": idx,
				"tender_item": line.name,
				"item_code": line.item_code,
				"description": line.description or line.item_name,
				"requested_qty": line.qty,
				"uom": line.uom,
			}
			self.append_row("items", rows.get(line.name), values)
		answers = {}
		for row in self.answers:
			answers.setdefault(row.question_id, row)
		self.set("answers", [])
		for idx, question in enumerate(self.tender_doc.questions, start=1):
			values = {
				"idx": idx,
				"question_id": question.name,
				"question": question.question,
				"mandatory": question.mandatory,
			}
			self.append_row("answers", answers.get(question.name), values)
		if not self.currency and len(self.tender_doc.currencies) == 1:
			self.currency = self.tender_doc.currencies[0].currency

	def append_row(self, table: str, row, values: dict) -> None:
		if row is None:
			self.append(table, values)
		else:
			row.update(values)
			self.append(table, row)

	def set_amounts(self):
		for row in self.items:
			row.amount = flt(flt(row.unit_price) * flt(row.qty), row.precision("amount"))
		self.total = flt(sum(flt(row.amount) for row in self.items), self.precision("total"))

	def tender_model(self):
		qualified = {self.supplier} if tenders.qualified_for(self.tender_doc, self.supplier) else set()
		return tenders.tender_model(self.tender_doc, qualified)

	def check_window(self):
		"""Nothing is saved, submitted or withdrawn outside the bidding window."""
		action = (
			"withdraw" if self.status == WITHDRAWN else ("submit" if self.status == SUBMITTED else "save")
		)
		opening = self.tender_doc.opening_date
		now = now_datetime()
		if opening and now < get_datetime(opening):
			frappe.throw(_("Bidding on this tender opens at {0}.").format(opening), title=_("Not Open Yet"))
		model = self.tender_model()
		try:
			bid_rules.check_bid_window(model, now, action)
			bid_rules.check_supplier_may_bid(model, self.supplier)
		except TenderError as e:
			throw(e, self, title=_("Bid Not Accepted"))

	def check_submission(self):
		"""A (re-)submission: every rule; in an auction, the offer rules too (of the whole bid, or
		of each line whose price changed in an auction per line); then log it."""
		digest = tender_log.bid_digest(self)
		if digest == self.bid_digest and not self.flags.server_action:
			return
		tender_log.lock_tender(self.tender)
		now = now_datetime()
		try:
			bid_rules.validate_bid(self.tender_model(), tenders.bid_model(self), now)
		except TenderError as e:
			throw(e, self, title=_("Bid Not Accepted"))
		first = not self.revision
		if tender_auction.is_per_line(self.tender_doc):
			self.flags.line_offers = tender_auction.check_line_offers(self.tender_doc, self, now)
			self.flags.log_event = "Bid Submitted" if first else tender_auction.LINE_OFFER
		elif self.tender_doc.mode == tenders.AUCTION:
			tender_auction.check_offer(self.tender_doc, self, now)
			self.flags.log_event = "Bid Submitted" if first else "Auction Offer"
		else:
			self.flags.log_event = "Bid Submitted" if first else "Bid Revised"
		self.submitted_on = now
		self.revision = (self.revision or 0) + 1
		self.bid_digest = digest
