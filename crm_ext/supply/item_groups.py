"""Item Group tree look-ups (ERPNext's nested set) for category checks."""

import frappe
from frappe.utils.nestedset import get_ancestors_of

from crm_ext.logic.qualification import categories_outside


def ancestors_map(item_groups: list[str]) -> dict[str, list[str]]:
	"""{group: [its ancestors]} for the given Item Groups (unknown groups have none)."""
	result = {}
	for group in dict.fromkeys(g for g in item_groups if g):
		result[group] = get_ancestors_of("Item Group", group) if frappe.db.exists("Item Group", group) else []
	return result


def outside_groups(groups: list[str], allowed: list[str]) -> list[str]:
	return categories_outside(groups, allowed, ancestors_map(groups))
