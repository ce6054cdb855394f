"""Every supplier with portal users gets its master user: its first enabled portal user (logged)."""

import frappe
from frappe import _

from crm_ext.supply.supplier_users import MASTER, MASTER_SET, log


def execute():
	from crm_ext.setup.install import sync_custom_fields

	sync_custom_fields()  # the fields come with the migrate's after_migrate, after the patches
	rows = frappe.get_all(
		"Portal User",
		filters={"parenttype": "Supplier"},
		fields=["parent", "user"],
		order_by="parent asc, idx asc",
	)
	enabled = set(frappe.get_all("User", filters={"enabled": 1}, pluck="name"))
	first = {}
	for row in rows:
		if row.user in enabled:
			first.setdefault(row.parent, row.user)
	for supplier, user in first.items():
		if frappe.db.get_value("Supplier", supplier, MASTER):
			continue
		frappe.db.set_value("Supplier", supplier, MASTER, user, update_modified=False)
		log(supplier, MASTER_SET, user, _("The first enabled portal user."))
