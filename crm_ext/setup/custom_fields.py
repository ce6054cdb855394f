"""Fields crm_ext adds to ERPNext / Frappe doctypes: one declarative table.

``install.after_install`` (and every migrate) creates them with Frappe's
``create_custom_fields``; ``install.before_uninstall`` removes exactly these, so ERPNext is left
as it was. The table is a plain literal so that the tier-1 conformance checks can read it
without Frappe (target doctype exists, insert_after exists, no clash with a standard field).
Every field is tagged with the app's module by the installer.

``sales_lead`` on the selling documents is copied by ERPNext's own mappers (Quotation -> Sales
Order -> Sales Invoice, returns, amendments: same fieldname, not ``no_copy``); on a Sales Invoice it
may be set after submit (re-linking recomputes both leads); on a Payment Entry it is derived from
the references (crm_ext.accounts.links).
"""

CUSTOM_FIELDS: dict[str, list[dict]] = {
	"Quotation": [
		{
			"fieldname": "sales_lead",
			"fieldtype": "Link",
			"label": "Sales Lead",
			"options": "Sales Lead",
			"insert_after": "customer_name",
			"in_standard_filter": 1,
			"search_index": 1,
			"print_hide": 1,
			"description": "The deal (crm_ext Sales Lead) this quotation belongs to.",
		},
	],
	"Sales Order": [
		{
			"fieldname": "sales_lead",
			"fieldtype": "Link",
			"label": "Sales Lead",
			"options": "Sales Lead",
			"insert_after": "customer_name",
			"in_standard_filter": 1,
			"search_index": 1,
			"print_hide": 1,
			"description": "The deal (crm_ext Sales Lead) this order belongs to.",
		},
	],
	"Sales Invoice": [
		{
			"fieldname": "sales_lead",
			"fieldtype": "Link",
			"label": "Sales Lead",
			"options": "Sales Lead",
			"insert_after": "customer_name",
			"in_standard_filter": 1,
			"search_index": 1,
			"print_hide": 1,
			"allow_on_submit": 1,
			"description": "The deal (crm_ext Sales Lead) this invoice belongs to; its invoiced, paid and outstanding amounts follow this invoice.",
		},
	],
	"Payment Entry": [
		{
			"fieldname": "sales_lead",
			"fieldtype": "Link",
			"label": "Sales Lead",
			"options": "Sales Lead",
			"insert_after": "party_name",
			"in_standard_filter": 1,
			"search_index": 1,
			"print_hide": 1,
			"read_only": 1,
			"allow_on_submit": 1,
			"description": "Set from the references: the deal of the invoices and orders paid, when they all belong to one.",
		},
	],
}
