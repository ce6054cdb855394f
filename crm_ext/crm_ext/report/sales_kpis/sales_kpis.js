// Copyright (c) crm_ext developers. License: MIT.

frappe.query_reports["Sales KPIs"] = {
	filters: [
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Source", label: __("Source") },
				{ value: "Campaign", label: __("Campaign") },
			],
			default: "Source",
			reqd: 1,
		},
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
		{ fieldname: "pipeline", label: __("Pipeline"), fieldtype: "Link", options: "Sales Pipeline" },
		{ fieldname: "lead_owner", label: __("Sales Rep"), fieldtype: "Link", options: "User" },
		{ fieldname: "source", label: __("Source"), fieldtype: "Link", options: frappe.boot.crm_ext_source_doctype || "Lead Source" },
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
		{
			fieldname: "from_date",
			label: __("Created From"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
		},
		{
			fieldname: "to_date",
			label: __("Created To"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
	],
};
