"""Expired qualifications from before ``expired_on`` existed: the day they were last modified is
the day they expired (the expiry job and the Expire action were their last change), so a
qualification a Purchase Manager expired before its validity ended stops qualifying from then."""

import frappe
from pypika.functions import Date


def execute():
	table = frappe.qb.DocType("Supplier Qualification")
	(
		frappe.qb.update(table)
		.set(table.expired_on, Date(table.modified))
		.where((table.status == "Expired") & table.expired_on.isnull())
		.run()
	)
