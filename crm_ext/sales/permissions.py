"""Row-level access to the sales side.

A Sales User sees and edits the cards they are responsible for, created, or are assigned to;
Sales Manager, CRM Manager, System Manager and the accounts roles see every card (what each may
do with it comes from the doctype's role permissions). Stage logs and requests follow the card.
"""

import json

import frappe

SEE_ALL_ROLES = frozenset(
	{"System Manager", "CRM Manager", "Sales Manager", "Accounts User", "Accounts Manager", "Auditor"}
)


def sees_all_leads(user: str) -> bool:
	return user == "Administrator" or bool(SEE_ALL_ROLES.intersection(frappe.get_roles(user)))


def own_leads_condition(user: str, table: str = "`tabSales Lead`") -> str:
	escaped = frappe.db.escape(user)
	assigned = frappe.db.escape(f'%"{user}"%')
	return (
		f"({table}.`lead_owner` = {escaped} or {table}.`owner` = {escaped}"
		f" or {table}.`_assign` like {assigned})"
	)


def sales_lead_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	return "" if sees_all_leads(user) else own_leads_condition(user)


def sales_lead_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if sees_all_leads(user) or doc.is_new():
		return None  # no opinion: role permissions decide
	assigned = json.loads(doc.get("_assign") or "[]")
	return user in (doc.lead_owner, doc.owner) or user in assigned


def _linked_query(doctype: str, user: str | None) -> str:
	user = user or frappe.session.user
	if sees_all_leads(user):
		return ""
	return (
		f"`tab{doctype}`.`sales_lead` in (select `name` from `tabSales Lead` where "
		f"{own_leads_condition(user)})"
	)


def stage_log_query(user: str | None = None, doctype: str | None = None) -> str:
	return _linked_query("Sales Lead Stage Log", user)


def sales_request_query(user: str | None = None, doctype: str | None = None) -> str:
	return _linked_query("Sales Request", user)


def _linked_has_permission(doc, user: str | None) -> bool | None:
	user = user or frappe.session.user
	if sees_all_leads(user) or not doc.get("sales_lead"):
		return None
	lead = frappe.db.get_value("Sales Lead", doc.sales_lead, ["lead_owner", "owner", "_assign"], as_dict=True)
	if not lead:
		return None
	return user in (lead.lead_owner, lead.owner) or user in json.loads(lead._assign or "[]")


def stage_log_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	return _linked_has_permission(doc, user)


def sales_request_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	return _linked_has_permission(doc, user)


# --- interactions: whoever may read the card may read its interactions -------------------------

INTERACTION_PARTIES = ("Customer", "Supplier")


def interaction_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if sees_all_leads(user):
		return ""
	allowed = [
		f"(`tabInteraction`.`reference_doctype` = 'Sales Lead' and `tabInteraction`.`reference_name` in "
		f"(select `name` from `tabSales Lead` where {own_leads_condition(user)}))"
	]
	for party in INTERACTION_PARTIES:
		if frappe.has_permission(party, "read", user=user):
			allowed.append(f"`tabInteraction`.`reference_doctype` = {frappe.db.escape(party)}")
	return "(" + " or ".join(allowed) + ")"


def interaction_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if sees_all_leads(user) or not (doc.get("reference_doctype") and doc.get("reference_name")):
		return None
	if not frappe.db.exists(doc.reference_doctype, doc.reference_name):
		return None  # the link check will say so
	return frappe.has_permission(doc.reference_doctype, "read", doc.reference_name, user=user)
