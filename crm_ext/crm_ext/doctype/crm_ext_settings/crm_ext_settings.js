// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Ext Settings", {
	refresh(frm) {
		frm.set_query("head_of_sales", () => ({ filters: { enabled: 1, user_type: "System User" } }));
	},
});
