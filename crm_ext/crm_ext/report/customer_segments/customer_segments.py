"""Customer Segments: ABC by revenue share and RFM scores from submitted Sales Invoices.

The figures come from :func:`crm_ext.analytics.segments.customer_segments`; the "Tag Customers"
button (customer_segments.js) writes them to the customers.
"""

import frappe
from frappe import _
from frappe.utils import flt

from crm_ext.analytics.columns import readable_links
from crm_ext.analytics.filters import as_filters
from crm_ext.analytics.segments import customer_segments


@frappe.read_only()
@readable_links
def execute(filters=None):
	filters = as_filters(filters)
	filters.company = filters.get("company") or frappe.defaults.get_user_default("Company")
	rows = customer_segments(filters)  # revenue and shares rounded by the query
	currency = frappe.get_cached_value("Company", filters.company, "default_currency")
	precision = frappe.get_precision("Sales Invoice", "base_net_total") or 2
	for row in rows:
		row.currency = currency
	return columns(), rows, None, chart(rows), summary(rows, currency, precision)


def columns() -> list[dict]:
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 160,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 180},
		{
			"fieldname": "revenue",
			"label": _("Net Revenue"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 130,
		},
		{"fieldname": "share", "label": _("Share %"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "cumulative_share", "label": _("Cumulative %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "abc", "label": _("ABC"), "fieldtype": "Data", "width": 60},
		{"fieldname": "invoices", "label": _("Invoices"), "fieldtype": "Int", "width": 80},
		{"fieldname": "last_invoice", "label": _("Last Invoice"), "fieldtype": "Date", "width": 110},
		{"fieldname": "days_since", "label": _("Days Since"), "fieldtype": "Int", "width": 90},
		{"fieldname": "r", "label": _("Recency"), "fieldtype": "Int", "width": 80},
		{"fieldname": "f", "label": _("Frequency"), "fieldtype": "Int", "width": 90},
		{"fieldname": "m", "label": _("Monetary"), "fieldtype": "Int", "width": 90},
		{"fieldname": "rfm", "label": _("RFM"), "fieldtype": "Data", "width": 70},
		{"fieldname": "crm_segment", "label": _("Tagged ABC"), "fieldtype": "Data", "width": 90},
		{"fieldname": "crm_rfm", "label": _("Tagged RFM"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]


def revenue_by_class(rows) -> dict[str, float]:
	revenue = dict.fromkeys("ABC", 0)
	for row in rows:
		if row.revenue > 0:
			revenue[row.abc] += row.revenue
	return revenue


def chart(rows) -> dict | None:
	if not rows:
		return None
	revenue = revenue_by_class(rows)
	return {
		"data": {
			"labels": [_("A"), _("B"), _("C")],
			"datasets": [{"name": _("Net Revenue"), "values": [revenue[c] for c in "ABC"]}],
		},
		"type": "donut",
		"fieldtype": "Currency",
		"colors": ["#28a745", "#ffa00a", "#ff5858"],
	}


def summary(rows, currency: str, precision: int) -> list[dict]:
	revenue = revenue_by_class(rows)
	indicators = {"A": "Green", "B": "Orange", "C": "Red"}
	counts = dict.fromkeys("ABC", 0)
	for row in rows:
		counts[row.abc] += 1
	cards = []
	for c in "ABC":
		count = counts[c]
		cards.append(
			{
				"value": count,
				"label": _("{0} Customers").format(c),
				"datatype": "Int",
				"indicator": indicators[c],
			}
		)
		cards.append(
			{
				"value": flt(revenue[c], precision),
				"label": _("{0} Revenue").format(c),
				"datatype": "Currency",
				"currency": currency,
			}
		)
	return cards
