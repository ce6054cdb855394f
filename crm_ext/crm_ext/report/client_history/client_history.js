// Copyright (c) crm_ext developers. License: MIT.

frappe.query_reports["Client History"] = {
	filters: [
		{ fieldname: "sales_lead", label: __("Sales Lead"), fieldtype: "Link", options: "Sales Lead" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
	],
};
