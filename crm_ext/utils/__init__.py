"""Small Frappe-side helpers shared by controllers, hooks and endpoints."""

import frappe
from frappe import _

from crm_ext.logic.errors import LogicError


def throw(error: LogicError, doc=None, title: str | None = None):
	"""Turn a pure-logic error into a translated ``frappe.throw`` naming the field's label."""
	message = _(error.template).format(*error.format_args)
	if error.field and doc is not None:
		label = doc.meta.get_label(error.field)
		if label and label != "No Label":
			message = _("{0}: {1}").format(_(label), message)
	frappe.throw(message, title=title or _("Invalid Value"))
