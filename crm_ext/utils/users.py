"""Who holds a role: one query for assignment rules, sequences and handovers."""

import frappe
from frappe.query_builder import DocType


def enabled_users_with_role(role: str, desk_users_only: bool = False) -> list[str]:
	"""Enabled users having ``role`` (Administrator and Guest excluded), sorted."""
	has_role, user = DocType("Has Role"), DocType("User")
	condition = (
		(has_role.role == role)
		& (has_role.parenttype == "User")
		& (user.enabled == 1)
		& (user.name.notin(["Administrator", "Guest"]))
	)
	if desk_users_only:
		condition &= user.user_type == "System User"
	return (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(user.name)
		.distinct()
		.where(condition)
		.orderby(user.name)
		.run(pluck=True)
	)
