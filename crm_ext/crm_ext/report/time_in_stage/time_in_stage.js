// Copyright (c) crm_ext developers. License: MIT.

frappe.query_reports["Time in Stage"] = {
	filters: [
		{
			fieldname: "view",
			label: __("View"),
			fieldtype: "Select",
			options: [
				{ value: "Stages", label: __("Stages") },
				{ value: "Stale Cards", label: __("Stale Cards") },
			],
			default: "Stages",
			reqd: 1,
		},
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
		},
		{ fieldname: "pipeline", label: __("Pipeline"), fieldtype: "Link", options: "Sales Pipeline" },
		{ fieldname: "lead_owner", label: __("Sales Rep"), fieldtype: "Link", options: "User" },
		{ fieldname: "source", label: __("Source"), fieldtype: "Link", options: frappe.boot.crm_ext_source_doctype || "Lead Source" },
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
		{
			fieldname: "from_date",
			label: __("Moved From"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -6),
		},
		{
			fieldname: "to_date",
			label: __("Moved To"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
	],
};
