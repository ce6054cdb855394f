"""The demo's people (one per role's view, all with the demo password) and the settings a head of
sales and an administrator fill in before the team starts: head of sales, phone country, working
calendar, and the round-robin team."""

import frappe
from frappe.utils.password import update_password

from crm_ext.demo.base import company, ensure_holiday_list
from crm_ext.sales.assignment import RULE_NAME

REPS = {
	"anna.rep@example.com": ("Anna", "Petrenko"),
	"boris.rep@example.com": ("Boris", "Melnyk"),
	"carla.rep@example.com": ("Carla", "Rossi"),
	"dmitri.rep@example.com": ("Dmitri", "Volkov"),
}
HEAD_OF_SALES = "sales.head@example.com"
BUYER = "buyer@example.com"
PROCUREMENT_MANAGER = "procurement.manager@example.com"
ACCOUNTANT = "accountant@example.com"
STAFF = {
	HEAD_OF_SALES: ("Helena", "Sokolova", ("Sales Manager",)),
	BUYER: ("Pavlo", "Bondar", ("Purchase User", "Stock User")),
	PROCUREMENT_MANAGER: ("Maria", "Lysenko", ("Purchase Manager", "Purchase User")),
	ACCOUNTANT: ("Oleg", "Kravets", ("Accounts User", "Accounts Manager")),
}
# Who to log in as for each role's view (printed by the demo, repeated in README.md)
LOGINS = (
	("Sales rep", "anna.rep@example.com", "own cards, kanban, follow-ups, quotations"),
	("Head of sales", HEAD_OF_SALES, "every card, funnel, team activity, escalations"),
	("Buyer", BUYER, "tenders, qualification reviews, purchase orders"),
	("Approving manager", PROCUREMENT_MANAGER, "qualification decisions (four eyes), tenders"),
	("Accountant", ACCOUNTANT, "invoices and payments with their card or tender, receivables"),
)


def ensure_user(
	email: str,
	first_name: str,
	last_name: str,
	roles,
	password: str,
	user_type: str = "System User",
) -> str:
	"""The user with at least ``roles`` and the demo password. E-mail notifications off (the
	addresses are example.com); the bell in the desk still shows them."""
	if frappe.db.exists("User", email):
		user = frappe.get_doc("User", email)
	else:
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name,
				"last_name": last_name,
				"send_welcome_email": 0,
				"user_type": user_type,
			}
		).insert(ignore_permissions=True)
	missing = [role for role in roles if role not in frappe.get_roles(email)]
	if missing:
		user.flags.ignore_permissions = True
		user.add_roles(*missing)
	update_password(email, password)
	frappe.db.set_value("Notification Settings", email, "enable_email_notifications", 0)
	return email


def ensure_team(password: str) -> list[str]:
	"""The reps, the head of sales, procurement and the accountant."""
	for email, (first, last) in REPS.items():
		ensure_user(email, first, last, ("Sales User",), password)
	for email, (first, last, roles) in STAFF.items():
		ensure_user(email, first, last, roles, password)
	return list(REPS)


def fill_settings() -> dict:
	"""Fill what CRM Ext Settings still leave empty (never overwrite a site's own choices)."""
	settings = frappe.get_doc("CRM Ext Settings")
	country = frappe.get_cached_value("Company", company(), "country")
	changed = {}
	for field, value in (
		("head_of_sales", HEAD_OF_SALES),
		("default_phone_country", country),
		("holiday_list", ensure_holiday_list()),
	):
		if not settings.get(field) and value:
			settings.set(field, value)
			changed[field] = value
	if changed:
		settings.save(ignore_permissions=True)
	return changed


def choose_round_robin_team(reps: list[str]) -> bool:
	"""The head of sales chooses the team of the round-robin rule and enables it (install leaves it
	off until then). A rule already enabled is the site's own: left as it is."""
	rule = frappe.get_doc("Assignment Rule", RULE_NAME)
	if not rule.disabled:
		return False
	rule.set("users", [{"user": rep} for rep in reps])
	rule.disabled = 0
	rule.save(ignore_permissions=True)
	return True
