// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

const TENDER_API = "crm_ext.supply.tenders.";

frappe.ui.form.on("Tender", {
	refresh(frm) {
		if (frm.is_new()) return;
		const call = (method, args, message) =>
			frappe
				.call({ method: TENDER_API + method, args: { name: frm.doc.name, ...(args || {}) }, freeze: true })
				.then((r) => {
					if (message) frappe.show_alert({ message, indicator: "green" });
					frm.reload_doc();
					return r;
				});
		const status = frm.doc.status;
		if (status === "Draft") {
			frm.add_custom_button(__("Publish"), () => call("publish", {}, __("Published")));
		}
		if (status === "Published") {
			frm.add_custom_button(__("Extend Deadline"), () => {
				frappe.prompt(
					{ fieldname: "new_deadline", fieldtype: "Datetime", label: __("New Deadline"), reqd: 1 },
					(v) => call("extend_deadline", { new_deadline: v.new_deadline }, __("Deadline extended")),
					__("Extend Deadline")
				);
			});
		}
		if (["Published", "Closed"].includes(status) && !frm.doc.opened_on && frm.doc.mode === "Sealed Bid") {
			frm.add_custom_button(__("Open Bids"), () => call("open_bids", {}, __("Bids opened")));
		}
		if (["Closed", "Evaluated"].includes(status)) {
			frm.add_custom_button(__("Evaluate"), () => call("evaluate", {}, __("Evaluated")));
		}
		if (status === "Evaluated") {
			frm.add_custom_button(__("Award and Create Purchase Orders"), () =>
				frappe.confirm(__("Create the Purchase Orders and notify every bidder?"), () =>
					call("award", {}, __("Awarded"))
				)
			);
		}
		if (!["Awarded", "Cancelled"].includes(status)) {
			frm.add_custom_button(__("Cancel Tender"), () => call("cancel"), __("Actions"));
		}
		frm.add_custom_button(
			__("Verify Log"),
			() =>
				frappe.call({ method: TENDER_API + "verify_log", args: { name: frm.doc.name } }).then((r) =>
					frappe.msgprint({
						title: __("Tender Log"),
						message: r.message.message,
						indicator: r.message.ok ? "green" : "red",
					})
				),
			__("Actions")
		);
		frm.trigger("show_bids");
	},

	show_bids(frm) {
		const wrapper = frm.get_field("comparison_html").$wrapper;
		wrapper.empty();
		frappe.call({ method: TENDER_API + "get_bid_count", args: { name: frm.doc.name } }).then((r) => {
			frm.dashboard.set_headline(__("{0} bid(s) submitted", [r.message]));
		});
		const opened = frm.doc.opened_on || frm.doc.mode === "Reverse Auction";
		if (!opened || !["Closed", "Evaluated", "Awarded"].includes(frm.doc.status)) return;
		frappe.call({ method: TENDER_API + "get_comparison", args: { name: frm.doc.name } }).then((r) => {
			const m = r.message;
			const esc = frappe.utils.escape_html;
			let html = `<table class="table table-bordered table-sm"><thead><tr><th>${__("Line")}</th><th>${__("Qty")}</th>`;
			m.suppliers.forEach((s) => (html += `<th>${esc(s)}</th>`));
			html += "</tr></thead><tbody>";
			m.lines.forEach((line) => {
				html += `<tr><td>${esc(line.item || "")}</td><td>${line.qty}</td>`;
				m.suppliers.forEach((s) => {
					const c = line.cells[s];
					if (!c.offered) {
						html += `<td class="text-muted">${__("not offered")}</td>`;
					} else {
						const best = line.best === s ? ' style="background: var(--green-highlight-color)"' : "";
						html += `<td${best}>${format_currency(c.evaluated, m.company_currency)}<br><small>${format_currency(
							c.unit_price,
							c.currency
						)} · ${c.delivery_days} ${__("days")}</small></td>`;
					}
				});
				html += "</tr>";
			});
			html += `<tr><th colspan="2">${__("Evaluated total")}</th>`;
			m.suppliers.forEach((s) => (html += `<th>${format_currency(m.totals[s], m.company_currency)}</th>`));
			html += "</tr></tbody></table>";
			wrapper.html(html);
		});
	},
});

// A published tender looks as the server treats it: what bidders rely on is read-only, frozen
// tables take no new or removed rows (the lists come from the controller: Tender.onload).
frappe.ui.form.on("Tender", {
	refresh(frm) {
		crm_ext_show_frozen(frm);
	},
});

function crm_ext_show_frozen(frm) {
	// the form object is reused for the next tender opened: undo what this function set before
	(frm.crm_ext_frozen || []).forEach(([table, field]) => {
		if (!table) {
			frm.set_df_property(field, "read_only", 0);
		} else if (!field) {
			frm.set_df_property(table, "cannot_add_rows", 0);
			frm.set_df_property(table, "cannot_delete_rows", 0);
		} else {
			frm.get_field(table).grid.update_docfield_property(field, "read_only", 0);
		}
	});
	frm.crm_ext_frozen = [];
	const frozen = (frm.doc.__onload || {}).frozen;
	if (frm.is_new() || !frozen || !frozen.fields.length) {
		frm.set_intro();
		return;
	}
	frozen.fields.forEach((field) => {
		frm.set_df_property(field, "read_only", 1);
		frm.crm_ext_frozen.push([null, field]);
	});
	Object.entries(frozen.tables).forEach(([table, columns]) => {
		frm.set_df_property(table, "cannot_add_rows", 1);
		frm.set_df_property(table, "cannot_delete_rows", 1);
		frm.crm_ext_frozen.push([table, null]);
		columns.forEach((column) => {
			frm.get_field(table).grid.update_docfield_property(column, "read_only", 1);
			frm.crm_ext_frozen.push([table, column]);
		});
	});
	frm.refresh_fields();
	const status = frm.doc.status;
	let intro;
	if (["Awarded", "Cancelled"].includes(status)) {
		intro = __("This tender is {0}: its terms and its evaluation can no longer change.", [__(status)]);
	} else if (status === "Published") {
		intro = __(
			"This tender is published: the terms bidders rely on can no longer change. Move the deadline with Extend Deadline, or cancel the tender to start again."
		);
	} else {
		intro = __(
			"This tender is {0}: the terms bidders relied on can no longer change. The weights and the award method can, until the award.",
			[__(status)]
		);
	}
	frm.set_intro(intro, "blue");
}
