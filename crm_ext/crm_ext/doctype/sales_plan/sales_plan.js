// Copyright (c) crm_ext developers. License: MIT.

frappe.ui.form.on("Sales Plan", {
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Plan vs Fact"), () =>
				frappe.set_route("query-report", "Plan vs Fact", {
					company: frm.doc.company,
					period_type: frm.doc.period_type,
					date: frm.doc.period_start,
					pipeline: frm.doc.pipeline || undefined,
					item_group: frm.doc.item_group || undefined,
				})
			);
		}
	},
});
