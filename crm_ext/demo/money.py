"""Money on a card, through ERPNext so that the ledger is real: the rep makes the quotation from
the card (``crm_ext.accounts.make.make_quotation``) and the sales order from the quotation; the
accountant invoices the order and books the payments. The card's payment state then follows from
the ledger (``crm_ext.accounts.money``): Not invoiced, Unpaid, Partly paid, Paid or Overdue.

Invoices and payments dated in the past are ERPNext's own back-dated postings (a posting date
typed on the document), not a change of the clock.
"""

from datetime import datetime

import frappe
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from erpnext.selling.doctype.quotation.quotation import make_sales_order
from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice
from frappe.utils import add_days, flt, getdate, nowdate

from crm_ext.accounts.make import make_quotation
from crm_ext.demo.base import acting_as, item_rate, past_date
from crm_ext.demo.people import ACCOUNTANT
from crm_ext.demo.plan import NOT_INVOICED, OVERDUE, PAID, PARTLY_PAID, UNPAID

WINDOW, DOOR, INSTALL = "WIN-PVC-1214", "DOOR-ENT-STEEL", "SVC-INSTALL"
# payment state: (invoice posted days ago, due in days from today, share paid, paid days ago)
INVOICING = {
	UNPAID: (10, 20, 0, None),
	PARTLY_PAID: (20, 10, 0.4, 5),
	PAID: (30, 0, 1, 12),
	OVERDUE: (45, -15, 0, None),
}


def lines_for(amount: float) -> list[tuple[str, float]]:
	"""Windows with their installation, and a door for larger deals: about ``amount`` in total."""
	door = 1 if amount > 5000 else 0
	rest = amount - door * item_rate(DOOR)
	windows = max(1, round(rest / (item_rate(WINDOW) + item_rate(INSTALL))))
	return [(WINDOW, windows), (INSTALL, windows)] + ([(DOOR, door)] if door else [])


def quotation(card: str, rep: str, amount: float, when: datetime) -> str:
	"""The rep's quotation from the card (the card becomes a Customer first if it is not one)."""
	day = getdate(when)
	with acting_as(rep):
		doc = make_quotation(card)
		doc.transaction_date = day
		doc.valid_till = max(getdate(add_days(day, 30)), getdate(add_days(nowdate(), 14)))
		for item, qty in lines_for(amount):
			doc.append("items", {"item_code": item, "qty": qty, "rate": item_rate(item)})
		doc.insert()
		doc.submit()
	return doc.name


def sales_order(card: str, rep: str, when: datetime) -> str:
	"""The rep turns the card's quotation into a sales order (ERPNext's own mapping)."""
	quotation_name = frappe.db.get_value("Quotation", {"sales_lead": card, "docstatus": 1})
	day = getdate(when)
	with acting_as(rep):
		doc = make_sales_order(quotation_name)
		doc.transaction_date = day
		doc.delivery_date = add_days(day, 14)
		for row in doc.items:
			row.delivery_date = doc.delivery_date
		doc.set("payment_schedule", [])  # the quotation's terms were dated from the quotation
		doc.insert()
		doc.submit()
	return doc.name


def invoice_and_collect(card: str, state: str) -> str | None:
	"""The accountant invoices the card's order and books what the customer paid, so that the card
	ends in payment state ``state``."""
	if state == NOT_INVOICED:
		return None
	posted, due_in, share, paid_ago = INVOICING[state]
	order = frappe.db.get_value("Sales Order", {"sales_lead": card, "docstatus": 1})
	with acting_as(ACCOUNTANT):
		invoice = make_sales_invoice(order)
		invoice.set_posting_time = 1
		invoice.posting_date = past_date(posted)
		invoice.due_date = add_days(nowdate(), due_in)
		invoice.set("payment_schedule", [])
		invoice.insert()
		invoice.submit()
		if share:
			pay(invoice, share, past_date(paid_ago))
	return invoice.name


def pay(invoice, share: float, day) -> str:
	entry = get_payment_entry("Sales Invoice", invoice.name)
	amount = flt(flt(invoice.outstanding_amount) * share, invoice.precision("grand_total"))
	entry.posting_date = day
	entry.paid_amount = entry.received_amount = amount
	entry.references[0].allocated_amount = amount
	entry.reference_no = f"BANK-{invoice.name}"
	entry.reference_date = day
	entry.insert()
	entry.submit()
	return entry.name
