"""Tenders through their procedure (``crm_ext.supply.tenders``, ``crm_ext.supply.tender_portal``):
the buyer drafts and publishes, suppliers' portal users bid, the buyer opens the bids after the
deadline, evaluates and awards; the award's purchase orders are received, invoiced and paid.

- a sealed tender open for bids (two bids submitted, one saved as a draft);
- an awarded tender: its deadline has passed (:func:`crm_ext.demo.base.time_passes`, as the
  tests' fixture builders close a tender), bids opened, evaluated per line, purchase orders
  submitted, one received, invoiced by the accountant and one invoice paid;
- a reverse auction running for two more days, with rounds of offers;
- a reverse auction per line (lot) running for two more days: each line with its own step, the
  suppliers offering line by line.
"""

from datetime import timedelta

import frappe
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from erpnext.buying.doctype.purchase_order.purchase_order import (
	get_mapped_purchase_invoice,
	make_purchase_receipt,
)
from frappe.utils import add_days, add_to_date, flt, now_datetime, nowdate

from crm_ext.demo.base import acting_as, company, company_currency, item_rate, time_passes
from crm_ext.demo.people import ACCOUNTANT, BUYER
from crm_ext.supply import tender_portal, tenders

SEALED = "Steel beams for the Lviv warehouse"
AWARDED = "Sheet steel and fasteners, Q4"
AUCTION = "Steel beams HEA 200, framework 2027"
LOTS = "Sheet steel and bolts by lot, 2027"
QUESTIONS = [
	{"question": "Warranty period (months)?", "mandatory": 1},
	{"question": "Anything we should know about delivery?", "mandatory": 0},
]
# supplier: ({item: price against the budget}, delivery days, warranty in months). Scored 85 % on
# price and 15 % on delivery, the awarded tender goes to two suppliers, one line each.
OFFERS = {
	"Nordic Steel Works": ({"STL-BEAM-HEA200": 0.96, "STL-SHEET-2MM": 0.97, "FST-BOLT-M16": 0.86}, 21, "24"),
	"Baltic Metals": ({"STL-BEAM-HEA200": 0.91, "STL-SHEET-2MM": 0.89, "FST-BOLT-M16": 0.97}, 28, "12"),
	"Carpathian Fasteners": (
		{"STL-BEAM-HEA200": 1.02, "STL-SHEET-2MM": 1.02, "FST-BOLT-M16": 0.93},
		14,
		"18",
	),
}


def existing(title: str) -> str | None:
	return frappe.db.get_value("Tender", {"title": title})


def draft(
	title: str, lines: list[tuple[str, float]], deadline, line_values: dict | None = None, **values
) -> str:
	"""The buyer's tender (budget prices from the catalogue), published to the bidders.
	``line_values``: item -> more values of its line."""
	with acting_as(BUYER):
		tender = frappe.get_doc(
			{
				"doctype": "Tender",
				"title": title,
				"company": company(),
				"deadline": deadline,
				"incoterm": "DAP",
				"delivery_location": "Warehouse Lviv, Horodotska 120",
				"currencies": [{"currency": company_currency()}],
				"items": [
					{
						"item_code": code,
						"qty": qty,
						"budget_unit_price": item_rate(code),
						"required_by": add_days(nowdate(), 30),
						**(line_values or {}).get(code, {}),
					}
					for code, qty in lines
				],
				"questions": QUESTIONS,
				"suppliers": [{"supplier": s} for s in OFFERS],
				"weight_price": 85,
				"weight_delivery": 15,
				"weight_qualification": 0,
				**values,
			}
		).insert()
		tenders.publish(tender.name)
	return tender.name


def bid(tender: str, supplier: str, user: str, submit: bool = True) -> str:
	"""The supplier's portal user fills in the bid and submits it (or keeps it as a draft)."""
	factors, days, warranty = OFFERS[supplier]
	with acting_as(user):
		name = tender_portal.get_or_create_bid(tender, supplier)
		doc = frappe.get_doc("Tender Bid", name)
		lines = {
			row.name: {
				"unit_price": flt(item_rate(row.item_code) * factors[row.item_code], 2),
				"qty": row.requested_qty,
				"delivery_days": days,
			}
			for row in doc.items
		}
		answers = {row.name: warranty if row.mandatory else "" for row in doc.answers}
		values = {"currency": company_currency(), "lines": lines, "answers": answers, "credit_days": 30}
		tender_portal.save_bid(name, values, submit=int(submit))
	return name


def make(users: dict[str, str]) -> dict:
	"""``users``: supplier -> its portal user."""
	made = {}
	if not existing(SEALED):
		name = draft(SEALED, [("STL-BEAM-HEA200", 120)], add_to_date(now_datetime(), days=7))
		bid(name, "Nordic Steel Works", users["Nordic Steel Works"])
		bid(name, "Baltic Metals", users["Baltic Metals"])
		bid(name, "Carpathian Fasteners", users["Carpathian Fasteners"], submit=False)
		made["sealed tender open for bids"] = name
	if not existing(AWARDED):
		made["awarded tender"] = awarded(users)
	if not existing(AUCTION):
		made["reverse auction (running)"] = auction(users)
	if not existing(LOTS):
		made["reverse auction per line (running)"] = lot_auction(users)
	return made


def awarded(users: dict[str, str]) -> str:
	name = draft(
		AWARDED, [("STL-SHEET-2MM", 400), ("FST-BOLT-M16", 5000)], add_to_date(now_datetime(), days=1)
	)
	for supplier, user in users.items():
		bid(name, supplier, user)
	# the deadline passes (as the tests' fixture builders close a tender): the bids can be opened
	time_passes("Tender", name, {"deadline": add_to_date(now_datetime(), minutes=-5)})
	with acting_as(BUYER):
		tenders.open_bids(name)
		tenders.evaluate(name)
		orders = tenders.award(name)
		for order in orders:
			frappe.get_doc("Purchase Order", order).submit()
		receive(orders[0])
	for index, order in enumerate(orders):
		invoice = purchase_invoice(order)
		if index == 0:
			pay_supplier(invoice)
	return name


def receive(order: str) -> str:
	"""The warehouse receives the first order in full (the buyer posts the receipt)."""
	receipt = make_purchase_receipt(order)
	receipt.insert()
	receipt.submit()
	return receipt.name


def purchase_invoice(order: str) -> str:
	"""The accountant books the supplier's invoice against the order. ERPNext gives an Accounts
	User no read on Purchase Orders, so the order is mapped as ERPNext's own supplier portal maps
	it (reading the order on the user's behalf); the invoice is saved with the accountant's rights."""
	with acting_as(ACCOUNTANT):
		invoice = get_mapped_purchase_invoice(order, ignore_permissions=True)
		invoice.flags.ignore_permissions = False
		invoice.bill_no = f"INV-{order}"
		invoice.bill_date = nowdate()
		invoice.insert()
		invoice.submit()
	return invoice.name


def pay_supplier(invoice: str) -> str:
	with acting_as(ACCOUNTANT):
		entry = get_payment_entry("Purchase Invoice", invoice)
		entry.reference_no = f"PAY-{invoice}"
		entry.reference_date = nowdate()
		entry.insert()
		entry.submit()
	return entry.name


def auction(users: dict[str, str]) -> str:
	"""Started an hour ago, ends in two days: first offers, then two rounds of lower totals."""
	start = now_datetime()
	name = draft(
		AUCTION,
		[("STL-BEAM-HEA200", 600)],
		add_to_date(start, days=2),
		mode="Reverse Auction",
		opening_date=start - timedelta(hours=1),
		min_step=1,
		min_step_kind="Percent",
		show_best_price=1,
		weight_price=100,
		weight_delivery=0,
		weight_qualification=0,
	)
	# every offer must beat the best by the minimum step: the dearest bidder offers first
	order = sorted(users, key=lambda supplier: -OFFERS[supplier][0]["STL-BEAM-HEA200"])
	bids = {supplier: bid(name, supplier, users[supplier]) for supplier in order}
	for round_factor in (0.97, 0.94):
		for supplier, bid_name in bids.items():
			best = min(flt(frappe.db.get_value("Tender Bid", b, "total")) for b in bids.values())
			offer = flt(best * round_factor, 2)
			with acting_as(users[supplier]):
				tender_portal.post_offer(bid_name, offer)
	return name


def lot_auction(users: dict[str, str]) -> str:
	"""An auction per line: sheet steel (the tender's 1 % step) and bolts (their own 0.5 % step);
	on each line the dearest supplier offers first, then everyone once more at 2 % below the best."""
	start = now_datetime()
	name = draft(
		LOTS,
		[("STL-SHEET-2MM", 400), ("FST-BOLT-M16", 5000)],
		add_to_date(start, days=2),
		line_values={"FST-BOLT-M16": {"min_step": 0.5}},
		mode="Reverse Auction",
		auction_scope="Per Line",
		opening_date=start - timedelta(hours=1),
		min_step=1,
		min_step_kind="Percent",
		show_best_price=0,
		questions=[],
		weight_price=100,
		weight_delivery=0,
		weight_qualification=0,
	)
	doc = frappe.get_doc("Tender", name)
	bids = {}
	for supplier, user in users.items():
		with acting_as(user):
			bids[supplier] = tender_portal.get_or_create_bid(name, supplier)
	for line in doc.items:
		price = {s: flt(item_rate(line.item_code) * OFFERS[s][0][line.item_code], 2) for s in users}
		for supplier in sorted(users, key=lambda s: -price[s]):
			with acting_as(users[supplier]):
				tender_portal.post_line_offer(bids[supplier], line.name, price[supplier])
		for supplier in users:
			best = min(
				flt(v)
				for v in frappe.get_all(
					"Tender Bid Item",
					filters={"tender_item": line.name, "unit_price": (">", 0)},
					pluck="unit_price",
				)
			)
			with acting_as(users[supplier]):
				tender_portal.post_line_offer(bids[supplier], line.name, flt(best * 0.98, 2))
	return name
