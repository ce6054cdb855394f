// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Ext Settings", {
	refresh(frm) {
		frm.set_query("head_of_sales", () => ({ filters: { enabled: 1, user_type: "System User" } }));
		frm.set_query("intake_owner", () => ({ filters: { enabled: 1 } }));
		frm.add_custom_button(__("Re-create Default Pipeline"), () => {
			frappe.call({ method: "crm_ext.sales.pipeline.recreate_default_pipeline" });
		});
	},
});
