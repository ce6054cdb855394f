"""Benchmark (not a test): the analytics reports on 100k leads, 1M stage-log rows and 1M
interactions.

Runs against a real site (never in the test runner), from the bench's sites folder:

    cd /root/frappe-bench/sites
    PYTHONPATH=/work/wt-8 ../env/bin/python /work/wt-8/tests/bench/bench_analytics.py wt8.localhost
    ... --leads 100000 --logs 1000000 --invoices 50000 --customers 5000   (the defaults)
    ... --drop        (delete the benchmark data and exit)

The first run generates the data with batch inserts (``frappe.db.bulk_insert``, one INSERT per
10,000 rows, not one document at a time) in its own pipeline "_Bench" and commits it; later runs
reuse it. Then each report runs three times (best time kept) as Administrator (all cards) and as
a Sales User (own cards), and the funnel is compared with a hand-written SQL aggregate over the
same stage log. Goal: every report under 1 s; the funnel within 2x of the hand-written SQL.

Interactions: ``--interactions 1000000`` (the default) bulk-inserts them on the benchmark cards
(handled by the benchmark reps, over the last year); Manager Activity and Client History are
timed on them.
"""

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))

import frappe

PIPELINE = "_Bench"
STAGES = (  # name, kind, probability, stale after days
	("New", "Open", 10, 2),
	("Contacted", "Open", 20, 7),
	("Qualified", "Open", 40, 14),
	("Proposal", "Open", 60, 14),
	("Negotiation", "Open", 80, 21),
	("Won", "Won", 100, 0),
	("Lost", "Lost", 0, 0),
)
REPS = tuple(f"bench.rep{i}@example.com" for i in range(1, 11))
SOURCES = ("Website", "Cold Calling", "Exhibition", "Referral", "Advertisement")
CUSTOMER_PREFIX = "_Bench Customer "
REASON = "_Bench Reason"


def setup_master_data(company: str) -> None:
	from crm_ext.demo import make_lost_reason, make_rep, make_source

	if not frappe.db.exists("Sales Pipeline", PIPELINE):
		frappe.get_doc({"doctype": "Sales Pipeline", "pipeline_name": PIPELINE}).insert()
	for order, (name, kind, probability, stale) in enumerate(STAGES, start=1):
		if not frappe.db.exists("Pipeline Stage", f"{PIPELINE}-{name}"):
			frappe.get_doc(
				{
					"doctype": "Pipeline Stage",
					"pipeline": PIPELINE,
					"stage_name": name,
					"stage_order": order,
					"kind": kind,
					"probability": probability,
					"stale_after_days": stale,
				}
			).insert()
	for rep in REPS:
		make_rep(rep)
	for source in SOURCES:
		make_source(source)
	make_lost_reason(REASON)
	frappe.db.commit()


def generate(n_leads: int, n_logs: int, n_customers: int, n_invoices: int, company: str, seed: int = 11):
	rng = random.Random(seed)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	now = datetime.now().replace(microsecond=0)
	stage = {name: f"{PIPELINE}-{name}" for name, *_rest in STAGES}
	opens = [name for name, kind, *_r in STAGES if kind == "Open"]
	prob = {name: p for name, _k, p, _s in STAGES}
	customers = [f"{CUSTOMER_PREFIX}{i:05d}" for i in range(n_customers)]

	t = time.perf_counter()
	frappe.db.bulk_insert(
		"Customer",
		["name", "customer_name", "customer_type", "creation", "modified", "owner", "modified_by"],
		[(c, c, "Company", now, now, "Administrator", "Administrator") for c in customers],
		ignore_duplicates=True,
	)
	moves_per_lead = max(1, n_logs // n_leads)
	lead_rows, log_rows = [], []
	log_count = 0
	lead_fields = [
		"name", "creation", "modified", "owner", "modified_by", "title", "lead_name", "pipeline", "stage",
		"stage_kind", "probability", "lead_owner", "company", "currency", "expected_amount",
		"expected_close_date", "source", "customer", "lost_reason", "stage_entered_on", "first_contacted_on",
	]  # fmt: skip
	log_fields = [
		"name", "creation", "modified", "owner", "modified_by", "sales_lead", "pipeline", "from_stage",
		"to_stage", "to_kind", "changed_by", "changed_on", "days_in_from_stage",
	]  # fmt: skip

	def flush(force=False):
		nonlocal lead_rows, log_rows
		if lead_rows and (force or len(lead_rows) >= 10_000):
			frappe.db.bulk_insert("Sales Lead", lead_fields, lead_rows)
			lead_rows = []
		if log_rows and (force or len(log_rows) >= 50_000):
			frappe.db.bulk_insert("Sales Lead Stage Log", log_fields, log_rows)
			log_rows = []

	for i in range(n_leads):
		name = f"BENCH-LEAD-{i:07d}"
		rep = REPS[i % len(REPS)]
		created = now - timedelta(days=rng.uniform(70, 540))
		moment, current, index = created, "New", 0
		log_rows.append(
			(
				f"BL{log_count:09d}",
				moment,
				moment,
				rep,
				rep,
				name,
				PIPELINE,
				None,
				stage["New"],
				"Open",
				rep,
				moment,
				0,
			)
		)
		log_count += 1
		for _m in range(moves_per_lead - 1):
			days = rng.uniform(0.1, 6)
			moment += timedelta(days=days)
			# mostly forward, sometimes back a stage; always a real move
			step = 1 if rng.random() < 0.75 else -1
			if not 0 <= index + step < len(opens):
				step = -step
			index += step
			target = opens[index]
			log_rows.append(
				(f"BL{log_count:09d}", moment, moment, rep, rep, name, PIPELINE, stage[current], stage[target],
				 "Open", rep, moment, round(days, 2))
			)  # fmt: skip
			log_count += 1
			current = target
		ending = rng.random()
		kind, customer, reason = "Open", None, None
		if ending < 0.35:
			kind = "Won" if ending < 0.15 else "Lost"
			days = rng.uniform(0.1, 10)
			moment += timedelta(days=days)
			log_rows.append(
				(f"BL{log_count:09d}", moment, moment, rep, rep, name, PIPELINE, stage[current], stage[kind], kind,
				 rep, moment, round(days, 2))
			)  # fmt: skip
			log_count += 1
			current = kind
			customer = customers[rng.randrange(len(customers))] if kind == "Won" else None
			reason = REASON if kind == "Lost" else None
		lead_rows.append(
			(name, created, moment, rep, rep, name, name, PIPELINE, stage[current], kind, prob[current], rep,
			 company, currency, rng.randrange(500, 50_000, 100),
			 (created + timedelta(days=rng.randint(10, 200))).date(), SOURCES[i % len(SOURCES)],
			 customer or (customers[i % len(customers)] if rng.random() < 0.3 else None), reason, moment,
			 created + timedelta(minutes=30) if rng.random() < 0.9 else None)
		)  # fmt: skip
		flush()
	flush(force=True)
	frappe.db.commit()
	print(f"generated {n_leads} leads, {log_count} stage-log rows in {time.perf_counter() - t:.1f} s")

	t = time.perf_counter()
	debit_to = frappe.get_cached_value("Company", company, "default_receivable_account")
	rows = []
	for i in range(n_invoices):
		posting = (now - timedelta(days=rng.uniform(0, 365))).date()
		total = rng.randrange(100, 20_000)
		paid = rng.random() < 0.7
		rows.append(
			(f"BENCH-SINV-{i:07d}", now, now, "Administrator", "Administrator", 1, customers[i % len(customers)],
			 company, posting, posting + timedelta(days=30), currency, currency, 1, total, total, total, total,
			 0 if paid else total, 1 if rng.random() < 0.03 else 0, debit_to)
		)  # fmt: skip
	for start in range(0, len(rows), 10_000):
		frappe.db.bulk_insert(
			"Sales Invoice",
			[
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"docstatus",
				"customer",
				"company",
				"posting_date",
				"due_date",
				"currency",
				"party_account_currency",
				"conversion_rate",
				"net_total",
				"base_net_total",
				"grand_total",
				"base_grand_total",
				"outstanding_amount",
				"is_return",
				"debit_to",
			],  # fmt: skip
			rows[start : start + 10_000],
		)
	frappe.db.commit()
	print(f"generated {n_invoices} Sales Invoice headers in {time.perf_counter() - t:.1f} s")


INTERACTION_FIELDS = [
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"interaction_type",
	"direction",
	"start_time",
	"reference_doctype",
	"reference_name",
	"handled_by",
	"subject",
]
INTERACTION_TYPES = ("Call", "Call", "Call", "E-mail", "E-mail", "Meeting", "Visit", "Message", "Note")


def generate_interactions(n: int, seed: int = 13):
	"""``n`` interactions on the benchmark cards, 10,000 rows per INSERT."""
	t = time.perf_counter()
	rng = random.Random(seed)
	leads = frappe.get_all("Sales Lead", filters={"pipeline": PIPELINE}, pluck="name")
	now = datetime.now()
	rows = []
	for i in range(n):
		rep = REPS[i % len(REPS)]
		kind = rng.choice(INTERACTION_TYPES)
		when = now - timedelta(days=rng.uniform(0, 365))
		direction = "Outgoing" if kind in ("Call", "Message") else None
		rows.append(
			(f"BENCH-INT-{i:07d}", when, when, rep, rep, kind, direction, when, "Sales Lead",
			 leads[i % len(leads)], rep, kind)
		)  # fmt: skip
		if len(rows) == 10_000:
			frappe.db.bulk_insert("Interaction", INTERACTION_FIELDS, rows)
			rows = []
	if rows:
		frappe.db.bulk_insert("Interaction", INTERACTION_FIELDS, rows)
	frappe.db.commit()
	print(f"generated {n} interactions in {time.perf_counter() - t:.1f} s")


def drop():
	frappe.db.sql("delete from `tabInteraction` where name like 'BENCH-INT-%%'")
	frappe.db.sql("delete from `tabSales Lead Stage Log` where pipeline = %s", PIPELINE)
	frappe.db.sql("delete from `tabSales Lead` where pipeline = %s", PIPELINE)
	frappe.db.sql("delete from `tabSales Invoice` where name like 'BENCH-SINV-%%'")
	frappe.db.sql("delete from `tabCustomer` where name like %s", CUSTOMER_PREFIX + "%")
	frappe.db.commit()
	print("benchmark data deleted")


def best_of(fn, runs: int = 3) -> float:
	times = []
	for _ in range(runs):
		frappe.local.cache = {}
		t = time.perf_counter()
		fn()
		times.append(time.perf_counter() - t)
	return min(times)


# Hand-written SQL for the same funnel aggregate: the textbook join, and the best variant (a CASE
# over the stages instead of the join, as the report does).
HAND_FUNNEL_JOIN_SQL = """
	select furthest, count(*) from (
		select log.sales_lead, max(stage.stage_order) as furthest
		from `tabSales Lead Stage Log` log
		join `tabPipeline Stage` stage on stage.name = log.to_stage
		where log.pipeline = %(pipeline)s and log.to_kind in ('Open', 'Won')
		group by log.sales_lead
	) per_lead group by furthest
"""


def hand_funnel_case_sql(hint: str = "") -> str:
	orders = frappe.get_all(
		"Pipeline Stage",
		filters={"pipeline": PIPELINE, "kind": ("in", ["Open", "Won"])},
		fields=["name", "stage_order"],
	)
	case = " ".join(f"when {frappe.db.escape(s.name)} then {int(s.stage_order)}" for s in orders)
	return f"""
		select furthest, count(*) from (
			select log.sales_lead, max(case log.to_stage {case} end) as furthest
			from `tabSales Lead Stage Log` log {hint}
			where log.pipeline = %(pipeline)s and log.to_kind in ('Open', 'Won')
			group by log.sales_lead
		) per_lead group by furthest
	"""


def run_benchmarks(company: str):
	from crm_ext.crm_ext.report.customer_segments import customer_segments
	from crm_ext.crm_ext.report.revenue_forecast import revenue_forecast
	from crm_ext.crm_ext.report.sales_funnel import sales_funnel
	from crm_ext.crm_ext.report.time_in_stage import time_in_stage

	today = datetime.now().date()
	cases = [
		("Sales Funnel", sales_funnel.execute, {"pipeline": PIPELINE}),
		("Sales Funnel, company + 6 months", sales_funnel.execute, {"pipeline": PIPELINE, "company": company,
			"from_date": today - timedelta(days=182), "to_date": today}),  # fmt: skip
		("Sales Funnel, cohorts by month", sales_funnel.execute, {"pipeline": PIPELINE, "cohort_by_month": 1}),
		("Time in Stage", time_in_stage.execute, {"pipeline": PIPELINE}),
		("Time in Stage, Stale Cards", time_in_stage.execute, {"pipeline": PIPELINE, "view": "Stale Cards"}),
		("Revenue Forecast", revenue_forecast.execute, {"company": company, "pipeline": PIPELINE}),
		("Revenue Forecast, all customers", revenue_forecast.execute, {"company": company}),
		("Customer Segments", customer_segments.execute, {"company": company}),
		("Customer Segments, pipeline scope", customer_segments.execute, {"company": company, "pipeline": PIPELINE}),
	]  # fmt: skip
	results = []
	for user in ("Administrator", REPS[0]):
		frappe.set_user(user)
		for label, fn, filters in cases:
			seconds = best_of(lambda fn=fn, filters=filters: fn(dict(filters)))
			results.append((user, label, seconds))
			print(f"{user:28s} {label:40s} {seconds * 1000:8.0f} ms {'OK' if seconds < 1 else 'SLOW'}")
	frappe.set_user("Administrator")
	join = best_of(lambda: frappe.db.sql(HAND_FUNNEL_JOIN_SQL, {"pipeline": PIPELINE}))
	case_sql = hand_funnel_case_sql()
	case = best_of(lambda: frappe.db.sql(case_sql, {"pipeline": PIPELINE}))
	hinted_sql = hand_funnel_case_sql("force index (pipeline_lead_stage_index)")
	hand = best_of(lambda: frappe.db.sql(hinted_sql, {"pipeline": PIPELINE}))
	funnel = next(s for u, label, s in results if u == "Administrator" and label == "Sales Funnel")
	print(f"hand-written funnel SQL: join {join * 1000:.0f} ms, case {case * 1000:.0f} ms, case + covering "
		f"index {hand * 1000:.0f} ms; Sales Funnel report (two queries: reached and lost) "
		f"{funnel * 1000:.0f} ms = {funnel / hand:.2f}x the best (goal <= 2x)")  # fmt: skip
	results += run_activity_benchmarks(company)
	return results


def run_activity_benchmarks(company: str):
	from crm_ext.crm_ext.report.client_history import client_history
	from crm_ext.crm_ext.report.manager_activity import manager_activity

	today = datetime.now().date()
	lead = frappe.get_all("Sales Lead", filters={"pipeline": PIPELINE}, pluck="name", limit=1)[0]
	cases = [
		("Manager Activity, 30 days", manager_activity.execute, {"company": company,
			"from_date": today - timedelta(days=30), "to_date": today}),
		("Manager Activity, 12 months", manager_activity.execute, {"company": company,
			"from_date": today - timedelta(days=365), "to_date": today}),
		("Client History, one card", client_history.execute, {"sales_lead": lead}),
	]  # fmt: skip
	results = []
	count = frappe.db.count("Interaction", {"name": ("like", "BENCH-INT-%")})
	print(f"interactions in the benchmark: {count}")
	for user in ("Administrator", REPS[0]):
		frappe.set_user(user)
		for label, fn, filters in cases:
			if user != "Administrator" and "Client History" in label:
				continue  # a rep may only open the history of cards they can read
			seconds = best_of(lambda fn=fn, filters=filters: fn(dict(filters)))
			results.append((user, label, seconds))
			print(f"{user:28s} {label:40s} {seconds * 1000:8.0f} ms {'OK' if seconds < 1 else 'SLOW'}")
	frappe.set_user("Administrator")
	return results


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("site")
	parser.add_argument("--leads", type=int, default=100_000)
	parser.add_argument("--logs", type=int, default=1_000_000)
	parser.add_argument("--customers", type=int, default=5_000)
	parser.add_argument("--invoices", type=int, default=50_000)
	parser.add_argument("--interactions", type=int, default=1_000_000)
	parser.add_argument("--drop", action="store_true", help="delete the benchmark data and exit")
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		frappe.flags.mute_emails = True
		if args.drop:
			drop()
			return
		company = frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
		setup_master_data(company)
		existing = frappe.db.count("Sales Lead", {"pipeline": PIPELINE})
		if existing < args.leads:
			if existing:
				drop()
			generate(args.leads, args.logs, args.customers, args.invoices, company)
		else:
			print(
				f"reusing {existing} leads and {frappe.db.count('Sales Lead Stage Log', {'pipeline': PIPELINE})} logs"
			)
		have = frappe.db.count("Interaction", {"name": ("like", "BENCH-INT-%")})
		if have < args.interactions:
			frappe.db.sql("delete from `tabInteraction` where name like 'BENCH-INT-%%'")
			generate_interactions(args.interactions)
		run_benchmarks(company)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
