"""Dates and times as the person reading them sees them in the desk: in their time zone (User >
Time Zone, else the site's), in the site's date and time format (``frappe.utils.format_datetime``),
and naming the zone when it is not the site's, so a time read abroad is never ambiguous.

Frappe stores datetimes naive, in the site's time zone; the desk converts them to the user's zone
when it shows them. Text the server writes for a person (timeline cards, notifications, messages)
does the same here.
"""

from datetime import datetime

import frappe
import pytz
from frappe.utils import format_datetime, get_datetime, get_system_timezone


def user_time_zone(user: str | None = None) -> str:
	"""The time zone ``user`` (default: the session user) reads times in."""
	user = user or frappe.session.user
	zone = frappe.db.get_value("User", user, "time_zone") if user and user != "Guest" else None
	return zone or get_system_timezone()


def to_user_time(value, user: str | None = None) -> datetime | None:
	"""A stored (site time zone) datetime as ``user``'s wall-clock time, naive."""
	if not value:
		return None
	moment = get_datetime(value)
	system, zone = get_system_timezone(), user_time_zone(user)
	if zone == system:
		return moment
	try:
		local = pytz.timezone(system).localize(moment)
		return local.astimezone(pytz.timezone(zone)).replace(tzinfo=None)
	except pytz.UnknownTimeZoneError:
		return moment


def format_user_datetime(value, user: str | None = None) -> str:
	"""``value`` formatted for ``user``: their zone, the site's format, the zone named when it differs
	from the site's ("25-11-2026 18:30 (Europe/Kyiv)")."""
	if not value:
		return ""
	text = format_datetime(to_user_time(value, user))
	zone = user_time_zone(user)
	return f"{text} ({zone})" if zone != get_system_timezone() else text
