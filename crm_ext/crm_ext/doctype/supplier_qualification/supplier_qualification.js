// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Supplier Qualification", {
	setup(frm) {
		frm.set_query("template", () => ({ filters: { enabled: 1 } }));
		frm.set_query("supplier", () => ({ filters: { disabled: 0 } }));
	},
	refresh(frm) {
		const colours = {
			Draft: "gray",
			Submitted: "blue",
			"Under Review": "orange",
			Qualified: "green",
			Rejected: "red",
			Expired: "red",
		};
		if (!frm.is_new()) {
			frm.dashboard.add_indicator(
				__("Score {0} / pass {1}", [frm.doc.score || 0, frm.doc.pass_score || 0]),
				frm.doc.knock_out_failed || frm.doc.score < frm.doc.pass_score ? "red" : "green"
			);
			frm.dashboard.add_indicator(__(frm.doc.status), colours[frm.doc.status] || "gray");
		}
		if (frm.doc.knock_out_failed) {
			frm.dashboard.set_headline(__("A mandatory (knock-out) criterion is not met."), "red");
		}
	},
});
