"""Fields crm_ext adds to ERPNext / Frappe doctypes: one declarative table.

``install.after_install`` (and every migrate) creates them with Frappe's
``create_custom_fields``; ``install.before_uninstall`` removes exactly these, so ERPNext is left
as it was. The table is a plain literal so that the tier-1 conformance checks can read it
without Frappe (target doctype exists, insert_after exists, no clash with a standard field).
Every field is tagged with the app's module by the installer.
"""

CUSTOM_FIELDS: dict[str, list[dict]] = {
	"Purchase Order": [
		{
			"fieldname": "tender",
			"fieldtype": "Link",
			"label": "Tender",
			"options": "Tender",
			"insert_after": "supplier_name",
			"read_only": 1,
			"search_index": 1,
			"description": "The tender this document comes from (set by the award, copied to invoices).",
		}
	],
	"Purchase Invoice": [
		{
			"fieldname": "tender",
			"fieldtype": "Link",
			"label": "Tender",
			"options": "Tender",
			"insert_after": "supplier_name",
			"read_only": 1,
			"search_index": 1,
			"description": "The tender this document comes from (set by the award, copied to invoices).",
		}
	],
	"Payment Entry": [
		{
			"fieldname": "tender",
			"fieldtype": "Link",
			"label": "Tender",
			"options": "Tender",
			"insert_after": "party_name",
			"read_only": 1,
			"search_index": 1,
			"description": "The tender this document comes from (set by the award, copied to invoices).",
		}
	],
}
