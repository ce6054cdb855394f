"""Benchmark (not a test): every sales report as each role that uses it, through the report runner
the desk calls (``frappe.desk.query_report.run``), beside a hand-written SQL computing the same
numbers from the source tables (:mod:`hand_sql`), interleaved, median of ``--runs``; the numbers
of both are compared and the ratio printed.

Data: :mod:`bench_data` (100k cards, ~1.03M stage-log rows, 1M interactions; generated on the
first run and reused). Personas: a rep responsible for 1 % and for 10 % of the cards, a rep who
created every card (the row rule shows them 100 %), the head of sales (Sales Manager) and an
accountant (Accounts User), each on the reports their roles open.

From the bench's sites folder::

    PYTHONPATH=<worktree> ../env/bin/python <worktree>/tests/bench/bench_analytics.py SITE
    ... --runs 7 --only "Sales Funnel" --history-logs 9000000   (the 10M-row run)
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
from frappe.utils import getdate
from timing import Case, report_table, run_cases

# report -> roles that open it (the report's own roles, among the personas)
REPORTS = {
	"Sales Funnel": ("Sales User", "Sales Manager"),
	"Time in Stage": ("Sales User", "Sales Manager"),
	"Manager Activity": ("Sales User", "Sales Manager"),
	"Customer Segments": ("Sales User", "Sales Manager"),
	"Revenue Forecast": ("Sales User", "Sales Manager", "Accounts User"),
	"Sales KPIs": ("Sales User", "Sales Manager"),
	"Client History": ("Sales User", "Sales Manager"),
	"Receivables Health": ("Sales Manager", "Accounts User"),
}


def run_report(name: str, filters: dict):
	from frappe.desk.query_report import run

	return lambda: run(name, filters=frappe.as_json(filters), ignore_prepared_report=1)


def restricted(user: str) -> str | None:
	from crm_ext.sales.access import sees_all_leads

	return None if sees_all_leads(user) else user


def readable(user: str) -> set[str]:
	doctypes = ("Quotation", "Sales Order", "Sales Invoice", "Payment Entry")
	return {d for d in doctypes if frappe.has_permission(d, "read", user=user)}


def report_cases(company: str, days: int = 365, only: tuple = ()) -> list[Case]:
	today = getdate()
	year = {"from_date": str(today - timedelta(days=days - 1)), "to_date": str(today)}
	pipeline = bench_data.PIPELINE
	cases = []
	for persona, (user, role) in bench_data.PERSONAS.items():
		rule_user = restricted(user)
		own_card = frappe.db.get_value(
			"Sales Lead", {"pipeline": pipeline, "lead_owner": user if rule_user else bench_data.REPS[0]}
		) or frappe.db.get_value("Sales Lead", {"pipeline": pipeline})
		definitions = {
			"Sales Funnel": (
				{"pipeline": pipeline, **year},
				lambda f, u=rule_user: hand_sql.hand_funnel(f, u),
				hand_sql.app_funnel,
			),
			"Time in Stage": (
				{"pipeline": pipeline, **year},
				lambda f, u=rule_user: hand_sql.hand_time_in_stage(f, u),
				hand_sql.app_time_in_stage,
			),
			"Manager Activity": (
				{"company": company, **year},
				lambda f, u=rule_user: hand_sql.hand_manager_activity(f, u),
				hand_sql.app_manager_activity,
			),
			"Customer Segments": (
				{"company": company, **year},
				lambda f, u=rule_user: hand_sql.hand_customer_segments(f, u),
				hand_sql.app_customer_segments,
			),
			"Revenue Forecast": (
				{"company": company, "pipeline": pipeline},
				lambda f, u=rule_user: hand_sql.hand_revenue_forecast_months(f, u),
				hand_sql.app_revenue_forecast_months,
			),
			"Sales KPIs": (
				{"group_by": "Source", **year},
				lambda f, u=rule_user: hand_sql.hand_sales_kpis(f, u),
				hand_sql.app_sales_kpis,
			),
			"Client History": (
				{"sales_lead": own_card},
				lambda f, usr=user: hand_sql.hand_client_history(f, readable(usr)),
				hand_sql.app_client_history,
			),
			"Receivables Health": (
				{"company": company, "report_date": str(today), "from_date": str(today - timedelta(days=90))},
				hand_sql.hand_receivables_health,
				hand_sql.app_receivables_health,
			),
		}
		for report, roles in REPORTS.items():
			if role not in roles or (only and report not in only):
				continue
			filters, hand, normalise = definitions[report]
			cases.append(
				Case(
					label=report,
					persona=persona,
					user=user,
					app=run_report(report, filters),
					hand=(lambda h=hand, f=filters: h(f)) if hand else None,
					app_result=normalise,
				)
			)
	return cases


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("site")
	parser.add_argument("--runs", type=int, default=5)
	parser.add_argument("--days", type=int, default=365)
	parser.add_argument("--only", action="append", default=[], help="a report name (repeatable)")
	parser.add_argument(
		"--history-logs", type=int, default=None, help="~N old stage-log rows (0: delete them; default: keep)"
	)
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		frappe.flags.mute_emails = True
		company = bench_data.ensure(history_logs=args.history_logs)
		logs = frappe.db.sql("select count(*) from `tabSales Lead Stage Log`")[0][0]
		interactions = frappe.db.sql("select count(*) from `tabInteraction`")[0][0]
		cards = frappe.db.sql("select count(*) from `tabSales Lead`")[0][0]
		cases = report_cases(company, args.days, tuple(args.only))
		run_cases(cases, runs=args.runs)
		title = (
			f"Reports, {args.days} days: {cards} cards, {logs} stage-log rows, {interactions} interactions "
			f"(median of {args.runs})"
		)
		print("\n".join(report_table(cases, title)))
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
