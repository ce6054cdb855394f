"""Benchmark data (not a test): 100k cards, ~1M stage-log rows, 1M interactions, 50k invoices and
100k follow-ups in pipeline "_Bench", written with batch inserts (``frappe.db.bulk_insert``, one
INSERT per 10,000-50,000 rows), then the summary tables rebuilt from them
(:func:`crm_ext.analytics.summaries.rebuild`): the bulk inserts bypass the events that keep them.

Who owns what (the personas the benchmarks run as, :data:`PERSONAS`):

- ``bench.intake@example.com`` (Sales User) created every card: the row rule shows them 100 %;
- ``bench.rep1@example.com`` (Sales User) is responsible for 1 % of the cards, ``bench.rep2`` for
  10 %, ``bench.rep3..10`` share the rest; open cards are assigned to their rep (``_assign``),
  as the round-robin rule leaves them;
- ``bench.head@example.com`` (Sales Manager) and ``bench.accounts@example.com`` (Accounts User)
  see every card.

Interactions are handled and logged by the card's rep, over the last year. ``--history-logs N``
adds closed cards created 2-12 years ago with N stage-log rows between them (the 10M-row run:
history outside any one-year period).

Usage, from the bench's sites folder (the analytics benchmark calls :func:`ensure` itself)::

    PYTHONPATH=<worktree> ../env/bin/python <worktree>/tests/bench/bench_data.py SITE [--drop]
    ... --history-logs 9000000     (add ~9M log rows of older history; kept by later runs until --history-logs 0)
"""

import argparse
import json
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
INTAKE = "bench.intake@example.com"
HEAD = "bench.head@example.com"
ACCOUNTANT = "bench.accounts@example.com"
# persona -> (user, role)
PERSONAS = {
	"rep 1 %": (REPS[0], "Sales User"),
	"rep 10 %": (REPS[1], "Sales User"),
	"rep 100 %": (INTAKE, "Sales User"),
	"head of sales": (HEAD, "Sales Manager"),
	"accountant": (ACCOUNTANT, "Accounts User"),
	"Administrator": ("Administrator", "Sales Manager"),  # every role; timed on the head's reports
}
SOURCES = ("Website", "Cold Calling", "Exhibition", "Referral", "Advertisement")
CUSTOMER_PREFIX = "_Bench Customer "
REASON = "_Bench Reason"
INTERACTION_TYPES = ("Call", "Call", "Call", "E-mail", "E-mail", "Meeting", "Visit", "Message", "Note")

LEAD_FIELDS = [
	"name", "creation", "modified", "owner", "modified_by", "title", "lead_name", "pipeline", "stage",
	"stage_kind", "probability", "lead_owner", "company", "currency", "expected_amount",
	"expected_close_date", "source", "customer", "lost_reason", "stage_entered_on", "first_contacted_on",
	"_assign",
]  # fmt: skip
LOG_FIELDS = [
	"name", "creation", "modified", "owner", "modified_by", "sales_lead", "pipeline", "from_stage",
	"to_stage", "to_kind", "changed_by", "changed_on", "days_in_from_stage",
]  # fmt: skip
INTERACTION_FIELDS = [
	"name", "creation", "modified", "owner", "modified_by", "interaction_type", "direction",
	"start_time", "reference_doctype", "reference_name", "handled_by", "subject",
]  # fmt: skip
INVOICE_FIELDS = [
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "customer", "company",
	"posting_date", "due_date", "currency", "party_account_currency", "conversion_rate", "net_total",
	"base_net_total", "grand_total", "base_grand_total", "outstanding_amount", "is_return", "debit_to",
	"sales_lead",
]  # fmt: skip
TODO_FIELDS = [
	"name", "creation", "modified", "owner", "modified_by", "status", "priority", "date", "allocated_to",
	"description", "reference_type", "reference_name", "crm_follow_up", "crm_original_date",
	"crm_carried_over",
]  # fmt: skip


def rep_of(i: int) -> str:
	"""Card ``i``'s responsible rep: rep1 1 %, rep2 10 %, rep3..10 the rest."""
	if i % 100 == 0:
		return REPS[0]
	if i % 10 == 1:
		return REPS[1]
	return REPS[2 + i % 8]


def make_user(email: str, role: str) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0].replace(".", " ").title(),
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		).insert(ignore_permissions=True)
		user.add_roles(role)
	return email


def setup_master_data(company: str) -> None:
	from crm_ext.demo import make_lost_reason, make_source

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
	for rep in (*REPS, INTAKE):
		make_user(rep, "Sales User")
	make_user(HEAD, "Sales Manager")
	make_user(ACCOUNTANT, "Accounts User")
	for source in SOURCES:
		make_source(source)
	make_lost_reason(REASON)
	frappe.db.commit()


class Writer:
	"""Rows per doctype, flushed in batches."""

	def __init__(self, batch: int = 20_000):
		self.rows: dict[str, list] = {}
		self.fields: dict[str, list] = {}
		self.batch = batch
		self.count: dict[str, int] = {}

	def add(self, doctype: str, fields: list, row: tuple) -> None:
		self.fields[doctype] = fields
		rows = self.rows.setdefault(doctype, [])
		rows.append(row)
		self.count[doctype] = self.count.get(doctype, 0) + 1
		if len(rows) >= self.batch:
			self.flush(doctype)

	def flush(self, doctype: str | None = None) -> None:
		for name in [doctype] if doctype else list(self.rows):
			if self.rows.get(name):
				frappe.db.bulk_insert(name, self.fields[name], self.rows[name])
				self.rows[name] = []


def card_moves(rng, stage, opens, created, moves: int):
	"""(moves [(from, to, kind, when, days)], final stage name, final kind, last move time)."""
	moment, current, index = created, "New", 0
	out = [(None, stage["New"], "Open", moment, 0)]
	for _m in range(moves - 1):
		days = rng.uniform(0.1, 6)
		moment += timedelta(days=days)
		step = 1 if rng.random() < 0.75 else -1  # mostly forward, sometimes back; always a real move
		if not 0 <= index + step < len(opens):
			step = -step
		index += step
		out.append((stage[current], stage[opens[index]], "Open", moment, round(days, 2)))
		current = opens[index]
	return out, current, moment


def generate_cards(
	writer: Writer,
	company: str,
	currency: str,
	customers: list[str],
	n_leads: int,
	n_logs: int,
	prefix: str,
	age_days: tuple[float, float],
	closed_share: float,
	rng,
	now,
) -> tuple[list[tuple], int]:
	"""Cards with their stage logs: ([(card, rep, customer of a won card, kind)], log rows)."""
	stage = {name: f"{PIPELINE}-{name}" for name, *_rest in STAGES}
	opens = [name for name, kind, *_r in STAGES if kind == "Open"]
	prob = {name: p for name, _k, p, _s in STAGES}
	moves_per_lead = max(1, n_logs // n_leads)
	cards = []
	log_count = 0
	for i in range(n_leads):
		name = f"{prefix}{i:07d}"
		rep = rep_of(i)
		created = now - timedelta(days=rng.uniform(*age_days))
		moves, current, moment = card_moves(rng, stage, opens, created, moves_per_lead)
		ending = rng.random()
		kind, customer, reason = "Open", None, None
		if ending < closed_share:
			kind = "Won" if ending < closed_share * 0.43 else "Lost"
			days = rng.uniform(0.1, 10)
			moment += timedelta(days=days)
			moves.append((stage[current], stage[kind], kind, moment, round(days, 2)))
			current = kind
			customer = customers[rng.randrange(len(customers))] if kind == "Won" else None
			reason = REASON if kind == "Lost" else None
		for from_stage, to_stage, to_kind, when, days in moves:
			writer.add(
				"Sales Lead Stage Log",
				LOG_FIELDS,
				(f"{prefix}L{log_count:09d}", when, when, rep, rep, name, PIPELINE, from_stage, to_stage,
				 to_kind, rep, when, days),
			)  # fmt: skip
			log_count += 1
		writer.add(
			"Sales Lead",
			LEAD_FIELDS,
			(name, created, moment, INTAKE, rep, name, name, PIPELINE, stage[current], kind, prob[current], rep,
			 company, currency, rng.randrange(500, 50_000, 100),
			 (created + timedelta(days=rng.randint(10, 200))).date(), SOURCES[i % len(SOURCES)],
			 customer or (customers[i % len(customers)] if rng.random() < 0.3 else None), reason, moment,
			 created + timedelta(minutes=30) if rng.random() < 0.9 else None,
			 json.dumps([rep]) if kind == "Open" else None),
		)  # fmt: skip
		cards.append((name, rep, customer, kind))
	writer.flush()
	return cards, log_count


def generate(n_leads, n_logs, n_customers, n_invoices, n_interactions, company, seed: int = 11):
	rng = random.Random(seed)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	now = datetime.now().replace(microsecond=0)
	customers = [f"{CUSTOMER_PREFIX}{i:05d}" for i in range(n_customers)]
	writer = Writer()
	t = time.perf_counter()
	frappe.db.bulk_insert(
		"Customer",
		["name", "customer_name", "customer_type", "creation", "modified", "owner", "modified_by"],
		[(c, c, "Company", now, now, "Administrator", "Administrator") for c in customers],
		ignore_duplicates=True,
	)
	cards, logs = generate_cards(
		writer, company, currency, customers, n_leads, n_logs, "BENCH-LEAD-", (70, 540), 0.35, rng, now
	)
	frappe.db.commit()
	print(f"generated {n_leads} cards, {logs} stage-log rows in {time.perf_counter() - t:.0f} s", flush=True)

	t = time.perf_counter()
	won = [(name, customer) for name, _rep, customer, kind in cards if kind == "Won"]
	debit_to = frappe.get_cached_value("Company", company, "default_receivable_account")
	for i in range(n_invoices):
		posting = (now - timedelta(days=rng.uniform(0, 365))).date()
		total = rng.randrange(100, 20_000)
		paid = rng.random() < 0.7
		lead, customer = won[i % len(won)] if rng.random() < 0.7 else (None, customers[i % len(customers)])
		writer.add(
			"Sales Invoice",
			INVOICE_FIELDS,
			(f"BENCH-SINV-{i:07d}", now, now, "Administrator", "Administrator", 1, customer, company, posting,
			 posting + timedelta(days=30), currency, currency, 1, total, total, total, total,
			 0 if paid else total, 1 if rng.random() < 0.03 else 0, debit_to, lead),
		)  # fmt: skip
	for i, (name, rep, _customer, kind) in enumerate(cards):
		if kind == "Open" or rng.random() < 0.3:
			due = (now - timedelta(days=rng.uniform(-30, 60))).date()
			status = "Open" if kind == "Open" else "Closed"
			writer.add(
				"ToDo",
				TODO_FIELDS,
				(f"BENCH-TODO-{i:07d}", now, now, rep, rep, status, "Medium", due, rep, "Follow up",
				 "Sales Lead", name, 1, due, 1 if rng.random() < 0.1 else 0),
			)  # fmt: skip
	writer.flush()
	frappe.db.commit()
	print(f"generated {n_invoices} invoices and follow-ups in {time.perf_counter() - t:.0f} s", flush=True)
	generate_interactions(writer, cards, n_interactions, rng, now)


def generate_interactions(writer: Writer, cards, n: int, rng, now) -> None:
	"""``n`` interactions on the cards, handled and logged by the card's rep, over the last year."""
	t = time.perf_counter()
	for i in range(n):
		name, rep, *_rest = cards[rng.randrange(len(cards))]
		kind = rng.choice(INTERACTION_TYPES)
		when = (now - timedelta(days=rng.uniform(0, 365))).replace(microsecond=0)
		direction = "Outgoing" if kind in ("Call", "Message") else None
		writer.add(
			"Interaction",
			INTERACTION_FIELDS,
			(
				f"BENCH-INT-{i:07d}",
				when,
				when,
				rep,
				rep,
				kind,
				direction,
				when,
				"Sales Lead",
				name,
				rep,
				kind,
			),
		)
	writer.flush()
	frappe.db.commit()
	print(f"generated {n} interactions in {time.perf_counter() - t:.0f} s", flush=True)


def generate_history(n_logs: int, company: str, seed: int = 17) -> None:
	"""Closed cards created 2-12 years ago with ``n_logs`` stage-log rows between them."""
	t = time.perf_counter()
	rng = random.Random(seed)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	customers = frappe.get_all("Customer", filters={"name": ("like", CUSTOMER_PREFIX + "%")}, pluck="name")
	n_leads = n_logs // 11  # ten moves and the closing one
	writer = Writer(batch=50_000)
	_cards, logs = generate_cards(
		writer, company, currency, customers, n_leads, n_leads * 10, "BENCH-OLD-", (730, 4380), 1.0, rng,
		datetime.now().replace(microsecond=0),
	)  # fmt: skip
	frappe.db.commit()
	print(f"generated {n_leads} old cards, {logs} stage-log rows in {time.perf_counter() - t:.0f} s")


def drop(history_only: bool = False):
	frappe.db.sql("delete from `tabSales Lead Stage Log` where name like 'BENCH-OLD-%%'")
	frappe.db.sql("delete from `tabSales Lead` where name like 'BENCH-OLD-%%'")
	if not history_only:
		frappe.db.sql("delete from `tabInteraction` where name like 'BENCH-INT-%%'")
		frappe.db.sql("delete from `tabToDo` where name like 'BENCH-TODO-%%'")
		frappe.db.sql("delete from `tabSales Lead Stage Log` where pipeline = %s", PIPELINE)
		frappe.db.sql("delete from `tabSales Lead` where pipeline = %s", PIPELINE)
		frappe.db.sql("delete from `tabSales Invoice` where name like 'BENCH-SINV-%%'")
		frappe.db.sql("delete from `tabPayment Ledger Entry` where name like 'BENCH-PLE-%%'")
		frappe.db.sql("delete from `tabCustomer` where name like %s", CUSTOMER_PREFIX + "%")
	frappe.db.commit()
	rebuild_summaries()
	print("benchmark data deleted")


def ensure_ledger() -> None:
	"""The Payment Ledger of the benchmark invoices (what ERPNext writes on submit, which the batch
	inserts skip): per invoice its amount, and a payment allocated to it for the part paid."""
	if frappe.db.sql("select 1 from `tabPayment Ledger Entry` where name like 'BENCH-PLE-%%' limit 1"):
		return
	t = time.perf_counter()
	common = """now(), now(), 'Administrator', 'Administrator', 1, i.company, 'Receivable', i.debit_to,
		'Customer', i.customer, 'Sales Invoice', i.name, i.currency, i.due_date, 0"""
	columns = """name, creation, modified, owner, modified_by, docstatus, company, account_type, account,
		party_type, party, against_voucher_type, against_voucher_no, account_currency, due_date, delinked,
		posting_date, voucher_type, voucher_no, amount, amount_in_account_currency"""
	frappe.db.sql(
		f"""insert into `tabPayment Ledger Entry` ({columns})
		select concat('BENCH-PLE-', i.name), {common}, i.posting_date, 'Sales Invoice', i.name,
			i.base_grand_total, i.grand_total
		from `tabSales Invoice` i where i.name like 'BENCH-SINV-%%'"""
	)
	frappe.db.sql(
		f"""insert into `tabPayment Ledger Entry` ({columns})
		select concat('BENCH-PLE-PAY-', i.name), {common}, i.posting_date + interval 20 day,
			'Payment Entry', concat('BENCH-PAY-', i.name),
			i.outstanding_amount - i.base_grand_total, i.outstanding_amount - i.grand_total
		from `tabSales Invoice` i where i.name like 'BENCH-SINV-%%' and i.outstanding_amount < i.base_grand_total"""
	)
	frappe.db.commit()
	print(f"payment ledger of the invoices in {time.perf_counter() - t:.0f} s", flush=True)


def rebuild_summaries() -> None:
	try:
		from crm_ext.analytics import summaries
	except ImportError:
		return

	t = time.perf_counter()
	summaries.rebuild()
	frappe.db.commit()
	print(f"summary tables rebuilt in {time.perf_counter() - t:.0f} s", flush=True)


def company_of_site() -> str:
	return frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]


def ensure(
	leads: int = 100_000,
	logs: int = 1_000_000,
	customers: int = 5_000,
	invoices: int = 50_000,
	interactions: int = 1_000_000,
	history_logs: int | None = None,
) -> str:
	"""Generate what is missing (the data of an earlier run is reused); returns the company.
	``history_logs``: None keeps the old history as it is, 0 deletes it, N makes ~N old log rows."""
	company = company_of_site()
	setup_master_data(company)
	existing = frappe.db.count("Sales Lead", {"name": ("like", "BENCH-LEAD-%")})
	changed = False
	if existing < leads:
		if existing:
			drop()
		generate(leads, logs, customers, invoices, interactions, company)
		changed = True
	old_logs = frappe.db.sql("select count(*) from `tabSales Lead Stage Log` where name like 'BENCH-OLD-%%'")[
		0
	][0]
	if history_logs is None:
		pass
	elif history_logs and old_logs < history_logs * 0.9:
		drop(history_only=True)
		generate_history(history_logs, company)
		changed = True
	elif not history_logs and old_logs:
		drop(history_only=True)
		changed = True
	if changed:
		rebuild_summaries()
	ensure_ledger()
	return company


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("site")
	parser.add_argument(
		"--history-logs", type=int, default=None, help="~N old stage-log rows (0: delete them; default: keep)"
	)
	parser.add_argument("--drop", action="store_true", help="delete the benchmark data and exit")
	parser.add_argument("--rebuild", action="store_true", help="rebuild the summary tables")
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		frappe.flags.mute_emails = True
		if args.drop:
			drop()
		else:
			ensure(history_logs=args.history_logs)
			if args.rebuild:
				rebuild_summaries()
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
