// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

// Supplier form: the current qualification status per product category.
frappe.ui.form.on("Supplier", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe.call({
			method: "crm_ext.supply.eligibility.get_qualification_summary",
			args: { supplier: frm.doc.name },
			callback: (r) => {
				const colours = {
					Qualified: "green",
					Expired: "red",
					Rejected: "red",
					Draft: "gray",
					Submitted: "blue",
					"Under Review": "orange",
				};
				(r.message || []).forEach((row) => {
					const label = row.item_group
						? __("{0}: {1}", [row.item_group, __(row.status)]) +
						  (row.valid_until ? " " + __("until {0}", [frappe.datetime.str_to_user(row.valid_until)]) : "")
						: __("{0} {1}", [row.qualification, __(row.status)]);
					frm.dashboard.add_indicator(label, colours[row.status] || "gray");
				});
				if (!(r.message || []).length && frappe.model.can_create("Supplier Qualification")) {
					frm.dashboard.add_indicator(__("Not qualified"), "gray");
				}
			},
		});
		if (frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Set Master User"), () => set_master_user(frm), __("Portal Administration"));
		}
		if (frappe.model.can_create("Supplier Qualification")) {
			frm.add_custom_button(
				__("Supplier Qualification"),
				() => frappe.new_doc("Supplier Qualification", { supplier: frm.doc.name }),
				__("Create")
			);
		}
	},
});

// The supplier's portal administrator (crm_ext.supply.supplier_users.set_master_user): one of its
// enabled portal users; the change is logged (Connections: Supplier User Log).
function set_master_user(frm) {
	const users = (frm.doc.portal_users || []).map((row) => row.user).filter(Boolean);
	if (!users.length) {
		frappe.msgprint(__("Add the supplier's portal users first (Portal Users tab)."));
		return;
	}
	frappe.prompt(
		[
			{
				fieldname: "user",
				fieldtype: "Select",
				label: __("Master User"),
				options: users,
				default: frm.doc.crm_master_user || users[0],
				reqd: 1,
			},
		],
		(values) => {
			frappe.call({
				method: "crm_ext.supply.supplier_users.set_master_user",
				args: { supplier: frm.doc.name, user: values.user },
				freeze: true,
				callback: () => frm.reload_doc(),
			});
		},
		__("Set Master User"),
		__("Set")
	);
}

