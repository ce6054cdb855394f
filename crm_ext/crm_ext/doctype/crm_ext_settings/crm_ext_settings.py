# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint, flt, to_timedelta

from crm_ext.logic.errors import LogicError
from crm_ext.logic.settings_rules import check_settings
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument


class CRMExtSettings(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		credit_check_action: DF.Literal["Warn", "Block"]
		default_phone_country: DF.Link | None
		default_pipeline: DF.Link | None
		first_contact_minutes: DF.Int
		follow_up_escalation_days: DF.Int
		head_of_sales: DF.Link | None
		holiday_list: DF.Link | None
		intake_owner: DF.Link | None
		intake_token: DF.Password | None
		move_paid_leads: DF.Check
		overdue_share_threshold: DF.Percent
		po_qualification_check: DF.Literal["Off", "Warn", "Block"]
		receivable_share_threshold: DF.Percent
		rfq_qualification_check: DF.Literal["Off", "Warn", "Block"]
		sales_order_check_action: DF.Literal["Warn", "Block"]
		send_follow_up_digest: DF.Check
		shipments_period_days: DF.Int
		tender_qualification_check: DF.Literal["Off", "Warn", "Block"]
		work_day_end: DF.Time | None
		work_day_start: DF.Time | None
	# end: auto-generated types

	def validate(self):
		try:
			check_settings(
				cint(self.first_contact_minutes),
				seconds_since_midnight(self.work_day_start),
				seconds_since_midnight(self.work_day_end),
				{
					"receivable_share_threshold": flt(self.receivable_share_threshold),
					"overdue_share_threshold": flt(self.overdue_share_threshold),
				},
			)
		except LogicError as e:
			throw(e, self, title=_("Invalid Setting"))
		self.validate_intake_user()

	def validate_intake_user(self):
		"""Token-authenticated intake runs as this user: never an administrator."""
		user = self.intake_owner
		if user and (user == "Administrator" or "System Manager" in frappe.get_roles(user)):
			frappe.throw(
				_(
					"Intake User: {0} is an administrator. Choose a user with only the CRM Intake role, or leave it empty for the app's own intake user."
				).format(frappe.bold(user)),
				title=_("Invalid Setting"),
			)


def seconds_since_midnight(value) -> int | None:
	"""Whole seconds of a Time value (str or timedelta), None when unset."""
	return int(to_timedelta(value).total_seconds()) if value else None


def get_settings() -> CRMExtSettings:
	"""The settings single, cached per request (cleared by Frappe on save)."""
	return frappe.get_cached_doc("CRM Ext Settings")


def default_phone_region() -> str | None:
	"""ISO alpha-2 code of the settings' default phone country, for phone normalisation."""
	country = get_settings().default_phone_country
	if not country:
		return None
	code = frappe.db.get_value("Country", country, "code")
	return code.upper() if code else None
