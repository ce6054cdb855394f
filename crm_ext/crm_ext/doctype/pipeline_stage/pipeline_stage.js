// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Pipeline Stage", {
	setup(frm) {
		frm.set_query("pipeline", () => ({ filters: { disabled: 0 } }));
	},
	kind(frm) {
		if (frm.doc.kind === "Won") frm.set_value("probability", 100);
		if (frm.doc.kind === "Lost") frm.set_value("probability", 0);
	},
});
