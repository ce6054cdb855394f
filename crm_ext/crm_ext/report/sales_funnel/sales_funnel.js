// Copyright (c) crm_ext developers. License: MIT.

frappe.query_reports["Sales Funnel"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
		},
		{
			fieldname: "pipeline",
			label: __("Pipeline"),
			fieldtype: "Link",
			options: "Sales Pipeline",
		},
		{
			fieldname: "lead_owner",
			label: __("Sales Rep"),
			fieldtype: "Link",
			options: "User",
		},
		{
			fieldname: "source",
			label: __("Source"),
			fieldtype: "Link",
			options: frappe.boot.crm_ext_source_doctype || "Lead Source",
		},
		{
			fieldname: "campaign",
			label: __("Campaign"),
			fieldtype: "Link",
			options: "Campaign",
		},
		{
			fieldname: "from_date",
			label: __("Entered Pipeline From"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -6),
		},
		{
			fieldname: "to_date",
			label: __("Entered Pipeline To"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "cohort_by_month",
			label: __("Cohorts by Month Entered"),
			fieldtype: "Check",
		},
	],
};
