"""The review workflow of Supplier Qualification, created from code on install and migrate.

The workflow is one table, ``crm_ext.logic.qualification_review.TRANSITIONS``: the Supplier
Qualification controller checks every status change against it whatever the door (and replaces
Frappe's role-only workflow check, which cannot know the record's own supplier or the four eyes of
a decision); the Frappe Workflow built here from the same table draws the desk's action buttons.
The record's party (its supplier's portal users) is the portal role Supplier there; a registrant
without a role submits through the portal (``crm_ext.supply.portal``).

A Frappe Workflow (with its Workflow States and Workflow Action Masters) is site data, not a
module-synced file, so ``sync_workflow`` creates or updates it idempotently; ``remove_workflow``
deletes the workflow and every state or action it introduced that no other workflow uses (Frappe's
own standard ones are never deleted).
"""

import frappe

from crm_ext.logic import qualification_review as review

DOCTYPE = "Supplier Qualification"
WORKFLOW_NAME = "Supplier Qualification Review"
# Frappe knows roles only: the record's own party is, in the desk, its supplier's portal role.
PARTY_ROLE = "Supplier"

# state, role allowed to edit, style (docstatus: review.DOCSTATUS)
STATES = [
	("Draft", "Supplier", ""),
	("Submitted", "Purchase User", "Info"),
	("Under Review", "Purchase User", "Warning"),
	("Qualified", "Purchase Manager", "Success"),
	("Rejected", "Purchase Manager", "Danger"),
	("Expired", "Purchase Manager", "Inverse"),
]
# Extra edit rows: procurement may fill a Draft in for the supplier; managers review too.
EXTRA_EDITORS = [
	("Draft", "Purchase User"),
	("Draft", "Purchase Manager"),
	("Submitted", "Purchase Manager"),
	("Under Review", "Purchase Manager"),
]

# The button's condition (the controller checks the same in before_submit).
CONDITIONS = {review.APPROVE: "doc.score >= doc.pass_score and not doc.knock_out_failed"}

# state, action, next state, role, self-approval allowed, condition
TRANSITIONS = [
	(
		t.state,
		t.action,
		t.next_state,
		PARTY_ROLE if t.actor == review.PARTY else t.actor,
		0 if t.decision else 1,
		CONDITIONS.get(t.action, ""),
	)
	for t in review.TRANSITIONS
]

# Created by Frappe itself (frappe/utils/install.py): never removed.
FRAPPE_STANDARD_STATES = {"Pending", "Approved", "Rejected"}
FRAPPE_STANDARD_ACTIONS = {"Approve", "Reject", "Review"}
STATE_ICONS = {"Qualified": "ok-sign", "Rejected": "remove", "Expired": "time", "Under Review": "eye-open"}


def state_names() -> list[str]:
	return [s[0] for s in STATES]


def action_names() -> list[str]:
	return list(dict.fromkeys(t[1] for t in TRANSITIONS))


def sync_workflow() -> None:
	for name, _role, style in STATES:
		if not frappe.db.exists("Workflow State", name):
			frappe.get_doc(
				{
					"doctype": "Workflow State",
					"workflow_state_name": name,
					"style": style,
					"icon": STATE_ICONS.get(name, ""),
				}
			).insert(ignore_permissions=True)
	for action in action_names():
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True
			)

	workflow = (
		frappe.get_doc("Workflow", WORKFLOW_NAME)
		if frappe.db.exists("Workflow", WORKFLOW_NAME)
		else frappe.new_doc("Workflow")
	)
	workflow.update(
		{
			"workflow_name": WORKFLOW_NAME,
			"document_type": DOCTYPE,
			"workflow_state_field": "status",
			"is_active": 1,
			"override_status": 1,
			"send_email_alert": 0,
		}
	)
	workflow.set("states", [])
	for name, role in [(name, role) for name, role, _style in STATES] + EXTRA_EDITORS:
		workflow.append(
			"states", {"state": name, "doc_status": str(review.DOCSTATUS[name]), "allow_edit": role}
		)
	workflow.set("transitions", [])
	for state, action, next_state, role, self_approval, condition in TRANSITIONS:
		workflow.append(
			"transitions",
			{
				"state": state,
				"action": action,
				"next_state": next_state,
				"allowed": role,
				"allow_self_approval": self_approval,
				"condition": condition or None,
			},
		)
	workflow.save(ignore_permissions=True)


def remove_workflow() -> None:
	frappe.db.delete("Workflow Action", {"reference_doctype": DOCTYPE})
	if frappe.db.exists("Workflow", WORKFLOW_NAME):
		frappe.delete_doc("Workflow", WORKFLOW_NAME, ignore_permissions=True, force=True)
	for name in state_names():
		if name not in FRAPPE_STANDARD_STATES and not used_elsewhere("state", name):
			frappe.delete_doc(
				"Workflow State", name, ignore_permissions=True, force=True, ignore_missing=True
			)
	for action in action_names():
		if action not in FRAPPE_STANDARD_ACTIONS and not used_elsewhere("action", action):
			frappe.delete_doc(
				"Workflow Action Master", action, ignore_permissions=True, force=True, ignore_missing=True
			)
	frappe.cache.hdel("workflow", DOCTYPE)


def used_elsewhere(kind: str, name: str) -> bool:
	"""Another workflow (not ours) refers to this state or action."""
	if kind == "state":
		in_states = frappe.get_all(
			"Workflow Document State", filters={"state": name, "parent": ("!=", WORKFLOW_NAME)}, limit=1
		)
		in_transitions = frappe.get_all(
			"Workflow Transition",
			filters={"next_state": name, "parent": ("!=", WORKFLOW_NAME)},
			limit=1,
		)
		return bool(in_states or in_transitions)
	return bool(
		frappe.get_all(
			"Workflow Transition", filters={"action": name, "parent": ("!=", WORKFLOW_NAME)}, limit=1
		)
	)
