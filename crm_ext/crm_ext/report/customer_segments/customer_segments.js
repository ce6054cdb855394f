// Copyright (c) crm_ext developers. License: MIT.

frappe.query_reports["Customer Segments"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.add_months(frappe.datetime.get_today(), -12), 1),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{ fieldname: "pipeline", label: __("Pipeline"), fieldtype: "Link", options: "Sales Pipeline" },
		{ fieldname: "lead_owner", label: __("Sales Rep"), fieldtype: "Link", options: "User" },
		{ fieldname: "source", label: __("Source"), fieldtype: "Link", options: frappe.boot.crm_ext_source_doctype || "Lead Source" },
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
		{ fieldname: "a_share", label: __("A Share %"), fieldtype: "Percent", default: 80 },
		{ fieldname: "b_share", label: __("B Share %"), fieldtype: "Percent", default: 15 },
	],

	onload(report) {
		if (!frappe.model.can_write("Customer")) return;
		report.page.add_inner_button(__("Tag Customers"), () => {
			frappe.confirm(
				__(
					"Write the ABC class and RFM score shown here to each customer in the report (fields CRM Segment and RFM Score)?"
				),
				() =>
					frappe
						.call({
							method: "crm_ext.analytics.segments.tag_customers",
							args: { filters: report.get_values() },
							freeze: true,
						})
						.then((r) => {
							const c = r.message;
							frappe.show_alert({
								message: __("{0} customers tagged ({1} changed): A {2}, B {3}, C {4}", [
									c.tagged,
									c.changed,
									c.A,
									c.B,
									c.C,
								]),
								indicator: "green",
							});
							report.refresh();
						})
			);
		});
	},
};
