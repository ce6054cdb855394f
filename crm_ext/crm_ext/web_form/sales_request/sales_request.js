frappe.ready(function () {
	// Keep the campaign a visitor came from (?utm_source=...&utm_medium=...&utm_campaign=...).
	const params = new URLSearchParams(window.location.search);
	frappe.web_form.after_load = () => {
		["utm_source", "utm_medium", "utm_campaign"].forEach((fieldname) => {
			if (params.get(fieldname)) frappe.web_form.set_value(fieldname, params.get(fieldname));
		});
	};
});
