# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

"""A rep's sales plan for a month or a quarter (company currency, optionally per pipeline and item
group): what the "Plan vs Fact" report measures the invoiced fact against. One plan per rep,
company, period and dimensions: the database's unique ``plan_key`` holds it under concurrent saves."""

import frappe
from frappe import _
from frappe.utils import flt, getdate

from crm_ext.logic.errors import LogicError
from crm_ext.logic.plan import period_bounds
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument


class SalesPlan(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link
		company_currency: DF.Link | None
		item_group: DF.Link | None
		period_end: DF.Date | None
		period_start: DF.Date
		period_type: DF.Literal["Month", "Quarter"]
		pipeline: DF.Link | None
		plan_amount: DF.Currency
		plan_key: DF.Data | None
		sales_rep: DF.Link
	# end: auto-generated types

	def validate(self):
		self.set_period()
		self.check_amount()
		self.company_currency = frappe.get_cached_value("Company", self.company, "default_currency")
		self.plan_key = self.key()
		self.check_unique()

	def set_period(self):
		try:
			start, end = period_bounds(self.period_type, getdate(self.period_start))
		except LogicError as error:
			throw(error, self)
		self.period_start, self.period_end = start, end

	def check_amount(self):
		if flt(self.plan_amount) < 0:
			frappe.throw(
				_("{0} cannot be negative.").format(_(self.meta.get_label("plan_amount"))),
				title=_("Invalid Value"),
			)

	def key(self) -> str:
		parts = (self.sales_rep, self.company, self.period_type, str(self.period_start))
		return "|".join((*parts, self.pipeline or "", self.item_group or ""))

	def check_unique(self):
		"""A clear message for the common case; the unique key decides under concurrency."""
		other = frappe.db.get_value("Sales Plan", {"plan_key": self.plan_key, "name": ("!=", self.name)})
		if other:
			frappe.throw(
				_("{0} already has plan {1} for this period, company, pipeline and item group.").format(
					frappe.bold(self.sales_rep), frappe.bold(other)
				),
				frappe.UniqueValidationError,
				title=_("Duplicate Plan"),
			)
