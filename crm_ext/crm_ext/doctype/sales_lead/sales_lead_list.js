// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Lead"] = {
	add_fields: [
		"stage_kind",
		"stage",
		"first_contacted_on",
		"first_contact_due",
		"payment_status",
		"outstanding_amount",
		"company_currency",
	],
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
		return [__("Open"), "blue", "stage_kind,=,Open"];
	},
	formatters: {
		outstanding_amount(value, df, doc) {
			return value ? format_currency(value, doc.company_currency) : "";
		},
	},
};
