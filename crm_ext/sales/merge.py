"""Merge two Sales Leads: the surviving card keeps its own values, takes the other's blanks, and
inherits all its history (stage log, requests, comments, e-mails, attachments, assignments)
through Frappe's rename-with-merge."""

import frappe
from frappe import _
from frappe.model.rename_doc import rename_doc

from crm_ext.accounts.card_merge import after_merge, check_merge
from crm_ext.logic.dedupe import merge_values
from crm_ext.sales.contact_keys import release_keys
from crm_ext.utils.documents import as_procedure

# Data a person typed; everything computed (stage kind, probability, dates) stays the target's.
MERGED_FIELDS = (
	"lead_name",
	"organization",
	"job_title",
	"birthday",
	"phone",
	"mobile_no",
	"email",
	"secondary_email",
	"whatsapp",
	"telegram",
	"other_messenger",
	"address",
	"city",
	"country",
	"expected_amount",
	"expected_close_date",
	"source",
	"channel",
	"campaign",
	"utm_source",
	"utm_medium",
	"utm_campaign",
	"customer",
	"contact",
	"first_contacted_on",
)


@frappe.whitelist(methods=["POST"])
def merge_leads(source: str, target: str) -> str:
	"""Merge card ``source`` into card ``target``; ``source`` disappears. Needs write access to
	both and the right to delete cards (Sales Manager / CRM Manager)."""
	frappe.has_permission("Sales Lead", "delete", throw=True)
	if source == target:
		frappe.throw(_("Choose two different cards to merge."), title=_("Same Card"))
	frappe.has_permission("Sales Lead", "write", doc=target, throw=True)
	frappe.has_permission("Sales Lead", "delete", doc=source, throw=True)
	source_doc = frappe.get_doc("Sales Lead", source)
	target_doc = frappe.get_doc("Sales Lead", target)
	check_merge(source, target)
	release_keys(source)  # the kept card takes over the person's phones and e-mails

	updates = merge_values(target_doc.as_dict(), source_doc.as_dict(), MERGED_FIELDS)
	if source_doc.description and source_doc.description != target_doc.description:
		updates["description"] = "\n".join(filter(None, [target_doc.description, source_doc.description]))
	if updates:
		target_doc.update(updates)
		as_procedure(target_doc).save()  # the merge may carry the first contact over
	rename_doc("Sales Lead", source, target, merge=True, ignore_permissions=True, show_alert=False)
	after_merge(target)
	return target
