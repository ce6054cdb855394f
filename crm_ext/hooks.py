app_name = "crm_ext"
app_title = "CRM Ext"
app_publisher = "crm_ext developers"
app_description = "CRM and supplier-relationship layer for ERPNext: leads, pipelines, interactions, supplier qualification and tenders, tied to accounting"
app_email = "dev@crm-ext.invalid"
app_license = "mit"

# "org/repo" form (as frappe/hrms): install-app resolves it without asking GitHub
required_apps = ["frappe/erpnext"]

export_python_type_annotations = True

# the app's tile on the desk's Apps screen (v16 reaches a workspace only from there)
add_to_apps_screen = [
	{
		"name": "crm_ext",
		"logo": "/assets/crm_ext/images/crm_ext.svg",
		"title": "CRM Ext",
		"route": "/app/crm-ext",
		"has_permission": "crm_ext.setup.roles.may_open_app",
	}
]

# Installation
# ------------
after_install = ["crm_ext.setup.install.after_install", "crm_ext.supply.constraints.ensure_constraints"]
after_migrate = ["crm_ext.setup.install.after_migrate", "crm_ext.supply.constraints.ensure_constraints"]
before_uninstall = "crm_ext.setup.uninstall.before_uninstall"
# the desk reads where a card's Source lives (ERPNext v15 Lead Source, v16 UTM Source)
boot_session = "crm_ext.sales.sources.boot_session"

# Testing
# -------
before_tests = "crm_ext.testing.before_tests"

# Desk
# ----
override_doctype_dashboards = {
	"Customer": "crm_ext.sales.dashboards.customer_dashboard",
	"Supplier": "crm_ext.supply.supplier_dashboard.get_data",
}
# "Log call" / "Log meeting" / "Add note" on the cards' forms, and the missing-next-step warning
doctype_js = {
	"Customer": ["public/js/customer.js", "public/js/interaction_actions.js"],
	"Supplier": ["public/js/supplier.js", "public/js/interaction_actions.js"],
	"Sales Lead": "public/js/interaction_actions.js",
}
# the customer's "Accept Proposal" on ERPNext's quotation portal page (crm_ext.sales.proposals)
web_include_js = ["/assets/crm_ext/js/proposal_accept.js"]
# Interactions on the timeline of the card they belong to, at the time they happened
additional_timeline_content = {
	"Sales Lead": ["crm_ext.sales.interactions.timeline_content"],
	"Customer": ["crm_ext.sales.interactions.timeline_content"],
	"Supplier": ["crm_ext.sales.interactions.timeline_content"],
}
# Jinja (print formats)
# ---------------------
jinja = {
	"methods": [
		"crm_ext.supply.tenders.get_tender_comparison",
		"crm_ext.supply.formatting.format_deadline",
		"crm_ext.supply.formatting.format_qty",
		"crm_ext.supply.formatting.format_money",
		"crm_ext.sales.proposals.proposal_cover_letter",
	]
}

# Requests
# --------
# query arguments of every API call must be plain and stay on their doctype (crm_ext.doors)
before_request = ["crm_ext.doors.guard.before_request"]
# a disabled account is never authenticated, whatever it sends (an API key, a token)
auth_hooks = ["crm_ext.doors.accounts.refuse_disabled_user"]
# a campaign link to the contact form keeps its utm_* through Frappe's redirect to the form
after_request = ["crm_ext.sales.campaign_links.keep_campaign_on_redirect"]

# Document Events
# ---------------
doc_events = {
	"Kanban Board": {"on_trash": "crm_ext.sales.pipeline.forget_kanban_board"},
	# files, comments, follows and e-mails of the app's records follow the record (crm_ext.doors)
	"File": {
		"before_insert": "crm_ext.doors.files.before_insert",
		"validate": "crm_ext.doors.files.validate",
	},
	"Comment": {
		"before_insert": "crm_ext.doors.attached.comment_before_insert",
		"validate": "crm_ext.doors.attached.comment_validate",
	},
	"Document Follow": {
		"validate": "crm_ext.doors.attached.follow_validate",
	},
	"ToDo": {
		"validate": ["crm_ext.sales.access.check_assignment", "crm_ext.sales.follow_ups.keep_planned_date"],
		# the analytics summaries follow a Responsible set by an assignment (read before and after) and
		# the card's viewers Frappe writes to its _assign (compared with those recorded)
		"after_insert": [
			"crm_ext.analytics.summary_events.assignment_before",
			"crm_ext.sales.assignment.on_todo_change",
			"crm_ext.analytics.summary_events.assignment_after",
		],
		"on_update": [
			"crm_ext.analytics.summary_events.assignment_before",
			"crm_ext.sales.assignment.on_todo_change",
			"crm_ext.analytics.summary_events.assignment_after",
			"crm_ext.sales.follow_ups.on_todo_update",
		],
		"on_trash": [
			"crm_ext.analytics.summary_events.assignment_before",
			"crm_ext.analytics.summary_events.assignment_after",
		],
	},
	# the analytics summary tables, in the transaction of the change they count
	"Sales Lead": {
		"validate": "crm_ext.analytics.summary_events.card_validate",
		"on_change": "crm_ext.analytics.summary_events.card_on_change",
		"before_rename": "crm_ext.analytics.summary_events.card_before_rename",
		"after_rename": "crm_ext.analytics.summary_events.card_after_rename",
	},
	"Interaction": {
		"validate": "crm_ext.analytics.summary_events.interaction_validate",
		"on_change": "crm_ext.analytics.summary_events.interaction_on_change",
		"on_trash": "crm_ext.analytics.summary_events.interaction_on_trash",
	},
	"Pipeline Stage": {
		"on_update": "crm_ext.analytics.summary_events.stage_on_update",
		"after_delete": "crm_ext.analytics.summary_events.stage_after_delete",
	},
	"Communication": {
		"validate": "crm_ext.doors.attached.communication_validate",
		"after_insert": [
			"crm_ext.sales.first_contact.on_communication",
			# a reply to a campaign lands on the card it went to
			"crm_ext.sales.campaigns.on_communication",
		],
	},
	# the supplier's portal administration is server-owned; its first portal user is its master user
	"Supplier": {
		"before_validate": "crm_ext.supply.supplier_users.keep_portal_admin",
		"on_update": "crm_ext.supply.supplier_users.log_master_change",
	},
	"Request for Quotation": {
		"validate": "crm_ext.supply.eligibility.check_transaction",
		"before_submit": "crm_ext.supply.eligibility.check_transaction",
	},
	"Purchase Order": {
		# ordered against a tender's framework agreement: its tender, rates and Material Requests
		"before_validate": "crm_ext.supply.tender_agreements.on_purchase_order",
		"validate": "crm_ext.supply.eligibility.check_transaction",
		"before_submit": "crm_ext.supply.eligibility.check_transaction",
		"on_submit": "crm_ext.supply.tenders.on_purchase_document",
		"on_cancel": "crm_ext.supply.tenders.on_purchase_document",
	},
	"Purchase Invoice": {
		"on_submit": "crm_ext.supply.tenders.on_purchase_document",
		"on_cancel": "crm_ext.supply.tenders.on_purchase_document",
	},
	"Quotation": {
		"validate": "crm_ext.accounts.links.quotation_validate",
	},
	"Sales Order": {
		"validate": [
			"crm_ext.accounts.links.sales_order_validate",
			"crm_ext.accounts.receivables.sales_order_validate",
		],
		# the customer accepted the card's proposal
		"on_submit": "crm_ext.sales.proposals.on_sales_order_submit",
	},
	# a contract made from a card: its signed state on the card (crm_ext.sales.proposals)
	"Contract": {
		"validate": "crm_ext.sales.proposals.contract_validate",
		"on_change": "crm_ext.sales.proposals.contract_on_change",
		"on_trash": "crm_ext.sales.proposals.contract_on_trash",
	},
	"Sales Invoice": {
		"validate": "crm_ext.accounts.links.sales_invoice_validate",
		"before_update_after_submit": "crm_ext.accounts.links.sales_invoice_before_update_after_submit",
		"on_submit": "crm_ext.accounts.events.sales_invoice_on_submit",
		"on_cancel": "crm_ext.accounts.events.sales_invoice_on_cancel",
		"on_update_after_submit": "crm_ext.accounts.events.sales_invoice_on_update_after_submit",
		# every change of the invoice's ledger ends here (ERPNext's update_voucher_outstanding)
		"on_change": "crm_ext.accounts.events.sales_invoice_on_change",
	},
	"Payment Entry": {
		"validate": [
			"crm_ext.supply.tenders.set_payment_tender",
			"crm_ext.accounts.links.payment_entry_validate",
		],
		"on_submit": [
			"crm_ext.supply.tenders.on_payment",
			"crm_ext.accounts.events.payment_entry_on_submit",
		],
		"on_cancel": [
			"crm_ext.supply.tenders.on_payment",
			"crm_ext.accounts.events.payment_entry_on_cancel",
		],
		# Payment Reconciliation adds references to a submitted payment
		"before_update_after_submit": "crm_ext.accounts.links.payment_entry_before_update_after_submit",
		"on_update_after_submit": "crm_ext.accounts.events.payment_entry_on_update_after_submit",
	},
	"Journal Entry": {
		"on_submit": "crm_ext.accounts.events.journal_entry_on_submit",
		"on_cancel": "crm_ext.accounts.events.journal_entry_on_cancel",
		"on_update_after_submit": "crm_ext.accounts.events.journal_entry_on_update_after_submit",
	},
	"Unreconcile Payment": {
		"on_submit": "crm_ext.accounts.events.unreconcile_payment_on_submit",
	},
}

# Scheduled Tasks
# ---------------
scheduler_events = {
	"cron": {
		"*/5 * * * *": [
			"crm_ext.sales.first_contact.check_first_contact",
			"crm_ext.supply.tenders.close_expired",
			"crm_ext.supply.tender_notifications.send_waiting",
		],
		# each morning: carry unfinished follow-ups over, escalate, send the digests
		"30 6 * * *": ["crm_ext.sales.follow_ups.daily"],
	},
	"daily": [
		"crm_ext.supply.expiry.run_daily",
		"crm_ext.accounts.events.refresh_open_receivables",
	],
}

# Permissions
# -----------
permission_query_conditions = {
	"Sales Lead": "crm_ext.sales.access.sales_lead_query",
	"Sales Lead Stage Log": "crm_ext.sales.access.stage_log_query",
	"Sales Request": "crm_ext.sales.access.sales_request_query",
	"Supplier Qualification": "crm_ext.supply.access.qualification_query_conditions",
	"Tender": "crm_ext.supply.access.tender_query",
	"Tender Bid": "crm_ext.supply.access.bid_query",
	"Tender Log": "crm_ext.supply.access.log_query",
	"Interaction": "crm_ext.sales.access.interaction_query",
	"Sales Plan": "crm_ext.sales.access.sales_plan_query",
	# child rows listed on their own follow their parent's row rule (crm_ext.access)
	"Pipeline Stage Field": "crm_ext.access.child_query",
	"Pipeline Stage Step": "crm_ext.access.child_query",
	"Qualification Criterion": "crm_ext.access.child_query",
	"Qualification Item Group": "crm_ext.access.child_query",
	"Qualification Required Document": "crm_ext.access.child_query",
	"Supplier Qualification Answer": "crm_ext.access.child_query",
	"Supplier Qualification Contact": "crm_ext.access.child_query",
	"Supplier Qualification Document": "crm_ext.access.child_query",
	"Supplier Qualification Signatory": "crm_ext.access.child_query",
	"Tender Award Line": "crm_ext.access.child_query",
	"Tender Bid Answer": "crm_ext.access.child_query",
	"Tender Bid Item": "crm_ext.access.child_query",
	"Tender Currency": "crm_ext.access.child_query",
	"Tender Evaluation": "crm_ext.access.child_query",
	"Tender Incoterm": "crm_ext.access.child_query",
	"Tender Item": "crm_ext.access.child_query",
	"Tender Material Request": "crm_ext.access.child_query",
	"Tender Notification": "crm_ext.access.child_query",
	"Tender Question": "crm_ext.access.child_query",
	"Tender Supplier": "crm_ext.access.child_query",
	# history, files and comments of a record follow the record
	"Version": "crm_ext.access.attached_query",
	"File": "crm_ext.access.attached_query",
	"Comment": "crm_ext.access.attached_query",
	"Communication": "crm_ext.access.attached_query",
}
has_permission = {
	"Sales Lead": "crm_ext.sales.access.sales_lead_has_permission",
	"Sales Lead Stage Log": "crm_ext.sales.access.stage_log_has_permission",
	"Sales Request": "crm_ext.sales.access.sales_request_has_permission",
	"Supplier Qualification": "crm_ext.supply.access.has_qualification_permission",
	"Tender": "crm_ext.supply.access.tender_has_permission",
	"Tender Bid": "crm_ext.supply.access.bid_has_permission",
	"Tender Log": "crm_ext.supply.access.log_has_permission",
	"Interaction": "crm_ext.sales.access.interaction_has_permission",
	"Sales Plan": "crm_ext.sales.access.sales_plan_has_permission",
	"Version": "crm_ext.access.attached_permission",
	"File": ["crm_ext.access.attached_permission", "crm_ext.doors.files.file_permission"],
	"Number Card": "crm_ext.analytics.cards.number_card_has_permission",
	"Comment": "crm_ext.access.attached_permission",
	"Communication": "crm_ext.access.attached_permission",
}
# Frappe's / ERPNext's generic methods with no row check: each override checks, then calls the
# original (crm_ext.doors)
override_whitelisted_methods = {
	"frappe.client.get": "crm_ext.doors.records.get",
	"frappe.client.get_count": "crm_ext.doors.counts.get_count",
	"frappe.client.is_document_amended": "crm_ext.doors.records.is_document_amended",
	"frappe.desk.reportview.get": "crm_ext.doors.lists.get",
	"frappe.desk.reportview.get_list": "crm_ext.doors.lists.get_list",
	"frappe.desk.listview.get_group_by_count": "crm_ext.doors.counts.get_group_by_count",
	"frappe.workflow.doctype.workflow.workflow.get_workflow_state_count": "crm_ext.doors.counts.get_workflow_state_count",
	"frappe.desk.notifications.get_open_count": "crm_ext.doors.counts.get_open_count",
	"frappe.desk.search.search_widget": "crm_ext.doors.search.search_widget",
	"frappe.desk.search.search_link": "crm_ext.doors.search.search_link",
	"frappe.desk.search.get_link_title": "crm_ext.doors.search.get_link_title",
	"frappe.desk.treeview.get_all_nodes": "crm_ext.doors.search.get_all_nodes",
	"frappe.desk.form.load.getdoc": "crm_ext.doors.search.getdoc",
	"frappe.www.printview.get_html_and_style": "crm_ext.doors.search.get_html_and_style",
	"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": "crm_ext.doors.dashboards.get",
	"frappe.desk.doctype.number_card.number_card.get_result": "crm_ext.doors.dashboards.get_result",
	"frappe.desk.doctype.number_card.number_card.get_percentage_difference": "crm_ext.doors.dashboards.get_percentage_difference",
	"frappe.desk.form.utils.get_next": "crm_ext.doors.records.get_next",
	"frappe.desk.form.linked_with.get_submitted_linked_docs": "crm_ext.doors.records.get_submitted_linked_docs",
	"frappe.desk.doctype.tag.tag.get_tagged_docs": "crm_ext.doors.records.get_tagged_docs",
	"frappe.desk.like.toggle_like": "crm_ext.doors.records.toggle_like",
	"frappe.desk.form.document_follow.get_follow_users": "crm_ext.doors.records.get_follow_users",
	"frappe.model.document.unlock_document": "crm_ext.doors.records.unlock_document",
	"frappe.desk.form.assign_to.remove": "crm_ext.doors.records.remove",
	"frappe.desk.form.assign_to.close": "crm_ext.doors.records.close",
	"frappe.desk.form.assign_to.remove_multiple": "crm_ext.doors.records.remove_multiple",
	"frappe.email.relink": "crm_ext.doors.records.relink",
	"frappe.core.doctype.communication.email.make": "crm_ext.doors.records.make",
	"frappe.templates.includes.comments.comments.add_comment": "crm_ext.doors.records.add_comment",
	"frappe.realtime.can_subscribe_doctype": "crm_ext.doors.realtime.can_subscribe_doctype",
	"erpnext.crm.utils.get_open_activities": "crm_ext.doors.records.get_open_activities",
	"erpnext.controllers.queries.get_filtered_child_rows": "crm_ext.doors.records.get_filtered_child_rows",
}

has_website_permission = {
	"Supplier Qualification": "crm_ext.supply.access.qualification_website_permission",
	"Tender Bid": "crm_ext.supply.access.bid_website_permission",
}

# Portal (suppliers)
# ------------------
portal_menu_items = [
	{
		"title": "My Qualifications",
		"route": "/supplier-qualifications",
		"reference_doctype": "Supplier Qualification",
		"role": "Supplier",
	},
	{"title": "My Tenders", "route": "/tenders", "reference_doctype": "Tender Bid", "role": "Supplier"},
	{"title": "My Company's Users", "route": "/supplier-users", "role": "Supplier"},
]

website_route_rules = [
	{"from_route": "/supplier-qualifications/<name>", "to_route": "supplier-qualifications/qualification"},
	{"from_route": "/tenders/<name>", "to_route": "tenders/tender"},
]

# the analytics summaries count per user (rep, viewer) and per customer: a user or record they
# mention may still be deleted (Frappe removes the user's ToDos itself; the counts stay as history)
ignore_links_on_delete = [
	"Sales Stage Summary",
	"Sales Stage Stay",
	"Interaction Summary",
	"Sales Viewer Summary",
]
