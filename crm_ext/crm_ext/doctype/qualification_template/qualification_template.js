// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Qualification Template", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.enabled) {
			frm.add_custom_button(__("Start Qualification"), () => {
				frappe.new_doc("Supplier Qualification", { template: frm.doc.name });
			});
		}
	},
});
