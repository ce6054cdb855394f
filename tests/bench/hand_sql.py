"""Hand-written SQL for the numbers of each report (the benchmark's yardstick, not a test).

Each ``hand_*`` function computes what a report shows for a user straight from the source tables
(the stage log, the cards, the interactions, the invoices: never the app's summary tables), the
way one would write it by hand for that user: with the row rule first when the user sees only
some cards, over the covering indexes. Each ``app_*`` function takes the report runner's answer
to the same shape, so that the benchmark can check both give the same numbers.
"""

from collections import defaultdict
from datetime import timedelta

import frappe
from frappe.utils import add_to_date, flt, getdate, now_datetime

from crm_ext.logic.analytics import median_p90
from crm_ext.sales.access import assigned_pattern

OPEN_WON = ("Open", "Won")


def rule(user: str | None, alias: str = "c") -> str:
	"""The Sales Lead row rule of a user who does not see every card ("" for one who does)."""
	if not user:
		return ""
	u = frappe.db.escape(user)
	assigned = frappe.db.escape(assigned_pattern(user))
	return f" and ({alias}.lead_owner = {u} or {alias}.owner = {u} or {alias}._assign like {assigned})"


def report_rows(result) -> list[dict]:
	"""The report runner's rows without its total row (a list)."""
	return [row for row in result["result"] if isinstance(row, dict)]


def hint(index: str, table: str = "tabSales Lead Stage Log") -> str:
	return f"force index ({index})" if frappe.db.has_index(table, index) else ""


def period(filters) -> tuple:
	return getdate(filters["from_date"]), getdate(filters["to_date"]) + timedelta(days=1)


def stages(pipeline: str) -> list:
	return frappe.db.sql(
		"select name, stage_order, kind, stale_after_days from `tabPipeline Stage` where pipeline = %s "
		"order by stage_order",
		pipeline,
		as_dict=True,
	)


# --- Sales Funnel ---------------------------------------------------------------------------


def hand_funnel(filters, user: str | None) -> dict:
	"""{stage: (reached, lost here)}: per card its furthest open/won stage and first move in the
	pipeline (entered), counted by furthest stage for the cards that entered in the period; and
	the cards lost now, created in the period, by the stage they were lost from."""
	pipeline = filters["pipeline"]
	start, end = period(filters)
	rows = stages(pipeline)
	funnel_stages = [s for s in rows if s.kind in OPEN_WON]
	case = " ".join(f"when {frappe.db.escape(s.name)} then {int(s.stage_order)}" for s in funnel_stages)
	if user:
		per_card = f"""
			select c.name, max(case l.to_stage {case} end) furthest, min(l.changed_on) entered
			from `tabSales Lead` c
			straight_join `tabSales Lead Stage Log` l force index (pipeline_lead_stage_index)
				on l.pipeline = %(p)s and l.sales_lead = c.name and l.to_kind in ('Open', 'Won')
			where 1 = 1 {rule(user)}
			group by c.name"""
	else:
		per_card = f"""
			select l.sales_lead, max(case l.to_stage {case} end) furthest, min(l.changed_on) entered
			from `tabSales Lead Stage Log` l force index (pipeline_lead_stage_index)
			where l.pipeline = %(p)s and l.to_kind in ('Open', 'Won')
			group by l.sales_lead"""
	furthest = dict(
		frappe.db.sql(
			f"""select furthest, count(*) from ({per_card}) x
			where entered >= %(s)s and entered < %(e)s and furthest is not null group by furthest""",
			{"p": pipeline, "s": start, "e": end},
		)
	)
	lost = frappe.db.sql(
		f"""select l.from_stage, count(distinct l.sales_lead)
		from `tabSales Lead` c
		join `tabSales Lead Stage Log` l on l.sales_lead = c.name
		where l.pipeline = %(p)s and l.to_kind = 'Lost' and c.stage_kind = 'Lost'
			and c.creation >= %(s)s and c.creation < %(e)s {rule(user)}
		group by l.from_stage""",
		{"p": pipeline, "s": start, "e": end},
	)
	lost_from = defaultdict(int)
	for stage, cards in lost:
		lost_from[stage or funnel_stages[0].name] += cards
	return {
		s.name: (sum(n for order, n in furthest.items() if order >= s.stage_order), lost_from[s.name])
		for s in funnel_stages
	}


def app_funnel(result) -> dict:
	return {row["stage"]: (row["reached"], row["lost"]) for row in report_rows(result)}


# --- Time in Stage --------------------------------------------------------------------------


def hand_time_in_stage(filters, user: str | None) -> dict:
	"""{stage: (moves out, median, p90, open now, stale now)}."""
	pipeline = filters["pipeline"]
	start, end = period(filters)
	if user:
		query = f"""select l.from_stage, round(l.days_in_from_stage, 1), count(*)
			from `tabSales Lead` c
			straight_join `tabSales Lead Stage Log` l force index (lead_stay_index)
				on l.sales_lead = c.name and l.pipeline = %(p)s
			where l.from_stage is not null and l.changed_on >= %(s)s and l.changed_on < %(e)s {rule(user)}
			group by 1, 2"""
	else:
		query = f"""select from_stage, round(days_in_from_stage, 1), count(*)
			from `tabSales Lead Stage Log` {hint("pipeline_changed_stay_index")}
			where pipeline = %(p)s and changed_on >= %(s)s and changed_on < %(e)s and from_stage is not null
			group by 1, 2"""
	histograms = defaultdict(list)
	for stage, days, moves in frappe.db.sql(query, {"p": pipeline, "s": start, "e": end}):
		histograms[stage].append((flt(days), moves))
	now = now_datetime()
	rows = stages(pipeline)
	stale = " or ".join(
		f"(c.stage = {frappe.db.escape(s.name)} and c.stage_entered_on < "
		f"{frappe.db.escape(str(add_to_date(now, days=-s.stale_after_days)))})"
		for s in rows
		if s.kind == "Open" and s.stale_after_days
	)
	current = {
		stage: (cards, int(n or 0))
		for stage, cards, n in frappe.db.sql(
			f"""select c.stage, count(*), sum(case when {stale or "0"} then 1 else 0 end)
			from `tabSales Lead` c where c.stage_kind = 'Open' and c.pipeline = %(p)s {rule(user)}
			group by c.stage""",
			{"p": pipeline},
		)
	}
	result = {}
	for s in rows:
		if s.kind != "Open" and s.name not in histograms:
			continue
		histogram = histograms.get(s.name, [])
		median, p90 = median_p90(histogram)
		result[s.name] = (
			sum(n for _d, n in histogram),
			flt(median, 1) if median is not None else None,
			flt(p90, 1) if p90 is not None else None,
			*current.get(s.name, (0, 0)),
		)
	return result


def app_time_in_stage(result) -> dict:
	return {
		row["stage"]: (
			row["moves_out"],
			row["median_days"],
			row["p90_days"],
			row["open_now"],
			row["stale_now"],
		)
		for row in report_rows(result)
	}


# --- Manager Activity -----------------------------------------------------------------------

INTERACTION_COLUMNS = {
	"Call": "calls",
	"Meeting": "meetings",
	"Visit": "meetings",
	"E-mail": "emails",
	"Message": "messages",
	"Note": "notes",
}


def hand_manager_activity(filters, own_row_of: str | None) -> dict:
	"""{rep: {column: value}}; ``own_row_of``: the rep who sees only their own row."""
	start, end = period(filters)
	args = {"s": start, "e": end, "c": filters["company"], "u": own_row_of, "today": getdate()}
	args["from"], args["to"] = getdate(filters["from_date"]), getdate(filters["to_date"])
	only = lambda column: f" and {column} = %(u)s" if own_row_of else ""  # noqa: E731
	rows = defaultdict(lambda: defaultdict(float))
	for rep, kind, n in frappe.db.sql(
		f"""select handled_by, interaction_type, count(*) from `tabInteraction`
		where handled_by is not null and owner = handled_by and start_time >= %(s)s and start_time < %(e)s
		{only("handled_by")} group by 1, 2""",
		args,
	):
		if kind in INTERACTION_COLUMNS:
			rows[rep][INTERACTION_COLUMNS[kind]] += n
	for rep, done, overdue, carried in frappe.db.sql(
		f"""select allocated_to,
			sum(status = 'Closed' and modified >= %(s)s and modified < %(e)s),
			sum(status = 'Open' and date < %(today)s),
			sum(status != 'Cancelled' and crm_carried_over > 0 and crm_original_date between %(from)s and %(to)s)
		from `tabToDo` where crm_follow_up = 1 and allocated_to is not null {only("allocated_to")}
		group by 1""",
		args,
	):
		if done or overdue or carried:
			rows[rep].update(
				follow_ups_done=done, follow_ups_overdue=overdue, follow_ups_carried_over=carried
			)
	for rep, n in frappe.db.sql(
		f"""select lead_owner, count(*) from `tabSales Lead`
		where company = %(c)s and creation >= %(s)s and creation < %(e)s and lead_owner is not null
		{only("lead_owner")} group by 1""",
		args,
	):
		rows[rep]["new_cards"] = n
	for rep, won, lost in frappe.db.sql(
		f"""select c.lead_owner, sum(l.to_kind = 'Won'), sum(l.to_kind = 'Lost')
		from `tabSales Lead Stage Log` l join `tabSales Lead` c on c.name = l.sales_lead
		where l.to_kind in ('Won', 'Lost') and l.changed_on >= %(s)s and l.changed_on < %(e)s
			and c.company = %(c)s and c.lead_owner is not null {only("c.lead_owner")}
		group by 1""",
		args,
	):
		rows[rep].update(won=won, lost=lost)
	for rep, revenue in frappe.db.sql(
		f"""select c.lead_owner, sum(i.base_grand_total)
		from `tabSales Invoice` i join `tabSales Lead` c on c.name = i.sales_lead
		where i.docstatus = 1 and i.posting_date between %(from)s and %(to)s and i.company = %(c)s
			and c.lead_owner is not null {only("c.lead_owner")}
		group by 1""",
		args,
	):
		rows[rep]["revenue_invoiced"] = flt(revenue, 2)
	return {rep: dict(values) for rep, values in rows.items()}


ACTIVITY_FIELDS = (
	"calls", "meetings", "emails", "messages", "notes", "follow_ups_done", "follow_ups_overdue",
	"follow_ups_carried_over", "new_cards", "won", "lost", "revenue_invoiced",
)  # fmt: skip


def app_manager_activity(result) -> dict:
	return {row["rep"]: {k: row[k] for k in ACTIVITY_FIELDS if row.get(k)} for row in report_rows(result)}


# --- Customer Segments ----------------------------------------------------------------------


def scoped_customers_sql(user: str | None) -> str:
	if not user:
		return ""
	return (
		" and i.customer in (select c.customer from `tabSales Lead` c where c.customer is not null"
		f"{rule(user)})"
	)


def hand_customer_segments(filters, user: str | None) -> dict:
	"""{customer: (customer name, net revenue, invoices, last invoice, share, ABC, RFM)}: what the
	report shows, the classes by window functions over the per-customer aggregate (A 80 %, B 15 %;
	RFM 1 + 5 x customers with a worse value div customers)."""
	rows = frappe.db.sql(
		f"""select k.customer, cu.customer_name, k.revenue, k.invoices, k.last_invoice,
			if(k.total > 0, round(k.revenue * 100 / k.total, 2), 0),
			case when k.revenue <= 0 or not k.total then 'C'
				when k.before_ * 100 < 80 * k.total then 'A'
				when k.before_ * 100 < 95 * k.total then 'B' else 'C' end,
			concat(1 + 5 * (k.rr - 1) div k.n, 1 + 5 * (k.fr - 1) div k.n, 1 + 5 * (k.mr - 1) div k.n)
		from (
			select a.*, count(*) over () n, sum(greatest(a.revenue, 0)) over () total,
				coalesce(sum(greatest(a.revenue, 0)) over (order by a.revenue desc,
					a.customer collate utf8mb4_bin rows between unbounded preceding and 1 preceding), 0) before_,
				rank() over (order by coalesce(a.last_invoice, '0001-01-01')) rr,
				rank() over (order by a.invoices) fr, rank() over (order by a.revenue) mr
			from (
				select i.customer, sum(i.base_net_total) revenue, sum(i.is_return = 0) invoices,
					max(case when i.is_return = 0 then i.posting_date end) last_invoice
				from `tabSales Invoice` i
				where i.docstatus = 1 and i.company = %(c)s and i.posting_date between %(f)s and %(t)s
				{scoped_customers_sql(user)}
				group by i.customer) a
		) k join `tabCustomer` cu on cu.name = k.customer""",
		{"c": filters["company"], "f": filters["from_date"], "t": filters["to_date"]},
	)
	return {
		customer: (name, flt(revenue, 2), invoices, last, flt(share, 2), abc, rfm)
		for customer, name, revenue, invoices, last, share, abc, rfm in rows
	}


def app_customer_segments(result) -> dict:
	return {
		row["customer"]: (
			row["customer_name"], flt(row["revenue"], 2), row["invoices"], row["last_invoice"],
			flt(row["share"], 2), row["abc"], row["rfm"],
		)
		for row in report_rows(result)
	}  # fmt: skip


# --- Revenue Forecast -----------------------------------------------------------------------


def hand_revenue_forecast_months(filters, user: str | None) -> dict:
	"""What the report shows: per bucket (month "YYYY-MM" of the next 12, "0000-00" for the months
	before, "9999-99" for no date) open cards, pipeline, weighted pipeline and invoiced unpaid."""
	from frappe.utils import add_months, get_first_day, get_last_day

	start = getdate(get_first_day(getdate()))
	end = getdate(get_last_day(add_months(start, 11)))
	first = start.year * 100 + start.month
	args = {"c": filters["company"], "e": end, "p": filters.get("pipeline"), "first": first}
	pipeline = " and c.pipeline = %(p)s" if filters.get("pipeline") else ""
	bucket = "coalesce(if({m} < %(first)s, 0, {m}), 999999)"
	result = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
	month = bucket.format(m="extract(year_month from c.expected_close_date)")
	for key, cards, amount, weighted in frappe.db.sql(
		f"""select {month}, count(*), sum(c.expected_amount), sum(c.expected_amount * s.probability / 100)
		from `tabSales Lead` c join `tabPipeline Stage` s on s.name = c.stage
		where c.stage_kind = 'Open' and c.company = %(c)s and (c.expected_close_date is null
			or c.expected_close_date <= %(e)s) {pipeline} {rule(user)}
		group by 1""",
		args,
	):
		result[key][:3] = [cards, flt(amount, 2), flt(weighted, 2)]
	scope = ""
	if user:
		scope = (
			" and i.customer in (select c.customer from `tabSales Lead` c where c.customer is not null"
			f"{pipeline}{rule(user)})"
		)
	elif filters.get("pipeline"):
		# one lookup per customer on (customer, pipeline)
		scope = (
			" and (select 1 from `tabSales Lead` c where c.customer = i.customer"
			f"{pipeline} limit 1) is not null"
		)
	month = bucket.format(m="extract(year_month from i.due_date)")
	for key, unpaid in frappe.db.sql(
		f"""select {month}, sum(i.outstanding_amount) from `tabSales Invoice` i
		where i.docstatus = 1 and i.company = %(c)s and i.outstanding_amount != 0 and i.due_date <= %(e)s
		{scope} group by 1""",
		args,
	):
		result[key][3] = flt(unpaid, 2)
	label = lambda k: "0000-00" if k == 0 else "9999-99" if k == 999999 else f"{k // 100:04d}-{k % 100:02d}"  # noqa: E731
	return {label(int(k)): tuple(v) for k, v in result.items()}


def app_revenue_forecast_months(result) -> dict:
	return {
		row["month"]: (row["cards"], row["pipeline"], row["weighted"], row["invoiced_unpaid"])
		for row in report_rows(result)
	}


# --- Sales KPIs -----------------------------------------------------------------------------


def hand_sales_kpis(filters, user: str | None) -> dict:
	"""{source: (cards, won, lost, cycle days, invoices, average check, customers won, lifetime
	value)} for the cards created in the period."""
	start, end = period(filters)
	args = {"s": start, "e": end}
	cards = "c.creation >= %(s)s and c.creation < %(e)s" + rule(user)
	# every card's columns from the period's range of one index; for a rep, the rule on every row
	hint = "" if user else "force index (period_cards_index)"
	result = {}
	for source, n, won, lost in frappe.db.sql(
		f"""select c.source, count(*), sum(c.stage_kind = 'Won'), sum(c.stage_kind = 'Lost')
		from `tabSales Lead` c {hint} where {cards} group by c.source""",
		args,
	):
		result[source] = [n, won, lost, None, 0, None, 0, None]
	for source, customers in frappe.db.sql(
		f"""select c.source, count(distinct c.customer) from `tabSales Lead` c {hint}
		where c.stage_kind = 'Won' and {cards} group by c.source""",
		args,
	):
		result[source][6] = customers
	for source, days in frappe.db.sql(
		f"""select c.source, avg(timestampdiff(second, c.creation, l.changed_on) / 86400)
		from `tabSales Lead` c join `tabSales Lead Stage Log` l on l.sales_lead = c.name
		where l.to_kind = 'Won' and l.changed_on >= %(s)s and {cards} group by c.source""",
		args,
	):
		result[source][3] = flt(days, 1)
	for source, invoices, total, paid in frappe.db.sql(
		f"""select c.source, count(*), sum(i.base_grand_total),
			sum(i.base_grand_total - coalesce(i.outstanding_amount, 0) * coalesce(i.conversion_rate, 1))
		from `tabSales Lead` c join `tabSales Invoice` i on i.sales_lead = c.name
		where i.docstatus = 1 and {cards} group by c.source""",
		args,
	):
		customers = result[source][6]
		result[source][4] = invoices
		result[source][5] = flt(total / invoices, 2) if invoices else None
		result[source][7] = flt(paid / customers, 2) if customers else None
	return {source: tuple(values) for source, values in result.items()}


def app_sales_kpis(result) -> dict:
	return {
		row["group"]: (
			row["cards"], row["won"], row["lost"], row["cycle_days"], row["invoices"], row["average_check"],
			row["customers"], row["lifetime_value"],
		)
		for row in report_rows(result)
	}  # fmt: skip


# --- Client History -------------------------------------------------------------------------


def top(queries: list[str], order: str, args: dict) -> list:
	"""The latest 500 of the union of ``queries`` (each already limited to its latest 500): the
	same rows as one query with an OR of their conditions, without the OR."""
	union = " union all ".join(f"({q} order by {order} desc limit 500)" for q in queries)
	query = f"select * from ({union}) x order by x.{order} desc limit 500"
	return [row[:2] for row in frappe.db.sql(query, args)]


def hand_client_history(filters, readable: set[str]) -> list:
	"""The documents of one card's history (its customer's too), as (doctype, name), sorted."""
	card = filters["sales_lead"]
	customer = frappe.db.get_value("Sales Lead", card, "customer")
	args = {"l": card, "c": customer}
	found = top(
		[
			"select 'Interaction' t, name, start_time from `tabInteraction`"
			" where reference_doctype = 'Sales Lead' and reference_name = %(l)s",
			"select 'Interaction' t, name, start_time from `tabInteraction`"
			" where reference_doctype = 'Customer' and reference_name = %(c)s",
		],
		"start_time",
		args,
	)
	found += top(
		[
			"select 'Sales Lead Stage Log' t, name, changed_on from `tabSales Lead Stage Log`"
			" where sales_lead = %(l)s"
		],
		"changed_on",
		args,
	)
	for doctype, day, party in (
		("Sales Invoice", "posting_date", "customer = %(c)s"),
		("Sales Order", "transaction_date", "customer = %(c)s"),
		("Quotation", "transaction_date", "quotation_to = 'Customer' and party_name = %(c)s"),
	):
		if doctype not in readable:
			continue
		select = f"select '{doctype}' t, name, {day} from `tab{doctype}` where docstatus < 2 and "
		found += top([select + "sales_lead = %(l)s", select + party], day, args)
	if "Payment Entry" in readable:
		select = (
			"select 'Payment Entry' t, name, posting_date from `tabPayment Entry` where docstatus = 1 and "
		)
		parties = [select + "sales_lead = %(l)s", select + "party_type = 'Customer' and party = %(c)s"]
		found += top(parties, "posting_date", args)
	return sorted(set(tuple(r) for r in found))


def app_client_history(result) -> list:
	return sorted({(row["document_type"], row["document"]) for row in report_rows(result)})


# --- Receivables Health ---------------------------------------------------------------------


def hand_receivables_health(filters) -> dict:
	"""{customer: (receivable, overdue, 0-30, 31-60, 61-90, 90+, shipments, credit exposure, rep)}
	per customer with a balance or shipments: the ledger by due date, the period's invoices, the
	unbilled part of open orders, the Responsible of the customer's latest card."""
	args = {"c": filters["company"], "t": getdate(filters["report_date"]), "f": getdate(filters["from_date"])}
	cut = [args["t"] - timedelta(days=d) for d in (30, 60, 90)]
	args.update({"c1": cut[0], "c2": cut[1], "c3": cut[2]})
	rows: dict = defaultdict(lambda: [0.0] * 8 + [None])
	for customer, *amounts in frappe.db.sql(
		"""select p.party, sum(p.amount),
			sum(case when i.is_return = 0 and i.due_date < %(t)s then p.amount else 0 end),
			sum(case when coalesce(i.due_date, p.posting_date) >= %(c1)s then p.amount else 0 end),
			sum(case when coalesce(i.due_date, p.posting_date) >= %(c2)s
				and coalesce(i.due_date, p.posting_date) < %(c1)s then p.amount else 0 end),
			sum(case when coalesce(i.due_date, p.posting_date) >= %(c3)s
				and coalesce(i.due_date, p.posting_date) < %(c2)s then p.amount else 0 end),
			sum(case when coalesce(i.due_date, p.posting_date) < %(c3)s then p.amount else 0 end)
		from `tabPayment Ledger Entry` p
		left join `tabSales Invoice` i on p.against_voucher_type = 'Sales Invoice' and i.name = p.against_voucher_no
		where p.company = %(c)s and p.party_type = 'Customer' and p.account_type = 'Receivable'
			and p.delinked = 0 and p.posting_date <= %(t)s
		group by p.party""",
		args,
	):
		rows[customer][:6] = [flt(a, 2) for a in amounts]
		rows[customer][1] = min(rows[customer][1], max(rows[customer][0], 0))
	for customer, shipped in frappe.db.sql(
		"""select customer, sum(if(rounding_adjustment != 0 and base_rounded_total != 0,
			base_rounded_total, base_grand_total))
		from `tabSales Invoice` where company = %(c)s and docstatus = 1 and posting_date between %(f)s and %(t)s
		group by customer""",
		args,
	):
		rows[customer][6] = flt(shipped, 2)
	unbilled = dict(
		frappe.db.sql(
			"""select customer, sum(base_grand_total * (100 - per_billed) / 100) from `tabSales Order`
			where company = %(c)s and docstatus = 1 and per_billed < 100 and status != 'Closed'
			group by customer""",
			args,
		)
	)
	reps = dict(
		frappe.db.sql(
			"""select customer, lead_owner from (
				select customer, lead_owner,
					row_number() over (partition by customer order by creation desc, name desc) seq
				from `tabSales Lead` where customer is not null and lead_owner is not null) x
			where seq = 1"""
		)
	)
	for customer, row in rows.items():
		row[7] = flt(row[0] + flt(unbilled.get(customer)), 2)
		row[8] = reps.get(customer)
	return {customer: tuple(row) for customer, row in rows.items()}


def app_receivables_health(result) -> dict:
	fields = ("receivable", "overdue", "range1", "range2", "range3", "range4", "shipments", "credit_exposure")
	return {
		row["customer"]: (*(flt(row.get(f), 2) for f in fields), row.get("sales_rep"))
		for row in report_rows(result)
	}
