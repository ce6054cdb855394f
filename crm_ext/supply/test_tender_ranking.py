"""Tier 2: the database ranking (``crm_ext.supply.tender_ranking``) and what the desk and the print
are sent of it equal the whole matrix (``build_matrix`` over every bid's every line), on a small
tender made to hit the edges: exact ties (same price and terms; across two currencies; the same
submission time, broken by name), missing cells (a zero price, no row at all), a line nobody
offers, bids that do not take part (saved, withdrawn: the cheapest), Incoterm adders and credit
discounts (factors with long decimals), and a bid with two rows for one line."""

from datetime import timedelta
from decimal import Decimal

import frappe
from frappe.utils import add_days, add_to_date, flt, now_datetime, nowdate

from crm_ext.supply import tender_comparison, tender_ranking, tenders
from crm_ext.testing import CRMTestCase, make_user

COMPANY = "Wind Power LLC"
SUPPLIERS = [f"_Test Rank Supplier {i:02d}" for i in range(12)]
LIVE = 10  # suppliers 10 and 11 bid but do not take part (saved, withdrawn)
LINES = 6
STANDARD = ["name", "creation", "modified", "owner", "modified_by", "docstatus"]
BID_FIELDS = [*STANDARD, "tender", "tender_title", "supplier", "supplier_name", "status", "submitted_on"]
BID_FIELDS += ["revision", "currency", "credit_days", "incoterm", "incoterm_location", "total"]
ITEM_FIELDS = [*STANDARD, "parent", "parenttype", "parentfield", "idx", "tender_item", "description"]
ITEM_FIELDS += ["requested_qty", "uom", "unit_price", "qty", "delivery_days", "amount"]


def offer(s: int, line: int) -> tuple:
	"""(price, qty, days) of supplier ``s`` on ``line``; price 0 = not offered, None = no row."""
	if line == 0:  # an exact tie between 0..4 (same currency, same terms), dearer others
		return (Decimal("10"), 100, 5) if s < 5 else (Decimal("12.5"), 100, 3)
	if line == 1:  # 10 EUR (x 1.1) = 11 USD: a tie across currencies
		return (
			(Decimal("10"), 50, 7)
			if s == 5
			else (Decimal("11"), 50, 9)
			if s in (6, 7)
			else (Decimal("13"), 50, 2)
		)
	if line == 2:  # nobody offers it
		return (Decimal("0"), 0, 0)
	if line == 3:  # different prices under different terms
		return (Decimal("20") + Decimal(s * 37 % 11) / 7, 10, s)
	if line == 4:  # one offer
		return (Decimal("99.99"), 1, 4) if s == 9 else (Decimal("0"), 0, 0)
	return None if s % 3 == 0 else (Decimal("5") + Decimal(s) / 3, 20 if s % 2 else 19, 10)


def make_ranked_tender() -> str:
	for s in SUPPLIERS:
		if not frappe.db.exists("Supplier", s):
			frappe.get_doc(
				{"doctype": "Supplier", "supplier_name": s, "supplier_group": "All Supplier Groups"}
			).insert(ignore_permissions=True)
	deadline = add_days(now_datetime(), -1)
	tender = frappe.get_doc(
		{
			"doctype": "Tender",
			"title": "_Test ranking",
			"company": COMPANY,
			"mode": "Sealed Bid",
			"deadline": deadline,
			"incoterm": "DAP",
			"delivery_location": "Hamburg",
			"currencies": [{"currency": "USD"}, {"currency": "EUR"}],
			"other_incoterms": [{"incoterm": "EXW", "freight_percent": 8, "insurance_percent": 1}],
			"items": [
				{"description": f"Rank part {i}", "qty": (100, 50, 5, 10, 1, 20)[i], "uom": "Nos"}
				for i in range(LINES)
			],
			"suppliers": [{"supplier": s} for s in SUPPLIERS],
			"weight_price": 100,
			"annual_interest_percent": 12,
			"award_method": "Per Line",
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		"Tender",
		tender.name,
		{"status": "Closed", "opened_on": add_to_date(deadline, minutes=5), "opened_by": "Administrator"},
	)
	now = now_datetime()
	bid_rows, item_rows = [], []
	for s, supplier in enumerate(SUPPLIERS):
		bid = f"_TRANK-{tender.name}-{s:02d}"
		# 0..4 on the same terms; 3 and 4 submitted at the same moment (tie broken by name)
		terms = (
			("USD", 0, "DAP") if s < 5 else (("EUR", 0, "DAP") if s == 5 else ("USD", 30 * (s % 3), "EXW"))
		)
		if s in (6, 7):
			terms = ("USD", 0, "DAP")
		submitted = deadline - timedelta(minutes=100 if s in (3, 4) else 200 - s)
		status = "Submitted" if s < LIVE else ("Saved" if s == 10 else "Withdrawn")
		for idx in range(LINES):
			values = offer(s, idx) if s < LIVE else (Decimal("1"), 100, 1)
			if values is None:
				continue
			price, qty, days = values
			line = tender.items[idx]
			item_rows.append(
				(
					f"{bid}-{idx}",
					now,
					now,
					"Administrator",
					"Administrator",
					0,
					bid,
					"Tender Bid",
					"items",
					idx + 1,
					line.name,
					line.description,
					line.qty,
					"Nos",
					price,
					qty,
					days,
					price * qty,
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
				status,
				submitted,
				1,
				terms[0],
				terms[1],
				terms[2],
				"Somewhere",
				0,
			)
		)
	frappe.db.bulk_insert(
		"Tender Bid",
		BID_FIELDS,
		bid_rows,
	)
	frappe.db.bulk_insert(
		"Tender Bid Item",
		ITEM_FIELDS,
		item_rows,
	)
	return tender.name


class TestTenderRanking(CRMTestCase):
	def setUp(self):
		super().setUp()
		if not frappe.db.exists("Currency Exchange", {"from_currency": "EUR", "to_currency": "USD"}):
			frappe.get_doc(
				{
					"doctype": "Currency Exchange",
					"date": add_days(nowdate(), -400),
					"from_currency": "EUR",
					"to_currency": "USD",
					"exchange_rate": 1.1,
					"for_buying": 1,
					"for_selling": 1,
				}
			).insert(ignore_permissions=True)
		self.buyer = make_user("tender-ranking-buyer@example.com", "Purchase Manager", "Purchase User")
		self.name = make_ranked_tender()
		self.tender = frappe.get_doc("Tender", self.name)
		# a tender's name comes back after a rolled-back test: forget what earlier tests cached of it
		frappe.cache.delete_keys(f"{tender_ranking.CACHE_PREFIX}{self.name}:")

	def whole(self):
		"""The whole matrix: every live bid's every line through build_matrix."""
		matrix, bids, basis, _quals = tenders.comparison(self.tender, qualifications=False)
		return matrix, bids, basis

	def ranked(self, keep: int):
		matrix, bids, basis = self.whole()
		return tender_ranking.ranking(self.name, tenders.tender_model(self.tender), bids, basis, keep)

	def test_the_ranking_equals_the_whole_matrix(self):
		matrix, bids, basis = self.whole()
		self.assertEqual(len(matrix.suppliers), LIVE)  # the saved and the withdrawn bid take no part
		rates = {b.currency for b in bids}
		self.assertEqual(rates, {"USD", "EUR"})
		for keep in (1, 3, 12):
			ranking = self.ranked(keep)
			self.assertEqual(ranking.suppliers, matrix.suppliers)
			for line_id in matrix.line_ids:
				offered = sorted(
					matrix.offered_cells(line_id),
					key=lambda c: (c.evaluated_unit_price, *matrix.tie_key(c.supplier)),
				)
				self.assertEqual(ranking.top[line_id], offered[:keep], f"line {line_id}, keep {keep}")
				self.assertEqual(ranking.offers[line_id], len(offered))
				self.assertEqual(ranking.best(line_id), matrix.best[line_id])
			for s in matrix.suppliers:
				got = ranking.bids[s]
				self.assertEqual(flt(got.evaluated_total, 2), flt(matrix.evaluated_total(s), 2), s)
				self.assertLess(abs(got.evaluated_total - matrix.evaluated_total(s)), Decimal("1e-15"))
				self.assertEqual(got.complete, matrix.is_complete(s), s)
				self.assertEqual(got.max_delivery_days, matrix.max_delivery_days(s), s)
				self.assertEqual(got.lines, sum(matrix.cell(line, s).offered for line in matrix.line_ids))
		lines = matrix.line_ids
		self.assertEqual(matrix.best[lines[0]], SUPPLIERS[0])  # earliest of the five at 10
		self.assertEqual(matrix.best[lines[1]], SUPPLIERS[5])  # 10 EUR, submitted before 6 and 7
		self.assertIsNone(matrix.best[lines[2]])
		self.assertEqual(matrix.best[lines[4]], SUPPLIERS[9])
		self.assertFalse(matrix.is_complete(SUPPLIERS[0]))

	def test_ties_are_ranked_by_the_matrix_itself(self):
		matrix, bids, basis = self.whole()
		terms = tender_ranking.bid_terms(tenders.tender_model(self.tender), bids, basis)
		_offers, _top, unsure = tender_ranking.best_offers(matrix.line_ids, terms, 1)
		self.assertIn(matrix.line_ids[0], unsure)  # five at 10 USD
		self.assertIn(matrix.line_ids[1], unsure)  # 10 EUR = 11 USD
		self.assertNotIn(matrix.line_ids[4], unsure)
		# 3 and 4 submitted at the same moment: by name
		third = self.ranked(5).top[matrix.line_ids[0]]
		self.assertEqual(
			[c.supplier for c in third], SUPPLIERS[:5][:2] + [SUPPLIERS[2], SUPPLIERS[3], SUPPLIERS[4]]
		)

	def test_the_desk_pages_equal_the_whole_matrix(self):
		matrix, _bids, _basis = self.whole()
		frappe.set_user(self.buyer)
		for start in range(0, LINES, 2):
			answer = tenders.get_comparison(self.name, start=start, page_length=2)
			want = tender_comparison.desk_page(self.tender, matrix, matrix, start, 2)
			self.assertEqual(answer, want, f"page from {start}")
		self.assertEqual(len(answer["lines"]), 2)
		self.assertEqual(len(answer["best"]), LINES)

	def test_the_print_equals_the_whole_matrix(self):
		matrix, _bids, _basis = self.whole()
		ranked = tender_comparison.print_matrix(self.tender, self.ranked(tender_comparison.PRINT_OFFERS))
		self.assertFalse(ranked.full)
		self.assertEqual(ranked, tender_comparison.print_matrix(self.tender, matrix))
		frappe.set_user(self.buyer)
		self.assertEqual(tenders.get_tender_comparison(self.name), ranked)
		html = frappe.get_print("Tender", self.name, print_format="Bid Comparison")
		for s in matrix.suppliers:
			self.assertIn(s, html)
		self.assertNotIn(SUPPLIERS[10], html)
		self.assertNotIn(SUPPLIERS[11], html)

	def test_a_bid_with_two_rows_for_a_line_falls_back_to_the_whole_matrix(self):
		first = frappe.get_all(
			"Tender Bid Item", filters={"parent": f"_TRANK-{self.name}-00", "idx": 4}, fields=["*"]
		)[0]
		first.update({"name": first.name + "-again", "idx": 7, "unit_price": 1, "qty": 10})
		frappe.get_doc({"doctype": "Tender Bid Item", **first}).db_insert()
		self.assertIsNone(self.ranked(1))
		matrix, _bids, _basis = self.whole()
		frappe.set_user(self.buyer)
		self.assertEqual(
			tenders.get_comparison(self.name, start=2, page_length=2),
			tender_comparison.desk_page(self.tender, matrix, matrix, 2, 2),
		)

	def cached(self) -> list:
		return frappe.cache.get_keys(f"{tender_ranking.CACHE_PREFIX}{self.name}:")

	def test_sealed_until_the_opening_and_nothing_cached_before(self):
		frappe.db.set_value("Tender", self.name, {"opened_on": None, "opened_by": None})
		frappe.set_user(self.buyer)
		self.assertRaises(frappe.PermissionError, tenders.get_comparison, self.name)
		self.assertIsNone(tenders.get_tender_comparison(self.name))
		self.assertEqual(self.cached(), [])

	def test_the_cached_ranking_follows_the_stored_bids(self):
		frappe.set_user(self.buyer)
		before = tenders.get_comparison(self.name, start=4, page_length=2)
		self.assertTrue(self.cached())
		self.assertEqual(before["best"][4]["best"], SUPPLIERS[9])
		frappe.set_user("Administrator")
		# supplier 8 now offers line 4 cheaper (its bid saved: modified moves)
		frappe.db.set_value(
			"Tender Bid Item",
			{"parent": f"_TRANK-{self.name}-08", "idx": 5},
			{"unit_price": 50, "qty": 1},
			update_modified=False,
		)
		frappe.db.set_value("Tender Bid", f"_TRANK-{self.name}-08", "modified", add_days(now_datetime(), 1))
		self.tender = frappe.get_doc("Tender", self.name)
		matrix, _bids, _basis = self.whole()
		self.assertEqual(matrix.best[matrix.line_ids[4]], SUPPLIERS[8])
		frappe.set_user(self.buyer)
		self.assertEqual(
			tenders.get_comparison(self.name, start=4, page_length=2),
			tender_comparison.desk_page(self.tender, matrix, matrix, 4, 2),
		)

	def test_the_cached_ranking_follows_the_tender_not_its_status(self):
		frappe.set_user(self.buyer)
		tenders.get_comparison(self.name)
		keys = self.cached()
		self.assertEqual(len(keys), 1)
		# an evaluation (a status change) reads the same ranking: no new key
		frappe.set_user("Administrator")
		frappe.db.set_value("Tender", self.name, "status", "Evaluated")
		frappe.set_user(self.buyer)
		tenders.get_comparison(self.name)
		self.assertEqual(self.cached(), keys)
		# the Incoterm adders and a line's quantity are part of the key: a new ranking, as the matrix
		frappe.set_user("Administrator")
		adder = self.tender.other_incoterms[0].name
		frappe.db.set_value("Tender Incoterm", adder, "freight_percent", 80, update_modified=False)
		line = self.tender.items[3].name
		frappe.db.set_value("Tender Item", line, "qty", 7, update_modified=False)
		self.tender = frappe.get_doc("Tender", self.name)
		matrix, _bids, _basis = self.whole()
		frappe.set_user(self.buyer)
		self.assertEqual(
			tenders.get_comparison(self.name, start=2, page_length=3),
			tender_comparison.desk_page(self.tender, matrix, matrix, 2, 3),
		)
		self.assertEqual(len(self.cached()), 2)

	def test_a_change_after_the_opening_is_seen_at_once(self):
		# the buyer's desk save of the interest rate, then a newer exchange rate: each is a new
		# ranking, equal to the whole matrix (nothing served from the entry cached before)
		def check(previous: dict) -> dict:
			frappe.set_user("Administrator")
			self.tender = frappe.get_doc("Tender", self.name)
			matrix, _bids, _basis = self.whole()
			frappe.set_user(self.buyer)
			answer = tenders.get_comparison(self.name)
			self.assertEqual(answer, tender_comparison.desk_page(self.tender, matrix, matrix, 0, 20))
			self.assertNotEqual(answer["totals"], previous["totals"])
			return answer

		frappe.set_user(self.buyer)
		answer = tenders.get_comparison(self.name)
		frappe.client.set_value("Tender", self.name, "annual_interest_percent", 40)
		answer = check(answer)
		frappe.set_user("Administrator")
		frappe.get_doc(
			{
				"doctype": "Currency Exchange",
				"date": add_days(self.tender.deadline, -1),
				"from_currency": "EUR",
				"to_currency": "USD",
				"exchange_rate": 0.8,
				"for_buying": 1,
				"for_selling": 1,
			}
		).insert(ignore_permissions=True)
		check(answer)
		self.assertEqual(len(self.cached()), 3)

	def test_the_opening_warms_the_ranking_and_nothing_before(self):
		frappe.db.set_value("Tender", self.name, {"opened_on": None, "opened_by": None})
		tenders.warm_ranking(self.name)
		self.assertEqual(self.cached(), [])
		frappe.db.set_value("Tender", self.name, {"opened_on": now_datetime(), "opened_by": "Administrator"})
		tenders.warm_ranking(self.name)
		self.assertEqual(len(self.cached()), 1)
		frappe.set_user(self.buyer)
		matrix, _bids, _basis = self.whole()
		self.assertEqual(
			tenders.get_comparison(self.name, start=0, page_length=2),
			tender_comparison.desk_page(self.tender, matrix, matrix, 0, 2),
		)
		self.assertEqual(len(self.cached()), 1)

	def test_evaluate_writes_the_tables_in_bulk_as_the_rules_decide(self):
		from crm_ext.logic.tender.award import award_per_line

		matrix, _bids, _basis = self.whole()
		want = {
			line: (a.supplier, flt(a.unit_price, 9))
			for line, a in award_per_line(matrix, tenders.weights(self.tender), {}).items()
			if a is not None
		}
		frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", "Off")
		frappe.set_user(self.buyer)
		self.assertEqual(tenders.evaluate(self.name), {"evaluations": LIVE, "awards": len(want)})
		frappe.set_user("Administrator")
		tender = frappe.get_doc("Tender", self.name)
		self.assertEqual(tender.status, "Evaluated")
		self.assertEqual({a.tender_item: (a.supplier, flt(a.unit_price, 9)) for a in tender.awards}, want)
		self.assertEqual([a.idx for a in tender.awards], list(range(1, len(want) + 1)))
		totals = {e.supplier: flt(e.evaluated_total, 2) for e in tender.evaluations}
		self.assertEqual(totals, {s: flt(matrix.evaluated_total(s), 2) for s in matrix.suppliers})
		ranked = sorted((e.rank, e.supplier) for e in tender.evaluations if e.rank)
		self.assertEqual([r for r, _s in ranked], list(range(1, len(ranked) + 1)))
		version = frappe.get_last_doc("Version", filters={"ref_doctype": "Tender", "docname": self.name})
		self.assertIn(["status", "Closed", "Evaluated"], frappe.parse_json(version.data)["changed"])
		# evaluated again: the tables are replaced, not doubled
		frappe.set_user(self.buyer)
		tenders.evaluate(self.name)
		self.assertEqual(frappe.db.count("Tender Evaluation", {"parent": self.name}), LIVE)
		self.assertEqual(frappe.db.count("Tender Award Line", {"parent": self.name}), len(want))

	def test_the_bulk_write_refuses_a_tender_changed_meanwhile(self):
		from crm_ext.supply import tender_tables

		tender = frappe.get_doc("Tender", self.name)
		tender.append("evaluations", {"supplier": SUPPLIERS[0], "currency": "USD", "rank": 1})
		frappe.db.set_value("Tender", self.name, "status", "Awarded")  # someone awarded it meanwhile
		self.assertRaises(
			frappe.TimestampMismatchError,
			tender_tables.replace_tables,
			tender,
			("evaluations",),
			{"status": "Evaluated"},
		)
		self.assertEqual(frappe.db.get_value("Tender", self.name, "status"), "Awarded")
		self.assertEqual(frappe.db.count("Tender Evaluation", {"parent": self.name}), 0)
