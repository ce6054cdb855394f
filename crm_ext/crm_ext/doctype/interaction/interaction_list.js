// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.listview_settings["Interaction"] = {
	add_fields: ["interaction_type", "direction", "follow_up"],
	get_indicator(doc) {
		const colours = { Call: "blue", "E-mail": "cyan", Meeting: "purple", Visit: "purple", Message: "light-blue", Note: "gray" };
		return [__(doc.interaction_type), colours[doc.interaction_type] || "gray", `interaction_type,=,${doc.interaction_type}`];
	},
};
