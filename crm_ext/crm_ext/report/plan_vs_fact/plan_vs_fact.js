// Copyright (c) crm_ext developers. License: MIT.

frappe.query_reports["Plan vs Fact"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{
			fieldname: "period_type",
			label: __("Period Type"),
			fieldtype: "Select",
			options: [
				{ value: "Month", label: __("Month") },
				{ value: "Quarter", label: __("Quarter") },
			],
			default: "Month",
			reqd: 1,
		},
		{
			fieldname: "date",
			label: __("Period of"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
			description: __("Any day of the month or quarter to report on"),
		},
		{ fieldname: "sales_rep", label: __("Sales Rep"), fieldtype: "Link", options: "User" },
		{ fieldname: "pipeline", label: __("Pipeline"), fieldtype: "Link", options: "Sales Pipeline" },
		{ fieldname: "item_group", label: __("Item Group"), fieldtype: "Link", options: "Item Group" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		return data && data.is_total ? `<b>${value}</b>` : value;
	},
};
