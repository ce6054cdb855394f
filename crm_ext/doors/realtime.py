"""The realtime doctype room of a doctype with row rules.

Frappe lets anyone with doctype-level read join ``doctype:<DocType>``, where every save sends
``list_update`` with the record's name and who changed it (a rival's bid revisions, a
colleague's cards). Here only users who see every record of such a doctype may join; the others
refresh their lists themselves. The record's own room (``can_subscribe_doc``) already needs read
on the record.
"""

import frappe
from frappe import realtime

from crm_ext.doors.common import is_sensitive, refuse, sees_every_record


@frappe.whitelist(allow_guest=True)
def can_subscribe_doctype(doctype: str) -> bool:
	if is_sensitive(doctype) and not sees_every_record(doctype):
		refuse()
	return realtime.can_subscribe_doctype(doctype)
