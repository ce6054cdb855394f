"""Access on the supply side: every rule of the supply side is in this module.

Rows are judged **as stored** (supplier, tender, status, owner, registration user), never by what a
request sends. Hooks answer True or False on every path and only narrow the role permissions.

- Procurement (``INTERNAL_ROLES``: Purchase User, Purchase Manager, System Manager) sees every
  qualification, tender and tender log entry. A *bid* it reads only once the bids were formally
  opened after the deadline (an auction: live), and never a supplier's Saved draft; it never
  creates, changes, submits, withdraws or deletes a bid (the bid's own supplier does, through the
  portal; Administrator aside). Log entries about a bid follow the bid.
- A portal supplier user (ERPNext's Supplier role) acts for the suppliers it belongs to (Portal
  User of the Supplier, or user of a Contact linked to it). It sees their qualifications and its
  own registrations, changes one only while it is stored as Draft and never submits or cancels
  it; it sees and changes only their bids. It has no desk or REST access to Tender at all: the
  portal shows what it may know of a tender (``crm_ext.supply.tender_portal``), never the invited
  competitors, the bid count, other bids, evaluations or awards.
- A registrant (a website user not yet linked to a supplier) holds no role until its registration
  is approved; the portal reaches its registration through :func:`require_qualification_party`.
- Child rows, versions, files and comments follow their record (``crm_ext.access``).
- ``SERVER_FIELDS`` / ``SERVER_TABLES`` / ``TRANSITION_FIELDS``: what only the supply procedures set
  (``crm_ext.utils.documents``).
- The ``require_*`` functions are the rights of the whitelisted methods of the supply side: each
  method calls one at its top, before it loads what the caller may not see (403 otherwise).
"""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from crm_ext.logic.tender.visibility import can_see_bid_prices
from crm_ext.utils.documents import ALL

INTERNAL_ROLES = frozenset({"Purchase User", "Purchase Manager", "System Manager"})
READ_PTYPES = frozenset({"read", "select", "print", "report", "export", "email"})
NOTHING = "1 = 0"
QUALIFICATION, TENDER, BID, LOG = "Supplier Qualification", "Tender", "Tender Bid", "Tender Log"
AUCTION = "Reverse Auction"
VISIBLE_TO_SUPPLIERS = ("Published", "Closed", "Evaluated", "Awarded")

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
		"expired_on",
		"expiry_notice_sent_on",
		"is_registration",
		"registration_user",
		"submitted_by",
		"reviewed_by",
		"approved_by",
		"notice_emails",
	),
	# the supplier's portal administration (crm_ext.supply.supplier_users): its procedures only
	"Supplier": ("crm_master_user", "crm_invitation_recipients", "crm_notice_recipients"),
	"Supplier User Log": ("supplier", "action", "user", "changed_by", "changed_on", "details"),
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
	# the Material Request lines come in through "Get Items From" only (crm_ext.supply.tender_requests)
	"Tender": {
		"evaluations": ALL,
		"awards": ALL,
		"notifications": ALL,
		"material_requests": ALL,
		"suppliers": ("notified_on",),
	},
	"Tender Bid": {
		"items": ("tender_item", "item_code", "description", "requested_qty", "uom", "amount"),
		"answers": ("question_id", "question", "mandatory"),
	},
	# the rules of an open questionnaire are also derived again from its template on every save
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


# --- who the user is --------------------------------------------------------------------------


def is_internal(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(INTERNAL_ROLES & set(frappe.get_roles(user)))


def suppliers_of_user(user: str | None = None) -> list[str]:
	"""Suppliers whose portal the user may act for."""
	user = user or frappe.session.user
	if user == "Guest":
		return []
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


def users_of_supplier(supplier: str) -> list[str]:
	"""The users acting for ``supplier`` (the inverse of :func:`suppliers_of_user`), enabled or not."""
	portal = frappe.get_all(
		"Portal User",
		filters={"parenttype": "Supplier", "parent": supplier},
		pluck="user",
		ignore_permissions=True,
	)
	contacts = frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Contact", "link_doctype": "Supplier", "link_name": supplier},
		pluck="parent",
		ignore_permissions=True,
	)
	linked = (
		frappe.get_all(
			"Contact",
			filters={"name": ("in", contacts), "user": ("is", "set")},
			pluck="user",
			ignore_permissions=True,
		)
		if contacts
		else []
	)
	return sorted({u for u in (*portal, *linked) if u})


def stored(doc, fields: tuple[str, ...]) -> frappe._dict | None:
	"""``fields`` of ``doc`` as stored (None for a record not saved yet)."""
	if doc.is_new() or not doc.name:
		return None
	return frappe.db.get_value(doc.doctype, doc.name, list(fields), as_dict=True)


def _in(values) -> str:
	return ", ".join(frappe.db.escape(v) for v in values) or "''"


def forbid(message: str) -> None:
	frappe.throw(message, frappe.PermissionError, title=_("Not Permitted"))


# --- Supplier Qualification ----------------------------------------------------------------------


def is_party(values, user: str) -> bool:
	"""``values`` (supplier, registration_user as stored) are the user's own supplier or registration."""
	if not values:
		return False
	if values.get("supplier"):
		return values.get("supplier") in suppliers_of_user(user)
	return bool(values.get("registration_user")) and values.get("registration_user") == user


def qualification_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""List filter (``permission_query_conditions``) for Supplier Qualification."""
	user = user or frappe.session.user
	if is_internal(user):
		return ""
	suppliers = suppliers_of_user(user)
	conditions = [
		f"(ifnull(`tabSupplier Qualification`.`supplier`, '') = '' "
		f"and `tabSupplier Qualification`.`registration_user` = {frappe.db.escape(user)})"
	]
	if suppliers:
		conditions.append(f"`tabSupplier Qualification`.`supplier` in ({_in(suppliers)})")
	return "(" + " or ".join(conditions) + ")"


def has_qualification_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""A supplier user: its suppliers' qualifications and its registrations, as stored; writes only
	while stored as Draft; never submit, cancel, amend or delete."""
	user = user or frappe.session.user
	if is_internal(user):
		return True
	values = stored(doc, ("supplier", "registration_user", "status", "docstatus"))
	if values is None:
		return ptype in ("create", "read") and bool(doc.get("supplier")) and is_party(doc, user)
	if not is_party(values, user):
		return False
	if ptype in (None, *READ_PTYPES):
		return True
	return ptype == "write" and values.status == "Draft" and values.docstatus == 0


def qualification_website_permission(doc, ptype, user, verbose=False) -> bool:
	return bool(has_qualification_permission(doc, ptype, user))


# --- Tender ----------------------------------------------------------------------------------------


def tenders_for_supplier(user: str | None = None) -> list[str]:
	"""Published (or later) tenders the user's suppliers are invited to or qualified for."""
	suppliers = suppliers_of_user(user)
	return sorted({name for supplier in suppliers for name in tenders_open_to(supplier)})


def tenders_open_to(supplier: str) -> set[str]:
	from crm_ext.supply.tenders import qualified_for

	invited = frappe.get_all(
		"Tender Supplier",
		filters={"parenttype": TENDER, "supplier": supplier},
		pluck="parent",
		ignore_permissions=True,
	)
	names = set(
		frappe.get_all(
			TENDER,
			filters={"name": ("in", invited or [""]), "status": ("in", VISIBLE_TO_SUPPLIERS)},
			pluck="name",
			ignore_permissions=True,
		)
	)
	for name in frappe.get_all(
		TENDER,
		filters={"open_to_qualified": 1, "status": ("in", VISIBLE_TO_SUPPLIERS)},
		pluck="name",
		ignore_permissions=True,
	):
		if name not in names and qualified_for(frappe.get_cached_doc(TENDER, name), supplier):
			names.add(name)
	return names


def tender_query(user: str | None = None, doctype: str | None = None) -> str:
	"""Procurement only: a supplier's portal builds what it may see of a tender itself."""
	return "" if is_internal(user or frappe.session.user) else NOTHING


def tender_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	return is_internal(user or frappe.session.user)


# --- Tender Bid -------------------------------------------------------------------------------------


def opened_tenders_sql() -> str:
	"""Tenders whose bids procurement may read: formally opened after the deadline, or auctions."""
	now = frappe.db.escape(str(now_datetime()))  # the site's time, as deadlines are stored
	return (
		"select `name` from `tabTender` where `mode` = 'Reverse Auction' "
		f"or (`opened_on` is not null and `deadline` <= {now})"
	)


def bid_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	suppliers = suppliers_of_user(user)
	own = f"`tabTender Bid`.`supplier` in ({_in(suppliers)})" if suppliers else NOTHING
	if not is_internal(user):
		return own
	return (
		f"({own} or (`tabTender Bid`.`tender` in ({opened_tenders_sql()}) "
		"and `tabTender Bid`.`status` != 'Saved'))"
	)


def buyer_may_see(tender: str) -> bool:
	"""The tender's bids are open to procurement: after the formal opening, or live in an auction."""
	values = frappe.db.get_value(TENDER, tender, ["deadline", "opened_on", "mode"], as_dict=True)
	if not values:
		return False
	if values.mode == AUCTION:
		return True
	return can_see_bid_prices(
		"buyer", None, "", now_datetime(), get_datetime(values.deadline), bool(values.opened_on)
	)


def bid_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	values = stored(doc, ("tender", "supplier", "status"))
	suppliers = suppliers_of_user(user)
	if values is None:  # a new bid: only for one of the user's own suppliers, on a tender open to it
		return (
			ptype in ("create", "read")
			and doc.get("supplier") in suppliers
			and doc.get("tender") in tenders_open_to(doc.get("supplier"))
		)
	if values.supplier in suppliers:
		return True  # its own bid: the role permissions and the bid's controller decide the rest
	if is_internal(user) and ptype in (None, *READ_PTYPES):
		return values.status != "Saved" and buyer_may_see(values.tender)
	return False


def bid_website_permission(doc, ptype, user, verbose=False) -> bool:
	return bool(bid_has_permission(doc, ptype, user))


# --- Tender Log --------------------------------------------------------------------------------


def log_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not is_internal(user):
		return NOTHING
	if user == "Administrator":
		return ""
	return (
		"(ifnull(`tabTender Log`.`bid`, '') = '' or `tabTender Log`.`bid` in "
		f"(select `name` from `tabTender Bid` where {bid_query(user)}))"
	)


def log_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""Procurement only; an entry about a bid as far as the bid itself may be read."""
	user = user or frappe.session.user
	if not is_internal(user):
		return False
	values = stored(doc, ("bid",))
	bid = values.bid if values else doc.get("bid")
	if not bid or not frappe.db.exists(BID, bid):
		return True
	return frappe.has_permission(BID, "read", bid, user=user)


# --- the rights of the supply side's whitelisted methods --------------------------------------------


def require_login() -> None:
	if frappe.session.user == "Guest":
		forbid(_("Log in to the supplier portal first."))


def require_internal() -> None:
	"""Right: an internal buyer (Purchase User, Purchase Manager, System Manager)."""
	if not is_internal():
		forbid(_("Only procurement (Purchase User or Purchase Manager) may do this."))


def require_purchase_manager() -> None:
	"""Right: a Purchase Manager."""
	if frappe.session.user != "Administrator" and "Purchase Manager" not in frappe.get_roles():
		forbid(_("Only a Purchase Manager may do this."))


def require_tender(name: str, ptype: str = "write"):
	"""Right: an internal buyer with ``ptype`` on the tender. Returns the tender."""
	require_internal()
	if not isinstance(name, str) or not frappe.db.exists(TENDER, name):
		frappe.throw(_("Tender {0} does not exist.").format(name), frappe.DoesNotExistError)
	tender = frappe.get_doc(TENDER, name)
	tender.check_permission(ptype)
	return tender


def require_opened(tender) -> None:
	"""Right: an internal buyer, after the formal opening of a sealed tender (an auction: live)."""
	require_internal()
	if tender.mode != AUCTION and not buyer_may_see(tender.name):
		forbid(_("Open the bids first (after the deadline): sealed prices are hidden until the opening."))


def own_supplier(supplier: str | None = None) -> str:
	"""One of the user's suppliers (the only one when not named)."""
	suppliers = suppliers_of_user()
	supplier = supplier or (suppliers[0] if len(suppliers) == 1 else None)
	if not supplier or supplier not in suppliers:
		forbid(_("Choose one of your suppliers: {0}.").format(", ".join(suppliers) or "-"))
	return supplier


def require_bidder(tender: str, supplier: str | None = None) -> str:
	"""Right: a portal user of a supplier the tender is open to (invited, or qualified for an open
	tender), while it is published. Returns that supplier."""
	require_login()
	supplier = own_supplier(supplier)
	if not isinstance(tender, str) or tender not in tenders_open_to(supplier):
		forbid(_("Tender {0} is not open to {1}.").format(tender, supplier))
	return supplier


def require_tender_viewer(tender: str) -> list[str]:
	"""Right: a portal user of a supplier the tender is open to, or that bid on it. Returns the
	user's suppliers concerned."""
	require_login()
	concerned = [
		s
		for s in suppliers_of_user()
		if tender in tenders_open_to(s) or frappe.db.exists(BID, {"tender": tender, "supplier": s})
	]
	if not isinstance(tender, str) or not concerned:
		forbid(_("Tender {0} is not open to you.").format(tender))
	return concerned


def require_own_bid(name: str) -> frappe._dict:
	"""Right: a portal user of the bid's own supplier (Administrator aside). Returns the bid's
	tender, supplier and status as stored."""
	require_login()
	values = frappe.db.get_value(BID, name, ["name", "tender", "supplier", "status"], as_dict=True)
	if values is None:
		forbid(_("Tender Bid {0} is not yours.").format(name))
	if frappe.session.user != "Administrator" and values.supplier not in suppliers_of_user():
		forbid(_("Tender Bid {0} is not yours.").format(name))
	return values


def require_qualification_party(name: str, write: bool = False) -> frappe._dict:
	"""Right: the qualification's own supplier's portal users or its registrant (to change it: while
	it is stored as Draft). Returns it as stored."""
	require_login()
	values = frappe.db.get_value(
		QUALIFICATION, name, ["name", "supplier", "registration_user", "status", "docstatus"], as_dict=True
	)
	if values is None or not is_party(values, frappe.session.user):
		forbid(_("Qualification {0} is not yours.").format(name))
	if write and (values.status != "Draft" or values.docstatus != 0):
		forbid(_("Qualification {0} is {1}: it can no longer be changed.").format(name, _(values.status)))
	return values


# --- the supplier's portal administration (crm_ext.supply.supplier_users) ---------------------------


def master_user_of(supplier: str) -> str | None:
	return frappe.db.get_value("Supplier", supplier, "crm_master_user")


def require_master() -> str:
	"""Right: the master user of one of its suppliers (enabled, still acting for it). Returns that
	supplier (a user is the master of one supplier at most: the procedures keep it so)."""
	require_login()
	user = frappe.session.user
	mastered = [s for s in suppliers_of_user(user) if master_user_of(s) == user]
	if not mastered:
		forbid(_("Only your company's master user manages its portal users."))
	return mastered[0]


def require_colleague(supplier: str, user: str) -> str:
	"""Right: ``user`` acts for the master's own ``supplier`` (never another supplier's user)."""
	if not isinstance(user, str) or user not in users_of_supplier(supplier):
		forbid(_("{0} is not a portal user of {1}.").format(user, supplier))
	return user


def require_supplier_admin(supplier: str) -> str:
	"""Right: procurement with write on the Supplier (Purchase Manager, System Manager). Returns it."""
	require_internal()
	if not isinstance(supplier, str) or not frappe.db.exists("Supplier", supplier):
		frappe.throw(_("Supplier {0} does not exist.").format(supplier), frappe.DoesNotExistError)
	if not frappe.has_permission("Supplier", "write", supplier):
		forbid(_("Only a buyer who may change the Supplier (Purchase Manager) may do this."))
	return supplier
