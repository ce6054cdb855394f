"""Errors raised by the pure logic.

A LogicError carries a message *template* with ``{0}``-style placeholders, its arguments and
the field at fault. Templates are wrapped in the no-op ``_`` below so that Frappe's translation
extractor (which collects ``_("...")`` calls from every .py file of the app) finds them; the
Frappe layer translates the template and then formats it (``crm_ext.utils.throw``).
"""


def _(text: str) -> str:
	"""Mark a message for translation; translated by the Frappe layer, not here."""
	return text


class LogicError(ValueError):
	"""A rule was broken. ``field`` names the input at fault (may be empty)."""

	def __init__(self, template: str, *args, field: str = ""):
		self.template = template
		self.format_args = args
		self.field = field
		super().__init__(self.message)

	@property
	def message(self) -> str:
		return self.template.format(*self.format_args)


class InvalidContactValue(LogicError):
	"""A phone number or e-mail address that cannot be normalised."""
