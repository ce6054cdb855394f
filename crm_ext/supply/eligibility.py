"""Supplier eligibility on a date for product categories: the one answer RFQs, Purchase Orders and
tenders ask for.

``supplier_eligibility`` gathers the supplier's qualifications, ERPNext's Supplier Scorecard flags
and hold status and lets ``crm_ext.logic.eligibility`` decide; ``is_supplier_qualified`` answers
the narrower question "is there a valid qualification for this category on that date".
``check_transaction`` is the ``doc_events`` hook that warns or blocks RFQs and Purchase Orders
as configured in CRM Ext Settings (tenders call ``enforce`` the same way); ``tender_line_standings``
is the same answer per tender line, for the award rules.
"""

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

from crm_ext.logic import eligibility as rules
from crm_ext.logic.qualification import EXPIRED, QUALIFIED
from crm_ext.logic.tender.award import LineStanding, line_standing
from crm_ext.supply.access import is_internal, require_internal
from crm_ext.supply.item_groups import ancestors_map

# Setting (in CRM Ext Settings) holding the Off / Warn / Block mode of each context.
MODE_SETTINGS = {
	rules.RFQ: "rfq_qualification_check",
	rules.PURCHASE_ORDER: "po_qualification_check",
	rules.TENDER: "tender_qualification_check",
}
# ERPNext's Supplier Scorecard flags on Supplier that apply to each context.
SCORECARD_FLAGS = {
	rules.RFQ: ("prevent_rfqs", "warn_rfqs"),
	rules.TENDER: ("prevent_rfqs", "warn_rfqs"),
	rules.PURCHASE_ORDER: ("prevent_pos", "warn_pos"),
}


def qualification_records(supplier: str) -> list[rules.QualificationRecord]:
	rows = frappe.get_all(
		"Supplier Qualification",
		filters={"supplier": supplier, "docstatus": 1, "status": ("in", (QUALIFIED, EXPIRED))},
		fields=["name", "status", "qualified_on", "valid_until", "expired_on", "score"],
	)
	groups: dict[str, set[str]] = {}
	if rows:
		for g in frappe.get_all(
			"Qualification Item Group",
			filters={"parenttype": "Supplier Qualification", "parent": ("in", [r.name for r in rows])},
			fields=["parent", "item_group"],
		):
			groups.setdefault(g.parent, set()).add(g.item_group)
	return [
		rules.QualificationRecord(
			name=r.name,
			status=r.status,
			qualified_on=getdate(r.qualified_on) if r.qualified_on else None,
			valid_until=getdate(r.valid_until) if r.valid_until else None,
			item_groups=frozenset(groups.get(r.name, ())),
			score=r.score or 0,
			expired_on=getdate(r.expired_on) if r.expired_on else None,
		)
		for r in rows
	]


def supplier_standing(supplier: str, context: str) -> rules.Standing:
	prevent_field, warn_field = SCORECARD_FLAGS[context]
	values = frappe.db.get_value(
		"Supplier",
		supplier,
		["disabled", "on_hold", "hold_type", "release_date", prevent_field, warn_field],
		as_dict=True,
	)
	if not values:
		frappe.throw(_("Supplier {0} does not exist.").format(supplier), frappe.DoesNotExistError)
	prevent, warn = cint(values[prevent_field]), cint(values[warn_field])
	standing = (
		frappe.db.get_value("Supplier Scorecard", {"supplier": supplier}, "status") if prevent or warn else ""
	)
	return rules.Standing(
		disabled=bool(cint(values.disabled)),
		on_hold=bool(cint(values.on_hold)),
		hold_type=values.hold_type or "",
		release_date=getdate(values.release_date) if values.release_date else None,
		scorecard_standing=standing or "",
		scorecard_prevent=bool(prevent),
		scorecard_warn=bool(warn),
	)


def qualification_mode(context: str) -> str:
	return frappe.db.get_single_value("CRM Ext Settings", MODE_SETTINGS[context]) or rules.MODE_WARN


def supplier_eligibility(
	supplier: str, item_groups: list[str], on_date=None, context: str = rules.TENDER
) -> rules.Eligibility:
	"""The eligibility answer (with reasons) of ``supplier`` for ``item_groups`` on ``on_date``."""
	if context not in rules.CONTEXTS:
		frappe.throw(_("Unknown eligibility context {0}.").format(context))
	return rules.eligibility(
		supplier,
		list(item_groups),
		getdate(on_date or nowdate()),
		qualification_records(supplier),
		ancestors_map(list(item_groups)),
		supplier_standing(supplier, context),
		qualification_mode(context),
	)


def is_supplier_qualified(supplier: str, item_group: str, on_date=None) -> bool:
	"""A Qualified (or since Expired) qualification covers ``item_group`` on ``on_date``."""
	on = getdate(on_date or nowdate())
	ancestors = ancestors_map([item_group]).get(item_group, [])
	return rules.qualifying_record(qualification_records(supplier), item_group, ancestors, on) is not None


def translated(reason: rules.Reason) -> str:
	return _(reason.template).format(*reason.args)


def warn(answer: rules.Eligibility) -> None:
	"""Show every reason (blocks included: they will stop the submission) as a warning."""
	if answer.reasons:
		frappe.msgprint(
			"<br>".join(translated(r) for r in answer.reasons),
			title=_("Supplier Eligibility"),
			indicator="orange",
		)


def block(answer: rules.Eligibility, title: str | None = None) -> None:
	"""Throw when anything blocks the supplier."""
	if answer.blocks:
		frappe.throw(
			"<br>".join(translated(r) for r in answer.blocks), title=title or _("Supplier Not Eligible")
		)


def enforce(answer: rules.Eligibility, title: str | None = None) -> None:
	"""For callers that commit in one step (e.g. tender invitation): block, else warn."""
	block(answer, title)
	warn(answer)


def tender_line_standings(
	tender, suppliers: list[str], on_date=None
) -> tuple[dict[str, dict[str, LineStanding]], list[tuple[str, str, str]]]:
	"""Who may be awarded each line of ``tender`` on ``on_date`` (default today: the award is made
	now, as the Purchase Order check judges its own date), and why the others may not.

	Returns (line id -> supplier -> standing, [(line id, supplier, reason)] for every supplier not
	eligible for a line, or eligible but not qualified for its category). The eligibility answer
	is the one of invitations and Purchase Orders (CRM Ext Settings' tender check); an open tender
	admits a supplier it did not invite only as qualified for each line's category.
	"""
	on = getdate(on_date or nowdate())
	mode = qualification_mode(rules.TENDER)
	invited = {row.supplier for row in tender.suppliers}
	ancestors = ancestors_map([row.item_group for row in tender.items if row.item_group])
	standings: dict[str, dict[str, LineStanding]] = {row.name: {} for row in tender.items}
	notes: list[tuple[str, str, str]] = []
	for supplier in dict.fromkeys(suppliers):
		records = qualification_records(supplier)
		standing = supplier_standing(supplier, rules.TENDER)
		best = max((r.score for r in records if rules.valid_on(r, on)), default=0)
		for row in tender.items:
			group = row.item_group or ""
			answer = rules.eligibility(
				supplier, [group] if group else [], on, records, ancestors, standing, mode
			)
			record = rules.qualifying_record(records, group, ancestors.get(group, []), on) if group else None
			qualified = record is not None or not group
			result = line_standing(
				eligible=answer.eligible,
				qualified=qualified,
				qualification_checked=mode != rules.MODE_OFF,
				qualification_required=bool(tender.open_to_qualified) and supplier not in invited,
				qualification=(record.score if record else 0) if group else best,
			)
			if result is not None:
				standings[row.name][supplier] = result
			if result is None or not result.preferred:
				reasons = [translated(r) for r in answer.blocks] or [
					_("Supplier {0} is not qualified for {1} on {2}.").format(supplier, group, on.isoformat())
				]
				notes.append((row.name, supplier, " ".join(reasons)))
	return standings, notes


# --- doc_events -------------------------------------------------------------------------------


def check_transaction(doc, method: str | None = None) -> None:
	"""RFQ / Purchase Order hook: warn on save, block on submit (per CRM Ext Settings)."""
	context = rules.RFQ if doc.doctype == "Request for Quotation" else rules.PURCHASE_ORDER
	suppliers = (
		[row.supplier for row in doc.get("suppliers") or [] if row.supplier]
		if context == rules.RFQ
		else [doc.supplier]
	)
	groups = [row.item_group for row in doc.get("items") or [] if row.item_group]
	blocking = method == "before_submit"
	for supplier in dict.fromkeys(s for s in suppliers if s):
		answer = supplier_eligibility(supplier, groups, doc.get("transaction_date"), context)
		# ERPNext's own validate already reports the scorecard standing for these documents.
		answer = rules.Eligibility(
			answer.supplier,
			answer.on_date,
			tuple(r for r in answer.reasons if r.code != rules.SCORECARD),
			answer.qualified_by,
		)
		if blocking:
			block(answer, title=_("Supplier {0} Not Eligible").format(supplier))
		else:
			warn(answer)


# --- desk ---------------------------------------------------------------------------------------


@frappe.whitelist()
def get_supplier_eligibility(
	supplier: str, item_groups: list | str, on_date: str | None = None, context: str = rules.TENDER
) -> dict:
	"""The eligibility answer as a dict, for forms and (later) tenders.
	Right: an internal buyer who may read the Supplier."""
	require_internal()
	frappe.has_permission("Supplier", "read", supplier, throw=True)
	groups = frappe.parse_json(item_groups) if isinstance(item_groups, str) else item_groups
	answer = supplier_eligibility(supplier, groups or [], on_date, context)
	return {
		"supplier": supplier,
		"on_date": str(answer.on_date),
		"eligible": answer.eligible,
		"qualified_by": answer.qualified_by,
		"reasons": [
			{"code": r.code, "severity": r.severity, "item_group": r.item_group, "message": translated(r)}
			for r in answer.reasons
		],
	}


@frappe.whitelist()
def get_qualification_summary(supplier: str) -> list[dict]:
	"""Latest qualification per product category, for the Supplier form's indicator.
	Right: read on the Supplier; only procurement gets the qualifications (others: nothing)."""
	frappe.has_permission("Supplier", "read", supplier, throw=True)
	if not is_internal() or not frappe.has_permission("Supplier Qualification", "read"):
		return []
	today = getdate(nowdate())
	latest: dict[str, dict] = {}
	for record in qualification_records(supplier):
		valid = bool(
			record.status == QUALIFIED
			and record.qualified_on
			and record.valid_until
			and record.qualified_on <= today <= record.valid_until
		)
		for group in record.item_groups:
			current = latest.get(group)
			if current is None or (record.valid_until or today) > current["valid_until_date"]:
				latest[group] = {
					"item_group": group,
					"qualification": record.name,
					"status": QUALIFIED if valid else EXPIRED,
					"valid_until": str(record.valid_until or ""),
					"valid_until_date": record.valid_until or today,
				}
	open_rows = frappe.get_all(
		"Supplier Qualification",
		filters={"supplier": supplier, "docstatus": 0},
		fields=["name", "status"],
	)
	summary = [{k: v for k, v in row.items() if k != "valid_until_date"} for row in latest.values()]
	for row in open_rows:
		summary.append({"item_group": "", "qualification": row.name, "status": row.status, "valid_until": ""})
	return sorted(summary, key=lambda r: (r["item_group"] == "", r["item_group"]))
