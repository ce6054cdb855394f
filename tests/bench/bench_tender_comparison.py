"""Benchmark (not a test): the comparison, evaluation and Bid Comparison print of a sealed tender
with 200 bids x 500 lines, timed as a Purchase Manager calls them.

Runs against a real site (never in the test runner), from the bench's sites folder:

    cd /root/frappe-bench/sites
    PYTHONPATH=/path/to/crm_ext ../env/bin/python /path/to/crm_ext/tests/bench/bench_tender_comparison.py SITE
    ... --bids 200 --lines 500 --runs 5      (the defaults)
    ... --memory      (also the Python allocation peak of each path, tracemalloc: slower)
    ... --only comparison|evaluate|print --rss   (one path in this process; prints its peak RSS)
    ... --drop        (delete the benchmark tender, its bids, suppliers and user, and exit)

The first run makes a tender (``_Bench Tender <bids>x<lines>``) opened after its deadline, its
suppliers (documents) and their submitted bids (batch inserts into Tender Bid / Tender Bid Item,
not one document at a time) and commits them; later runs reuse them. Then, interleaved, median of
``--runs``:

- ``crm_ext.supply.tenders.get_comparison`` (what the Tender form calls; first page and a middle
  page; since the ranking moved into the database, ``crm_ext.supply.tender_ranking``) beside the
  old full computation as a hand-written optimum: two SELECTs (bids, bid lines) feeding
  ``build_matrix`` over every cell; the page, the totals and the best supplier of every line are
  checked equal to it;
- ``crm_ext.supply.tenders.evaluate`` (rolled back after each run) beside the optimum: the same
  two SELECTs, ``build_matrix``, the weighted scores and the per-line award in memory; the
  evaluation and award tables written are checked equal to the optimum's;
- ``frappe.get_print`` of the *Bid Comparison* print format, checked to hold every supplier's
  evaluated total and every line's best price, and what the print format is given
  (``get_tender_comparison`` as the buyer) checked equal to ``print_matrix`` over the whole matrix.
"""

import argparse
import inspect
import json
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))

import frappe

BUYER = "bench.tender.buyer@example.com"
SUPPLIER_PREFIX = "_Bench TS "
CURRENCIES = ("USD", "EUR", "GBP", "CNY")
# EUR at 1.1: the tier-2 tender tests create EUR -> USD 1.1 only when the site has no such rate.
RATES = {"EUR": 1.1, "GBP": 1.27, "CNY": 0.138}
INCOTERMS = ("DAP", "EXW", "FCA", "CIF")
ADDERS = {"EXW": (8, 1), "FCA": (5, 1), "CIF": (2, 0)}
COMPANY = "Wind Power LLC"


def title(bids: int, lines: int) -> str:
	return f"_Bench Tender {bids}x{lines}"


# --- data ----------------------------------------------------------------------------------------


def ensure_master_data(bids: int) -> list[str]:
	from frappe.utils import add_days, nowdate

	company_currency = frappe.get_cached_value("Company", COMPANY, "default_currency")
	for currency, rate in RATES.items():
		if currency != company_currency and not frappe.db.exists(
			"Currency Exchange", {"from_currency": currency, "to_currency": company_currency}
		):
			frappe.get_doc(
				{
					"doctype": "Currency Exchange",
					"date": add_days(nowdate(), -400),
					"from_currency": currency,
					"to_currency": company_currency,
					"exchange_rate": rate,
					"for_buying": 1,
					"for_selling": 1,
				}
			).insert(ignore_permissions=True)
	for incoterm in INCOTERMS:
		if not frappe.db.exists("Incoterm", incoterm):
			frappe.get_doc({"doctype": "Incoterm", "code": incoterm, "title": incoterm}).insert()
	if not frappe.db.exists("User", BUYER):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": BUYER,
				"first_name": "Bench Buyer",
				"send_welcome_email": 0,
				"roles": [{"role": "Purchase Manager"}, {"role": "Purchase User"}],
			}
		).insert(ignore_permissions=True)
	suppliers = [f"{SUPPLIER_PREFIX}{i:04d}" for i in range(bids)]
	for name in suppliers:
		if not frappe.db.exists("Supplier", name):
			frappe.get_doc(
				{"doctype": "Supplier", "supplier_name": name, "supplier_group": "All Supplier Groups"}
			).insert(ignore_permissions=True)
	return suppliers


def make_tender(bids: int, lines: int, seed: int = 42) -> str:
	"""A sealed tender opened after its deadline with ``bids`` submitted bids (committed)."""
	from frappe.utils import add_days, now_datetime

	existing = frappe.db.get_value("Tender", {"title": title(bids, lines)}, "name")
	if existing:
		return existing
	rng = random.Random(seed)
	suppliers = ensure_master_data(bids)
	deadline = add_days(now_datetime(), -1)
	tender = frappe.get_doc(
		{
			"doctype": "Tender",
			"title": title(bids, lines),
			"company": COMPANY,
			"mode": "Sealed Bid",
			"deadline": deadline,
			"incoterm": "DAP",
			"delivery_location": "Hamburg",
			"currencies": [{"currency": c} for c in CURRENCIES],
			"other_incoterms": [
				{"incoterm": i, "freight_percent": f, "insurance_percent": s} for i, (f, s) in ADDERS.items()
			],
			"items": [
				{
					"description": f"Bench part {i:04d}",
					"qty": rng.randint(1, 1000),
					"uom": "Nos",
					"budget_unit_price": rng.randint(100, 10000),
				}
				for i in range(lines)
			],
			"suppliers": [{"supplier": s} for s in suppliers],
			"weight_price": 60,
			"weight_delivery": 20,
			"weight_qualification": 20,
			"annual_interest_percent": 12,
			"award_method": "Per Line",
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		"Tender",
		tender.name,
		{"status": "Closed", "opened_on": add_days(deadline, 0.01), "opened_by": "Administrator"},
	)
	now = now_datetime()
	bid_fields = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
		"tender",
		"tender_title",
		"supplier",
		"supplier_name",
		"status",
		"submitted_on",
		"revision",
		"currency",
		"credit_days",
		"incoterm",
		"incoterm_location",
		"total",
	]
	item_fields = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
		"parent",
		"parenttype",
		"parentfield",
		"idx",
		"tender_item",
		"description",
		"requested_qty",
		"uom",
		"unit_price",
		"qty",
		"delivery_days",
		"amount",
	]
	bid_rows, item_rows = [], []
	for b, supplier in enumerate(suppliers):
		bid = f"BENCH-TBID-{tender.name}-{b:04d}"
		total = Decimal(0)
		for row in tender.items:
			if b % 10 and rng.random() < 0.1:  # every tenth bid offers every line
				price, qty, days = Decimal(0), 0, 0
			else:
				price = Decimal(rng.randint(100, 1_000_000)) / 100
				qty, days = row.qty, rng.randint(0, 60)
			total += price * Decimal(qty)
			item_rows.append(
				(
					f"{bid}-{row.idx:04d}",
					now,
					now,
					"Administrator",
					"Administrator",
					0,
					bid,
					"Tender Bid",
					"items",
					row.idx,
					row.name,
					row.description,
					row.qty,
					"Nos",
					price,
					qty,
					days,
					price * Decimal(qty),
				)
			)
		bid_rows.append(
			(
				bid,
				now,
				now,
				"Administrator",
				"Administrator",
				0,
				tender.name,
				tender.title,
				supplier,
				supplier,
				"Submitted",
				deadline - timedelta(minutes=rng.randint(1, 40_000)),
				1,
				rng.choice(CURRENCIES),
				rng.choice((0, 30, 60, 90)),
				rng.choice(INCOTERMS),
				"Somewhere",
				total,
			)
		)
	frappe.db.bulk_insert("Tender Bid", bid_fields, bid_rows)
	frappe.db.bulk_insert("Tender Bid Item", item_fields, item_rows)
	frappe.db.commit()
	return tender.name


def drop(bids: int, lines: int) -> None:
	for name in frappe.get_all("Tender", filters={"title": title(bids, lines)}, pluck="name"):
		bids_of = frappe.get_all("Tender Bid", filters={"tender": name}, pluck="name")
		if bids_of:
			frappe.db.delete("Tender Bid Item", {"parent": ("in", bids_of)})
			frappe.db.delete("Tender Bid", {"name": ("in", bids_of)})
		frappe.db.delete("Tender Log", {"tender": name})
		frappe.delete_doc("Tender", name, force=True, ignore_permissions=True)
	frappe.db.commit()


# --- the hand-written optimum --------------------------------------------------------------------


def optimum_matrix(name: str):
	"""Two SELECTs (the tender's live bids, their lines) feeding ``build_matrix``."""
	from frappe.utils import cint, flt

	from crm_ext.logic.tender.comparison import build_matrix
	from crm_ext.logic.tender.model import Bid, BidLine
	from crm_ext.supply import tenders

	tender = frappe.get_doc("Tender", name)
	bids = frappe.db.sql(
		"""select name, supplier, currency, incoterm, credit_days, submitted_on, total
		from `tabTender Bid` where tender = %s and status in ('Submitted', 'Awarded', 'Not Awarded')
		order by submitted_on, name""",
		name,
		as_dict=True,
	)
	lines: dict[str, list] = {b.name: [] for b in bids}
	for parent, line, price, qty, days, alt_item, alt_text in frappe.db.sql(
		"""select parent, tender_item, unit_price, qty, delivery_days, alternative_item,
		alternative_description from `tabTender Bid Item`
		where parenttype = 'Tender Bid' and parent in %s order by parent, idx""",
		[tuple(lines)],
	):
		lines[parent].append(
			BidLine(
				line or "",
				flt(price),
				flt(qty),
				cint(days) if days is not None else None,
				alt_item or "",
				alt_text or "",
			)
		)
	models = [
		Bid(
			supplier=b.supplier,
			currency=b.currency,
			lines=lines[b.name],
			incoterm=b.incoterm or "",
			credit_days=cint(b.credit_days),
			submitted_at=b.submitted_on,
		)
		for b in bids
	]
	basis = tenders.evaluation_basis(tender, bids)
	return tender, bids, build_matrix(tenders.tender_model(tender), models, basis)


def optimum_evaluation(name: str):
	"""The optimum's evaluation: scores, ranks and per-line award in memory."""
	from frappe.utils import flt

	from crm_ext.logic.tender.award import award_per_line
	from crm_ext.logic.tender.scoring import check_qualification, weighted_scores
	from crm_ext.supply import tenders

	tender, bids, matrix = optimum_matrix(name)
	quals = {b.supplier: 0.0 for b in bids}  # the benchmark suppliers have no qualification
	complete = [b.supplier for b in bids if matrix.is_complete(b.supplier)]
	scores = dict(
		zip(
			complete,
			weighted_scores(
				[matrix.evaluated_total(s) for s in complete],
				[matrix.max_delivery_days(s) or 0 for s in complete],
				[check_qualification(quals[s]) for s in complete],
				tenders.weights(tender),
			),
			strict=True,
		)
	)
	ranked = sorted(scores, key=lambda s: (-scores[s].total, matrix.evaluated_total(s), matrix.tie_key(s)))
	evaluations = {
		b.supplier: (
			flt(matrix.evaluated_total(b.supplier), 2),
			flt(scores[b.supplier].total, 4) if b.supplier in scores else 0,
			ranked.index(b.supplier) + 1 if b.supplier in scores else 0,
		)
		for b in bids
	}
	awards = {
		line: (a.supplier, flt(a.unit_price, 9))
		for line, a in award_per_line(matrix, tenders.weights(tender), quals).items()
		if a is not None
	}
	return evaluations, awards


# --- what users call -----------------------------------------------------------------------------


def as_buyer(fn, *args, **kwargs):
	frappe.set_user(BUYER)
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.set_user("Administrator")


def forget_ranking(name: str) -> None:
	"""Drop the cached ranking (``crm_ext.supply.tender_ranking``): the next call computes it."""
	try:
		from crm_ext.supply.tender_ranking import CACHE_PREFIX
	except ImportError:  # before the ranking existed
		return
	frappe.cache.delete_keys(f"{CACHE_PREFIX}{name}:")


def call_comparison(name: str, start: int = 0, cold: bool = False):
	from crm_ext.supply import tenders

	frappe.clear_document_cache("Tender", name)
	if cold:
		forget_ranking(name)
	if "start" in inspect.signature(tenders.get_comparison).parameters:
		return as_buyer(tenders.get_comparison, name, start=start)
	return as_buyer(tenders.get_comparison, name)


def call_evaluate(name: str):
	from crm_ext.supply import tenders

	try:
		as_buyer(tenders.evaluate, name)
		tender = frappe.get_doc("Tender", name)
		return (
			{e.supplier: (flt2(e.evaluated_total), e.score, e.rank) for e in tender.evaluations},
			{a.tender_item: (a.supplier, a.unit_price) for a in tender.awards},
		)
	finally:
		frappe.db.rollback()


def flt2(value) -> float:
	return round(float(value), 2)


def call_print(name: str, cold: bool = False) -> str:
	frappe.clear_document_cache("Tender", name)
	if cold:
		forget_ranking(name)
	return as_buyer(frappe.get_print, "Tender", name, print_format="Bid Comparison")


# --- checks --------------------------------------------------------------------------------------


def check_comparison(answer: dict, matrix, start: int) -> None:
	from frappe.utils import flt

	suppliers = list(matrix.suppliers)
	assert list(answer["suppliers"]) == suppliers, "suppliers differ"
	assert answer["totals"] == {s: flt(matrix.evaluated_total(s), 2) for s in suppliers}, "totals differ"
	best = answer.get("best")
	if best is not None:  # the paged answer: the best supplier of every line
		assert [b["line"] for b in best] == list(matrix.line_ids), "lines of best differ"
		assert [b["best"] for b in best] == [matrix.best[line] for line in matrix.line_ids], "best differs"
	lines = answer["lines"]
	expected = (
		list(matrix.line_ids)[start : start + len(lines)] if best is not None else list(matrix.line_ids)
	)
	assert [line["line"] for line in lines] == expected, "page lines differ"
	for line in lines:
		assert line["best"] == matrix.best[line["line"]], "best of a page line differs"
		for supplier, cell in line["cells"].items():
			want = matrix.cell(line["line"], supplier)
			assert bool(cell["offered"]) == want.offered, "offered differs"
			if want.offered:
				assert cell["evaluated"] == flt(want.evaluated_unit_price, 2), "evaluated price differs"
				assert cell["unit_price"] == flt(want.unit_price, 9), "unit price differs"


def check_evaluation(got, want) -> None:
	evaluations, awards = got
	want_evaluations, want_awards = want
	assert evaluations == want_evaluations, "evaluations differ"
	assert {k: (s, round(p, 6)) for k, (s, p) in awards.items()} == {
		k: (s, round(p, 6)) for k, (s, p) in want_awards.items()
	}, "awards differ"


def check_print(html: str, matrix) -> None:
	from frappe.utils import flt, fmt_money

	for supplier in matrix.suppliers:
		assert supplier in html, f"{supplier} missing from the print"
		total = fmt_money(flt(matrix.evaluated_total(supplier), 2), currency=matrix.company_currency)
		assert total in html, f"total of {supplier} missing from the print"
	for line in matrix.line_ids:
		best = matrix.best[line]
		if best:
			price = flt(matrix.cell(line, best).evaluated_unit_price, 2)
			assert fmt_money(price, currency=matrix.company_currency) in html, "a best price is missing"


def check_print_data(name: str, matrix) -> None:
	"""What the print is given (as the buyer) equals the old computation over the whole matrix."""
	from crm_ext.supply import tender_comparison, tenders

	tender = frappe.get_doc("Tender", name)
	got = as_buyer(tenders.get_tender_comparison, name)
	assert got == tender_comparison.print_matrix(tender, matrix), "print data differ from the whole matrix"


# --- timing --------------------------------------------------------------------------------------


def timed(fn, *args, **kwargs):
	start = time.perf_counter()
	result = fn(*args, **kwargs)
	return time.perf_counter() - start, result


def peak_alloc(fn, *args, **kwargs) -> float:
	"""Peak of Python allocations during the call, in MB."""
	tracemalloc.start()
	try:
		fn(*args, **kwargs)
		return tracemalloc.get_traced_memory()[1] / 1e6
	finally:
		tracemalloc.stop()


def memory_status() -> dict[str, float]:
	"""VmRSS / VmHWM (peak RSS) of this process in MB (Linux; ``ru_maxrss`` survives ``exec``)."""
	values = {}
	with open("/proc/self/status") as status:
		for line in status:
			key, _sep, value = line.partition(":")
			if key in ("VmRSS", "VmHWM"):
				values[key] = int(value.split()[0]) / 1024
	return values


def report(label: str, durations: list[float], extra: str = "") -> None:
	print(
		f"  {label:<44} median {statistics.median(durations):6.3f} s "
		f"(min {min(durations):.3f}, max {max(durations):.3f}, n={len(durations)}){extra}"
	)


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--bids", type=int, default=200)
	parser.add_argument("--lines", type=int, default=500)
	parser.add_argument("--runs", type=int, default=5)
	parser.add_argument("--memory", action="store_true")
	parser.add_argument("--only", choices=("comparison", "evaluate", "print", "optimum"))
	parser.add_argument("--rss", action="store_true")
	parser.add_argument("--drop", action="store_true")
	args = parser.parse_args()
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	if args.drop:
		drop(args.bids, args.lines)
		return
	started = time.perf_counter()
	name = make_tender(args.bids, args.lines)
	if args.only:
		before = memory_status()["VmHWM"]
		fn = {
			"comparison": call_comparison,
			"evaluate": call_evaluate,
			"print": call_print,
			"optimum": optimum_matrix,
		}[args.only]
		forget_ranking(name)
		fn(name)
		after = memory_status()["VmHWM"]
		print(json.dumps({"path": args.only, "rss_before_mb": round(before), "rss_peak_mb": round(after)}))
		return
	print(
		f"tender {name}: {args.bids} bids x {args.lines} lines (ready in {time.perf_counter() - started:.1f} s)"
	)

	_t, (_tender, _bids, reference) = timed(optimum_matrix, name)
	want_evaluation = optimum_evaluation(name)
	middle = (args.lines // 2 // 20) * 20
	times: dict[str, list[float]] = {}
	sizes: dict[str, int] = {}
	for _ in range(args.runs):
		t, (_tender, _bids, matrix) = timed(optimum_matrix, name)
		times.setdefault("optimum: two SELECTs + build_matrix", []).append(t)
		t, answer = timed(call_comparison, name, 0, True)
		check_comparison(answer, reference, 0)
		times.setdefault("get_comparison (first page, cold)", []).append(t)
		sizes["get_comparison (first page, cold)"] = len(json.dumps(answer, default=str))
		t, answer = timed(call_comparison, name)
		check_comparison(answer, reference, 0)
		times.setdefault("get_comparison (first page, cached)", []).append(t)
		t, answer = timed(call_comparison, name, middle)
		check_comparison(answer, reference, middle)
		times.setdefault(f"get_comparison (lines from {middle}, cached)", []).append(t)
		t, _result = timed(optimum_evaluation, name)
		times.setdefault("optimum: evaluation in memory", []).append(t)
		t, result = timed(call_evaluate, name)
		check_evaluation(result, want_evaluation)
		times.setdefault("evaluate (rolled back)", []).append(t)
		t, html = timed(call_print, name, True)
		check_print(html, reference)
		times.setdefault("get_print (Bid Comparison, cold)", []).append(t)
		sizes["get_print (Bid Comparison, cold)"] = len(html.encode())
		t, html = timed(call_print, name)
		check_print(html, reference)
		check_print_data(name, reference)
		times.setdefault("get_print (Bid Comparison, cached)", []).append(t)
	print("checked equal to the optimum: comparison pages, totals, best per line, evaluation, award, print")
	for label, durations in times.items():
		size = f", {sizes[label] / 1e6:.2f} MB" if label in sizes else ""
		report(label, durations, size)
	if args.memory:
		print("Python allocation peak (tracemalloc):")
		for label, fn in (
			("optimum: two SELECTs + build_matrix", optimum_matrix),
			("get_comparison (first page, cold)", lambda n: call_comparison(n, 0, True)),
			("evaluate", call_evaluate),
			("get_print (Bid Comparison, cold)", lambda n: call_print(n, True)),
		):
			print(f"  {label:<44} {peak_alloc(fn, name):7.1f} MB")
		print("peak RSS of a fresh process running one path:")
		for path in ("optimum", "comparison", "evaluate", "print"):
			out = subprocess.run(
				[
					sys.executable,
					__file__,
					args.site,
					"--bids",
					str(args.bids),
					"--lines",
					str(args.lines),
					"--only",
					path,
				],
				capture_output=True,
				text=True,
				check=True,
			).stdout
			values = json.loads(out.strip().splitlines()[-1])
			print(
				f"  {path:<44} {values['rss_before_mb']} MB before, {values['rss_peak_mb']} MB peak "
				f"(+{values['rss_peak_mb'] - values['rss_before_mb']} MB)"
			)


if __name__ == "__main__":
	main()
	frappe.destroy()
