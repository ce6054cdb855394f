// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Lead"] = {
	add_fields: ["stage_kind", "stage", "first_contacted_on", "first_contact_due"],
	get_indicator(doc) {
		if (doc.stage_kind === "Won") return [__("Won"), "green", "stage_kind,=,Won"];
		if (doc.stage_kind === "Lost") return [__("Lost"), "red", "stage_kind,=,Lost"];
		if (!doc.first_contacted_on && doc.first_contact_due && doc.first_contact_due < frappe.datetime.now_datetime()) {
			return [__("Not contacted in time"), "orange", "stage_kind,=,Open"];
		}
		return [__("Open"), "blue", "stage_kind,=,Open"];
	},
};
