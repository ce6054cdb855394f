"""Tier 2: the access matrix of the app (issue "trust boundaries"), through a real HTTP stack.

Every doctype of the app (parents and child tables) x every persona x every door (REST resource
API, ``frappe.client.*``, report view, link search, print, file download), and every whitelisted
method of the app x every persona x its verb: the answer each cell must give is written down in
``spec.py`` and ``methods.py`` and asserted over HTTP, each request in its own thread with its own
database connection (``http.py``), authenticated as the persona with an API key.
"""
