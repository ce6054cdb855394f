"""A tender's computed tables written in bulk.

``evaluate`` fills the evaluation table (one row per bid) and the award table (one row per line):
1,200 rows for 200 bids x 500 lines. A save of the Tender rewrites every row of every table (its
500 lines too, one UPDATE each) and diffs them all into a Version. Here the computed tables are
replaced by one DELETE and one multi-row INSERT each, and the tender's own fields by one UPDATE,
after the same check a save makes: the tender is locked (``FOR UPDATE``) and must be as it was
read (its ``modified``), or the write stops (someone else changed it meanwhile, e.g. awarded it).
The Version keeps the tender's changed fields; the rows themselves are recorded in the tender's
log (``Evaluated``: the ranking) and can be recomputed from the bids.
"""

import json

import frappe
from frappe import _
from frappe.utils import cstr, now_datetime


def replace_tables(tender, tables: tuple[str, ...], values: dict) -> None:
	"""Store ``tender``'s rows of ``tables`` as set in memory in place of the stored ones, and
	``values`` on the tender (``modified`` moves); the caller has checked the right to do it."""
	stored = frappe.db.sql(
		f"select modified, {', '.join(f'`{field}`' for field in values)} from `tabTender` where name = %s for update",
		tender.name,
	)
	if not stored or cstr(stored[0][0]) != cstr(tender.modified):
		frappe.throw(
			_("Tender {0} was changed by someone else meanwhile: reload it and try again.").format(
				tender.name
			),
			frappe.TimestampMismatchError,
		)
	now, user = now_datetime(), frappe.session.user
	for table in tables:
		doctype = tender.meta.get_field(table).options
		frappe.db.delete(doctype, {"parent": tender.name, "parenttype": tender.doctype, "parentfield": table})
		records = []
		for idx, row in enumerate(tender.get(table), start=1):
			row.update(
				{
					"name": row.name or frappe.generate_hash(length=10),
					"idx": idx,
					"parent": tender.name,
					"parenttype": tender.doctype,
					"parentfield": table,
					"creation": now,
					"modified": now,
					"owner": user,
					"modified_by": user,
					"docstatus": 0,
				}
			)
			records.append(row.get_valid_dict(convert_dates_to_str=True))
		if records:
			fields = list(records[0])
			frappe.db.bulk_insert(doctype, fields, [[record[f] for f in fields] for record in records])
	changed = [
		[field, old, cstr(values[field])]
		for field, old in zip(values, (cstr(v) for v in stored[0][1:]), strict=True)
		if old != cstr(values[field])
	]
	frappe.db.set_value(tender.doctype, tender.name, dict(values))  # it adds modified to the dict
	tender.update(values)
	if changed:
		frappe.get_doc(
			{
				"doctype": "Version",
				"ref_doctype": tender.doctype,
				"docname": tender.name,
				"data": json.dumps({"changed": changed, "added": [], "removed": [], "row_changed": []}),
			}
		).insert(ignore_permissions=True)
	frappe.clear_document_cache(tender.doctype, tender.name)
