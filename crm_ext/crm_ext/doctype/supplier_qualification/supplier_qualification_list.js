// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.listview_settings["Supplier Qualification"] = {
	add_fields: ["status", "valid_until"],
	get_indicator(doc) {
		const colours = {
			Draft: "gray",
			Submitted: "blue",
			"Under Review": "orange",
			Qualified: "green",
			Rejected: "red",
			Expired: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
