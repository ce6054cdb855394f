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
