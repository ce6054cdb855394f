// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Sales Lead", {
	setup(frm) {
		frm.set_query("stage", () => ({
			filters: { pipeline: frm.doc.pipeline || "" },
			order_by: "stage_order asc",
		}));
		frm.set_query("pipeline", () => ({ filters: { disabled: 0 } }));
		frm.set_query("lead_owner", () => ({ filters: { enabled: 1, user_type: "System User" } }));
		frm.set_query("contact", () =>
			frm.doc.customer
				? {
						query: "frappe.contacts.doctype.contact.contact.contact_query",
						filters: { link_doctype: "Customer", link_name: frm.doc.customer },
				  }
				: {}
		);
	},

	refresh(frm) {
		set_stage_indicator(frm);
		show_stage_names_on_timeline(frm);
		if (frm.is_new()) return;
		show_money(frm);
		show_contract(frm);
		add_make_buttons(frm);
		add_proposal_buttons(frm);

		if (!frm.doc.customer) {
			frm.add_custom_button(__("Convert to Customer"), () => convert_to_customer(frm), __("Actions"));
		}
		if (!frm.doc.first_contacted_on && frm.doc.stage_kind === "Open") {
			// the first contact is recorded by logging it: a call, meeting or e-mail with the client
			frm.add_custom_button(
				__("Log First Contact"),
				() => crm_ext.interactions.dialog(frm, "Call"),
				__("Actions")
			);
		}
		if (frappe.model.can_delete("Sales Lead")) {
			frm.add_custom_button(__("Merge Into Another Lead"), () => merge_dialog(frm), __("Actions"));
		}
		frappe.db.get_value("Sales Pipeline", frm.doc.pipeline, "kanban_board").then(({ message }) => {
			if (message && message.kanban_board) {
				frm.add_custom_button(__("Kanban Board"), () =>
					frappe.set_route("List", "Sales Lead", "Kanban", message.kanban_board)
				);
			}
		});
	},

	pipeline(frm) {
		if (!frm.doc.pipeline) return;
		frappe.db
			.get_list("Pipeline Stage", {
				filters: { pipeline: frm.doc.pipeline, kind: "Open" },
				fields: ["name"],
				order_by: "stage_order asc",
				limit: 1,
			})
			.then((rows) => frm.set_value("stage", rows.length ? rows[0].name : ""));
	},

	stage(frm) {
		if (!frm.doc.stage) return;
		frappe.db.get_value("Pipeline Stage", frm.doc.stage, ["kind", "probability"]).then(({ message }) => {
			if (!message) return;
			frm.set_value("stage_kind", message.kind);
			frm.set_value("probability", message.probability);
			frm.toggle_reqd("lost_reason", message.kind === "Lost");
			frm.toggle_reqd("customer", message.kind === "Won");
		});
	},
});

function set_stage_indicator(frm) {
	if (frm.is_new() || !frm.doc.stage) return;
	const colour = { Open: "blue", Won: "green", Lost: "red" }[frm.doc.stage_kind] || "gray";
	frappe.db.get_value("Pipeline Stage", frm.doc.stage, "stage_name").then(({ message }) => {
		frm.page.set_indicator(__((message && message.stage_name) || frm.doc.stage), colour);
	});
}

// The timeline's "Stage from X to Y" shows stage names, not the stages' IDs: Frappe writes the
// stored values of a change; the card sends the names of its stages (__onload.stage_titles).
function show_stage_names_on_timeline(frm) {
	const timeline = frm.timeline;
	if (!timeline || timeline.crm_stage_names) return;
	timeline.crm_stage_names = true;
	const versions = timeline.get_version_timeline_contents.bind(timeline);
	timeline.get_version_timeline_contents = () =>
		versions().map((item) => ({ ...item, content: with_stage_names(item.content, frm) }));
	timeline.refresh();
}

function with_stage_names(html, frm) {
	if (frm.doctype !== "Sales Lead" || typeof html !== "string") return html;
	const titles = (frm.doc.__onload && frm.doc.__onload.stage_titles) || {};
	// as Frappe's version timeline writes a value: text, at most 40 characters, escaped, bold
	const shown = (value) => frappe.utils.escape_html(frappe.ellipsis(value, 40)).bold();
	return Object.entries(titles).reduce(
		(out, [name, title]) => (name === title ? out : out.split(shown(name)).join(shown(title))),
		html
	);
}

function convert_to_customer(frm) {
	frappe.call({
		method: "crm_ext.sales.conversion.convert_to_customer",
		args: { sales_lead: frm.doc.name },
		freeze: true,
		freeze_message: __("Linking the Customer..."),
		callback: ({ message }) => {
			if (!message) return;
			frappe.show_alert({
				message: __("Linked to Customer {0}", [message.customer]),
				indicator: "green",
			});
			frm.reload_doc();
		},
	});
}

function merge_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Merge {0} into another lead", [frm.doc.name]),
		fields: [
			{
				fieldname: "target",
				fieldtype: "Link",
				options: "Sales Lead",
				label: __("Keep this lead"),
				reqd: 1,
				get_query: () => ({ filters: { name: ["!=", frm.doc.name] } }),
				description: __(
					"This card disappears; its history, requests, comments, e-mails and files move to the lead you keep. Blank fields of the kept lead are filled from this one."
				),
			},
		],
		primary_action_label: __("Merge"),
		primary_action({ target }) {
			frappe.call({
				method: "crm_ext.sales.merge.merge_leads",
				args: { source: frm.doc.name, target },
				freeze: true,
				callback: ({ message }) => {
					dialog.hide();
					frappe.set_route("Form", "Sales Lead", message);
				},
			});
		},
	});
	dialog.show();
}

const PAYMENT_COLOURS = {
	"Not invoiced": "gray",
	Unpaid: "orange",
	"Partly paid": "yellow",
	Paid: "green",
	Overdue: "red",
};

function show_money(frm) {
	// the funnel ends at "Paid": payment status and what is still owed, from the ledger
	const status = frm.doc.payment_status || "Not invoiced";
	if (status !== "Not invoiced" || frm.doc.invoiced_amount) {
		const owed = format_currency(frm.doc.outstanding_amount, frm.doc.company_currency);
		frm.dashboard.add_indicator(
			status === "Paid" ? __("Paid") : __("{0}: {1} outstanding", [__(status), owed]),
			PAYMENT_COLOURS[status] || "gray"
		);
		frm.dashboard.add_indicator(
			__("Invoiced {0}, paid {1}", [
				format_currency(frm.doc.invoiced_amount, frm.doc.company_currency),
				format_currency(frm.doc.paid_amount, frm.doc.company_currency),
			]),
			"blue"
		);
	}
	if (frm.doc.customer) {
		show_receivables_health(frm, frm.doc.customer, frm.doc.company);
	}
}

function add_make_buttons(frm) {
	const makers = [
		["Quotation", "crm_ext.accounts.make.make_quotation"],
		["Sales Order", "crm_ext.accounts.make.make_sales_order"],
		["Sales Invoice", "crm_ext.accounts.make.make_sales_invoice"],
	];
	for (const [doctype, method] of makers) {
		if (!frappe.model.can_create(doctype)) continue;
		frm.add_custom_button(__(doctype), () => frappe.model.open_mapped_doc({ method, frm }), __("Create"));
	}
}

function show_receivables_health(frm, customer, company) {
	frappe
		.call({
			method: "crm_ext.accounts.receivables.get_customer_health",
			args: { customer, company },
		})
		.then(({ message: h }) => {
			if (!h || !h.company) return;
			const pct = (v) => (v === null || v === undefined ? __("n/a") : `${v} %`);
			frm.dashboard.add_indicator(
				__("Receivable {0} = {1} of {2}-day shipments", [
					format_currency(h.receivable, h.currency),
					pct(h.receivable_share),
					h.period_days,
				]),
				h.receivable_alert ? "red" : "green"
			);
			frm.dashboard.add_indicator(
				__("Overdue {0} = {1} of receivable", [format_currency(h.overdue, h.currency), pct(h.overdue_share)]),
				h.overdue_alert ? "red" : "green"
			);
			if (h.credit_limit) {
				frm.dashboard.add_indicator(
					__("Credit limit {0} used {1}", [format_currency(h.credit_limit, h.currency), pct(h.credit_use)]),
					h.credit_use > 100 ? "red" : "green"
				);
			}
		});
}

// --- proposals and contracts (crm_ext.sales.proposals) ------------------------------------------

function show_contract(frm) {
	if (!frm.doc.contract) return;
	frm.dashboard.add_indicator(
		frm.doc.contract_signed
			? __("Contract {0} signed", [frm.doc.contract])
			: __("Contract {0} not signed yet", [frm.doc.contract]),
		frm.doc.contract_signed ? "green" : "orange"
	);
}

function add_proposal_buttons(frm) {
	if (frappe.model.can_create("Quotation")) {
		frm.add_custom_button(
			__("Commercial Proposal"),
			() => frappe.model.open_mapped_doc({ method: "crm_ext.accounts.make.make_quotation", frm }),
			__("Create")
		);
	}
	if (frappe.model.can_create("Contract")) {
		frm.add_custom_button(__("Contract"), () => contract_dialog(frm), __("Create"));
	}
	if (frappe.model.can_email("Quotation")) {
		frm.add_custom_button(__("Send Proposal"), () => proposal_dialog(frm), __("Actions"));
	}
}

function contract_dialog(frm) {
	frappe.prompt(
		[
			{
				fieldname: "contract_template",
				label: __("Contract Template"),
				fieldtype: "Link",
				options: "Contract Template",
			},
		],
		({ contract_template }) =>
			frappe.model.open_mapped_doc({
				method: "crm_ext.sales.proposals.make_contract",
				frm,
				args: { contract_template: contract_template || null },
			}),
		__("Create Contract"),
		__("Create")
	);
}

function proposal_dialog(frm) {
	frappe.prompt(
		[
			{
				fieldname: "quotation",
				label: __("Quotation"),
				fieldtype: "Link",
				options: "Quotation",
				reqd: 1,
				get_query: () => ({ filters: { sales_lead: frm.doc.name, docstatus: 1 } }),
			},
			{ fieldname: "recipients", label: __("To", null, "Recipients"), fieldtype: "Data", default: frm.doc.email || "" },
			{ fieldname: "subject", label: __("Subject"), fieldtype: "Data" },
			{
				fieldname: "message",
				label: __("Message"),
				fieldtype: "Small Text",
				description: __("Empty: the proposal's cover letter"),
			},
		],
		(values) =>
			frappe
				.call({ method: "crm_ext.sales.proposals.send_proposal", type: "POST", args: values })
				.then(() => {
					frappe.show_alert({ message: __("Proposal sent"), indicator: "green" });
					frm.reload_doc();
				}),
		__("Send Proposal"),
		__("Send")
	);
}
