"""Customer segments: ABC by revenue share and RFM scores from submitted Sales Invoices.

One query returns one row per customer (net revenue in company currency, invoices, last invoice
date) with its classes, computed by window functions by the rules of
:func:`crm_ext.logic.analytics.abc_classes` and ``rfm_scores`` (a tier-2 test holds the two to the
same answers on data with ties and edges). The
"Tag Customers" action writes the classes to the Customer's ``crm_segment`` / ``crm_rfm``
fields (see crm_ext/setup/custom_fields.py) for marketing lists.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Max, Sum
from frappe.query_builder.terms import NamedParameterWrapper
from frappe.utils import add_days, add_years, getdate, nowdate
from pypika.terms import Case

from crm_ext.analytics.filters import as_filters, customers_in_scope, restricted_user, where_all
from crm_ext.logic.analytics import check_abc_shares
from crm_ext.logic.errors import LogicError
from crm_ext.utils import throw

Invoice = DocType("Sales Invoice")
Customer = DocType("Customer")


def period(filters) -> tuple:
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_days(add_years(to_date, -1), 1))
	return from_date, to_date


def customer_segments(filters) -> list[dict]:
	"""One dict per customer with revenue, share, ABC class and RFM scores, largest revenue first.

	One query: the invoices per customer, the customer's fields, then the classes by window
	functions (:func:`classified`); the rules are those of :mod:`crm_ext.logic.analytics`."""
	filters = as_filters(filters)
	if not filters.get("company"):
		frappe.throw(_("Choose a Company in the filters."), title=_("Company Missing"))
	a_share = filters.get("a_share") if filters.get("a_share") not in (None, "") else 80
	b_share = filters.get("b_share") if filters.get("b_share") not in (None, "") else 15
	try:
		a_share, b_share = check_abc_shares(a_share, b_share)
	except LogicError as e:
		throw(e, title=_("Invalid Shares"))
	from_date, to_date = period(filters)
	sales = Invoice.is_return == 0
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
	query = where_all(query, customers_in_scope(filters, Invoice.customer))
	# the classes over the aggregate alone, the customer's fields joined to the few classified rows
	# (joined to the aggregate, MariaDB computes it as a lateral table once per customer)
	params = NamedParameterWrapper()
	aggregate = query.get_sql(param_wrapper=params)
	precision = frappe.get_precision("Sales Invoice", "base_net_total") or 2
	return frappe.db.sql(
		f"""select k.customer, cu.customer_name, k.revenue, k.share, k.cumulative_share, k.abc,
			k.invoices, k.last_invoice, k.days_since, k.r, k.f, k.m, k.rfm, cu.crm_segment, cu.crm_rfm
		from ({classified(aggregate, precision)}) k
		join `tabCustomer` cu on cu.name = k.customer
		order by k.seq""",
		{**params.get_parameters(), "abc_a": a_share, "abc_b": b_share, "to_date": to_date},
		as_dict=True,
	)


def classified(per_customer: str, precision: int = 2, bins: int = 5) -> str:
	"""SQL: the rows of ``per_customer`` (customer, revenue, invoices, last_invoice) with seq
	(1 = largest revenue), days_since, share, cumulative_share (%, 2 decimals), abc, r, f, m and rfm, largest
	revenue first, computed as :func:`crm_ext.logic.analytics.abc_classes` and ``rfm_scores`` do
	(parameters ``abc_a``, ``abc_b``: the A and B shares; ``to_date``: the day recency counts to).

	- order: revenue descending, then the customer's ID by code point (``utf8mb4_bin``: Python's
	  string order), the order the ABC line is drawn in;
	- ABC: the positive revenue of the customers before a customer against the A (A + B) share of
	  the total positive revenue; no positive revenue, or no total: C;
	- RFM: 1 + bins x (customers with a strictly worse value) div customers; ``rank() - 1`` over the
	  values from worst to best is that count (equal values share a rank). No sale in the period
	  (only credit notes): recency 10^6 days.
	"""
	order = "x.revenue desc, x.customer collate utf8mb4_bin"
	positive = "greatest(x.revenue, 0)"
	bins = int(bins)
	return f"""
		select y.customer, row_number() over (order by y.revenue desc, y.customer collate utf8mb4_bin) seq,
			round(y.revenue, {int(precision)}) revenue, y.invoices, y.last_invoice,
			datediff(%(to_date)s, y.last_invoice) days_since,
			if(y.total > 0, round(y.revenue * 100 / y.total, 2), 0) share,
			if(y.total > 0, round(y.running * 100 / y.total, 2), 0) cumulative_share,
			case
				when y.revenue <= 0 or not y.total then 'C'
				when y.before_ * 100 < %(abc_a)s * y.total then 'A'
				when y.before_ * 100 < (%(abc_a)s + %(abc_b)s) * y.total then 'B'
				else 'C' end abc,
			1 + (y.r_worse * {bins}) div y.n r,
			1 + (y.f_worse * {bins}) div y.n f,
			1 + (y.m_worse * {bins}) div y.n m,
			concat(1 + (y.r_worse * {bins}) div y.n, 1 + (y.f_worse * {bins}) div y.n,
				1 + (y.m_worse * {bins}) div y.n) rfm
		from (
			select x.*,
				count(*) over () n,
				sum({positive}) over () total,
				sum({positive}) over (order by {order} rows unbounded preceding) running,
				coalesce(sum({positive}) over (
					order by {order} rows between unbounded preceding and 1 preceding), 0) before_,
				rank() over (order by x.recency desc) - 1 r_worse,
				rank() over (order by x.invoices) - 1 f_worse,
				rank() over (order by x.revenue) - 1 m_worse
			from (
				select s.*, coalesce(datediff(%(to_date)s, s.last_invoice), 1000000) recency
				from ({per_customer}) s
			) x
		) y"""


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
