"""Benchmark (not a test): what crm_ext's hooks add to a Sales Invoice and a Payment Entry submit,
paired A/B on one site.

    cd /root/frappe-bench/sites
    PYTHONPATH=/path/to/crm_ext ../env/bin/python /path/to/crm_ext/tests/bench/bench_money_submit.py SITE
    ... --rounds 11      (pairs; default 11, at least 5)

Each round submits an invoice of a Sales Lead and then a payment of it twice, once with every
``crm_ext.*`` ``doc_events`` handler of the accounting doctypes (hooks on) and once with them
removed for this process (hooks off), the order alternating from round to round so that drift
hits both; each submit is timed up to its commit, and the SQL statements it sends are counted.
Printed: the medians, the median of the paired differences (on - off) and that as a percentage
of off, the queries per submit, and the after-commit job the hooks enqueue (recomputing the card
from the ledger, writing its timeline): run here inline after the commit (there is no worker in
a benchmark), timed apart, and removed from the queue. Each round then checks the card's figures
against the ledger (a hand-written sum over the Payment Ledger Entries).

The site must be a throw-away or test site: the rounds commit customers, cards, invoices and
payments.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))

import frappe

DOCTYPES = ("Sales Invoice", "Payment Entry", "Journal Entry", "Unreconcile Payment")
JOB = "crm_ext.accounts.money.after_commit"


def set_hooks(enabled: bool) -> None:
	"""Keep or drop every crm_ext handler of ``DOCTYPES`` for this process (Frappe caches the
	doc_events in ``frappe.local.doc_events_hooks``)."""
	if hasattr(frappe.local, "doc_events_hooks"):
		del frappe.local.doc_events_hooks
	hooks = frappe.get_doc_hooks()
	if enabled:
		return
	for doctype in DOCTYPES:
		for event, methods in list(hooks.get(doctype, {}).items()):
			hooks[doctype][event] = [m for m in methods if not m.startswith("crm_ext.")]


class QueryCounter:
	def __init__(self):
		self.count = 0
		self.original = frappe.db.sql

		def counting(*args, **kwargs):
			self.count += 1
			return self.original(*args, **kwargs)

		frappe.db.sql = counting

	def take(self) -> int:
		count, self.count = self.count, 0
		return count


def run_job_inline() -> float:
	"""Run the after-commit job the submit enqueued here (no worker runs in a benchmark) and take
	it off the queue; its duration (0 when none was enqueued)."""
	from frappe.utils.background_jobs import get_queue

	from crm_ext.accounts import money

	queue = get_queue("short")
	spent = 0.0
	for job in queue.get_jobs():
		kwargs = job.kwargs or {}
		if kwargs.get("site") != frappe.local.site or kwargs.get("method") != JOB:
			continue
		start = time.perf_counter()
		money.after_commit(**kwargs["kwargs"])
		frappe.db.commit()
		spent += time.perf_counter() - start
		job.delete()
	return spent


def ledger_paid(lead: str) -> float:
	"""The hand-written answer: what the card's invoices were paid, from the ledger."""
	return frappe.db.sql(
		"""select coalesce(sum(-ple.amount), 0) from `tabPayment Ledger Entry` ple
		join `tabSales Invoice` si on si.name = ple.against_voucher_no
		where ple.against_voucher_type = 'Sales Invoice' and ple.delinked = 0
			and ple.voucher_type = 'Payment Entry' and si.sales_lead = %s and si.docstatus = 1""",
		lead,
	)[0][0]


def one_round(enabled: bool, customer: str, lead: str, company: str, counter: QueryCounter, n: int):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from frappe.utils import add_days, nowdate

	from crm_ext.accounts.test_accounting_links import make_item

	set_hooks(enabled)
	out = {}
	si = frappe.new_doc("Sales Invoice")
	si.update(
		{"customer": customer, "company": company, "sales_lead": lead, "due_date": add_days(nowdate(), 30)}
	)
	si.append("items", {"item_code": make_item(), "qty": 1, "rate": 100})
	si.insert()
	frappe.db.commit()
	counter.take()
	start = time.perf_counter()
	si.submit()
	frappe.db.commit()
	out["si"] = (time.perf_counter() - start, counter.take(), run_job_inline())

	pe = get_payment_entry("Sales Invoice", si.name)
	pe.reference_no, pe.reference_date = f"BENCH-{n}", nowdate()
	pe.insert()
	frappe.db.commit()
	counter.take()
	start = time.perf_counter()
	pe.submit()
	frappe.db.commit()
	out["pe"] = (time.perf_counter() - start, counter.take(), run_job_inline())
	set_hooks(True)
	return out


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--rounds", type=int, default=11)
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")

	from crm_ext.accounts.test_accounting_links import company, make_fresh_customer, make_item
	from crm_ext.testing import make_sales_lead

	company_name = company()
	customer = make_fresh_customer()
	lead = make_sales_lead(organization=customer, customer=customer, company=company_name).name
	make_item()
	frappe.db.commit()
	counter = QueryCounter()
	one_round(True, customer, lead, company_name, counter, -1)  # warm caches
	one_round(False, customer, lead, company_name, counter, -2)
	results = {True: [], False: []}
	for n in range(max(args.rounds, 5)):
		for enabled in (True, False) if n % 2 == 0 else (False, True):
			results[enabled].append(one_round(enabled, customer, lead, company_name, counter, n))
			if enabled:  # the job recomputed the card from the whole ledger, hooks-off payments too
				card = frappe.db.get_value("Sales Lead", lead, "paid_amount")
				assert abs(float(card) - float(ledger_paid(lead))) < 0.005, (card, ledger_paid(lead))
	print(f"{len(results[True])} pairs, hooks on/off interleaved; card figures checked against the ledger")
	for kind, label in (("si", "Sales Invoice submit"), ("pe", "Payment Entry submit")):
		on = [r[kind] for r in results[True]]
		off = [r[kind] for r in results[False]]
		diffs = [a[0] - b[0] for a, b in zip(on, off, strict=True)]
		off_median = statistics.median(t for t, _q, _j in off)
		print(
			f"  {label:<22} off {off_median * 1000:6.1f} ms  on {statistics.median(t for t, _q, _j in on) * 1000:6.1f} ms"
			f"  paired diff median {statistics.median(diffs) * 1000:+6.1f} ms"
			f" ({statistics.median(diffs) / off_median * 100:+.1f} %)"
			f"  queries off {statistics.median(q for _t, q, _j in off):.0f} on {statistics.median(q for _t, q, _j in on):.0f}"
			f"  after-commit job {statistics.median(j for _t, _q, j in on) * 1000:.1f} ms (off the request)"
		)


if __name__ == "__main__":
	main()
	frappe.destroy()
