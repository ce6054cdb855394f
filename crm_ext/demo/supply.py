"""The supply side of the demo: templates, suppliers with portal users, qualifications in every
state, a self-registration, tenders (sealed, awarded, auction), a call logged with a supplier, and a
party that is both customer and supplier (for Party 360)."""

from collections.abc import Callable

import frappe

from crm_ext.demo import tenders
from crm_ext.demo.base import acting_as, days_ago
from crm_ext.demo.people import BUYER
from crm_ext.demo.suppliers import (
	COLLEAGUE,
	REGISTRANT,
	SUPPLIERS,
	ensure_supplier,
	ensure_templates,
	invite_colleague,
	qualify,
	register_newcomer,
)
from crm_ext.sales.interactions import log_interaction

PORTAL_LOGINS = (
	("Supplier portal", SUPPLIERS[0].user, "its bids, its rank in the auction, its qualification"),
	("New supplier", REGISTRANT[0], "a registration waiting for review"),
	("Supplier colleague", COLLEAGUE[0], "invited by the supplier's master user (My Company's Users)"),
)


def make(password: str, checkpoint: Callable[[], None]) -> dict:
	ensure_templates()
	users = {plan.name: plan.user for plan in SUPPLIERS}
	for plan in SUPPLIERS:
		ensure_supplier(plan, password)
	invite_colleague(password)
	checkpoint()
	qualified = [name for plan in SUPPLIERS if (name := qualify(plan))]
	registration = register_newcomer(password)
	checkpoint()
	made = {"qualifications made": len(qualified) + bool(registration)}
	made.update(tenders.make({supplier: users[supplier] for supplier in tenders.OFFERS}))
	if made.get("awarded tender"):
		log_supplier_call("Baltic Metals")
	made["party both customer and supplier"] = link_party()
	checkpoint()
	return made


def log_supplier_call(supplier: str) -> None:
	"""The buyer's call with a supplier, on the supplier's timeline."""
	with acting_as(BUYER):
		log_interaction(
			"Supplier",
			supplier,
			"Call",
			summary="Asked about the delivery time of the sheet steel order.",
			direction="Outgoing",
			duration=420,
			outcome="Delivery confirmed for next week",
			start_time=str(days_ago(1)),
		)


def link_party() -> str | None:
	"""The customer of the first paid card also sells to us: a Supplier of the same name, linked by
	ERPNext's Party Link (what the Party 360 report reads)."""
	customer = frappe.db.get_value(
		"Sales Lead", {"payment_status": "Paid", "customer": ("is", "set")}, "customer", order_by="creation"
	)
	if not customer or frappe.db.exists("Party Link", {"primary_party": customer}):
		return None
	name = frappe.db.get_value("Customer", customer, "customer_name")
	supplier = frappe.db.get_value("Supplier", {"supplier_name": name}) or (
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": name,
				"supplier_group": frappe.db.get_single_value("Buying Settings", "supplier_group")
				or frappe.db.get_value("Supplier Group", {"is_group": 0}),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	frappe.get_doc(
		{
			"doctype": "Party Link",
			"primary_role": "Customer",
			"primary_party": customer,
			"secondary_role": "Supplier",
			"secondary_party": supplier,
		}
	).insert(ignore_permissions=True)
	return customer
