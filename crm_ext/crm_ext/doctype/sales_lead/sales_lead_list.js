// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Lead"] = {
	add_fields: [
		"stage_kind",
		"stage",
		"first_contacted_on",
		"first_contact_due",
		"next_step_status",
		"payment_status",
		"outstanding_amount",
		"company_currency",
	],
	onload(listview) {
		if (frappe.user.has_role(["Sales Manager", "CRM Manager", "System Manager"])) {
			listview.page.add_menu_item(__("Hand Over Cards"), () => handover_dialog(listview));
		}
	},
	get_indicator(doc) {
		// the funnel ends at "Paid": once invoiced, the card shows its payment status
		const paid = {
			Paid: [__("Paid"), "green"],
			"Partly paid": [__("Partly paid"), "yellow"],
			Unpaid: [__("Unpaid"), "orange"],
			Overdue: [__("Overdue"), "red"],
		}[doc.payment_status];
		if (paid) return [...paid, `payment_status,=,${doc.payment_status}`];
		if (doc.stage_kind === "Won") return [__("Won"), "green", "stage_kind,=,Won"];
		if (doc.stage_kind === "Lost") return [__("Lost"), "red", "stage_kind,=,Lost"];
		if (!doc.first_contacted_on && doc.first_contact_due && doc.first_contact_due < frappe.datetime.now_datetime()) {
			return [__("Not contacted in time"), "orange", "stage_kind,=,Open"];
		}
		if (doc.next_step_status === "Missing") return [__("No next step"), "orange", "next_step_status,=,Missing"];
		if (doc.next_step_status === "Overdue") return [__("Follow-up overdue"), "orange", "next_step_status,=,Overdue"];
		return [__("Open"), "blue", "stage_kind,=,Open"];
	},
	formatters: {
		outstanding_amount(value, df, doc) {
			return value ? format_currency(value, doc.company_currency) : "";
		},
	},
};

function handover_dialog(listview) {
	const dialog = new frappe.ui.Dialog({
		title: __("Hand Over Cards"),
		fields: [
			{ fieldname: "from_user", fieldtype: "Link", options: "User", label: __("From User"), reqd: 1 },
			{
				fieldname: "to_users",
				fieldtype: "Table MultiSelect",
				options: "Assignment Rule User",
				label: __("To User(s)"),
				reqd: 1,
				description: __("Several users: the cards are spread over them in turn."),
			},
		],
		primary_action_label: __("Hand Over"),
		primary_action(values) {
			frappe.call({
				method: "crm_ext.sales.handover.handover",
				args: { from_user: values.from_user, to_users: (values.to_users || []).map((row) => row.user) },
				freeze: true,
				callback: ({ message }) => {
					if (!message) return;
					dialog.hide();
					frappe.msgprint(
						__("{0} cards and {1} follow-ups handed over.", [message.leads, message.follow_ups])
					);
					listview.refresh();
				},
			});
		},
	});
	dialog.show();
}
