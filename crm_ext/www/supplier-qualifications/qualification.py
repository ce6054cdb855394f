"""Portal page of one qualification (/supplier-qualifications/<name>): fill in, upload, submit, see
the result. Right: the qualification's own supplier or registrant (``get_own``)."""

import frappe
from frappe import _

from crm_ext.logic.qualification import DRAFT
from crm_ext.supply.portal import get_own

no_cache = 1


def get_context(context):
	name = frappe.form_dict.name
	if not name:
		frappe.local.flags.redirect_location = "/supplier-qualifications"
		raise frappe.Redirect
	doc = get_own(name)
	context.doc = doc
	context.editable = doc.status == DRAFT and doc.docstatus == 0
	context.show_sidebar = True
	context.title = _("Qualification {0}").format(doc.name)
	context.parents = [{"route": "supplier-qualifications", "label": _("My Qualifications")}]
	return context
