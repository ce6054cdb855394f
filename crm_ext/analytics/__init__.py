"""Frappe layer of the sales analytics: shared report filters, scope and actions.

The maths lives in :mod:`crm_ext.logic.analytics`; the reports live in
``crm_ext/crm_ext/report/``.
"""
