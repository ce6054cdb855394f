"""What every part of the demo shares: who acts, the company, the clock, and master data.

The demo builds through the app's own procedures, each run as the person who would run it
(:func:`acting_as`), so every rule of the app holds for what it makes. Where a story needs time to
pass (a deadline, an overdue follow-up, months of pipeline history), the demo writes the past time
straight to the stored record, as the fixture builders of the tests do (:func:`time_passes`).
"""

import contextlib
from datetime import date, datetime, timedelta

import frappe
from frappe.utils import add_days, add_years, getdate, nowdate

DEMO_PASSWORD = "crm-demo-2026"
HOLIDAY_LIST = "CRM Demo Working Week"

# Item groups: the sales catalogue, and the categories suppliers are qualified for
SALES_GROUP = "Windows and Doors"
RAW_MATERIALS = "Raw Materials"  # a group: the metal questionnaire covers its sub-groups
STEEL = "Steel Products"
FASTENERS = "Fasteners"
LOGISTICS = "Logistics Services"

# (item code, name, item group, stock item, standard rate)
SALES_ITEMS = (
	("WIN-PVC-1214", "PVC window 1200 x 1400", SALES_GROUP, 0, 420),
	("DOOR-ENT-STEEL", "Steel entrance door", SALES_GROUP, 0, 950),
	("SVC-INSTALL", "Installation service (per unit)", SALES_GROUP, 0, 85),
	("SVC-MEASURE", "Measurement visit", SALES_GROUP, 0, 40),
)
PURCHASE_ITEMS = (
	("STL-BEAM-HEA200", "Steel beam HEA 200, 6 m", STEEL, 1, 310),
	("STL-SHEET-2MM", "Cold-rolled steel sheet 2 mm", STEEL, 1, 95),
	("FST-BOLT-M16", "Bolt M16 x 80, zinc plated", FASTENERS, 1, 0.9),
)


@contextlib.contextmanager
def acting_as(user: str):
	"""Run the block as ``user`` (permissions, owner, ``frappe.session.user``), then go back."""
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		yield user
	finally:
		frappe.set_user(previous)


def time_passes(doctype: str, name: str, values: dict) -> None:
	"""Time passes for a record: the past times a story needs (created months ago, a deadline that
	ran out, a follow-up left undone for days) written straight to the stored record, as the
	fixture builders of the tests do. Never used to get round a rule: only the clock moves."""
	frappe.db.set_value(doctype, name, values, update_modified=False)


def company() -> str:
	name = frappe.defaults.get_global_default("company") or frappe.db.get_value("Company", {}, "name")
	if not name:
		frappe.throw("The demo needs an ERPNext company: finish ERPNext's setup wizard first.")
	return name


def company_currency() -> str:
	return frappe.get_cached_value("Company", company(), "default_currency")


def days_ago(days: float) -> datetime:
	return frappe.utils.now_datetime() - timedelta(days=days)


def past_date(days: int) -> date:
	"""``days`` before today, kept inside a fiscal year the company has (created when missing)."""
	day = getdate(add_days(nowdate(), -days))
	ensure_fiscal_year(day)
	return day


def ensure_fiscal_year(day: date) -> None:
	from erpnext.accounts.utils import FiscalYearError, get_fiscal_year

	try:
		get_fiscal_year(day, company=company())
		return
	except FiscalYearError:
		pass
	start = date(day.year, 1, 1)
	frappe.get_doc(
		{
			"doctype": "Fiscal Year",
			"year": str(day.year),
			"year_start_date": start,
			"year_end_date": date(day.year, 12, 31),
			"companies": [{"company": company()}],
		}
	).insert(ignore_permissions=True)


# --- master data (set up by an administrator, as a new site would be) ---------------------------


def ensure_item_groups() -> None:
	for name, parent, is_group in (
		(SALES_GROUP, "All Item Groups", 0),
		(RAW_MATERIALS, "All Item Groups", 1),
		(STEEL, RAW_MATERIALS, 0),
		(FASTENERS, RAW_MATERIALS, 0),
		(LOGISTICS, "All Item Groups", 0),
	):
		if not frappe.db.exists("Item Group", name):
			frappe.get_doc(
				{
					"doctype": "Item Group",
					"item_group_name": name,
					"parent_item_group": parent,
					"is_group": is_group,
				}
			).insert(ignore_permissions=True)


def ensure_items() -> None:
	ensure_item_groups()
	warehouse = stores_warehouse()
	for code, name, group, is_stock, rate in SALES_ITEMS + PURCHASE_ITEMS:
		if frappe.db.exists("Item", code):
			continue
		item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": name,
				"description": name,
				"item_group": group,
				"stock_uom": "Nos",
				"is_stock_item": is_stock,
				"include_item_in_manufacturing": 0,
				"standard_rate": rate,
			}
		)
		if is_stock and warehouse:
			item.append("item_defaults", {"company": company(), "default_warehouse": warehouse})
		item.insert(ignore_permissions=True)


def stores_warehouse() -> str | None:
	filters = {"company": company(), "is_group": 0}
	return frappe.db.get_value("Warehouse", {**filters, "warehouse_name": "Stores"}) or frappe.db.get_value(
		"Warehouse", filters
	)


def item_rate(code: str) -> float:
	return next(rate for c, _n, _g, _s, rate in SALES_ITEMS + PURCHASE_ITEMS if c == code)


def ensure_holiday_list() -> str:
	"""A working week (Saturday and Sunday off) from a year back to a year ahead."""
	if not frappe.db.exists("Holiday List", HOLIDAY_LIST):
		holidays = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": HOLIDAY_LIST,
				"from_date": add_years(nowdate(), -1),
				"to_date": add_years(nowdate(), 1),
			}
		)
		for day in ("Saturday", "Sunday"):
			holidays.weekly_off = day
			holidays.get_weekly_off_dates()
		holidays.weekly_off = None
		holidays.insert(ignore_permissions=True)
	return HOLIDAY_LIST


def ensure_named(doctype: str, name_field: str, names, **values) -> None:
	for name in names:
		if not frappe.db.exists(doctype, name):
			frappe.get_doc({"doctype": doctype, name_field: name, **values}).insert(ignore_permissions=True)
