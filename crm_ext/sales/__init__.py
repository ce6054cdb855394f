"""Frappe-side services of the sales side: pipelines, intake, de-duplication, assignment,
first-contact checks, merge and conversion. Rules live in crm_ext.logic; this package reads and
writes documents."""
