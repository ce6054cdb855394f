// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

// Quick actions on the Sales Lead, Customer and Supplier forms: log a call, a meeting or a note
// in a dialog (no page jump); the interaction lands on the card's timeline. Loaded through the
// doctype_js hook for each of the three doctypes; registers its handlers once per doctype.

window.crm_ext = window.crm_ext || {};
crm_ext.interactions = crm_ext.interactions || {
	registered: {},

	register(doctype) {
		if (this.registered[doctype]) return;
		this.registered[doctype] = true;
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				crm_ext.interactions.setup_form(frm);
			},
		});
	},

	setup_form(frm) {
		if (frm.is_new()) return;
		if (frm.doctype === "Sales Lead") this.show_next_step_warning(frm);
		if (["Sales Lead", "Customer"].includes(frm.doctype)) this.add_history_button(frm);
		if (["Customer", "Supplier"].includes(frm.doctype)) this.add_party_360_button(frm);
		if (!frappe.model.can_create("Interaction")) return;
		const group = __("Log");
		frm.add_custom_button(__("Log Call"), () => this.dialog(frm, "Call"), group);
		frm.add_custom_button(__("Log Meeting"), () => this.dialog(frm, "Meeting"), group);
		frm.add_custom_button(__("Add Note"), () => this.dialog(frm, "Note"), group);
	},

	add_history_button(frm) {
		// everything that happened with this client, across reps (Client History report)
		const filter = frm.doctype === "Sales Lead" ? "sales_lead" : "customer";
		frm.add_custom_button(
			__("Client History"),
			() => frappe.set_route("query-report", "Client History", { [filter]: frm.doc.name }),
			__("View")
		);
	},

	add_party_360_button(frm) {
		// sales and purchases of an organisation that is both customer and supplier (Party 360 report)
		const filter = frm.doctype === "Customer" ? "customer" : "supplier";
		frm.add_custom_button(
			__("Party 360"),
			() => frappe.set_route("query-report", "Party 360", { [filter]: frm.doc.name }),
			__("View")
		);
	},

	show_next_step_warning(frm) {
		const status = frm.doc.next_step_status;
		if (frm.doc.stage_kind !== "Open" || !["Missing", "Overdue"].includes(status)) return;
		const message =
			status === "Missing"
				? __("This card has no next step: log an interaction with a next step or set a follow-up date.")
				: __("The next follow-up of this card ({0}) is overdue.", [
						frappe.datetime.str_to_user(frm.doc.next_follow_up),
				  ]);
		frm.dashboard.set_headline_alert(message, "orange");
	},

	dialog(frm, interaction_type) {
		const fields = [
			{
				fieldname: "direction",
				fieldtype: "Select",
				label: __("Direction"),
				options: ["Outgoing", "Incoming"],
				default: "Outgoing",
				hidden: interaction_type !== "Call",
			},
			{
				fieldname: "start_time",
				fieldtype: "Datetime",
				label: __("When"),
				default: frappe.datetime.now_datetime(),
				reqd: 1,
			},
			{
				fieldname: "duration",
				fieldtype: "Duration",
				label: __("Duration"),
				hidden: interaction_type === "Note",
			},
			{
				fieldname: "place",
				fieldtype: "Data",
				label: __("Place"),
				hidden: interaction_type !== "Meeting",
			},
			{ fieldname: "outcome", fieldtype: "Data", label: __("Outcome"), hidden: interaction_type === "Note" },
			{ fieldname: "summary", fieldtype: "Small Text", label: __("Summary"), reqd: interaction_type === "Note" },
			{ fieldname: "next_step_section", fieldtype: "Section Break", label: __("Next Step") },
			{ fieldname: "next_step", fieldtype: "Small Text", label: __("Next Step") },
			{ fieldname: "next_step_col", fieldtype: "Column Break" },
			{ fieldname: "next_step_on", fieldtype: "Datetime", label: __("When"), depends_on: "next_step" },
			{
				fieldname: "next_step_all_day",
				fieldtype: "Check",
				label: __("Any Time That Day"),
				depends_on: "next_step",
			},
			{
				fieldname: "next_step_owner",
				fieldtype: "Link",
				options: "User",
				label: __("Who"),
				default: frm.doc.lead_owner || frappe.session.user,
				depends_on: "next_step",
			},
		];
		const titles = { Call: __("Log Call"), Meeting: __("Log Meeting"), Note: __("Add Note") };
		const dialog = new frappe.ui.Dialog({
			title: titles[interaction_type],
			fields,
			primary_action_label: __("Save"),
			primary_action(values) {
				frappe.call({
					method: "crm_ext.sales.interactions.log_interaction",
					args: {
						reference_doctype: frm.doctype,
						reference_name: frm.docname,
						interaction_type,
						...values,
						direction: interaction_type === "Call" ? values.direction : null,
					},
					freeze: true,
					callback: (r) => {
						if (r.exc) return;
						dialog.hide();
						frappe.show_alert({ message: __("Logged"), indicator: "green" });
						frm.reload_doc();
					},
				});
			},
		});
		dialog.show();
	},
};

["Sales Lead", "Customer", "Supplier"].forEach((doctype) => crm_ext.interactions.register(doctype));
