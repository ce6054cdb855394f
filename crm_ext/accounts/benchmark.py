"""Benchmarks of the accounting links (not tests: numbers for the release note).

Run on a throw-away or test site (they commit, and ``receivables_report`` bulk-inserts rows):

    bench --site SITE execute crm_ext.accounts.benchmark.receivables_report --kwargs "{'invoices': 100000}"

What the hooks add to a Sales Invoice / Payment Entry submit is timed by the paired A/B of
``tests/bench/bench_money_submit.py`` (queries counted, the after-commit job timed apart).

``receivables_report`` times the Receivables Health report over ``invoices`` invoices. Making
100k real submitted invoices takes hours, so it BULK-INSERTS plain rows into ``tabSales Invoice``
and ``tabPayment Ledger Entry`` (names ``BENCH-...``; an invoice row, and a payment row for 60 %
of them), exactly the columns the report reads, then deletes them again.
"""

import statistics
import time
from datetime import timedelta

import frappe
from frappe.utils import add_days, getdate


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
