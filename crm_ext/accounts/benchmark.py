"""Benchmarks of the accounting links (not tests: numbers for the release note).

Run on a throw-away or test site (they commit, and ``receivables_report`` bulk-inserts rows):

    bench --site SITE execute crm_ext.accounts.benchmark.submit_overhead --kwargs "{'rounds': 30}"
    bench --site SITE execute crm_ext.accounts.benchmark.receivables_report --kwargs "{'invoices': 100000}"

``submit_overhead`` times ``submit()`` of real Sales Invoices and Payment Entries linked to a
Sales Lead, alternately with crm_ext's ``doc_events`` for them and with those removed (same site,
same data, interleaved so that drift hits both), and prints medians and the overhead.

``receivables_report`` times the Receivables Health report over ``invoices`` invoices. Making
100k real submitted invoices takes hours, so it BULK-INSERTS plain rows into ``tabSales Invoice``
and ``tabPayment Ledger Entry`` (names ``BENCH-...``; an invoice row, and a payment row for 60 %
of them), exactly the columns the report reads, then deletes them again.
"""

import statistics
import time
from datetime import timedelta

import frappe
from frappe.utils import add_days, getdate, nowdate

HANDLER_PREFIX = "crm_ext.accounts."
BENCH_DOCTYPES = ("Sales Invoice", "Payment Entry", "Sales Order", "Quotation", "Journal Entry")


def _without_crm_ext_handlers(enabled: bool):
	"""Keep or drop crm_ext's accounting doc_events for this process (Frappe caches them in
	``frappe.local.doc_events_hooks``)."""
	if hasattr(frappe.local, "doc_events_hooks"):
		del frappe.local.doc_events_hooks
	hooks = frappe.get_doc_hooks()
	if enabled:
		return
	for doctype in BENCH_DOCTYPES:
		for event, methods in list(hooks.get(doctype, {}).items()):
			hooks[doctype][event] = [m for m in methods if not m.startswith(HANDLER_PREFIX)]


class _HandlerClock:
	"""Wraps crm_ext's accounting doc_events so the time spent inside them is measured directly
	(the A/B medians of whole submits are noisy at the scale of a few milliseconds)."""

	def __init__(self):
		self.spent = 0.0
		self.saved = []

	def __enter__(self):
		import importlib

		for doctype in BENCH_DOCTYPES:
			for methods in frappe.get_hooks("doc_events").get(doctype, {}).values():
				for dotted in methods if isinstance(methods, list) else [methods]:
					if not dotted.startswith(HANDLER_PREFIX):
						continue
					module_name, name = dotted.rsplit(".", 1)
					module = importlib.import_module(module_name)
					original = getattr(module, name)
					if getattr(original, "_clocked", False):
						continue
					self.saved.append((module, name, original))
					setattr(module, name, self._clocked(original))
		return self

	def _clocked(self, fn):
		def wrapper(*args, **kwargs):
			start = time.perf_counter()
			try:
				return fn(*args, **kwargs)
			finally:
				self.spent += time.perf_counter() - start

		wrapper._clocked = True
		return wrapper

	def __exit__(self, *exc):
		for module, name, original in self.saved:
			setattr(module, name, original)

	def take(self) -> float:
		spent, self.spent = self.spent, 0.0
		return spent


def submit_overhead(rounds: int = 30):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	from crm_ext.accounts.test_accounting_links import company, make_fresh_customer, make_item
	from crm_ext.testing import make_sales_lead

	frappe.flags.in_test = False
	company_name = company()
	customer = make_fresh_customer()
	lead = make_sales_lead(organization=customer, customer=customer, company=company_name)
	make_item()
	frappe.db.commit()
	times = {True: {"si": [], "pe": []}, False: {"si": [], "pe": []}}
	inside = {"si": [], "pe": []}
	clock = _HandlerClock().__enter__()
	for i in range(rounds * 2):
		enabled = i % 2 == 0
		_without_crm_ext_handlers(enabled)
		si = frappe.new_doc("Sales Invoice")
		si.update(
			{
				"customer": customer,
				"company": company_name,
				"sales_lead": lead.name,
				"due_date": add_days(nowdate(), 30),
			}
		)
		si.append("items", {"item_code": make_item(), "qty": 1, "rate": 100})
		si.insert()
		frappe.db.commit()
		clock.take()
		start = time.perf_counter()
		si.submit()
		frappe.db.commit()
		times[enabled]["si"].append(time.perf_counter() - start)
		if enabled:
			inside["si"].append(clock.take())

		pe = get_payment_entry("Sales Invoice", si.name)
		pe.reference_no, pe.reference_date = f"BENCH-{i}", nowdate()
		pe.insert()
		frappe.db.commit()
		clock.take()
		start = time.perf_counter()
		pe.submit()
		frappe.db.commit()
		times[enabled]["pe"].append(time.perf_counter() - start)
		if enabled:
			inside["pe"].append(clock.take())
	clock.__exit__(None, None, None)
	_without_crm_ext_handlers(True)
	for kind, label in (("si", "Sales Invoice submit"), ("pe", "Payment Entry submit")):
		with_ = statistics.median(times[True][kind]) * 1000
		without = statistics.median(times[False][kind]) * 1000
		spent = statistics.median(inside[kind]) * 1000
		print(
			f"{label}: median {without:.1f} ms without crm_ext handlers, {with_:.1f} ms with "
			f"({(with_ - without) / without * 100:+.1f} %), {rounds} rounds each; time inside the "
			f"handlers: median {spent:.2f} ms = {spent / with_ * 100:.1f} % of the submit"
		)


def receivables_report(invoices: int = 100000, customers: int = 2000, runs: int = 5, keep: bool = False):
	from crm_ext.accounts.test_accounting_links import company
	from crm_ext.crm_ext.report.receivables_health.receivables_health import execute

	company_name = company()
	today = getdate()
	_delete_bench_rows()
	start = time.perf_counter()
	si_rows, ple_rows = [], []
	now = frappe.utils.now_datetime()
	for n in range(invoices):
		name = f"BENCH-SI-{n:07d}"
		customer = f"BENCH-CUST-{n % customers:05d}"
		posting = today - timedelta(days=n % 365)
		due = posting + timedelta(days=30)
		amount = 100 + n % 900
		si_rows.append((name, now, now, customer, company_name, 1, posting, due, amount, amount, 0, 0))
		ple_rows.append(
			(
				f"BENCH-PLE-{n:07d}-I",
				now,
				now,
				company_name,
				"Customer",
				customer,
				"Receivable",
				"Sales Invoice",
				name,
				"Sales Invoice",
				name,
				amount,
				amount,
				0,
				posting,
				due,
			)
		)
		if n % 10 < 6:
			ple_rows.append(
				(
					f"BENCH-PLE-{n:07d}-P",
					now,
					now,
					company_name,
					"Customer",
					customer,
					"Receivable",
					"Payment Entry",
					f"BENCH-PE-{n:07d}",
					"Sales Invoice",
					name,
					-amount * (n % 3 + 1) / 3,
					0,
					0,
					posting + timedelta(days=10),
					None,
				)
			)
	frappe.db.bulk_insert(
		"Sales Invoice",
		[
			"name",
			"creation",
			"modified",
			"customer",
			"company",
			"docstatus",
			"posting_date",
			"due_date",
			"base_grand_total",
			"grand_total",
			"base_rounded_total",
			"rounding_adjustment",
		],
		si_rows,
		chunk_size=5000,
	)
	frappe.db.bulk_insert(
		"Payment Ledger Entry",
		[
			"name",
			"creation",
			"modified",
			"company",
			"party_type",
			"party",
			"account_type",
			"voucher_type",
			"voucher_no",
			"against_voucher_type",
			"against_voucher_no",
			"amount",
			"amount_in_account_currency",
			"delinked",
			"posting_date",
			"due_date",
		],
		ple_rows,
		chunk_size=5000,
	)
	frappe.db.commit()
	print(
		f"bulk-inserted {len(si_rows)} invoices and {len(ple_rows)} ledger rows in {time.perf_counter() - start:.1f} s"
	)
	filters = {"company": company_name, "report_date": today, "from_date": add_days(today, -90)}
	for group_by in ("Customer", "Sales Rep"):
		durations = []
		for _ in range(runs):
			start = time.perf_counter()
			_columns, rows = execute({**filters, "group_by": group_by})
			durations.append(time.perf_counter() - start)
		print(
			f"Receivables Health per {group_by}: {len(rows)} rows, median {statistics.median(durations) * 1000:.0f} ms "
			f"(min {min(durations) * 1000:.0f}, max {max(durations) * 1000:.0f}) over {runs} runs"
		)
	start = time.perf_counter()
	execute({**filters, "customer": "BENCH-CUST-00001"})
	print(f"Receivables Health for one customer: {(time.perf_counter() - start) * 1000:.0f} ms")
	if not keep:
		_delete_bench_rows()


def _delete_bench_rows():
	frappe.db.sql("delete from `tabPayment Ledger Entry` where name like 'BENCH-PLE-%%'")
	frappe.db.sql("delete from `tabSales Invoice` where name like 'BENCH-SI-%%'")
	frappe.db.commit()
