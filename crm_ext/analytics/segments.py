"""Customer segments: ABC by revenue share and RFM scores from submitted Sales Invoices.

SQL returns one row per customer (net revenue in company currency, invoices, last invoice
date); :func:`crm_ext.logic.analytics.abc_classes` and ``rfm_scores`` classify them. The
"Tag Customers" action writes the classes to the Customer's ``crm_segment`` / ``crm_rfm``
fields (see crm_ext/setup/custom_fields.py) for marketing lists.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Max, Sum
from frappe.utils import add_days, add_years, date_diff, getdate, nowdate
from pypika.terms import Case

from crm_ext.analytics.filters import as_filters, restricted_user, scoped_customers
from crm_ext.logic.analytics import RFMInput, abc_classes, check_abc_shares, rfm_scores
from crm_ext.logic.errors import LogicError
from crm_ext.utils import throw

Invoice = DocType("Sales Invoice")
Customer = DocType("Customer")


def period(filters) -> tuple:
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_days(add_years(to_date, -1), 1))
	return from_date, to_date


def customer_segments(filters) -> list[dict]:
	"""One dict per customer with revenue, share, ABC class and RFM scores, largest revenue first."""
	filters = as_filters(filters)
	if not filters.get("company"):
		frappe.throw(_("Choose a Company in the filters."), title=_("Company Missing"))
	a_share = filters.get("a_share") if filters.get("a_share") not in (None, "") else 80
	b_share = filters.get("b_share") if filters.get("b_share") not in (None, "") else 15
	try:
		check_abc_shares(a_share, b_share)
	except LogicError as e:
		throw(e, title=_("Invalid Shares"))
	from_date, to_date = period(filters)
	sales = Invoice.is_return == 0
	# the invoices per customer, then the few customer fields in a second query (grouping by them
	# too would carry them through the whole aggregate; a join to the aggregate makes MariaDB
	# compute it once per customer)
	query = (
		frappe.qb.from_(Invoice)
		.select(
			Invoice.customer,
			Sum(Invoice.base_net_total).as_("revenue"),
			Sum(Case().when(sales, 1).else_(0)).as_("invoices"),
			Max(Case().when(sales, Invoice.posting_date)).as_("last_invoice"),
		)
		.where(Invoice.docstatus == 1)
		.where(Invoice.company == filters.company)
		.where(Invoice.posting_date[from_date:to_date])
		.groupby(Invoice.customer)
	)
	customers = scoped_customers(filters)
	if customers is not None:
		query = query.where(Invoice.customer.isin(customers))
	rows = query.run(as_dict=True)
	fields = {
		c.name: c
		for c in (
			frappe.qb.from_(Customer)
			.select(Customer.name, Customer.customer_name, Customer.crm_segment, Customer.crm_rfm)
			.where(Customer.name.isin([r.customer for r in rows] or [""]))
			.run(as_dict=True)
		)
	}
	rows = [row for row in rows if row.customer in fields]  # (as the join did)
	for row in rows:
		customer = fields[row.customer]
		row.update(
			customer_name=customer.customer_name, crm_segment=customer.crm_segment, crm_rfm=customer.crm_rfm
		)
	classes = abc_classes({r.customer: r.revenue for r in rows}, a_share, b_share)
	scores = rfm_scores(
		{
			r.customer: RFMInput(
				recency_days=date_diff(to_date, r.last_invoice) if r.last_invoice else 10**6,
				frequency=r.invoices or 0,
				monetary=r.revenue or 0,
			)
			for r in rows
		}
	)
	total = sum(r.revenue for r in rows if r.revenue > 0)
	rows.sort(key=lambda r: (-r.revenue, r.customer))
	cumulative = 0
	for row in rows:
		cumulative += max(row.revenue, 0)
		r, f, m = scores[row.customer]
		row.update(
			{
				"share": float(row.revenue * 100 / total) if total else 0,
				"cumulative_share": float(cumulative * 100 / total) if total else 0,
				"abc": classes[row.customer],
				"days_since": date_diff(to_date, row.last_invoice) if row.last_invoice else None,
				"r": r,
				"f": f,
				"m": m,
				"rfm": f"{r}{f}{m}",
			}
		)
	return rows


@frappe.whitelist(methods=["POST"])
def tag_customers(filters: str | dict) -> dict:
	"""Write the report's ABC class and RFM score to each customer in it; returns counts per class."""
	frappe.has_permission("Customer", "write", throw=True)
	if restricted_user():
		frappe.throw(
			_("Only users who see every sales card (e.g. Sales Manager) can tag customers."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	rows = customer_segments(filters)
	groups: dict[tuple[str, str], list[str]] = {}
	for row in rows:
		if (row.abc, row.rfm) != (row.crm_segment, row.crm_rfm):
			groups.setdefault((row.abc, row.rfm), []).append(row.customer)
	for (segment, rfm), names in groups.items():
		(
			frappe.qb.update(Customer)
			.set(Customer.crm_segment, segment)
			.set(Customer.crm_rfm, rfm)
			.where(Customer.name.isin(names))
		).run()
	counts = {c: sum(1 for row in rows if row.abc == c) for c in "ABC"}
	return {"tagged": len(rows), "changed": sum(len(n) for n in groups.values()), **counts}
