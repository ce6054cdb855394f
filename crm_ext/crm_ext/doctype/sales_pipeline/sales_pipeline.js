// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Sales Pipeline", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Add Stage"), () => {
			frappe.new_doc("Pipeline Stage", { pipeline: frm.doc.name });
		});
		if (frm.doc.kanban_board) {
			frm.add_custom_button(__("Open Kanban Board"), () => {
				frappe.set_route("List", "Sales Lead", "Kanban", frm.doc.kanban_board);
			});
		}
		render_stages(frm);
	},
});

function render_stages(frm) {
	frappe.db
		.get_list("Pipeline Stage", {
			filters: { pipeline: frm.doc.name },
			fields: ["name", "stage_name", "stage_order", "kind", "probability", "stale_after_days"],
			order_by: "stage_order asc",
			limit: 100,
		})
		.then((stages) => {
			const rows = stages
				.map(
					(s) => `<tr>
						<td>${cint(s.stage_order)}</td>
						<td><a href="/app/pipeline-stage/${encodeURIComponent(s.name)}">${frappe.utils.escape_html(s.stage_name)}</a></td>
						<td>${__(s.kind)}</td>
						<td>${flt(s.probability)}%</td>
						<td>${cint(s.stale_after_days) || "-"}</td>
					</tr>`
				)
				.join("");
			const html = stages.length
				? `<table class="table table-bordered table-sm">
					<thead><tr><th>${__("Order")}</th><th>${__("Stage")}</th><th>${__("Kind")}</th>
					<th>${__("Probability")}</th><th>${__("Stale After (Days)")}</th></tr></thead>
					<tbody>${rows}</tbody></table>`
				: `<p class="text-muted">${__("No stages yet: use Add Stage.")}</p>`;
			frm.get_field("stages_html").$wrapper.html(html);
		});
}
