// Copyright (c) 2026, crm_ext developers and contributors
// For license information, please see license.txt

// Receivables health of the customer (crm_ext): receivable vs shipments, overdue share, credit use.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe
			.call({ method: "crm_ext.accounts.receivables.get_customer_health", args: { customer: frm.doc.name } })
			.then(({ message: h }) => {
				if (!h || !h.company) return;
				const pct = (v) => (v === null || v === undefined ? __("n/a") : `${v} %`);
				frm.dashboard.add_indicator(
					__("Receivable ÷ {0}-day shipments: {1}", [h.period_days, pct(h.receivable_share)]),
					h.receivable_alert ? "red" : "green"
				);
				frm.dashboard.add_indicator(
					__("Overdue ÷ receivable: {0}", [pct(h.overdue_share)]),
					h.overdue_alert ? "red" : "green"
				);
				if (h.credit_limit) {
					frm.dashboard.add_indicator(
						__("Credit limit used: {0}", [pct(h.credit_use)]),
						h.credit_use > 100 ? "red" : "green"
					);
				}
			});
	},
});
