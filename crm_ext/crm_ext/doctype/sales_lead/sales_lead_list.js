// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Lead"] = {
	add_fields: [
		"stage_kind",
		"stage",
		"first_contacted_on",
		"first_contact_due",
		"next_step_status",
		"next_follow_up",
		"payment_status",
		"outstanding_amount",
		"company_currency",
		"expected_amount",
		"currency",
	],
	onload(listview) {
		if (frappe.user.has_role(["Sales Manager", "CRM Manager", "System Manager"])) {
			listview.page.add_menu_item(__("Hand Over Cards"), () => handover_dialog(listview));
		}
		if (listview.view_name === "Kanban") crm_ext.sales_kanban.paged(listview);
	},
	refresh(listview) {
		// called by the list and by the pipeline's kanban board (a list view too) after each render
		if (listview.view_name === "Kanban") crm_ext.sales_kanban.attach(listview);
	},
	get_indicator(doc) {
		// the funnel ends at "Paid": once invoiced, the card shows its payment status
		const paid = payment_indicator(doc);
		if (paid) return [...paid, `payment_status,=,${doc.payment_status}`];
		if (doc.stage_kind === "Won") return [__("Won"), "green", "stage_kind,=,Won"];
		if (doc.stage_kind === "Lost") return [__("Lost"), "red", "stage_kind,=,Lost"];
		const next = next_step_indicator(doc);
		if (next) return next;
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

// --- what a card says at a glance (list and kanban) -------------------------------------------

function payment_indicator(doc) {
	return {
		Paid: [__("Paid"), "green"],
		"Partly paid": [__("Partly paid"), "yellow"],
		Unpaid: [__("Unpaid"), "orange"],
		Overdue: [__("Overdue"), "red"],
	}[doc.payment_status];
}

function next_step_indicator(doc) {
	if (doc.stage_kind !== "Open") return null;
	if (!doc.first_contacted_on && doc.first_contact_due && doc.first_contact_due < frappe.datetime.now_datetime()) {
		return [__("Not contacted in time"), "red", "stage_kind,=,Open"];
	}
	if (doc.next_step_status === "Missing") return [__("No next step"), "orange", "next_step_status,=,Missing"];
	if (doc.next_step_status === "Overdue") return [__("Follow-up overdue"), "red", "next_step_status,=,Overdue"];
	if (doc.next_follow_up) {
		const day = frappe.format(doc.next_follow_up, { fieldtype: "Date" });
		return [__("Next step {0}", [day]), "green", "next_step_status,=,OK"];
	}
	return null;
}

// --- the pipeline's kanban board ----------------------------------------------------------------
// Frappe titles a column by its value, the stage's ID ("Sales-New"), and lists a card's fields
// line by line. On a Sales Lead board: columns show the stage names (read when the board is
// drawn, so renamed stages show their new name), a card shows its title, amount, next-step and
// payment indicators, and a card dropped on a stage that needs more (Won: a customer, Lost: a
// reason, a stage's required fields) opens a dialog for exactly that, then moves in one save;
// a refusal comes back as a message. Frappe's board functions are wrapped, not copied.

frappe.provide("crm_ext.sales_kanban");

crm_ext.sales_kanban.attach = function (listview) {
	if (!frappe.views.KanbanBoardColumn || !listview.board) return;
	const first = install_board_wrappers();
	const values = (listview.board.columns || []).map((c) => c.column_name);
	load_stage_titles(values).then(() => {
		listview.$result.find(".kanban-column[data-column-value]").each(function () {
			decorate_column($(this), listview);
		});
		// cards drawn before the wrappers existed are drawn again, with their indicators
		if (first && listview.kanban) listview.kanban.update(listview.data);
	});
};

crm_ext.sales_kanban.titles = {};

// Frappe's board asks for every card of the board at once (KanbanView sets page_length 0 and
// hides the list's paging): 1.8-4.5 s at 100,000 cards. The board gets Frappe's own list paging
// back: the latest-modified 100 cards (10-35 ms a request for any user, row rule included), with
// the list's page sizes and "Load More" adding the next page to the columns.
crm_ext.sales_kanban.PAGE = 100;

crm_ext.sales_kanban.paged = function (listview) {
	if (listview.$paging_area) return;
	listview.page_length = listview.selected_page_count = crm_ext.sales_kanban.PAGE;
	frappe.views.ListView.prototype.setup_paging_area.call(listview);
	listview.toggle_result_area = function () {
		this.$result.toggle(this.data.length > 0);
		this.$paging_area.toggle(this.data.length > 0);
		this.$paging_area.find(".btn-more").toggle(this.start + this.page_length <= this.data.length);
	};
};

function on_sales_board() {
	return window.cur_list && cur_list.doctype === "Sales Lead" && cur_list.view_name === "Kanban";
}

function install_board_wrappers() {
	if (frappe.views.KanbanBoardColumn.crm_ext) return false;
	const make_column = frappe.views.KanbanBoardColumn;
	const make_card = frappe.views.KanbanBoardCard;
	frappe.views.KanbanBoardColumn = function (column, wrapper, board_perms) {
		make_column(column, wrapper, board_perms);
		if (on_sales_board()) decorate_column(wrapper.children(".kanban-column").last(), cur_list);
	};
	frappe.views.KanbanBoardColumn.crm_ext = true;
	frappe.views.KanbanBoardCard = function (card, wrapper) {
		make_card(card, wrapper);
		if (card && on_sales_board()) decorate_card(wrapper.children(".kanban-card-wrapper").last(), card.doc || {});
	};
	return true;
}

function load_stage_titles(values) {
	if (!values.length) return Promise.resolve();
	return frappe.db
		.get_list("Pipeline Stage", {
			filters: { name: ["in", values] },
			fields: ["name", "stage_name", "kind"],
			limit: values.length,
		})
		.then((rows) => {
			rows.forEach((r) => {
				crm_ext.sales_kanban.titles[r.name] = { title: r.stage_name || r.name, kind: r.kind };
			});
		});
}

function decorate_column($column, listview) {
	const info = crm_ext.sales_kanban.titles[$column.attr("data-column-value")];
	if (info) {
		$column.find(".kanban-title").text(__(info.title)).attr("title", __(info.title));
	}
	const cards = $column.find(".kanban-cards").get(0);
	const sortable = cards && window.Sortable && Sortable.get(cards);
	if (!sortable || sortable.crm_ext) return;
	sortable.crm_ext = true;
	const frappe_on_end = sortable.option("onEnd");
	sortable.option("onEnd", (event) => before_move(event, frappe_on_end, listview));
}

function decorate_card($card, doc) {
	$card.find(".crm-kanban-card").remove();
	const lines = [];
	if (flt(doc.expected_amount)) {
		lines.push(`<div class="text-muted">${format_currency(doc.expected_amount, doc.currency)}</div>`);
	}
	const pills = [next_step_indicator(doc), payment_indicator(doc)]
		.filter(Boolean)
		.map(([label, colour]) => `<span class="indicator-pill ${colour} ellipsis">${frappe.utils.escape_html(label)}</span>`);
	if (pills.length) {
		lines.push(`<div style="display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px">${pills.join("")}</div>`);
	}
	if (lines.length) {
		$card.find(".kanban-card-doc").append(`<div class="crm-kanban-card">${lines.join("")}</div>`);
	}
}

function before_move(event, frappe_on_end, listview) {
	const from = $(event.from).closest(".kanban-column").attr("data-column-value");
	const to = $(event.to).closest(".kanban-column").attr("data-column-value");
	if (from === to || !on_sales_board()) return frappe_on_end(event);
	const name = decodeURIComponent($(event.item).attr("data-name"));
	frappe.call({
		method: "crm_ext.sales.kanban.stage_entry",
		type: "GET",
		args: { sales_lead: name, stage: to },
		freeze: true,
		callback: ({ message: entry }) => {
			if (entry && entry.fields.length) {
				put_back(event);
				ask_and_move(name, entry, listview);
			} else if (entry && entry.on_form.length) {
				put_back(event);
				frappe.msgprint({
					title: __("Cannot Enter Stage"),
					indicator: "orange",
					message: __("Stage {0} needs {1}: fill them in on the card {2}.", [
						__(entry.title),
						entry.on_form.join(", "),
						frappe.utils.get_form_link("Sales Lead", name, true),
					]),
				});
			} else {
				frappe_on_end(event); // Frappe's move (a refusal comes back as its message)
			}
		},
		error: () => put_back(event),
	});
}

function put_back(event) {
	// undo the drag on screen; the card did not move
	const $board = $(event.to).closest(".kanban");
	$board.find(".kanban-card.add-card").fadeIn(100);
	$board.find(".kanban-cards").height("auto");
	event.from.insertBefore(event.item, event.from.children[event.oldIndex] || null);
}

function ask_and_move(name, entry, listview) {
	const dialog = new frappe.ui.Dialog({
		title: __("Move to {0}", [__(entry.title)]),
		fields: entry.fields,
		primary_action_label: __("Move"),
		primary_action(values) {
			frappe.call({
				method: "frappe.client.set_value",
				args: { doctype: "Sales Lead", name, fieldname: { ...values, stage: entry.stage } },
				freeze: true,
				callback: (r) => {
					if (r.exc) return;
					dialog.hide();
					frappe.show_alert({ message: __("Moved to {0}", [__(entry.title)]), indicator: "green" });
					listview.refresh();
				},
			});
		},
	});
	if (entry.kind === "Won" && entry.fields.some((f) => f.fieldname === "customer")) {
		dialog.set_secondary_action_label(__("Create Customer from Lead"));
		dialog.set_secondary_action(() =>
			frappe.call({
				method: "crm_ext.sales.conversion.convert_to_customer",
				args: { sales_lead: name },
				freeze: true,
				callback: ({ message }) => message && dialog.set_value("customer", message.customer),
			})
		);
	}
	dialog.show();
}
