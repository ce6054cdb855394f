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
			frm.add_custom_button(
				__("Material Request"),
				() => frm.trigger("get_material_requests"),
				__("Get Items From")
			);
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
				frappe.confirm(
					__(
						"Create the Purchase Orders (and a Blanket Order per winner of the lines awarded as framework agreements) and notify every bidder?"
					),
					() => call("award", {}, __("Awarded"))
				)
			);
			frm.add_custom_button(__("Override Award of a Line"), () => {
				const lines = frm.doc.items.map((row) => ({
					value: row.name,
					label: `${row.idx}: ${row.item_code || row.description || ""}`,
				}));
				frappe.prompt(
					[
						{ fieldname: "line", fieldtype: "Select", label: __("Line", null, "Tender"), options: lines, reqd: 1 },
						{ fieldname: "supplier", fieldtype: "Link", options: "Supplier", label: __("Supplier"), reqd: 1 },
						{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
					],
					(v) => call("override_award", v, __("Award changed")),
					__("Override Award of a Line")
				);
			});
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

	get_material_requests(frm) {
		// submitted purchase requests of the tender's company with something left to order; the
		// server skips the lines another live tender holds and merges by item and required date
		new frappe.ui.form.MultiSelectDialog({
			doctype: "Material Request",
			target: frm,
			setters: { schedule_date: null },
			date_field: "transaction_date",
			get_query() {
				return {
					filters: {
						docstatus: 1,
						material_request_type: "Purchase",
						company: frm.doc.company,
						status: ["in", ["Pending", "Partially Ordered", "Partially Received"]],
					},
				};
			},
			action(selections) {
				if (!selections.length) {
					frappe.msgprint(__("Choose at least one Material Request."));
					return;
				}
				this.dialog.hide();
				frappe
					.call({
						method: "crm_ext.supply.tender_requests.add_material_requests",
						args: { name: frm.doc.name, material_requests: selections },
						freeze: true,
					})
					.then((r) => {
						const skipped = r.message.skipped || [];
						frappe.show_alert({
							message: __("{0} line(s) added from {1} Material Request line(s)", [
								r.message.lines,
								r.message.added.length,
							]),
							indicator: "green",
						});
						if (skipped.length) {
							frappe.msgprint(
								__("{0} Material Request line(s) are already in another tender: {1}", [
									skipped.length,
									skipped.map((s) => frappe.utils.escape_html(s[1])).join(", "),
								])
							);
						}
						frm.reload_doc();
					});
			},
		});
	},

	show_bids(frm) {
		const wrapper = frm.get_field("comparison_html").$wrapper;
		wrapper.empty();
		frappe.call({ method: TENDER_API + "get_bid_count", args: { name: frm.doc.name } }).then((r) => {
			frm.dashboard.set_headline(__("{0} bid(s) submitted", [r.message]));
		});
		const opened = frm.doc.opened_on || frm.doc.mode === "Reverse Auction";
		if (!opened || !["Closed", "Evaluated", "Awarded"].includes(frm.doc.status)) return;
		frm.events.show_comparison(frm, 0);
	},

	// A page of lines of the comparison (the server sends one page, the totals and the best
	// supplier of every line: a tender of 200 bids x 500 lines is 100,000 cells).
	show_comparison(frm, start) {
		const wrapper = frm.get_field("comparison_html").$wrapper;
		frappe.call({ method: TENDER_API + "get_comparison", args: { name: frm.doc.name, start } }).then((r) => {
			const m = r.message;
			const esc = frappe.utils.escape_html;
			const last = Math.min(m.start + m.page_length, m.line_count);
			let html = `<div class="flex justify-between align-center" style="margin-bottom: var(--margin-sm)">
				<span class="text-muted">${__("Lines {0}-{1} of {2}", [m.start + 1, last, m.line_count])}</span>
				<span><button class="btn btn-xs btn-default comparison-prev" ${m.start ? "" : "disabled"}>${__("Previous", null, "Tender")}</button>
				<button class="btn btn-xs btn-default comparison-next" ${last < m.line_count ? "" : "disabled"}>${__("Next", null, "Tender")}</button></span></div>`;
			html += `<div style="overflow-x: auto"><table class="table table-bordered table-sm"><thead><tr><th>${__("Line", null, "Tender")}</th><th>${__("Qty")}</th>`;
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
			html += "</tr></tbody></table></div>";
			wrapper.html(html);
			wrapper.find(".comparison-prev").on("click", () => frm.events.show_comparison(frm, Math.max(m.start - m.page_length, 0)));
			wrapper.find(".comparison-next").on("click", () => frm.events.show_comparison(frm, m.start + m.page_length));
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
