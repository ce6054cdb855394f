"""The error raised by tender rules."""

from crm_ext.logic.errors import LogicError


class TenderError(LogicError):
	"""A tender, bid or auction rule was broken.

	``field`` names the input at fault. For a bid line it is the field of the child row
	(``unit_price``, ``qty``...) and ``row`` is the 1-based position of that row in the bid
	(Frappe's ``idx``); ``row`` is None for errors about the document itself. The message
	already says "Row {n}" where it matters, so a caller that ignores ``row`` loses nothing.
	"""

	def __init__(self, template: str, *args, field: str = "", row: int | None = None):
		self.row = row
		super().__init__(template, *args, field=field)
