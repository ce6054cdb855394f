"""Benchmark (not a test): comparison matrix + per-line award for 200 bids x 500 lines.

Run with ``python tests/bench/bench_tender_matrix.py [bids] [lines]``; prints timings in
seconds. Goal: building the matrix and awarding every line in under 1 s in pure Python.
"""

import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))

from crm_ext.logic.tender.award import award_per_line, award_whole_tender
from crm_ext.logic.tender.comparison import build_matrix
from crm_ext.logic.tender.currency import ExchangeRates
from crm_ext.logic.tender.evaluated_price import CostAdder, EvaluationBasis
from crm_ext.logic.tender.model import PUBLISHED, Bid, BidLine, Tender, TenderLine
from crm_ext.logic.tender.scoring import Weights

CURRENCIES = ("EUR", "USD", "GBP", "CNY")
INCOTERMS = ("DAP", "EXW", "FCA", "CIF")


def make_case(n_bids: int, n_lines: int, seed: int = 42):
	rng = random.Random(seed)
	start = datetime(2025, 1, 1, 9)
	tender = Tender(
		status=PUBLISHED,
		deadline=start + timedelta(days=30),
		currencies=frozenset(CURRENCIES),
		incoterm="DAP",
		delivery_location="Hamburg",
		lines=tuple(
			TenderLine(f"L{i}", Decimal(rng.randint(1, 1000)), item_code=f"ITEM-{i}") for i in range(n_lines)
		),
		allowed_incoterms=frozenset(INCOTERMS),
		open_to_qualified=True,
	)
	bids = []
	for b in range(n_bids):
		lines = []
		for line in tender.lines:
			if b % 10 and rng.random() < 0.1:  # every tenth bid offers every line
				lines.append(BidLine(line.line_id, Decimal(0), Decimal(0)))
			else:
				price = Decimal(rng.randint(100, 1_000_000)) / 100
				lines.append(BidLine(line.line_id, price, line.qty, delivery_days=rng.randint(0, 60)))
		bids.append(
			Bid(
				supplier=f"SUP-{b:04d}",
				currency=rng.choice(CURRENCIES),
				lines=tuple(lines),
				incoterm=rng.choice(INCOTERMS),
				incoterm_location="Somewhere",
				credit_days=rng.choice((0, 30, 60, 90)),
				submitted_at=start + timedelta(minutes=rng.randint(0, 40_000)),
			)
		)
	basis = EvaluationBasis(
		rates=ExchangeRates("EUR", {"USD": "0.912345678", "GBP": "1.171234567", "CNY": "0.127654321"}),
		incoterm_adders={"EXW": CostAdder(8, 1), "FCA": CostAdder(5, 1), "CIF": CostAdder(2, 0)},
		annual_interest_percent=12,
	)
	qualification = {bid.supplier: Decimal(rng.randint(40, 100)) for bid in bids}
	return tender, bids, basis, qualification


def main(n_bids: int = 200, n_lines: int = 500) -> None:
	t0 = time.perf_counter()
	tender, bids, basis, qualification = make_case(n_bids, n_lines)
	t1 = time.perf_counter()
	matrix = build_matrix(tender, bids, basis)
	t2 = time.perf_counter()
	price_only = award_per_line(matrix)
	t3 = time.perf_counter()
	weighted = award_per_line(matrix, Weights(60, 20, 20), qualification)
	t4 = time.perf_counter()
	whole = award_whole_tender(matrix, Weights(60, 20, 20), qualification, method="best_score")
	t5 = time.perf_counter()
	print(f"{n_bids} bids x {n_lines} lines = {n_bids * n_lines} cells")
	print(f"  build input values (not timed):     {t1 - t0:.3f} s")
	print(f"  comparison matrix:                  {t2 - t1:.3f} s")
	print(f"  per-line award, price only:         {t3 - t2:.3f} s")
	print(f"  per-line award, weighted 60/20/20:  {t4 - t3:.3f} s")
	print(f"  whole-tender award (best score):    {t5 - t4:.3f} s")
	print(f"  matrix + weighted per-line award:   {t2 - t1 + t4 - t3:.3f} s (goal < 1 s)")
	awarded = sum(1 for award in weighted.values() if award is not None)
	print(
		f"  lines awarded: {awarded}/{n_lines}; price-only awards: {sum(1 for a in price_only.values() if a)}"
	)
	print(f"  whole-tender winner: {whole.supplier if whole else 'none (no complete bid)'}")


if __name__ == "__main__":
	main(*(int(arg) for arg in sys.argv[1:3]))
