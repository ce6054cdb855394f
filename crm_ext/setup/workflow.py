"""The review workflow of Supplier Qualification, created from code on install and migrate.

A Frappe Workflow (with its Workflow States and Workflow Action Masters) is site data, not a
module-synced file, so it is declared here once and ``sync_workflow`` creates or updates it
idempotently; ``remove_workflow`` deletes the workflow and every state or action it introduced
that no other workflow uses (Frappe's own standard ones are never deleted).

Roles: the supplier (portal role Supplier) or procurement submits the questionnaire; a Purchase
User reviews; only a Purchase Manager approves or rejects — and not one who created the
qualification (no self-approval). Qualified and Rejected are final (submitted documents);
Qualified becomes Expired by the daily expiry job or a Purchase Manager.
"""

import frappe

DOCTYPE = "Supplier Qualification"
WORKFLOW_NAME = "Supplier Qualification Review"

# state, docstatus, role allowed to edit, style
STATES = [
	("Draft", "0", "Supplier", ""),
	("Submitted", "0", "Purchase User", "Info"),
	("Under Review", "0", "Purchase User", "Warning"),
	("Qualified", "1", "Purchase Manager", "Success"),
	("Rejected", "1", "Purchase Manager", "Danger"),
	("Expired", "1", "Purchase Manager", "Inverse"),
]
# Extra edit rows: procurement may fill a Draft in for the supplier; managers review too.
EXTRA_EDITORS = [
	("Draft", "0", "Purchase User"),
	("Draft", "0", "Purchase Manager"),
	("Submitted", "0", "Purchase Manager"),
	("Under Review", "0", "Purchase Manager"),
]

QUALIFIES = "doc.score >= doc.pass_score and not doc.knock_out_failed"

# state, action, next state, role, self-approval allowed, condition
TRANSITIONS = [
	("Draft", "Submit for Review", "Submitted", "Supplier", 1, ""),
	("Draft", "Submit for Review", "Submitted", "Purchase User", 1, ""),
	("Draft", "Submit for Review", "Submitted", "Purchase Manager", 1, ""),
	("Submitted", "Start Review", "Under Review", "Purchase User", 1, ""),
	("Submitted", "Start Review", "Under Review", "Purchase Manager", 1, ""),
	("Submitted", "Return to Supplier", "Draft", "Purchase User", 1, ""),
	("Under Review", "Return to Supplier", "Draft", "Purchase User", 1, ""),
	("Under Review", "Return to Supplier", "Draft", "Purchase Manager", 1, ""),
	("Under Review", "Approve", "Qualified", "Purchase Manager", 0, QUALIFIES),
	("Under Review", "Reject", "Rejected", "Purchase Manager", 0, ""),
	("Qualified", "Expire", "Expired", "Purchase Manager", 1, ""),
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
	for name, _docstatus, _role, style in STATES:
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
	for name, docstatus, role, _style in STATES:
		workflow.append("states", {"state": name, "doc_status": docstatus, "allow_edit": role})
	for name, docstatus, role in EXTRA_EDITORS:
		workflow.append("states", {"state": name, "doc_status": docstatus, "allow_edit": role})
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
