"""What differs between Frappe v15 and v16 where the app must run on both."""

import frappe

FRAPPE_MAJOR = int(frappe.__version__.split(".")[0])


def count_field(alias: str):
	"""``COUNT(*) AS alias`` in the fields of ``frappe.get_list``: v15 takes the SQL text, v16
	accepts only its dict form (and rejects SQL functions written as strings)."""
	if FRAPPE_MAJOR < 16:
		return f"count(*) as {alias}"
	return {"COUNT": "*", "as": alias}
