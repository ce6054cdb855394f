// Copyright (c) crm_ext developers. License: MIT.

frappe.query_reports["Tender Savings"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
		{
			fieldname: "from_date",
			label: __("Awarded From"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
		},
		{
			fieldname: "to_date",
			label: __("Awarded To"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
	],
};
