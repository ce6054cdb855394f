"""Row-level access on the sales side: every rule of the sales side is in this module.

- The head of sales and accounting (``SEE_ALL_ROLES``) see every card; what each may do with it
  comes from the doctypes' role permissions.
- A Sales User sees and changes the cards they are responsible for (``lead_owner``), created
  (``owner``) or are assigned to (``_assign``), judged on the card **as stored**: what a request
  sends (a new ``lead_owner``, a forged ``owner``) never opens a card.
- Stage log rows, requests and interactions on a card follow the card; a request not joined to a
  card yet is seen by the see-all roles only; an interaction on a Customer or Supplier follows the
  user's read right on that customer or supplier (role, user permissions, shares); interactions
  are only ever stored on these three.
- A sales plan is read by its rep and by the see-all roles; only the head of sales writes plans
  (role permissions).
- Assignment is not a way in: a ToDo on a record of the app is accepted (created, moved onto it,
  given to someone else or reopened) only from a user who may write that record (or from the app's
  own procedures, :func:`crm_ext.utils.documents.procedure`), so ``_assign`` only ever names users
  someone entitled chose, and the round-robin Responsible is never taken by assigning oneself.

Hooks answer True or False (Frappe v16 denies on None); they can only narrow the role permissions.
"""

import json

import frappe
from frappe import _
from frappe.model.db_query import DatabaseQuery

from crm_ext.utils.documents import in_procedure

SEE_ALL_ROLES = frozenset(
	{"System Manager", "CRM Manager", "Sales Manager", "Accounts User", "Accounts Manager", "Auditor"}
)
CARD = "Sales Lead"
INTERACTION_PARTIES = ("Customer", "Supplier")

# --- what only the sales procedures set (crm_ext.utils.documents) ------------------------------

# what the public may create without logging in: the web form's request (crm_ext.utils.documents)
GUEST_INSERTS = ("Sales Request",)
SERVER_FIELDS = {
	# stage rules, first-contact clock, follow-ups, the ledger
	"Sales Lead": (
		"title",
		"stage_kind",
		"probability",
		"stage_entered_on",
		"first_contact_due",
		"first_contacted_on",
		"first_contact_escalated",
		"last_contact_on",
		"next_step",
		"next_step_status",
		"payment_status",
		"invoiced_amount",
		"paid_amount",
		"outstanding_amount",
		"overdue_amount",
		"money_updated_on",
		# the card's contract and its signed state, from the contract's events
		"contract",
		"contract_signed",
		"contract_signed_on",
	),
	# the outcome of the intake, never the sender's
	"Sales Request": ("sales_lead", "outcome", "received_on", "received_via"),
	"Interaction": (
		"end_time",
		"reference_title",
		"subject",
		"follow_up",
		"follow_up_event",
		# written by a campaign send and its replies (crm_ext.sales.campaigns)
		"campaign",
		"campaign_send",
		"recipient",
	),
	# the send's outcome, written by the send and its job (crm_ext.sales.campaigns)
	"Sales Campaign Send": (
		"status",
		"queued_on",
		"sent_on",
		"recipients",
		"skipped_no_consent",
		"skipped_unsubscribed",
		"skipped_no_address",
		"segment_key",
		"email_group",
		"newsletter",
		"error",
	),
	"Sales Pipeline": ("kanban_board",),
	# derived from the period and the company by the controller
	"Sales Plan": ("period_end", "company_currency", "plan_key"),
}
SERVER_TABLES = {"Pipeline Stage": {"required_fields": ("label",)}}
TRANSITION_FIELDS: dict[str, tuple[str, ...]] = {}


def sees_all_leads(user: str) -> bool:
	return user == "Administrator" or bool(SEE_ALL_ROLES.intersection(frappe.get_roles(user)))


def holds_card(card: dict | None, user: str) -> bool:
	"""``card`` ({lead_owner, owner, _assign} as stored) is one of ``user``'s cards."""
	if not card:
		return False
	return user in (card.get("lead_owner"), card.get("owner")) or user in json.loads(
		card.get("_assign") or "[]"
	)


def stored_card(name: str | None) -> dict | None:
	if not name:
		return None
	return frappe.db.get_value(CARD, name, ["lead_owner", "owner", "_assign"], as_dict=True)


def assigned_pattern(user: str) -> str:
	"""A LIKE pattern matching the cards whose ``_assign`` (a JSON list) names ``user``: the user's
	``%``, ``_`` and ``\\`` taken literally (``j_doe@x`` does not match ``jxdoe@x``)."""
	literal = user.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
	return f'%"{literal}"%'


def own_leads_condition(user: str, table: str = "`tabSales Lead`") -> str:
	escaped = frappe.db.escape(user)
	assigned = frappe.db.escape(assigned_pattern(user))
	return (
		f"({table}.`lead_owner` = {escaped} or {table}.`owner` = {escaped}"
		f" or {table}.`_assign` like {assigned})"
	)


# --- Sales Lead ---------------------------------------------------------------------------------


def sales_lead_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	return "" if sees_all_leads(user) else own_leads_condition(user)


def sales_lead_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if sees_all_leads(user) or doc.is_new():
		return True  # role permissions decide
	return holds_card(stored_card(doc.name), user)


# --- records that follow their card -------------------------------------------------------------


def _linked_query(doctype: str, user: str | None) -> str:
	user = user or frappe.session.user
	if sees_all_leads(user):
		return ""
	return (
		f"`tab{doctype}`.`sales_lead` in (select `name` from `tabSales Lead` where "
		f"{own_leads_condition(user)})"
	)


def _stored_link(doc, fieldname: str) -> str | None:
	if doc.is_new():
		return doc.get(fieldname)
	return frappe.db.get_value(doc.doctype, doc.name, fieldname)


def _linked_has_permission(doc, user: str | None) -> bool:
	user = user or frappe.session.user
	if sees_all_leads(user):
		return True
	return holds_card(stored_card(_stored_link(doc, "sales_lead")), user)


def stage_log_query(user: str | None = None, doctype: str | None = None) -> str:
	return _linked_query("Sales Lead Stage Log", user)


def stage_log_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	return _linked_has_permission(doc, user)


def sales_request_query(user: str | None = None, doctype: str | None = None) -> str:
	return _linked_query("Sales Request", user)


def sales_request_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	if doc.is_new() and ptype == "create":
		return True  # the CRM Intake role creates requests; role permissions decide
	return _linked_has_permission(doc, user)


# --- interactions: whoever may read the card may read its interactions --------------------------


def interaction_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if sees_all_leads(user):
		return ""
	allowed = [
		f"(`tabInteraction`.`reference_doctype` = 'Sales Lead' and `tabInteraction`.`reference_name` in "
		f"(select `name` from `tabSales Lead` where {own_leads_condition(user)}))"
	]
	for party in INTERACTION_PARTIES:
		condition = party_condition(party, user)
		if condition is not None:
			allowed.append(
				f"(`tabInteraction`.`reference_doctype` = {frappe.db.escape(party)}"
				+ (f" and `tabInteraction`.`reference_name` in {condition})" if condition else ")")
			)
	return "(" + " or ".join(allowed) + ")"


def party_condition(party: str, user: str) -> str | None:
	"""The ``party`` records ``user`` may read, as ``(select name ...)``: "" for all of them, None
	for none (Frappe's own rules: role, user permissions, shares)."""
	shown = len(frappe.local.message_log)
	try:
		condition = DatabaseQuery(party, user=user).build_match_conditions(as_condition=True)
	except frappe.PermissionError:
		# Frappe's throw also put a red "No permission to read" into the response: here it only
		# means "none of them", so take it back (a rep's every card showed it twice)
		del frappe.local.message_log[shown:]
		return None
	return f"(select `name` from `tab{party}` where {condition})" if condition else ""


def interaction_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""Judged on the card the interaction is stored on (a new one: the card it names); only Sales
	Lead, Customer and Supplier cards carry interactions."""
	user = user or frappe.session.user
	if sees_all_leads(user):
		return True
	if doc.is_new():
		reference = (doc.get("reference_doctype"), doc.get("reference_name"))
	else:
		reference = frappe.db.get_value(doc.doctype, doc.name, ["reference_doctype", "reference_name"])
	if not reference or not (reference[0] and reference[1]):
		return True  # the controller refuses an interaction without a card
	doctype, name = reference
	if doctype == CARD:
		return holds_card(stored_card(name), user)
	if doctype in INTERACTION_PARTIES and frappe.db.exists(doctype, name):
		return frappe.has_permission(doctype, "read", doc=name, user=user)
	return False


# --- sales plans: a rep reads their own plan; the head of sales (and accounting) all of them --------


def sales_plan_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	return "" if sees_all_leads(user) else f"`tabSales Plan`.`sales_rep` = {frappe.db.escape(user)}"


def sales_plan_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""Judged on the plan as stored (a new one: role permissions decide; reps have no create)."""
	user = user or frappe.session.user
	if sees_all_leads(user) or doc.is_new():
		return True
	return frappe.db.get_value("Sales Plan", doc.name, "sales_rep") == user


# --- assignment is not a way in -----------------------------------------------------------------


def check_assignment(todo, method: str | None = None) -> None:
	"""ToDo ``validate``: assigning a record of the app (or moving an assignment onto one) needs
	write access to that record as stored; the app's own procedures assign as they must."""
	from crm_ext.access import app_doctypes

	if not todo.reference_type or not todo.reference_name:
		return
	if todo.reference_type not in app_doctypes():
		return
	moved = (
		todo.is_new()
		or any(
			todo.has_value_changed(f)
			for f in ("reference_type", "reference_name", "allocated_to", "assignment_rule")
		)
		or (todo.status == "Open" and todo.has_value_changed("status"))  # a closed assignment reopened
	)
	if not moved or frappe.session.user == "Administrator" or in_procedure():
		return
	if not frappe.db.exists(todo.reference_type, todo.reference_name):
		return  # Frappe's link check answers
	if not frappe.has_permission(todo.reference_type, "write", todo.reference_name):
		frappe.throw(
			_("You cannot assign {0} {1}: only who may change it may assign it.").format(
				_(todo.reference_type), frappe.bold(todo.reference_name)
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
