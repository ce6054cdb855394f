app_name = "crm_ext"
app_title = "CRM Ext"
app_publisher = "crm_ext developers"
app_description = "CRM and supplier-relationship layer for ERPNext: leads, pipelines, interactions, supplier qualification and tenders, tied to accounting"
app_email = "dev@crm-ext.invalid"
app_license = "mit"

required_apps = ["erpnext"]

export_python_type_annotations = True

# Installation
# ------------
after_install = "crm_ext.setup.install.after_install"
after_migrate = "crm_ext.setup.install.after_migrate"
before_uninstall = "crm_ext.setup.install.before_uninstall"

# Testing
# -------
before_tests = "crm_ext.testing.before_tests"

# Supply side: supplier qualification and eligibility
# ----------------------------------------------------
doctype_js = {"Supplier": "public/js/supplier.js"}

override_doctype_dashboards = {"Supplier": "crm_ext.supply.supplier_dashboard.get_data"}

doc_events = {
	"Request for Quotation": {
		"validate": "crm_ext.supply.eligibility.check_transaction",
		"before_submit": "crm_ext.supply.eligibility.check_transaction",
	},
	"Purchase Order": {
		"validate": "crm_ext.supply.eligibility.check_transaction",
		"before_submit": "crm_ext.supply.eligibility.check_transaction",
	},
}

scheduler_events = {"daily": ["crm_ext.supply.expiry.run_daily"]}

permission_query_conditions = {
	"Supplier Qualification": "crm_ext.supply.permissions.qualification_query_conditions",
}
has_permission = {"Supplier Qualification": "crm_ext.supply.permissions.has_qualification_permission"}
has_website_permission = {"Supplier Qualification": "crm_ext.supply.permissions.has_website_permission"}

portal_menu_items = [
	{
		"title": "My Qualifications",
		"route": "/supplier-qualifications",
		"reference_doctype": "Supplier Qualification",
		"role": "Supplier",
	},
]

website_route_rules = [
	{"from_route": "/supplier-qualifications/<name>", "to_route": "supplier-qualifications/qualification"},
]
