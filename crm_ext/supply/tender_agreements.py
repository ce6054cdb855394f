"""Award to a framework agreement, and tender prices in ERPNext's buying records (issue 14, part 2).

- :func:`make_blanket_orders`: the award's lines marked "Blanket Order" become, per winner, one
  submitted ERPNext Blanket Order (Purchasing) at the awarded rates, valid for the tender's agreement
  dates (``crm_ext.logic.tender.agreements``). Purchase Orders made against it later (ERPNext's
  "Create > Purchase Order" on the Blanket Order, or ``blanket_order`` set on PO rows) take its
  rates, and ERPNext keeps them within the agreed quantities.
- :func:`on_purchase_order` (Purchase Order ``before_validate``): a PO ordered against a tender's
  agreement carries the tender (so the tender's ordered / invoiced / paid figures count it, and its
  invoices and payments after it), the agreed rate on rows that have none, and the Material Request
  lines the agreement's tender lines came from (split across them as the award splits a PO), so the
  requests show as ordered.
- :func:`make_supplier_quotations`: every evaluated bid as a Supplier Quotation (draft or
  submitted, as the tender says), so ERPNext's own buying reports (Supplier Quotation Comparison,
  price history) see the tender's prices.

The Blanket Order is the award's own record: ERPNext gives its create right to the System Manager
only, so the award (whose right is a buyer's write on the tender and create on Purchase Orders)
inserts it as its procedure.
"""

import frappe
from frappe import _
from frappe.utils import flt, getdate, nowdate

from crm_ext.logic.tender.agreements import AwardedLine, agreements, check_validity
from crm_ext.logic.tender.amounts import to_decimal
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.needs import split
from crm_ext.supply import tender_requests
from crm_ext.utils import throw

BLANKET_ORDER = "Blanket Order"


def framework_rows(tender) -> tuple[list, list]:
	"""(award rows ordered directly, award rows going to framework agreements)."""
	framework = {row.name for row in tender.items if row.award_as == BLANKET_ORDER}
	direct = [row for row in tender.awards if row.tender_item not in framework]
	return direct, [row for row in tender.awards if row.tender_item in framework]


def check_agreement_validity(tender) -> None:
	try:
		check_validity(
			getdate(tender.agreement_from) if tender.agreement_from else None,
			getdate(tender.agreement_to) if tender.agreement_to else None,
			getdate(nowdate()),
		)
	except TenderError as e:
		throw(e, tender, title=_("Agreement Validity"))


def make_blanket_orders(tender, rows) -> dict[str, str]:
	"""{supplier: Blanket Order} for the award ``rows`` of framework lines."""
	check_agreement_validity(tender)
	try:
		planned = agreements(
			AwardedLine(
				row.name, row.supplier, row.item_code or "", flt(row.qty), flt(row.unit_price), row.currency
			)
			for row in rows
		)
	except TenderError as e:
		throw(e, tender, title=_("Cannot Make the Agreement"))
	made = {}
	for agreement in planned:
		order = frappe.get_doc(
			{
				"doctype": BLANKET_ORDER,
				"blanket_order_type": "Purchasing",
				"supplier": agreement.supplier,
				"company": tender.company,
				"from_date": tender.agreement_from,
				"to_date": tender.agreement_to,
				"tender": tender.name,
				"terms": _(
					"Framework agreement awarded by tender {0} ({1}). Prices in {2}, excluding VAT."
				).format(tender.name, tender.title, agreement.currency),
				"items": [
					{"item_code": item.item_code, "qty": float(item.qty), "rate": float(item.rate)}
					for item in agreement.items
				],
			}
		)
		order.flags.ignore_permissions = True  # the award's procedure (see the module docstring)
		order.insert()
		order.submit()
		made[agreement.supplier] = order.name
	return made


# --- Purchase Orders against an agreement ------------------------------------------------------


def on_purchase_order(doc, method: str | None = None) -> None:
	"""Purchase Order before_validate: rows against a tender's Blanket Order (see the module)."""
	if doc.docstatus != 0:
		return
	rows = [row for row in doc.get("items") or [] if row.get("blanket_order")]
	if not rows:
		return
	orders = {
		o.name: o
		for o in frappe.get_all(
			BLANKET_ORDER,
			filters={"name": ("in", sorted({row.blanket_order for row in rows})), "tender": ("is", "set")},
			fields=["name", "tender", "supplier", "company", "from_date", "to_date", "docstatus"],
		)
	}
	if not orders:
		return
	check_orders_against(doc, rows, orders)
	tenders = {name: o.tender for name, o in orders.items()}
	if not doc.get("tender") and len(set(tenders.values())) == 1:
		doc.tender = next(iter(tenders.values()))
	rates = agreed_rates(list(tenders))
	items = []
	for row in doc.items:
		if row.get("blanket_order") in tenders:
			rate = rates.get((row.blanket_order, row.item_code))
			if rate is not None:
				row.against_blanket_order = 1
				row.blanket_order_rate = rate
				if not flt(row.rate):
					row.rate = rate
			if not row.get("material_request_item"):
				items.extend(with_requests(row, tenders[row.blanket_order]))
				continue
		items.append(row)
	if len(items) != len(doc.items) or any(a is not b for a, b in zip(items, doc.items, strict=False)):
		doc.set("items", [])
		for idx, row in enumerate(items, start=1):
			doc.append("items", row).idx = idx


def check_orders_against(doc, rows, orders: dict) -> None:
	"""A tender's agreement is ordered from by its own supplier and company, once submitted and
	while it is valid (ERPNext's form offers only those; its server checks none of it)."""
	on = getdate(doc.transaction_date or nowdate())
	for row in rows:
		agreement = orders.get(row.blanket_order)
		if not agreement:
			continue
		problem = None
		if agreement.docstatus != 1:
			problem = _("it is not submitted")
		elif (agreement.supplier, agreement.company) != (doc.supplier, doc.company):
			problem = _("it is the agreement of {0} ({1})").format(agreement.supplier, agreement.company)
		elif not getdate(agreement.from_date) <= on <= getdate(agreement.to_date):
			problem = _("it is valid from {0} to {1}").format(agreement.from_date, agreement.to_date)
		if problem:
			frappe.throw(
				_("Row {0}: this order cannot go against Blanket Order {1}: {2}.").format(
					row.idx, row.blanket_order, problem
				),
				title=_("Framework Agreement"),
			)


def agreed_rates(orders: list[str]) -> dict[tuple[str, str], float]:
	return {
		(r.parent, r.item_code): flt(r.rate)
		for r in frappe.get_all(
			"Blanket Order Item",
			filters={"parenttype": BLANKET_ORDER, "parent": ("in", orders)},
			fields=["parent", "item_code", "rate"],
		)
	}


def with_requests(row, tender_name: str) -> list:
	"""``row`` split across the Material Request lines its agreement's tender lines still hold."""
	tender = frappe.get_doc("Tender", tender_name)
	lines = {
		award.tender_item
		for award in tender.awards
		if award.blanket_order == row.blanket_order and award.item_code == row.item_code
	}
	sources = tender_requests.in_order([s for s in tender.material_requests if s.tender_item in lines])
	room = tender_requests.orderable(sources, row.item_code)
	if not room:
		return [row]
	factor = to_decimal(flt(row.conversion_factor) or 1)
	by_name = {s.name: s for s in sources}
	parts = split(to_decimal(flt(row.qty)) * factor, [(s.name, room.get(s.name, 0)) for s in sources])
	result = []
	for part in parts:
		values = row.as_dict(no_default_fields=True)
		values["qty"] = float(part.stock_qty / factor)
		source = by_name.get(part.row_id)
		if source:
			values.update(
				{
					"material_request": source.material_request,
					"material_request_item": source.material_request_item,
				}
			)
		result.append(values)
	return result


# --- Supplier Quotations -----------------------------------------------------------------------


def make_supplier_quotations(tender, bids, rates) -> list[str]:
	"""Every evaluated bid with an offered line of an Item, as a Supplier Quotation (its price in
	the bid's currency at the evaluation's exchange rate); submitted when the tender says so."""
	lines = {row.name: row for row in tender.items}
	offered: dict[str, list] = {}
	for row in frappe.get_all(
		"Tender Bid Item",
		filters={"parenttype": "Tender Bid", "parent": ("in", [bid.name for bid in bids])},
		fields=[
			"parent",
			"tender_item",
			"alternative_item",
			"alternative_description",
			"unit_price",
			"qty",
			"delivery_days",
		],
		order_by="idx asc",
	):
		offered.setdefault(row.parent, []).append(row)
	made = []
	for bid in bids:
		items = []
		for row in offered.get(bid.name, ()):
			line = lines.get(row.tender_item)
			item_code = row.alternative_item or (line.item_code if line else None)
			if not line or not item_code or flt(row.unit_price) <= 0 or flt(row.qty) <= 0:
				continue
			items.append(
				{
					"item_code": item_code,
					"qty": flt(row.qty),
					"uom": line.uom,
					"rate": flt(row.unit_price),
					"lead_time_days": row.delivery_days or 0,
					"description": row.alternative_description
					or line.description
					or line.item_name
					or item_code,
				}
			)
		if not items:
			continue
		quotation = frappe.get_doc(
			{
				"doctype": "Supplier Quotation",
				"supplier": bid.supplier,
				"company": tender.company,
				"transaction_date": getdate(bid.submitted_on or nowdate()),
				"currency": bid.currency,
				"conversion_rate": float(rates.rate(bid.currency)),
				"tender": tender.name,
				"items": items,
			}
		)
		quotation.insert()
		if tender.supplier_quotations == "Submitted":
			quotation.submit()
		made.append(quotation.name)
	return made
