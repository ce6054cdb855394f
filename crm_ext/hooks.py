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
# "Log call" / "Log meeting" / "Add note" on the cards' forms, and the missing-next-step warning
doctype_js = {
	"Customer": "public/js/interaction_actions.js",
	"Supplier": "public/js/interaction_actions.js",
	"Sales Lead": "public/js/interaction_actions.js",
}
# Interactions on the timeline of the card they belong to, at the time they happened
additional_timeline_content = {
	"Sales Lead": ["crm_ext.sales.interactions.timeline_content"],
	"Customer": ["crm_ext.sales.interactions.timeline_content"],
	"Supplier": ["crm_ext.sales.interactions.timeline_content"],
}

# Document Events
# ---------------
doc_events = {
	"ToDo": {
		"after_insert": "crm_ext.sales.assignment.on_todo_change",
		"on_update": [
			"crm_ext.sales.assignment.on_todo_change",
			"crm_ext.sales.follow_ups.on_todo_update",
		],
	},
	"Communication": {
		"after_insert": "crm_ext.sales.first_contact.on_communication",
	},
}

# Scheduled Tasks
# ---------------
scheduler_events = {
	"cron": {
		"*/5 * * * *": ["crm_ext.sales.first_contact.check_first_contact"],
		# each morning: carry unfinished follow-ups over, escalate, send the digests
		"30 6 * * *": ["crm_ext.sales.follow_ups.daily"],
	},
}

# Permissions
# -----------
permission_query_conditions = {
	"Sales Lead": "crm_ext.sales.permissions.sales_lead_query",
	"Sales Lead Stage Log": "crm_ext.sales.permissions.stage_log_query",
	"Sales Request": "crm_ext.sales.permissions.sales_request_query",
	"Interaction": "crm_ext.sales.permissions.interaction_query",
}
has_permission = {
	"Sales Lead": "crm_ext.sales.permissions.sales_lead_has_permission",
	"Sales Lead Stage Log": "crm_ext.sales.permissions.stage_log_has_permission",
	"Sales Request": "crm_ext.sales.permissions.sales_request_has_permission",
	"Interaction": "crm_ext.sales.permissions.interaction_has_permission",
}
