"""Frappe's generic doors, closed for the app's records from inside the app.

Frappe v15 and ERPNext v15 expose whitelisted methods that read or change any doctype: list,
count, search, dashboards, stats, likes, follows, comments, files. Several of them ignore the
row rules of ``crm_ext.sales.access`` / ``crm_ext.supply.access`` (they use ``frappe.get_all``
or raw SQL), or take query parts from the client that reach past them (sub-selects, raw filter
strings, joins to another doctype). This package closes them:

- ``guard``: a ``before_request`` hook: query arguments must be plain (``crm_ext.logic.query_args``)
  and may not reach a doctype with row rules other than the one queried;
- one module per subject of ``override_whitelisted_methods`` (``lists``, ``counts``, ``search``,
  ``dashboards``, ``records``, ``realtime``): each checks the right it needs, then calls
  Frappe's own method;
- ``files``, ``attached``: ``doc_events`` / ``has_permission`` of File, Comment, Document
  Follow and Communication about a record of the app.
"""
