"""Who sees which tender, bid and log entry: sealed bids are sealed in every path.

- Procurement (Purchase User / Manager, System Manager) sees every tender; a *bid* of a sealed
  tender only once the bids were formally opened (``crm_ext.logic.tender.visibility``): before
  that ``has_permission`` refuses the document and the list / report / REST query conditions
  return no row, so only the bid count (``tenders.get_bid_count``) is known. Auction bids are
  visible live, that being the point of an auction. Log entries about a bid follow the same rule.
- A portal supplier (role Supplier, mapped to its Supplier by ``supply.permissions``) sees the
  published tenders it may bid on and only its own bids, never another supplier's, in every
  status. Child rows of bids (lines, answers) follow their bid, because Frappe applies a child
  doctype's own query conditions when it is listed directly.
"""

import frappe
from frappe.utils import get_datetime, now_datetime

from crm_ext.logic.tender.visibility import can_see_bid_prices
from crm_ext.supply.permissions import is_internal, suppliers_of_user

VISIBLE_TO_SUPPLIERS = ("Published", "Closed", "Evaluated", "Awarded")
NOTHING = "1 = 0"


def _in(values) -> str:
	return ", ".join(frappe.db.escape(v) for v in values) or "''"


# --- Tender -------------------------------------------------------------------------------------


def tenders_for_supplier(user: str | None = None) -> list[str]:
	"""Published (or later) tenders the user's suppliers are invited to or qualified for."""
	from crm_ext.supply.tenders import qualified_for

	suppliers = suppliers_of_user(user)
	if not suppliers:
		return []
	invited = frappe.get_all(
		"Tender Supplier",
		filters={"parenttype": "Tender", "supplier": ("in", suppliers)},
		pluck="parent",
		ignore_permissions=True,
	)
	names = set(
		frappe.get_all(
			"Tender",
			filters={"name": ("in", invited or [""]), "status": ("in", VISIBLE_TO_SUPPLIERS)},
			pluck="name",
			ignore_permissions=True,
		)
	)
	for name in frappe.get_all(
		"Tender",
		filters={"open_to_qualified": 1, "status": ("in", VISIBLE_TO_SUPPLIERS)},
		pluck="name",
		ignore_permissions=True,
	):
		if name not in names:
			tender = frappe.get_cached_doc("Tender", name)
			if any(qualified_for(tender, s) for s in suppliers):
				names.add(name)
	return sorted(names)


def tender_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if is_internal(user):
		return ""
	return f"`tabTender`.`name` in ({_in(tenders_for_supplier(user))})"


def tender_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if is_internal(user):
		return True
	if ptype not in ("read", "print"):
		return False
	return doc.name in tenders_for_supplier(user)


# --- Tender Bid ---------------------------------------------------------------------------------


def _opened_or_auction_tenders() -> str:
	return "select `name` from `tabTender` where `opened_on` is not null or `mode` = 'Reverse Auction'"


def bid_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if is_internal(user):
		# a Saved bid is the supplier's draft, not an offer (unless procurement keys it in itself)
		return (
			f"`tabTender Bid`.`tender` in ({_opened_or_auction_tenders()}) "
			f"and (`tabTender Bid`.`status` != 'Saved' or `tabTender Bid`.`owner` = {frappe.db.escape(user)})"
		)
	suppliers = suppliers_of_user(user)
	return f"`tabTender Bid`.`supplier` in ({_in(suppliers)})" if suppliers else NOTHING


def buyer_may_see(tender: str) -> bool:
	values = frappe.db.get_value("Tender", tender, ["deadline", "opened_on", "mode"], as_dict=True)
	if not values:
		return False
	if values.mode == "Reverse Auction":
		return True
	return can_see_bid_prices(
		"buyer", None, "", now_datetime(), get_datetime(values.deadline), bool(values.opened_on)
	)


def bid_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if is_internal(user):
		if doc.is_new() and ptype == "create":
			return True
		if doc.status == "Saved" and doc.owner != user:
			return False
		return buyer_may_see(doc.tender)
	now = now_datetime()
	own = doc.supplier if doc.supplier in suppliers_of_user(user) else None
	if not can_see_bid_prices("supplier", own, doc.supplier, now, now, opened=False):
		return False
	if ptype in ("delete", "submit", "cancel", "amend"):
		return ptype == "delete" and doc.status == "Saved"
	return True


def has_website_permission(doc, ptype, user, verbose=False) -> bool:
	return bool(bid_has_permission(doc, ptype, user))


def bid_child_query(user: str | None = None, doctype: str | None = None) -> str:
	"""Lines and answers listed directly: only those of bids the user may see."""
	table = f"`tab{doctype or 'Tender Bid Item'}`"
	condition = bid_query(user)
	if not condition:
		return ""
	return f"{table}.`parent` in (select `name` from `tabTender Bid` where {condition})"


# --- Tender Log ---------------------------------------------------------------------------------


def log_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not is_internal(user):
		return NOTHING
	return (
		"(ifnull(`tabTender Log`.`supplier`, '') = '' "
		f"or `tabTender Log`.`tender` in ({_opened_or_auction_tenders()}))"
	)


def log_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if not is_internal(user):
		return False
	if doc.supplier and not buyer_may_see(doc.tender):
		return False
	return True
