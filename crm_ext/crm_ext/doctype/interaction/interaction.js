// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Interaction", {
	setup(frm) {
		frm.set_query("reference_doctype", () => ({
			filters: { name: ["in", ["Sales Lead", "Customer", "Supplier"]] },
		}));
		frm.set_query("next_step_owner", () => ({ filters: { enabled: 1, user_type: "System User" } }));
		frm.set_query("handled_by", () => ({ filters: { enabled: 1, user_type: "System User" } }));
	},

	refresh(frm) {
		if (frm.doc.reference_doctype && frm.doc.reference_name && !frm.is_new()) {
			frm.add_custom_button(__("Open {0}", [__(frm.doc.reference_doctype)]), () =>
				frappe.set_route("Form", frm.doc.reference_doctype, frm.doc.reference_name)
			);
		}
	},
});
