"""Roles crm_ext adds on top of ERPNext's own.

The app reuses ERPNext's roles wherever one fits: Sales User (reps), Sales Manager (head of
sales), Purchase User / Purchase Manager (procurement), Accounts User (accountants) and the
portal role Supplier (ERPNext gives it to every website user linked to a Supplier's Contact).
Only the CRM administrator role is new: it configures pipelines, assignment and settings without
needing System Manager.
"""

ROLES = [
	{
		"role_name": "CRM Manager",
		"desk_access": 1,
		"description": "Configures crm_ext: pipelines and stages, assignment, service times, settings.",
	},
]
