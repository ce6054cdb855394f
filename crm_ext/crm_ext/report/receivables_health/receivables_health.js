// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.query_reports["Receivables Health"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			reqd: 1,
			default: frappe.defaults.get_user_default("Company"),
		},
		{
			fieldname: "report_date",
			label: __("As On Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "from_date",
			label: __("Shipments From"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -90),
		},
		{
			fieldname: "group_by",
			label: __("Per"),
			fieldtype: "Select",
			options: ["Customer", "Sales Rep"].map((v) => ({ value: v, label: __(v) })),
			default: "Customer",
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "sales_rep", label: __("Sales Rep"), fieldtype: "Link", options: "User" },
		{ fieldname: "only_flagged", label: __("Only Flagged"), fieldtype: "Check" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (!data) return value;
		const flagged =
			(column.fieldname === "receivable_share" && data.receivable_alert) ||
			(column.fieldname === "overdue_share" && data.overdue_alert) ||
			(column.fieldname === "credit_use" && data.credit_use > 100);
		return flagged ? `<span style="color: var(--red-600); font-weight: 600">${value}</span>` : value;
	},
};
