// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

// A rep's interactions in a calendar (filter "Handled By"); their follow-ups are in Frappe's own
// ToDo and Event calendars.
frappe.views.calendar["Interaction"] = {
	field_map: {
		start: "start_time",
		end: "end_time",
		id: "name",
		title: "subject",
		allDay: "allDay",
	},
	filters: [
		{
			fieldtype: "Link",
			fieldname: "handled_by",
			options: "User",
			label: __("Handled By"),
			default: frappe.session.user,
		},
		{
			fieldtype: "Select",
			fieldname: "interaction_type",
			options: ["", "Call", "E-mail", "Meeting", "Visit", "Message", "Note"],
			label: __("Type"),
		},
	],
	get_events_method: "frappe.desk.calendar.get_events",
};
