"""A supplier's own administrator: its master user invites and disables colleagues on the portal
and chooses who receives the tender e-mails and the qualification notices.

- The master user (``Supplier.crm_master_user``) is the supplier's first enabled portal user, or the
  one a buyer marks (:func:`set_master_user`, a Purchase Manager). It is server-owned
  (``crm_ext.supply.access.SERVER_FIELDS``), as are the two recipient lists: every save of a
  Supplier restores them from the stored record (:func:`keep_portal_admin`), so neither the desk
  nor REST nor a Portal User row changes them; only these procedures do.
- Only the master user calls the portal methods (``require_master``), and only on users of its own
  supplier (``require_colleague``). A colleague who also acts for another supplier, or holds a desk
  role, is the buyer's to change, never the master's.
- An invitation creates the website user (role Supplier, the supplier's language) and its Contact
  linked to the supplier, adds it to the supplier's portal users and sends Frappe's welcome e-mail.
  The e-mail is the User's primary key: two invitations of one address at once make one user (the
  second waits on the supplier's row lock, then finds it; a concurrent invitation by another
  supplier fails on the key) and an address that already has an account is refused.
- Disabling sets ``User.enabled = 0``, removes the user from both recipient lists and ends its
  sessions at once; its API key stops working with it (``crm_ext.doors.accounts``).
- Every change is a ``Supplier User Log`` entry (procurement reads them on the Supplier form).
"""

import json

import frappe
from frappe import _
from frappe.query_builder.functions import Max
from frappe.sessions import clear_sessions
from frappe.utils import cint, now_datetime, validate_email_address

from crm_ext.logic import supplier_users as rules
from crm_ext.supply.access import (
	is_internal,
	master_user_of,
	require_colleague,
	require_master,
	require_supplier_admin,
	suppliers_of_user,
	users_of_supplier,
)
from crm_ext.supply.portal_files import bad_input
from crm_ext.supply.recipients import INVITATIONS, NOTICES
from crm_ext.supply.registration import make_contact
from crm_ext.supply.tender_notifications import has_outgoing_account, supplier_language
from crm_ext.utils.documents import as_procedure, restore_server_fields

LOG = "Supplier User Log"
MASTER_SET, INVITED, DISABLED, ENABLED, RECIPIENTS = (
	"Master User Set",
	"Colleague Invited",
	"User Disabled",
	"User Enabled",
	"Recipients Changed",
)
MASTER = "crm_master_user"
SUPPLIER_ROLE = "Supplier"
NAME_CHARS = 140


# --- the Supplier's own saves (doc_events) -------------------------------------------------------


def keep_portal_admin(doc, method=None) -> None:
	"""``before_validate`` of Supplier: the administration fields are the procedures' (restored
	unless a procedure saves), and a supplier without a usable master user gets its first enabled
	portal user as master."""
	restore_server_fields(doc)
	master = doc.get(MASTER)
	members = {row.user for row in doc.get("portal_users") or [] if row.user}
	if master and (master in members or master in users_of_supplier(doc.name)) and is_enabled(master):
		return
	first = next(
		(row.user for row in doc.get("portal_users") or [] if row.user and is_enabled(row.user)), None
	)
	if first != master:
		doc.set(MASTER, first)
		doc.flags.crm_master_reason = doc.flags.crm_master_reason or _("The first enabled portal user.")


def log_master_change(doc, method=None) -> None:
	"""``on_update`` of Supplier: a new master user is logged."""
	before = doc.get_doc_before_save()
	previous = before.get(MASTER) if before else None
	if doc.get(MASTER) != previous and doc.get(MASTER):
		log(doc.name, MASTER_SET, doc.get(MASTER), doc.flags.crm_master_reason or "")


def is_enabled(user: str) -> bool:
	return bool(cint(frappe.db.get_value("User", user, "enabled")))


def log(supplier: str, action: str, user: str | None, details: str = "") -> None:
	entry = frappe.get_doc(
		{
			"doctype": LOG,
			"supplier": supplier,
			"action": action,
			"user": user,
			"details": details,
			"changed_by": frappe.session.user,
			"changed_on": now_datetime(),
		}
	)
	as_procedure(entry).insert(ignore_permissions=True)


def lock_supplier(supplier: str) -> frappe._dict:
	"""The supplier's row lock (one administration change of a supplier at a time) and its
	administration fields as last committed (a locking read, not the request's older snapshot)."""
	return frappe.db.get_value(
		"Supplier", supplier, [MASTER, INVITATIONS, NOTICES], as_dict=True, for_update=True
	)


def update_supplier(supplier: str, values: dict) -> None:
	"""Write the administration fields without saving the whole Supplier (its child rows as this
	request read them could be older than the lock); ``modified`` moves, so a form opened before
	is refused on save instead of writing back an older list of portal users."""
	frappe.db.set_value("Supplier", supplier, values)


def add_portal_user(supplier: str, user: str) -> None:
	"""A row of the supplier's Portal Users (ERPNext's portal access), appended under the lock."""
	table = frappe.qb.DocType("Portal User")
	last = (
		frappe.qb.from_(table)
		.select(Max(table.idx))
		.where((table.parent == supplier) & (table.parenttype == "Supplier"))
		.for_update()
		.run()
	)
	row = frappe.get_doc(
		{
			"doctype": "Portal User",
			"parent": supplier,
			"parenttype": "Supplier",
			"parentfield": "portal_users",
			"idx": (last[0][0] or 0) + 1,
			"user": user,
		}
	)
	row.db_insert()


# --- the master user's page (/supplier-users) ----------------------------------------------------


@frappe.whitelist(methods=["GET"])
def get_colleagues() -> dict:
	"""The master user's supplier, its portal users and who receives what. Right: its master user."""
	supplier = require_master()
	return colleagues(supplier)


def colleagues(supplier: str) -> dict:
	values = frappe.db.get_value("Supplier", supplier, [MASTER, INVITATIONS, NOTICES], as_dict=True)
	invitations, notices = rules.parse_users(values[INVITATIONS]), rules.parse_users(values[NOTICES])
	users = users_of_supplier(supplier)
	rows = frappe.get_all(
		"User",
		filters={"name": ("in", users or [""])},
		fields=["name", "full_name", "email", "enabled", "user_type", "last_login"],
		order_by="full_name asc",
	)
	for row in rows:
		row.is_master = row.name == values[MASTER]
		row.tender_emails = row.name in invitations
		row.qualification_notices = row.name in notices
		row.changeable = not row.is_master and may_change(supplier, row.name)
	return {"supplier": supplier, "master_user": values[MASTER], "users": rows}


def may_change(supplier: str, user: str) -> bool:
	"""A colleague the master may disable: a website user acting for this supplier only."""
	if is_internal(user) or frappe.db.get_value("User", user, "user_type") != "Website User":
		return False
	return suppliers_of_user(user) == [supplier]


@frappe.whitelist(methods=["POST"])
def invite_colleague(email: str, full_name: str) -> dict:
	"""Create a colleague's portal account (website user with role Supplier, its Contact linked to
	the supplier, a portal user row) and send Frappe's welcome e-mail. Right: the master user."""
	supplier = require_master()
	email = clean_email(email)
	first, last = clean_name(full_name)
	lock_supplier(supplier)
	if email in users_of_supplier(supplier):
		frappe.throw(_("{0} is already one of your colleagues.").format(email), frappe.DuplicateEntryError)
	if frappe.db.exists("User", email):
		refuse_existing(email)
	welcome = has_outgoing_account()
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": first,
			"last_name": last,
			"user_type": "Website User",
			"language": supplier_language(supplier),
			"send_welcome_email": int(welcome),
			"roles": [{"role": SUPPLIER_ROLE}],
		}
	)
	user.flags.delay_emails = True  # queued (Email Queue), never sent inside the request
	shown = len(frappe.local.message_log)
	try:
		user.insert(ignore_permissions=True)
	except frappe.DuplicateEntryError:  # another supplier's invitation of the address, at once
		refuse_existing(email)
	del frappe.local.message_log[shown:]
	link_contact(supplier, user.name, f"{first} {last}".strip())
	add_portal_user(supplier, user.name)
	update_supplier(supplier, {})
	log(supplier, INVITED, user.name, _("Invited as {0}.").format(user.full_name or email))
	return {"user": user.name, "welcome_email": welcome}


def link_contact(supplier: str, user: str, full_name: str) -> None:
	"""The colleague's Contact, linked to the supplier: the supplier's contact with that e-mail and
	no user yet, else the user's own (Frappe makes one for a new user, at once in tests), else a
	new one."""
	contact = frappe.db.get_value(
		"Contact",
		{"email_id": user, "user": ("is", "not set"), "name": ("in", supplier_contacts(supplier) or [""])},
	)
	if contact:
		frappe.db.set_value("Contact", contact, "user", user)
		return
	contact = frappe.db.get_value("Contact", {"user": user})
	if not contact:
		make_contact(supplier, full_name=full_name, email=user, user=user)
		return
	doc = frappe.get_doc("Contact", contact)
	doc.append("links", {"link_doctype": "Supplier", "link_name": supplier})
	doc.save(ignore_permissions=True)


def refuse_existing(email: str) -> None:
	frappe.throw(
		_(
			"An account with the e-mail {0} already exists on this site: it cannot be invited. If it is your colleague's, ask the buyer to link it to your company."
		).format(email),
		frappe.DuplicateEntryError,
		title=_("Account Exists"),
	)


def supplier_contacts(supplier: str) -> list[str]:
	return frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Contact", "link_doctype": "Supplier", "link_name": supplier},
		pluck="parent",
	)


def clean_email(value) -> str:
	email = value.strip().lower() if isinstance(value, str) else ""
	if not email or len(email) > NAME_CHARS or validate_email_address(email) != email:
		bad_input(_("E-mail"), _("enter one valid e-mail address."))
	return email


def clean_name(value) -> tuple[str, str]:
	first, last = rules.split_name(value if isinstance(value, str) else "")
	if not first or len(first) > NAME_CHARS or len(last) > NAME_CHARS:
		bad_input(
			_("Full Name"), _("enter the colleague's name (at most {0} characters).").format(NAME_CHARS)
		)
	return first, last


@frappe.whitelist(methods=["POST"])
def set_colleague_enabled(user: str, enabled: int) -> dict:
	"""Disable a colleague (at once: its sessions end, it leaves the recipient lists) or enable it
	again. Right: the master user, on a website user of its own supplier only."""
	supplier = require_master()
	require_colleague(supplier, user)
	if str(enabled) not in ("0", "1"):
		bad_input(_("Enabled"), _("send 0 or 1."))
	enabled = int(enabled)
	if user == frappe.session.user:
		frappe.throw(
			_("You cannot disable your own account: ask the buyer to mark another master user first."),
			title=_("Not Allowed"),
		)
	if not may_change(supplier, user):
		frappe.throw(
			_("{0} also works for another company or for us: only the buyer can change this account.").format(
				user
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	stored = lock_supplier(supplier)
	account = frappe.get_doc("User", user)
	if cint(account.enabled) == enabled:
		return colleagues(supplier)
	follow_notifications(user, enabled)
	account.enabled = enabled
	account.save(ignore_permissions=True)
	if not enabled:
		drop_recipient(supplier, stored, user)
	log(supplier, ENABLED if enabled else DISABLED, user)
	if not enabled:
		clear_sessions(user, force=True)
	return colleagues(supplier)


def follow_notifications(user: str, enabled: int) -> None:
	"""The user's Notification Settings follow its account (as Frappe's User does on save, but with
	the procedure's right: the master user may not save another user's settings itself)."""
	if not frappe.db.exists("Notification Settings", user):
		return
	settings = frappe.get_doc("Notification Settings", user)
	if cint(settings.enabled) != enabled:
		settings.enabled = enabled
		settings.save(ignore_permissions=True)


def drop_recipient(supplier: str, stored: frappe._dict, user: str) -> None:
	lists = {field: rules.parse_users(stored.get(field)) for field in (INVITATIONS, NOTICES)}
	if any(user in users for users in lists.values()):
		update_supplier(
			supplier,
			{field: rules.format_users(u for u in users if u != user) for field, users in lists.items()},
		)


@frappe.whitelist(methods=["POST"])
def set_recipients(tender_emails: list | str, qualification_notices: list | str) -> dict:
	"""Choose who receives the tender e-mails and the qualification notices (empty: the default).
	Right: the master user, choosing among the enabled users of its own supplier."""
	supplier = require_master()
	chosen = {}
	for field, label, value in (
		(INVITATIONS, _("Tender E-mails"), tender_emails),
		(NOTICES, _("Qualification Notices"), qualification_notices),
	):
		users = parse_list(value, label)
		for user in users:
			require_colleague(supplier, user)
			if not is_enabled(user):
				bad_input(label, _("{0} is disabled.").format(user))
		chosen[field] = rules.format_users(users)
	stored = lock_supplier(supplier)
	if all((stored.get(field) or "") == text for field, text in chosen.items()):
		return colleagues(supplier)
	update_supplier(supplier, chosen)
	details = "\n".join(
		f"{label}: {', '.join(rules.parse_users(chosen[field])) or _('default')}"
		for field, label in ((INVITATIONS, _("Tender E-mails")), (NOTICES, _("Qualification Notices")))
	)
	log(supplier, RECIPIENTS, None, details)
	return colleagues(supplier)


def parse_list(value, label: str) -> list[str]:
	if isinstance(value, str):
		try:
			value = json.loads(value) if value.strip() else []
		except ValueError:
			bad_input(label, _("send a list of users."))
	if not isinstance(value, list) or len(value) > 100 or not all(isinstance(v, str) for v in value):
		bad_input(label, _("send a list of users."))
	return rules.parse_users("\n".join(value))


# --- the buyer (Supplier form) ---------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def set_master_user(supplier: str, user: str) -> str:
	"""Mark ``user`` (an enabled website user of the supplier) as its master user. Right: a buyer
	who may change the Supplier (Purchase Manager)."""
	require_supplier_admin(supplier)
	if not isinstance(user, str) or user not in users_of_supplier(supplier):
		bad_input(_("Master User"), _("{0} is not a portal user of {1}.").format(user, supplier))
	if not is_enabled(user) or frappe.db.get_value("User", user, "user_type") != "Website User":
		bad_input(_("Master User"), _("{0} is not an enabled portal (website) user.").format(user))
	elsewhere = [s for s in suppliers_of_user(user) if s != supplier and master_user_of(s) == user]
	if elsewhere:
		bad_input(_("Master User"), _("{0} is already the master user of {1}.").format(user, elsewhere[0]))
	if lock_supplier(supplier).get(MASTER) == user:
		return user
	update_supplier(supplier, {MASTER: user})
	log(supplier, MASTER_SET, user, _("Marked by the buyer."))
	return user
