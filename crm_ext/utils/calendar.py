"""The site's working calendar, built from CRM Ext Settings and an ERPNext Holiday List."""

import frappe
from frappe.utils import getdate, to_timedelta

from crm_ext.logic.working_time import DEFAULT_WEEKLY_OFF, WorkingCalendar, weekly_days_off


def holiday_list_name(company: str | None = None) -> str | None:
	"""The settings' Holiday List, else the company's default one."""
	name = frappe.db.get_single_value("CRM Ext Settings", "holiday_list")
	if name:
		return name
	company = company or frappe.defaults.get_global_default("company")
	return frappe.get_cached_value("Company", company, "default_holiday_list") if company else None


def working_calendar(company: str | None = None) -> WorkingCalendar:
	settings = frappe.get_cached_doc("CRM Ext Settings")
	holidays, weekly_off = frozenset(), DEFAULT_WEEKLY_OFF
	name = holiday_list_name(company)
	if name:
		rows = frappe.get_all(
			"Holiday",
			filters={"parent": name, "parenttype": "Holiday List"},
			fields=["holiday_date", "weekly_off"],
		)
		holidays = frozenset(getdate(r.holiday_date) for r in rows)
		weekly_off = weekly_days_off(getdate(r.holiday_date) for r in rows if r.weekly_off)
	kwargs = {"holidays": holidays, "weekly_off": weekly_off}
	if settings.work_day_start:
		kwargs["day_start"] = to_timedelta(settings.work_day_start)
	if settings.work_day_end:
		kwargs["day_end"] = to_timedelta(settings.work_day_end)
	return WorkingCalendar(**kwargs)
