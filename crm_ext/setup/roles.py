"""Roles crm_ext adds on top of ERPNext's own.

The app reuses ERPNext's roles wherever one fits: Sales User (reps), Sales Manager (head of
sales), Purchase User / Purchase Manager (procurement), Accounts User (accountants) and the
portal role Supplier (ERPNext gives it to every website user linked to a Supplier's Contact).
Two roles are new: CRM Manager configures pipelines, assignment and settings without needing
System Manager; CRM Intake is for the API key of a site form / telephony / messenger integration,
which may submit Sales Requests and nothing else.

The app creates one such user on install (``INTAKE_USER``: enabled, the CRM Intake role only, no
desk access, no password): the intake and telephony endpoints authenticated by the shared token
run as it when CRM Ext Settings name no Intake User, never as Administrator.
"""

INTAKE_USER = "crm-intake@crm-ext.invalid"
INTAKE_ROLE = "CRM Intake"

ROLES = [
	{
		"role_name": "CRM Manager",
		"desk_access": 1,
		"description": "Configures crm_ext: pipelines and stages, assignment, service times, settings.",
	},
	{
		"role_name": "CRM Intake",
		"desk_access": 0,
		"description": "API user of site forms, telephony and messengers: may only submit Sales Requests.",
	},
]

# Desk roles that work in the app (its tile on the Apps screen shows for them)
APP_USERS = frozenset(
	{
		"System Manager",
		"CRM Manager",
		"Sales Manager",
		"Sales User",
		"Purchase Manager",
		"Purchase User",
		"Accounts Manager",
		"Accounts User",
	}
)


def may_open_app() -> bool:
	"""``has_permission`` of the app's tile on the desk's Apps screen."""
	import frappe

	return frappe.session.user == "Administrator" or bool(APP_USERS & set(frappe.get_roles()))
