"""What the desk and the print show of a large comparison, computed by the database: each line's
best few offers and number of offers, each bid's evaluated total, lines offered, completeness and
slowest line. Nothing of the 100,000 cells of a 200 x 500 tender is built in Python but the few
best of each line; the page of lines the desk shows comes from ``build_matrix`` over those lines
only (:func:`page_matrix`).

**Same answers as the full matrix** (``crm_ext.logic.tender.comparison.build_matrix``):

- a cell's evaluated price is ``unit price x the bid's factor`` (``evaluation_factor``: rate,
  Incoterm adders, credit discount), the factor computed here in Python as the matrix does and
  sent to the query as an exact decimal. The query orders each line's offers by
  ``unit price x factor`` (DECIMAL, exact to 38 decimals) then by the bids' tie order (earlier
  submission, then supplier name), and returns the first ``keep + 1``; Python recomputes their
  evaluated prices exactly as the matrix does (28 significant digits) and sorts them with the
  matrix's key. A line whose ``keep``-th and next offers are within 1e-20 of each other (a tie,
  or a near-tie where the two arithmetics could round apart) is taken from ``build_matrix`` over
  that line instead;
- a bid's evaluated total is ``factor x sum(unit price x requested qty)`` over its offered lines
  (the sum exact in SQL), the matrix's sum of rounded products to 20 digits; totals are shown
  rounded to cents;
- a bid with two rows for one tender line (the portal never writes one) makes :func:`ranking`
  answer None: the caller builds the whole matrix, which takes the first row, as before.

**Cached after the opening only** (:func:`cached_ranking`): a ranking is kept in Redis for
:data:`CACHE_SECONDS` under a key that digests everything it depends on as stored: the tender's
lines (their order and quantities), Incoterm, Incoterm adders and interest, each live bid's terms
and ``modified`` (a bid and its rows change only through a save of the bid, which sets it), the
exchange rates, the number of offers kept. A change of the tender's status (evaluation, award)
keeps the key. The callers reach it only after their checks that the buyer may see the bids
(``require_opened`` and the deadline passed, or ``buyer_may_see`` for the print): nothing is
computed, let alone cached, of a sealed tender; the opening queues
``crm_ext.supply.tenders.warm_ranking``, which computes it once the bids are open. A direct
database write that bypasses ``modified`` is seen once the entry expires.
"""

import hashlib
import json
import re
from dataclasses import dataclass, replace
from decimal import Decimal

import frappe

from crm_ext.logic.tender.amounts import ZERO
from crm_ext.logic.tender.comparison import Cell, ComparisonMatrix, build_matrix, submission_order_key
from crm_ext.logic.tender.evaluated_price import EvaluationBasis, evaluation_factor
from crm_ext.logic.tender.model import Tender
from crm_ext.supply.tender_comparison import LiveBid, bid_models

# Two evaluated prices closer than this (relative) are re-ranked by build_matrix itself.
NEAR_TIE = Decimal("1e-20")
CACHE_SECONDS = 600
CACHE_PREFIX = "crm_ext:tender_ranking:"
LITERAL = re.compile(r"[0-9]{1,27}(\.[0-9]{1,38})?")


@dataclass(frozen=True, slots=True)
class BidFigures:
	"""One bid's figures over the whole tender."""

	supplier: str
	lines: int
	evaluated_total: Decimal
	complete: bool
	max_delivery_days: int | None


@dataclass(frozen=True)
class Ranking:
	"""Each line's first ``keep`` offers (best first) and count of offers; each bid's figures."""

	company_currency: str
	line_ids: tuple[str, ...]
	suppliers: tuple[str, ...]
	requested_qty: dict[str, Decimal]
	offers: dict[str, int]
	top: dict[str, list[Cell]]
	bids: dict[str, BidFigures]

	def best(self, line_id: str) -> str | None:
		top = self.top[line_id]
		return top[0].supplier if top else None


@dataclass(frozen=True, slots=True)
class Terms:
	bid: LiveBid
	rate: Decimal
	factor: Decimal
	position: int


def bid_terms(model: Tender, bids: list[LiveBid], basis: EvaluationBasis) -> list[Terms]:
	"""Each bid's rate, evaluation factor and place in the tie order (raises TenderError as
	``build_matrix`` does: unknown currency, discount beyond the price)."""
	order = sorted(
		range(len(bids)), key=lambda i: submission_order_key(bids[i].submitted_on, bids[i].supplier)
	)
	position = {i: place for place, i in enumerate(order)}
	terms = []
	for i, bid in enumerate(bids):
		incoterm = bid.incoterm.strip() or model.incoterm
		terms.append(
			Terms(
				bid,
				basis.rates.rate(bid.currency),
				evaluation_factor(bid.currency, incoterm, bid.credit_days, basis),
				position[i],
			)
		)
	return terms


def ranking(
	tender_name: str, model: Tender, bids: list[LiveBid], basis: EvaluationBasis, keep: int
) -> Ranking | None:
	"""The ranking of ``bids`` (see the module docstring); None when a bid has two rows for a line,
	two bids share a supplier or a factor has more than 38 decimals (the caller then builds the
	whole matrix)."""
	suppliers = tuple(b.supplier for b in bids)
	if len(set(suppliers)) != len(suppliers):
		return None
	terms = bid_terms(model, bids, basis)
	if not all(LITERAL.fullmatch(format(t.factor, "f")) for t in terms):
		return None  # a factor beyond 38 decimals: not one the query can carry exactly
	figures = bid_figures(tender_name, model, terms)
	if figures is None:
		return None
	line_ids = tuple(line.line_id for line in model.lines)
	offers, top, unsure = best_offers(line_ids, terms, keep)
	if unsure:
		exact = page_matrix(tender_name, model, bids, basis, unsure)
		for line_id in unsure:
			cells = exact.offered_cells(line_id)
			cells.sort(key=lambda c: (c.evaluated_unit_price, *exact.tie_key(c.supplier)))
			top[line_id] = cells[:keep]
	return Ranking(
		company_currency=basis.company_currency,
		line_ids=line_ids,
		suppliers=suppliers,
		requested_qty={line.line_id: line.qty for line in model.lines},
		offers=offers,
		top=top,
		bids=figures,
	)


def cached_ranking(tender, model: Tender, bids: list[LiveBid], basis: EvaluationBasis, keep: int):
	""":func:`ranking`, kept for :data:`CACHE_SECONDS` (see the module docstring). Call it only
	once the caller has checked that the user may see the tender's bids."""
	key = cache_key(tender, model, bids, basis, keep)
	found = frappe.cache.get_value(key)
	if found is not None:
		return found
	answer = ranking(tender.name, model, bids, basis, keep)
	if answer is not None:
		frappe.cache.set_value(key, answer, expires_in_sec=CACHE_SECONDS)
	return answer


def cache_key(tender, model: Tender, bids: list[LiveBid], basis: EvaluationBasis, keep: int) -> str:
	parts = [
		tender.name,
		model.incoterm,
		keep,
		sorted((currency, str(rate)) for currency, rate in basis.rates.rates.items()),
		sorted(
			(incoterm, str(adder.freight_percent), str(adder.insurance_percent))
			for incoterm, adder in basis.incoterm_adders.items()
		),
		str(basis.annual_interest_percent),
		[(line.line_id, str(line.qty)) for line in model.lines],
		[
			(b.name, b.supplier, b.currency, b.incoterm, b.credit_days, str(b.submitted_on), str(b.modified))
			for b in bids
		],
	]
	digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
	return f"{CACHE_PREFIX}{tender.name}:{digest}"


def bid_figures(tender_name: str, model: Tender, terms: list[Terms]) -> dict[str, BidFigures] | None:
	"""Supplier -> its figures: one GROUP BY over the bids' rows of the tender's lines."""
	if not terms:
		return {}
	rows = frappe.db.sql(
		"""select item.parent, count(*), count(distinct item.tender_item), sum(item.unit_price > 0),
			cast(sum(if(item.unit_price > 0, item.unit_price * line.qty, 0)) as char),
			sum(item.unit_price > 0 and item.qty >= line.qty),
			max(if(item.unit_price > 0, item.delivery_days, null))
		from `tabTender Bid Item` item
		join `tabTender Item` line on line.name = item.tender_item and line.parent = %(tender)s
			and line.parenttype = 'Tender' and line.parentfield = 'items'
		where item.parenttype = 'Tender Bid' and item.parentfield = 'items' and item.parent in %(bids)s
		group by item.parent""",
		{"tender": tender_name, "bids": [t.bid.name for t in terms]},
	)
	by_bid = {row[0]: row for row in rows}
	line_count = len(model.lines)
	figures = {}
	for t in terms:
		_name, count, distinct, offered, amount, sufficient, slowest = by_bid.get(
			t.bid.name, (None, 0, 0, 0, None, 0, None)
		)
		if count != distinct:
			return None
		figures[t.bid.supplier] = BidFigures(
			t.bid.supplier,
			int(offered or 0),
			Decimal(amount) * t.factor if offered else ZERO,
			int(sufficient or 0) == line_count,
			int(slowest) if slowest is not None else None,
		)
	return figures


def best_offers(
	line_ids: tuple[str, ...], terms: list[Terms], keep: int
) -> tuple[dict[str, int], dict[str, list[Cell]], list[str]]:
	"""(line -> offers, line -> its first ``keep`` cells, lines to re-rank exactly): one query
	ranking every line's offers by evaluated price (a window over the bids' rows)."""
	offers = dict.fromkeys(line_ids, 0)
	top: dict[str, list[Cell]] = {line_id: [] for line_id in line_ids}
	if not terms or not line_ids:
		return offers, top, []
	# the factors go in as decimal literals (a quoted value would be cast on every row); they are
	# Decimals computed here, written as digits and one point
	values = ", ".join(f"(%s, {decimal_literal(t.factor)}, {int(t.position)})" for t in terms)
	params = [t.bid.name for t in terms]
	rows = frappe.db.sql(
		f"""with f (bid, factor, position) as (values {values}),
		offer as (
			select item.tender_item line, f.position, item.unit_price, item.qty, item.delivery_days,
				item.alternative_item, item.alternative_description,
				row_number() over (partition by item.tender_item
					order by item.unit_price * f.factor, f.position) place,
				count(*) over (partition by item.tender_item) offers
			from f
			straight_join `tabTender Bid Item` item on item.parent = f.bid
			where item.parenttype = 'Tender Bid' and item.parentfield = 'items' and item.unit_price > 0
		)
		select line, position, cast(unit_price as char), cast(qty as char), delivery_days,
			alternative_item, alternative_description, offers
		from offer where place <= %s""",
		[*params, keep + 1],
	)
	by_position = {t.position: t for t in terms}
	candidates: dict[str, list[tuple[Cell, int]]] = {}
	for line_id, position, price, qty, days, alt_item, alt_text, count in rows:
		if line_id not in offers:
			continue  # a row of a line no longer on the tender (ranked apart: partitions are per line)
		t = by_position[position]
		price = Decimal(price)
		offers[line_id] = int(count)
		candidates.setdefault(line_id, []).append(
			(
				Cell(
					line_id,
					t.bid.supplier,
					True,
					t.bid.currency,
					price,
					Decimal(qty),
					price * t.rate,
					price * t.factor,
					int(days) if days is not None else None,
					alt_item or "",
					alt_text or "",
				),
				position,
			)
		)
	unsure = []
	for line_id, cells in candidates.items():
		cells.sort(key=lambda cp: (cp[0].evaluated_unit_price, cp[1]))
		if len(cells) > keep:
			last, following = cells[keep - 1][0].evaluated_unit_price, cells[keep][0].evaluated_unit_price
			if following - last <= abs(following) * NEAR_TIE:
				unsure.append(line_id)
		top[line_id] = [cell for cell, _position in cells[:keep]]
	return offers, top, unsure


def decimal_literal(value: Decimal) -> str:
	text = format(value, "f")
	if not LITERAL.fullmatch(text):
		raise ValueError(f"not a plain decimal: {text!r}")
	return text


def page_matrix(
	tender_name: str, model: Tender, bids: list[LiveBid], basis: EvaluationBasis, line_ids
) -> ComparisonMatrix:
	"""``build_matrix`` over the given lines only (every bid's cells of those lines): the desk's
	page, the lines a ranking re-ranks exactly."""
	wanted = set(line_ids)
	subset = replace(model, lines=tuple(line for line in model.lines if line.line_id in wanted))
	return build_matrix(subset, bid_models(tender_name, bids, sorted(wanted)), basis)
