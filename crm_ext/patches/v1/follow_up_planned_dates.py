"""Every follow-up remembers the day it was planned for (``crm_original_date``): the overdue signal
(number card, the card's next-step state) reads it, so carried-over work stays overdue."""

import frappe
from frappe.query_builder import DocType


def execute():
	todo = DocType("ToDo")
	if not frappe.db.has_column("ToDo", "crm_original_date"):
		return
	frappe.qb.update(todo).set(todo.crm_original_date, todo.date).where(
		(todo.crm_follow_up == 1) & todo.crm_original_date.isnull() & todo.date.isnotnull()
	).run()
