"""Rules for CRM Ext Settings values."""

from crm_ext.logic.errors import LogicError, _


def check_settings(
	first_contact_minutes: int,
	work_day_start_seconds: int | None,
	work_day_end_seconds: int | None,
	percent_fields: dict[str, float],
) -> None:
	"""Raise LogicError for the first settings value that cannot work.

	Times are seconds since midnight (None when unset); ``percent_fields`` maps fieldname to a
	percentage that must lie in 0..100.
	"""
	if first_contact_minutes is not None and first_contact_minutes < 1:
		raise LogicError(_("First contact time must be at least 1 minute."), field="first_contact_minutes")
	if (
		work_day_start_seconds is not None
		and work_day_end_seconds is not None
		and work_day_end_seconds <= work_day_start_seconds
	):
		raise LogicError(_("The working day must end after it starts."), field="work_day_end")
	for fieldname, value in percent_fields.items():
		if value is not None and not 0 <= value <= 100:
			raise LogicError(_("A threshold is a percentage between 0 and 100."), field=fieldname)
