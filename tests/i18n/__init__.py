"""Translations of crm_ext (ru, uk): extractor, catalogs and the tier-1 check. No frappe import.

- ``extract``: every string the app shows, from the code (``_()`` / ``__()`` / Jinja) and from the
  JSON Frappe renders (doctypes, reports, workspace, cards, charts, print formats, web form,
  notifications) and the literal tables installed on the site (roles, workflow, custom fields).
- ``catalog``: the PO files (``crm_ext/locale/<lang>.po``, the source), the template
  ``crm_ext/locale/main.pot`` and the CSV files generated from the PO files
  (``crm_ext/translations/<lang>.csv``).
- ``rules``: what makes a catalog wrong (missing or empty entry, broken placeholder or markup,
  CSV out of step with the PO).
- ``python -m tests.i18n.missing``: the strings still to translate, as CSV rows to fill in;
  ``python -m tests.i18n.missing --apply FILE``: merge the filled rows in.
- ``python -m tests.i18n.sync``: regenerate main.pot, add the new strings to the PO files, drop
  the strings no longer used, regenerate the CSV files.
"""
