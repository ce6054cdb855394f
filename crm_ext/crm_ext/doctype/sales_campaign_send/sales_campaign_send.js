// Copyright (c) crm_ext developers. License: MIT.

frappe.ui.form.on("Sales Campaign Send", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Draft") return;
		frm.add_custom_button(__("Preview"), () => preview(frm));
		frm.add_custom_button(__("Send"), () => send(frm, 0)).addClass("btn-primary");
	},
});

function preview(frm) {
	frappe
		.xcall("crm_ext.sales.campaigns.preview", { name: frm.doc.name })
		.then((r) => {
			frappe.msgprint(
				__(
					"Recipients: {0}. Skipped: {1} without consent, {2} unsubscribed, {3} without an address, {4} duplicates.",
					[r.recipients, r.no_consent, r.unsubscribed, r.no_address, r.duplicate]
				),
				__("Preview")
			);
		});
}

function send(frm, confirm) {
	frappe
		.xcall("crm_ext.sales.campaigns.send", { name: frm.doc.name, confirm: confirm })
		.then((r) => {
			if (r.needs_confirmation) {
				frappe.confirm(r.message, () => send(frm, 1));
				return;
			}
			frappe.show_alert({ message: __("Campaign queued for sending"), indicator: "green" });
			frm.reload_doc();
		});
}
