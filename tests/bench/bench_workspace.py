"""Benchmark (not a test): the CRM workspace's number cards and charts, and the Sales Lead list
view and kanban board, as each role, through the methods the desk calls (with the app's
overrides: ``crm_ext.doors.dashboards`` for cards and group-by charts, ``crm_ext.doors.lists.get``
for ``frappe.desk.reportview.get``, the report runner for report charts and report cards),
beside a hand-written SQL of the same numbers or rows, interleaved, median of ``--runs``.

From the bench's sites folder::

    PYTHONPATH=<worktree> ../env/bin/python <worktree>/tests/bench/bench_workspace.py SITE
"""

import argparse
import sys
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parents[1]):
	if str(path) not in sys.path:
		sys.path.insert(0, str(path))

import bench_data
import frappe
import hand_sql
from frappe.utils import flt, getdate
from hand_sql import rule
from timing import Case, report_table, run_cases

LIST_FIELDS = (
	"name", "owner", "modified", "title", "organization", "stage", "lead_owner", "next_follow_up",
	"outstanding_amount", "stage_kind", "first_contacted_on", "first_contact_due", "next_step_status",
	"payment_status", "company_currency", "_assign", "_comments", "_liked_by", "_user_tags",
)  # fmt: skip
KANBAN_FIELDS = (
	"name", "owner", "modified", "title", "stage", "organization", "expected_amount", "lead_owner",
	"next_follow_up", "next_step_status", "payment_status", "outstanding_amount", "_assign", "_comments",
)  # fmt: skip


def desk_call(method: str, **form):
	"""What ``/api/method/<method>`` runs: the app's override if it has one, with the form."""
	from frappe.handler import get_attr

	def call():
		frappe.local.form_dict = frappe._dict(form)
		return get_attr(method)(**{k: v for k, v in form.items() if k not in ("cmd",)})

	return call


def list_args(fields, filters, page_length: int) -> dict:
	return {
		"doctype": "Sales Lead",
		"fields": frappe.as_json([f"`tabSales Lead`.`{f}`" for f in fields]),
		"filters": frappe.as_json(filters),
		"order_by": "`tabSales Lead`.`modified` desc",
		"start": 0,
		"page_length": page_length,
		"view": "List",
		"group_by": "",
		"with_comment_count": 1,
	}


def list_call(fields, filters, page_length: int):
	args = list_args(fields, filters, page_length)

	def call():
		from crm_ext.doors.lists import get

		frappe.local.form_dict = frappe._dict(args)
		return get()

	return call


def hand_list(fields, user, pipeline: str | None, page_length: int, extra: str = ""):
	where = (" and c.pipeline = %(p)s" if pipeline else "") + extra
	limit = f" limit {page_length}" if page_length else ""
	columns = ", ".join(f"c.`{f}`" for f in fields)
	return lambda: [
		r[0]
		for r in frappe.db.sql(
			f"select {columns} from `tabSales Lead` c where 1 = 1{where}{rule(user)} order by c.modified desc{limit}",
			{"p": pipeline},
		)
	]


def app_list(result) -> list:
	return [row[0] for row in result["values"]] if result else []


def card(name: str) -> str:
	return frappe.as_json(frappe.get_doc("Number Card", name).as_dict())


def workspace_cases(company: str) -> list[Case]:
	from crm_ext.sales.access import sees_all_leads

	pipeline = bench_data.PIPELINE
	today = getdate()
	cases = []
	company_filter = [["Sales Lead", "company", "=", company, False]]
	for persona, (user, role) in bench_data.PERSONAS.items():
		u = None if sees_all_leads(user) else user
		sales = role in ("Sales User", "Sales Manager")
		args = {"c": company}
		items = []
		if True:
			open_filters = [["Sales Lead", "stage_kind", "=", "Open", False], *company_filter]
			items.append(
				(
					"card Open Pipeline Value",
					desk_call(
						"frappe.desk.doctype.number_card.number_card.get_result",
						doc=card("Open Pipeline Value"),
						filters=frappe.as_json(open_filters),
					),
					lambda u=u: flt(
						frappe.db.sql(
							f"select sum(c.expected_amount) from `tabSales Lead` c where c.stage_kind = 'Open'"
							f" and c.company = %(c)s{rule(u)}",
							args,
						)[0][0]
					),
					flt,
				)
			)
			waiting = [*open_filters, ["Sales Lead", "first_contacted_on", "is", "not set", False]]
			items.append(
				(
					"card Leads Waiting for First Contact",
					desk_call(
						"frappe.desk.doctype.number_card.number_card.get_result",
						doc=card("Leads Waiting for First Contact"),
						filters=frappe.as_json(waiting),
					),
					lambda u=u: frappe.db.sql(
						f"select count(*) from `tabSales Lead` c where c.stage_kind = 'Open'"
						f" and c.first_contacted_on is null and c.company = %(c)s{rule(u)}",
						args,
					)[0][0],
					lambda r: r,
				)
			)
		if role in ("Sales User", "Sales Manager", "Accounts User"):
			items.append(
				(
					"card Weighted Pipeline",
					desk_call(
						"crm_ext.analytics.cards.weighted_pipeline",
						filters=frappe.as_json({"company": company}),
					),
					lambda u=u: hand_weighted(company, u),
					lambda r: flt(r["value"], 2),
				)
			)
		todo_rule = (
			""
			if "System Manager" in frappe.get_roles(user)
			else f" and (allocated_to = {frappe.db.escape(user)} or assigned_by = {frappe.db.escape(user)})"
		)
		items.append(
			(
				"card Overdue Follow-ups",
				desk_call(
					"frappe.desk.doctype.number_card.number_card.get_result",
					doc=card("Overdue Follow-ups"),
					filters=frappe.as_json(
						[
							["ToDo", "crm_follow_up", "=", 1, False],
							["ToDo", "status", "=", "Open", False],
							["ToDo", "date", "<", str(today), False],
						]
					),
				),
				lambda tr=todo_rule: frappe.db.sql(
					"select count(*) from `tabToDo` where crm_follow_up = 1 and status = 'Open'"
					f" and date < %(t)s{tr}",
					{"t": today},
				)[0][0],
				lambda r: r,
			)
		)
		if role in ("Sales Manager", "Accounts User"):
			items.append(
				(
					"card Receivables Overdue %",
					desk_call(
						"crm_ext.analytics.cards.receivables_overdue_share",
						filters=frappe.as_json({"company": company}),
					),
					lambda: hand_overdue_share(company, today),
					lambda r: r["value"],
				)
			)
		if sales:
			items.append(
				(
					"chart Sales Funnel (all time)",
					desk_call(
						"frappe.desk.query_report.run",
						report_name="Sales Funnel",
						filters=frappe.as_json({"pipeline": pipeline}),
						ignore_prepared_report=1,
					),
					lambda u=u: hand_sql.hand_funnel(
						{"pipeline": pipeline, "from_date": "1900-01-01", "to_date": "2999-12-31"}, u
					),
					hand_sql.app_funnel,
				)
			)
		if role in ("Sales User", "Sales Manager", "Accounts User"):
			items.append(
				(
					"chart Revenue Forecast",
					desk_call(
						"frappe.desk.query_report.run",
						report_name="Revenue Forecast",
						filters=frappe.as_json({"company": company}),
						ignore_prepared_report=1,
					),
					# the chart draws the report's months: the twin computes them too
					lambda u=u: hand_sql.hand_revenue_forecast_months({"company": company}, u),
					hand_sql.app_revenue_forecast_months,
				)
			)
		items.append(
			(
				"chart Sales Leads by Source",
				desk_call(
					"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
					chart_name="Sales Leads by Source",
					filters=frappe.as_json(
						[["Sales Lead", "stage_kind", "=", "Open", False], *company_filter]
					),
					refresh=1,
				),
				lambda u=u: dict(
					frappe.db.sql(
						f"select c.source, count(*) from `tabSales Lead` c where c.stage_kind = 'Open'"
						f" and c.company = %(c)s{rule(u)} group by c.source",
						args,
					)
				),
				lambda r: dict(zip(r["labels"], r["datasets"][0]["values"], strict=True)) if r else {},
			)
		)
		since = today - timedelta(days=30)
		items.append(
			(
				"chart Activity by Rep (30 days)",
				desk_call(
					"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
					chart_name="Activity by Rep",
					filters=frappe.as_json([["Interaction", "start_time", ">=", str(since), False]]),
					refresh=1,
				),
				(lambda: hand_activity(since, None)) if not u else (lambda u=u: hand_activity(since, u)),
				lambda r: dict(zip(r["labels"], r["datasets"][0]["values"], strict=True)) if r else {},
			)
		)
		if sales:
			for page_length in (20, 100):
				items.append(
					(
						f"list view, page of {page_length}",
						list_call(LIST_FIELDS, [], page_length),
						hand_list(LIST_FIELDS, u, None, page_length),
						app_list,
					)
				)
			board = [["Sales Lead", "pipeline", "=", pipeline]]
			items.append(
				(
					"kanban, every card of the board (Frappe's page_length 0)",
					list_call(KANBAN_FIELDS, board, 0),
					hand_list(KANBAN_FIELDS, u, pipeline, 0),
					app_list,
				)
			)
			# what would bound the board's request without replacing Frappe's board: a page of
			# cards (Frappe's own list paging), only open cards, only the rep's own cards
			items.append(
				(
					"kanban, a page of 100 cards (the app's board)",
					list_call(KANBAN_FIELDS, board, 100),
					hand_list(KANBAN_FIELDS, u, pipeline, 100),
					app_list,
				)
			)
			items.append(
				(
					"kanban, open cards only",
					list_call(KANBAN_FIELDS, [*board, ["Sales Lead", "stage_kind", "=", "Open"]], 0),
					hand_list(KANBAN_FIELDS, u, pipeline, 0, " and c.stage_kind = 'Open'"),
					app_list,
				)
			)
			if u:
				mine = f" and c.lead_owner = {frappe.db.escape(user)}"
				items.append(
					(
						"kanban, own cards (Responsible = me), open only",
						list_call(
							KANBAN_FIELDS,
							[
								*board,
								["Sales Lead", "lead_owner", "=", user],
								["Sales Lead", "stage_kind", "=", "Open"],
							],
							0,
						),
						hand_list(KANBAN_FIELDS, u, pipeline, 0, mine + " and c.stage_kind = 'Open'"),
						app_list,
					)
				)
		for label, app, hand, normalise in items:
			cases.append(Case(label, persona, user, app, hand, normalise))
	return cases


def hand_weighted(company: str, user: str | None) -> float:
	"""The weighted open pipeline of the next twelve months (and of no close date) the user sees."""
	from frappe.utils import add_months, get_first_day, get_last_day

	end = getdate(get_last_day(add_months(getdate(get_first_day(getdate())), 11)))
	return flt(
		frappe.db.sql(
			f"""select sum(c.expected_amount * s.probability / 100)
			from `tabSales Lead` c join `tabPipeline Stage` s on s.name = c.stage
			where c.stage_kind = 'Open' and c.company = %(c)s
				and (c.expected_close_date is null or c.expected_close_date <= %(e)s){rule(user)}""",
			{"c": company, "e": end},
		)[0][0],
		2,
	)


def hand_overdue_share(company: str, today) -> float:
	"""Overdue % of the receivables: per customer the ledger balance and the part of it on ordinary
	invoices past due (at most the balance), over the customers with a positive balance."""
	receivable, overdue = frappe.db.sql(
		"""select sum(r), sum(least(o, r)) from (
			select round(sum(p.amount), 2) r,
				round(sum(case when i.is_return = 0 and i.due_date < %(t)s then p.amount else 0 end), 2) o
			from `tabPayment Ledger Entry` p
			left join `tabSales Invoice` i
				on p.against_voucher_type = 'Sales Invoice' and i.name = p.against_voucher_no
			where p.company = %(c)s and p.party_type = 'Customer' and p.account_type = 'Receivable'
				and p.delinked = 0 and p.posting_date <= %(t)s
			group by p.party) x
		where r > 0""",
		{"c": company, "t": today},
	)[0]
	return flt(overdue * 100 / receivable, 1) if receivable else 0


def hand_activity(since, user: str | None) -> dict:
	"""Interactions since ``since`` per handler, of those the user may read: on their cards, and
	on the customers and suppliers they may read (a Sales User reads every Customer, no Supplier)."""
	if not user:
		condition = ""
	else:
		parties = ["'Customer'"] if frappe.has_permission("Customer", "read", user=user) else []
		if frappe.has_permission("Supplier", "read", user=user):
			parties.append("'Supplier'")
		party = f" or i.reference_doctype in ({', '.join(parties)})" if parties else ""
		condition = (
			" and ((i.reference_doctype = 'Sales Lead' and i.reference_name in (select c.name from "
			f"`tabSales Lead` c where 1 = 1{rule(user)})){party})"
		)
	return dict(
		frappe.db.sql(
			f"select i.handled_by, count(*) from `tabInteraction` i where i.start_time >= %(s)s"
			f" and i.handled_by is not null{condition} group by i.handled_by",
			{"s": since},
		)
	)


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("site")
	parser.add_argument("--runs", type=int, default=5)
	parser.add_argument("--only", action="append", default=[], help="a case label prefix (repeatable)")
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		company = bench_data.ensure()
		cases = [
			c
			for c in workspace_cases(company)
			if not args.only or any(c.label.startswith(o) for o in args.only)
		]
		run_cases(cases, runs=args.runs)
		cards = frappe.db.sql("select count(*) from `tabSales Lead`")[0][0]
		print(
			"\n".join(
				report_table(cases, f"Workspace, list and kanban: {cards} cards (median of {args.runs})")
			)
		)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
