"""Frappe side of the supply features: supplier qualification, eligibility, portal, expiry.

Rules live in ``crm_ext.logic``; the modules here read documents into plain values, call the
rules and write the outcome back (or raise a translated error naming the field).
"""
