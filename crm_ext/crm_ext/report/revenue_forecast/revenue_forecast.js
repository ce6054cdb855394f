// Copyright (c) crm_ext developers. License: MIT.

frappe.query_reports["Revenue Forecast"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{ fieldname: "pipeline", label: __("Pipeline"), fieldtype: "Link", options: "Sales Pipeline" },
		{ fieldname: "lead_owner", label: __("Sales Rep"), fieldtype: "Link", options: "User" },
		{ fieldname: "source", label: __("Source"), fieldtype: "Link", options: frappe.boot.crm_ext_source_doctype || "Lead Source" },
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
		{
			fieldname: "from_date",
			label: __("From Month"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(
				frappe.datetime.add_months(frappe.datetime.month_start(), 12),
				-1
			),
		},
		{
			fieldname: "target",
			label: __("Target"),
			fieldtype: "Currency",
			description: __("Revenue target for the period: coverage is shown against it"),
		},
	],
};
