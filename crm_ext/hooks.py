app_name = "crm_ext"
app_title = "CRM Ext"
app_publisher = "crm_ext developers"
app_description = "CRM and supplier-relationship layer for ERPNext: leads, pipelines, interactions, supplier qualification and tenders, tied to accounting"
app_email = "dev@crm-ext.invalid"
app_license = "mit"

# "org/repo" form (as frappe/hrms): install-app resolves it without asking GitHub
required_apps = ["frappe/erpnext"]

export_python_type_annotations = True

# Installation
# ------------
after_install = "crm_ext.setup.install.after_install"
after_migrate = "crm_ext.setup.install.after_migrate"
before_uninstall = "crm_ext.setup.install.before_uninstall"

# Testing
# -------
before_tests = "crm_ext.testing.before_tests"

# Desk
# ----
override_doctype_dashboards = {
	"Customer": "crm_ext.sales.dashboards.customer_dashboard",
}
doctype_js = {
	"Customer": "public/js/customer.js",
}

# Document Events
# ---------------
doc_events = {
	"ToDo": {
		"after_insert": "crm_ext.sales.assignment.on_todo_change",
		"on_update": "crm_ext.sales.assignment.on_todo_change",
	},
	"Communication": {
		"after_insert": "crm_ext.sales.first_contact.on_communication",
	},
	"Quotation": {
		"validate": "crm_ext.accounts.links.quotation_validate",
	},
	"Sales Order": {
		"validate": [
			"crm_ext.accounts.links.sales_order_validate",
			"crm_ext.accounts.receivables.sales_order_validate",
		],
	},
	"Sales Invoice": {
		"validate": "crm_ext.accounts.links.sales_invoice_validate",
		"on_submit": "crm_ext.accounts.events.sales_invoice_on_submit",
		"on_cancel": "crm_ext.accounts.events.sales_invoice_on_cancel",
		"on_update_after_submit": "crm_ext.accounts.events.sales_invoice_on_update_after_submit",
	},
	"Payment Entry": {
		"validate": "crm_ext.accounts.links.payment_entry_validate",
		"on_submit": "crm_ext.accounts.events.payment_entry_on_submit",
		"on_cancel": "crm_ext.accounts.events.payment_entry_on_cancel",
	},
	"Journal Entry": {
		"on_submit": "crm_ext.accounts.events.journal_entry_on_submit",
		"on_cancel": "crm_ext.accounts.events.journal_entry_on_cancel",
	},
}

# Scheduled Tasks
# ---------------
scheduler_events = {
	"cron": {
		"*/5 * * * *": ["crm_ext.sales.first_contact.check_first_contact"],
	},
	"daily": ["crm_ext.accounts.events.refresh_open_receivables"],
}

# Permissions
# -----------
permission_query_conditions = {
	"Sales Lead": "crm_ext.sales.permissions.sales_lead_query",
	"Sales Lead Stage Log": "crm_ext.sales.permissions.stage_log_query",
	"Sales Request": "crm_ext.sales.permissions.sales_request_query",
}
has_permission = {
	"Sales Lead": "crm_ext.sales.permissions.sales_lead_has_permission",
	"Sales Lead Stage Log": "crm_ext.sales.permissions.stage_log_has_permission",
	"Sales Request": "crm_ext.sales.permissions.sales_request_has_permission",
}
