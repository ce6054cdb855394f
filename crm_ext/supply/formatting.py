"""Dates, quantities and money of tenders as ERPNext shows them, for e-mails, portal pages and
print formats (the last two reach these through the ``jinja`` methods of hooks.py).

Deadlines are stored in the system's time zone (System Settings), as every Frappe Datetime is; a
supplier reading "17:00" in an e-mail or on the portal cannot know which 17:00 it is, so a deadline
always names its time zone, and the reader's own time when the reader's time zone (User settings)
differs.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.utils import flt, fmt_money, format_datetime, get_datetime, get_system_timezone


def format_deadline(value, local: bool = True) -> str:
	"""``value`` in the user's date and time format with the system time zone, e.g.
	"31-12-2030 17:00:00 (Europe/Kyiv)"; with ``local`` and a user whose time zone differs, also
	the user's own time: "... (Europe/Kyiv), 16:00:00 in Europe/Berlin"."""
	if not value:
		return ""
	moment = get_datetime(value)
	system = get_system_timezone()
	text = _("{0} ({1})").format(format_datetime(moment), system)
	mine = user_time_zone() if local else None
	if mine and mine != system:
		try:
			there = moment.replace(tzinfo=ZoneInfo(system)).astimezone(ZoneInfo(mine)).replace(tzinfo=None)
		except (ZoneInfoNotFoundError, ValueError):
			return text
		text = _("{0}, {1} in {2}").format(text, format_datetime(there), mine)
	return text


def user_time_zone() -> str | None:
	user = frappe.session.user if frappe.session else None
	if not user or user == "Guest":
		return None
	return frappe.get_cached_value("User", user, "time_zone") or None


def format_qty(value) -> str:
	"""A quantity as ERPNext prints a Float: "1,500" for 1500.0, "12.5" for 12.5."""
	return frappe.format_value(flt(value), {"fieldtype": "Float"})


def format_money(value, currency: str | None) -> str:
	"""An amount with its currency symbol, in the number format of the system."""
	return fmt_money(flt(value), currency=currency)
