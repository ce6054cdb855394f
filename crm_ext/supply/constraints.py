"""Invariants of the supply side kept by the database itself, whatever door writes.

- One bid per supplier per tender: a unique key on ``tabTender Bid`` (tender, supplier). Two
  requests that both find no bid and both insert cannot both succeed: the second insert fails on
  the key (``frappe.UniqueValidationError``, answered 417, or turned into the existing bid by
  ``crm_ext.supply.tender_portal.get_or_create_bid``).

Created on install and after every migrate (``hooks.after_install`` / ``after_migrate``;
idempotent). A site that already holds duplicate bids (made before the key existed) keeps working
without the key until they are resolved: the duplicates are written to the Error Log.
"""

import frappe

UNIQUE_KEYS = {"Tender Bid": {"unique_tender_supplier": ("tender", "supplier")}}


def ensure_constraints() -> None:
	for doctype, keys in UNIQUE_KEYS.items():
		for name, columns in keys.items():
			ensure_unique(doctype, name, columns)


def ensure_unique(doctype: str, name: str, columns: tuple[str, ...]) -> bool:
	table = f"tab{doctype}"
	if frappe.db.has_index(table, name):
		return True
	duplicates = frappe.db.sql(
		f"select {', '.join(f'`{c}`' for c in columns)}, count(*) from `{table}` "
		f"group by {', '.join(f'`{c}`' for c in columns)} having count(*) > 1 limit 20"
	)
	if duplicates:
		frappe.log_error(
			title=f"{doctype}: duplicates prevent the unique key {name}",
			message=f"Resolve these {columns} duplicates, then run bench migrate:\n{duplicates!r}",
		)
		return False
	# not frappe.db.add_unique: its existence check reads every database of the server
	frappe.db.sql_ddl(f"alter table `{table}` add unique `{name}` ({', '.join(f'`{c}`' for c in columns)})")
	return True
