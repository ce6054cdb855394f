"""Supplier Rating: qualification, tenders and deliveries per supplier, and a rating 0..100.

Per supplier (filters company, supplier group, supplier, period):

- qualification: the latest submitted Supplier Qualification (status, score, valid until);
- tenders with a deadline in the period (not draft or cancelled): invited, bids submitted, won
  (awarded at least one line) and the awarded value (company currency);
- deliveries: Purchase Receipt lines posted in the period against a Purchase Order line, on time
  when received by the order line's required-by date;
- rating: the mean of the qualification score and the on-time delivery %, of those known
  (:func:`crm_ext.logic.analytics.mean_score`).

Grouped queries per supplier; Python merges the rows. Purchase roles only.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Sum
from frappe.utils import getdate
from pypika.terms import Case

from crm_ext.analytics.filters import as_filters, period_criteria, where_all
from crm_ext.logic.analytics import mean_score, percent

Supplier = DocType("Supplier")
Qualification = DocType("Supplier Qualification")
Tender = DocType("Tender")
Invited = DocType("Tender Supplier")
Bid = DocType("Tender Bid")
Award = DocType("Tender Award Line")
Receipt = DocType("Purchase Receipt")
ReceiptItem = DocType("Purchase Receipt Item")
OrderItem = DocType("Purchase Order Item")

SUBMITTED_BIDS = ("Submitted", "Awarded", "Not Awarded")
OPEN_TENDER_STATUSES = ("Draft", "Cancelled")


def execute(filters=None):
	filters = as_filters(filters)
	suppliers = supplier_scope(filters)
	rows: dict[str, dict] = {}
	for source in (qualifications, tender_figures, award_figures, deliveries):
		for supplier, values in source(filters, suppliers).items():
			rows.setdefault(supplier, {"supplier": supplier}).update(values)
	currency = company_currency(filters)
	data = []
	for supplier in sorted(rows):
		row = rows[supplier]
		for column in ("invited", "bids", "won", "receipt_lines", "on_time_lines"):
			row[column] = int(row.get(column) or 0)
		row["win_rate"] = percent(row["won"], row["bids"])
		row["on_time_percent"] = percent(row["on_time_lines"], row["receipt_lines"])
		row["rating"] = mean_score([row.get("score"), row["on_time_percent"]])
		row["awarded_value"] = float(row.get("awarded_value") or 0)
		row["currency"] = currency
		data.append(row)
	data.sort(key=lambda r: (r["rating"] is None, -(r["rating"] or 0), r["supplier"]))
	return columns(), data, None, chart(data)


def company_currency(filters) -> str | None:
	company = filters.get("company") or frappe.defaults.get_user_default("Company")
	return frappe.get_cached_value("Company", company, "default_currency") if company else None


def supplier_scope(filters):
	"""A sub-query of the suppliers in scope, or None for every supplier."""
	if filters.get("supplier"):
		return [filters.supplier]
	if filters.get("supplier_group"):
		return (
			frappe.qb.from_(Supplier)
			.select(Supplier.name)
			.where(Supplier.supplier_group == filters.supplier_group)
		)
	return None


def in_scope(query, column, suppliers):
	return query.where(column.isin(suppliers)) if suppliers is not None else query


def qualifications(filters, suppliers) -> dict[str, dict]:
	"""The latest submitted qualification per supplier (a few rows per supplier at most)."""
	query = (
		frappe.qb.from_(Qualification)
		.select(
			Qualification.supplier,
			Qualification.name,
			Qualification.status,
			Qualification.score,
			Qualification.valid_until,
		)
		.where(Qualification.docstatus == 1)
		.orderby(Qualification.qualified_on)
		.orderby(Qualification.modified)
	)
	result = {}
	for row in in_scope(query, Qualification.supplier, suppliers).run(as_dict=True):
		result[row.supplier] = {  # the last one wins
			"qualification": row.name,
			"qualification_status": row.status,
			"score": row.score,
			"valid_until": row.valid_until,
		}
	return result


def tender_scope(query, filters):
	query = query.where(Tender.status.notin(OPEN_TENDER_STATUSES))
	if filters.get("company"):
		query = query.where(Tender.company == filters.company)
	return where_all(query, period_criteria(Tender.deadline, filters))


def tender_figures(filters, suppliers) -> dict[str, dict]:
	"""Tenders invited to and bids submitted, per supplier."""
	invited = (
		frappe.qb.from_(Invited)
		.join(Tender)
		.on((Tender.name == Invited.parent) & (Invited.parenttype == "Tender"))
		.select(Invited.supplier, Count(Tender.name).distinct().as_("invited"))
		.groupby(Invited.supplier)
	)
	invited = in_scope(tender_scope(invited, filters), Invited.supplier, suppliers)
	bids = (
		frappe.qb.from_(Bid)
		.join(Tender)
		.on(Tender.name == Bid.tender)
		.select(Bid.supplier, Count(Tender.name).distinct().as_("bids"))
		.where(Bid.status.isin(SUBMITTED_BIDS))
		.groupby(Bid.supplier)
	)
	bids = in_scope(tender_scope(bids, filters), Bid.supplier, suppliers)
	result: dict[str, dict] = {}
	for query in (invited, bids):
		for row in query.run(as_dict=True):
			supplier = row.pop("supplier")
			result.setdefault(supplier, {}).update(row)
	return result


def award_figures(filters, suppliers) -> dict[str, dict]:
	"""Awarded tenders won and the value awarded, per supplier."""
	query = (
		frappe.qb.from_(Award)
		.join(Tender)
		.on((Tender.name == Award.parent) & (Award.parenttype == "Tender"))
		.select(
			Award.supplier,
			Count(Tender.name).distinct().as_("won"),
			Sum(Award.converted_unit_price * Award.qty).as_("awarded_value"),
		)
		.where(Tender.status == "Awarded")
		.groupby(Award.supplier)
	)
	query = in_scope(tender_scope(query, filters), Award.supplier, suppliers)
	return {row.pop("supplier"): row for row in query.run(as_dict=True)}


def deliveries(filters, suppliers) -> dict[str, dict]:
	"""Receipt lines against order lines in the period, and those received by the required date."""
	on_time = Receipt.posting_date <= OrderItem.schedule_date
	query = (
		frappe.qb.from_(ReceiptItem)
		.join(Receipt)
		.on(Receipt.name == ReceiptItem.parent)
		.join(OrderItem)
		.on(OrderItem.name == ReceiptItem.purchase_order_item)
		.select(
			Receipt.supplier,
			Count("*").as_("receipt_lines"),
			Sum(Case().when(on_time, 1).else_(0)).as_("on_time_lines"),
		)
		.where(Receipt.docstatus == 1)
		.where(Receipt.is_return == 0)
		.groupby(Receipt.supplier)
	)
	if filters.get("company"):
		query = query.where(Receipt.company == filters.company)
	if filters.get("from_date"):
		query = query.where(Receipt.posting_date >= getdate(filters.from_date))
	if filters.get("to_date"):
		query = query.where(Receipt.posting_date <= getdate(filters.to_date))
	query = in_scope(query, Receipt.supplier, suppliers)
	return {row.pop("supplier"): row for row in query.run(as_dict=True)}


def columns() -> list[dict]:
	def count(fieldname: str, label: str, width: int = 90) -> dict:
		return {"fieldname": fieldname, "label": label, "fieldtype": "Int", "width": width}

	return [
		{
			"fieldname": "supplier",
			"label": _("Supplier"),
			"fieldtype": "Link",
			"options": "Supplier",
			"width": 180,
		},
		{"fieldname": "rating", "label": _("Rating"), "fieldtype": "Float", "precision": 1, "width": 80},
		{
			"fieldname": "qualification",
			"label": _("Qualification"),
			"fieldtype": "Link",
			"options": "Supplier Qualification",
			"width": 140,
		},
		{"fieldname": "qualification_status", "label": _("Status"), "fieldtype": "Data", "width": 100},
		{"fieldname": "score", "label": _("Qualification Score"), "fieldtype": "Percent", "width": 130},
		{"fieldname": "valid_until", "label": _("Valid Until"), "fieldtype": "Date", "width": 100},
		count("invited", _("Tenders Invited"), 110),
		count("bids", _("Bids Submitted"), 110),
		count("won", _("Tenders Won"), 100),
		{"fieldname": "win_rate", "label": _("Win Rate %"), "fieldtype": "Percent", "width": 90},
		{
			"fieldname": "awarded_value",
			"label": _("Awarded Value"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 130,
		},
		count("receipt_lines", _("Receipt Lines"), 100),
		count("on_time_lines", _("On Time"), 80),
		{"fieldname": "on_time_percent", "label": _("On Time %"), "fieldtype": "Percent", "width": 90},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]


def chart(data: list[dict]) -> dict | None:
	rows = [row for row in data if row["rating"] is not None][:20]
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["supplier"] for row in rows],
			"datasets": [{"name": _("Rating"), "values": [row["rating"] for row in rows]}],
		},
		"type": "bar",
	}
