"""Static conformance checks of the Frappe layer of crm_ext (tier 1: no frappe import).

``check_app(app_root)`` reads the app's sources (doctype JSON, controllers, hooks.py,
patches.txt, fixtures, JS, the custom-field table) and returns a list of Problems, each naming
the file and the fix. The rules mirror what Frappe v15 itself enforces when it imports a doctype
(``frappe.core.doctype.doctype.doctype.validate_fields``) or runs a hook, so a broken app fails
here, on any machine, before it fails on a site.
"""
