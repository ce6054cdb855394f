"""Fields crm_ext adds to ERPNext / Frappe doctypes: one declarative table.

``install.after_install`` (and every migrate) creates them with Frappe's
``create_custom_fields``; ``install.before_uninstall`` removes exactly these, so ERPNext is left
as it was. The table is a plain literal so that the tier-1 conformance checks can read it
without Frappe (target doctype exists, insert_after exists, no clash with a standard field).
Every field is tagged with the app's module by the installer.
"""

CUSTOM_FIELDS: dict[str, list[dict]] = {
	# Set by the Customer Segments report's "Tag Customers" action (crm_ext.analytics.segments).
	"Customer": [
		{
			"fieldname": "crm_segment",
			"label": "CRM Segment (ABC)",
			"fieldtype": "Select",
			"options": "\nA\nB\nC",
			"insert_after": "market_segment",
			"read_only": 1,
			"in_standard_filter": 1,
			"description": "Revenue class from the Customer Segments report: A, B or C",
		},
		{
			"fieldname": "crm_rfm",
			"label": "RFM Score",
			"fieldtype": "Data",
			"length": 3,
			"insert_after": "crm_segment",
			"read_only": 1,
			"description": "Recency, frequency and monetary scores 1..5 (555 = best) from the Customer Segments report",
		},
	],
}
