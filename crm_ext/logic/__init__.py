"""Pure business logic of crm_ext.

Nothing in this package imports frappe: every function takes plain values and returns plain
values, so the rules can be tested without a site (tier 1) and reused by controllers,
scheduler jobs, reports and endpoints alike.
"""
