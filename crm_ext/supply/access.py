"""Access on the supply side: every rule of the supply side is in this module.

- Procurement (``INTERNAL_ROLES``: Purchase User, Purchase Manager, System Manager) sees every
  qualification and tender; a *bid* of a sealed tender only once the bids were formally opened
  (``crm_ext.logic.tender.visibility``): before that ``has_permission`` refuses the document and the
  list / report / REST query conditions return no row, so only the bid count is known. Auction bids
  are visible live, that being the point of an auction. Log entries about a bid follow the same
  rule.
- A portal supplier user (ERPNext's Supplier role) acts for the suppliers it belongs to (as a
  Portal User of the Supplier, or as the user of a Contact linked to it): it sees only their
  qualifications (and its own registrations), changing one only while it is a Draft, and only
  their bids, never another supplier's, in any status. Child rows follow their parent
  (``crm_ext.access``).
- ``SERVER_FIELDS`` / ``SERVER_TABLES`` / ``TRANSITION_FIELDS``: what only the supply procedures set
  (``crm_ext.utils.documents``).
"""

import frappe
from frappe.utils import get_datetime, now_datetime

from crm_ext.logic.tender.visibility import can_see_bid_prices
from crm_ext.utils.documents import ALL

INTERNAL_ROLES = frozenset({"Purchase User", "Purchase Manager", "System Manager"})
WRITE_PTYPES = frozenset({"write", "submit", "cancel", "delete", "amend"})

# --- what only the supply procedures set (crm_ext.utils.documents) -----------------------------

SERVER_FIELDS = {
	# the procedure's own record: status, opening, evaluation, award, money from the ledger
	"Tender": (
		"status",
		"opened_by",
		"opened_on",
		"exchange_rate_date",
		"ordered_amount",
		"invoiced_amount",
		"paid_amount",
		"savings",
		"log_head_hash",
	),
	# set by the bid actions (submit, withdraw, offer); the lines come from the tender
	"Tender Bid": ("status", "submitted_on", "revision", "bid_digest", "total"),
	# the result and the rules: computed by the app, copied from the template, set by the review
	"Supplier Qualification": (
		"title",
		"score",
		"pass_score",
		"knock_out_failed",
		"qualified_on",
		"valid_until",
		"expiry_notice_sent_on",
		"is_registration",
		"registration_user",
		"reviewed_by",
		"approved_by",
	),
	# appended by the tender procedure only, never changed
	"Tender Log": (
		"tender",
		"seq",
		"event",
		"logged_at",
		"user",
		"supplier",
		"bid",
		"payload",
		"prev_hash",
		"hash",
	),
}
SERVER_TABLES = {
	"Tender": {"evaluations": ALL, "awards": ALL, "suppliers": ("notified_on",)},
	"Tender Bid": {
		"items": ("tender_item", "item_code", "description", "requested_qty", "uom", "amount"),
		"answers": ("question_id", "question", "mandatory"),
	},
	"Supplier Qualification": {
		"answers": (
			"criterion_key",
			"question",
			"answer_type",
			"knock_out",
			"weight",
			"help_text",
			"choice_options",
			"target_value",
			"zero_value",
			"scoring_curve",
			"points",
		),
		"documents": ("expiry_required",),
	},
}
# moves only along the review workflow: every change is checked as a transition, whatever the door
TRANSITION_FIELDS = {"Supplier Qualification": ("status",)}


def is_internal(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(INTERNAL_ROLES & set(frappe.get_roles(user)))


def suppliers_of_user(user: str | None = None) -> list[str]:
	"""Suppliers whose portal the user may act for."""
	user = user or frappe.session.user
	portal = frappe.get_all(
		"Portal User",
		filters={"user": user, "parenttype": "Supplier"},
		pluck="parent",
		ignore_permissions=True,
	)
	contacts = frappe.get_all("Contact", filters={"user": user}, pluck="name", ignore_permissions=True)
	linked = (
		frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": ("in", contacts), "link_doctype": "Supplier"},
			pluck="link_name",
			ignore_permissions=True,
		)
		if contacts
		else []
	)
	return sorted(set(portal) | set(linked))


def qualification_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""List filter (``permission_query_conditions``) for Supplier Qualification."""
	user = user or frappe.session.user
	if is_internal(user):
		return ""
	suppliers = suppliers_of_user(user)
	conditions = [f"`tabSupplier Qualification`.`registration_user` = {frappe.db.escape(user)}"]
	if suppliers:
		names = ", ".join(frappe.db.escape(s) for s in suppliers)
		conditions.append(f"`tabSupplier Qualification`.`supplier` in ({names})")
	return "(" + " or ".join(conditions) + ")"


def has_qualification_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""Document check (``has_permission`` hook): a supplier user only for its own, writes in Draft."""
	user = user or frappe.session.user
	if is_internal(user):
		return True
	own = (doc.supplier and doc.supplier in suppliers_of_user(user)) or (
		not doc.supplier and doc.registration_user == user
	)
	if not own:
		return False
	if ptype in WRITE_PTYPES and not doc.is_new():
		return frappe.db.get_value(doc.doctype, doc.name, "status") == "Draft" and ptype == "write"
	return True


def qualification_website_permission(doc, ptype, user, verbose=False) -> bool:
	return bool(has_qualification_permission(doc, ptype, user))


# --- tenders, bids and the tender log --------------------------------------------------

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


def bid_website_permission(doc, ptype, user, verbose=False) -> bool:
	return bool(bid_has_permission(doc, ptype, user))


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
