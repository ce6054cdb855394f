// Copyright (c) crm_ext developers. License: MIT.
// The customer's "Accept Proposal" on ERPNext's own quotation page (/quotations/<name>): the
// server decides (crm_ext.sales.proposals.accept_proposal: the customer's portal user only, a
// submitted quotation still on offer and valid) and moves the card if its pipeline says so.
frappe.ready(() => {
	const match = window.location.pathname.match(/^\/quotations\/([^/]+)\/?$/);
	if (!match || !frappe.is_user_logged_in()) return;
	const place = document.querySelector(".indicator-container") || document.querySelector(".page-content");
	if (!place) return;
	const button = document.createElement("button");
	button.className = "btn btn-sm btn-primary mt-2";
	button.textContent = __("Accept Proposal");
	button.addEventListener("click", () => {
		button.disabled = true;
		frappe.call({
			method: "crm_ext.sales.proposals.accept_proposal",
			type: "POST",
			args: { quotation: decodeURIComponent(match[1]) },
			callback: (r) => {
				if (r.message) button.textContent = __("Proposal accepted");
			},
			error: () => {
				button.disabled = false;
			},
		});
	});
	place.appendChild(button);
});
