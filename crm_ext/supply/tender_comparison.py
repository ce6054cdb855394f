"""The comparison of a tender's live bids, loaded in set queries, and what the desk and the print
are sent of it.

A tender of 200 bids x 500 lines has 100,000 bid lines. Loading each bid as a document costs
seconds and hundreds of megabytes; this module reads the bids (with their terms) in one query and
their lines in another, and hands the pure rules (``crm_ext.logic.tender.comparison.build_matrix``) plain values.

The lines come back as one string per bid (``GROUP_CONCAT`` of ``line|price|qty|days|idx``, the
prices as the database's exact decimals): PyMySQL decodes every row of a result in Python, and
200 strings cost a third of 100,000 rows. Only server-set values go into the string (the tender
line's row name, numbers); the suppliers' free text (an alternative item or description) comes
in a third query, only for the bids that propose one. The number of lines of each bid is
selected beside its string and checked, so a truncated string fails loudly, never silently.

The desk gets a page of lines (``get_comparison``'s ``start`` / ``page_length``), the evaluated
totals and the best supplier of every line. The Bid Comparison print shows every cell of a tender
of a few bids; of a larger one, each line's few best offers and one summary row per supplier
(:func:`print_matrix`): a print of 200 bids x 500 lines is then 0.3 MB, not 16 MB.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, getdate

from crm_ext.logic import eligibility as eligibility_rules
from crm_ext.logic.tender.comparison import ComparisonMatrix
from crm_ext.logic.tender.model import Bid, BidLine
from crm_ext.supply.eligibility import qualification_records_of

BID, BID_ITEM = "Tender Bid", "Tender Bid Item"
# Bid statuses that take part in the evaluation (a submitted bid, or one already decided).
LIVE_BID = ("Submitted", "Awarded", "Not Awarded")
PAGE_LENGTH, MAX_PAGE_LENGTH = 20, 100
# The print shows every cell up to this many bids; beyond, each line's best few offers (a matrix
# of 200 bids x 500 lines is 100,000 cells: 16 MB of HTML nobody reads on paper).
PRINT_MATRIX_SUPPLIERS, PRINT_OFFERS = 8, 3
# Large enough for a bid of 1,000,000 lines; the count check catches anything longer.
CONCAT_LIMIT = 64 * 1024 * 1024
FIELD, ROW = "|", ";"


@dataclass(frozen=True, slots=True)
class LiveBid:
	"""A bid's header: what the procedure and the comparison need besides its lines."""

	name: str
	supplier: str
	currency: str
	total: float
	incoterm: str
	incoterm_location: str
	credit_days: int
	submitted_on: datetime | None
	modified: datetime | None = None


def live_bids(tender_name: str) -> list[LiveBid]:
	"""The tender's submitted (or decided) bids, first submitted first: one query."""
	bid = frappe.qb.DocType(BID)
	rows = (
		frappe.qb.from_(bid)
		.select(
			bid.name,
			bid.supplier,
			bid.currency,
			bid.total,
			bid.incoterm,
			bid.incoterm_location,
			bid.credit_days,
			bid.submitted_on,
			bid.modified,
		)
		.where((bid.tender == tender_name) & bid.status.isin(LIVE_BID))
		.orderby(bid.submitted_on)
		.orderby(bid.name)
		.run()
	)
	return [
		LiveBid(
			name,
			supplier or "",
			currency or "",
			flt(total),
			incoterm or "",
			location or "",
			cint(credit_days),
			get_datetime(submitted_on) if submitted_on else None,
			get_datetime(modified) if modified else None,
		)
		for name, supplier, currency, total, incoterm, location, credit_days, submitted_on, modified in rows
	]


def bid_models(tender_name: str, bids: list[LiveBid], line_ids: list[str] | None = None) -> list[Bid]:
	"""The pure :class:`Bid` of every bid in ``bids`` (same order) with its lines: one query
	(two when a bid proposes alternatives); only their cells of ``line_ids`` when given. Answers are
	left out: the comparison does not read them."""
	wanted = bids and (line_ids is None or line_ids)
	lines = bid_lines(tender_name, [b.name for b in bids], line_ids) if wanted else {}
	return [
		Bid(
			supplier=b.supplier,
			currency=b.currency,
			lines=lines.get(b.name, ()),
			incoterm=b.incoterm,
			incoterm_location=b.incoterm_location,
			credit_days=b.credit_days,
			submitted_at=b.submitted_on,
		)
		for b in bids
	]


def bid_lines(
	tender_name: str, names: list[str], line_ids: list[str] | None = None
) -> dict[str, tuple[BidLine, ...]]:
	"""Bid name -> its lines in row order (see the module docstring for the encoding); only its
	rows of ``line_ids`` when given (read through the index on the tender line)."""
	only = "and item.tender_item in %(lines)s" if line_ids is not None else ""
	rows = frappe.db.sql(
		f"""SET STATEMENT group_concat_max_len = {CONCAT_LIMIT} FOR
		select item.parent, count(*),
			group_concat(concat_ws('{FIELD}', ifnull(item.tender_item, ''), item.unit_price, item.qty,
				ifnull(item.delivery_days, ''), item.idx) order by item.idx separator '{ROW}'),
			sum(ifnull(item.alternative_item, '') != '' or ifnull(item.alternative_description, '') != '')
		from `tabTender Bid Item` item
		where item.parenttype = 'Tender Bid' and item.parentfield = 'items' and item.parent in %(names)s
			{only}
		group by item.parent""",
		{"names": names, "lines": line_ids or [""]},
	)
	with_alternatives = [parent for parent, _count, _text, alternatives in rows if alternatives]
	alternatives = bid_alternatives(with_alternatives)
	lines: dict[str, tuple[BidLine, ...]] = {}
	for parent, count, text, _alternatives in rows:
		parsed = []
		for entry in text.split(ROW):
			line_id, price, qty, days, idx = entry.split(FIELD)
			alternative_item, alternative_description = alternatives.get((parent, idx), ("", ""))
			parsed.append(
				BidLine(
					line_id,
					Decimal(price),
					Decimal(qty),
					int(days) if days else None,
					alternative_item,
					alternative_description,
				)
			)
		if len(parsed) != count:
			frappe.throw(_("Bid {0}: its lines could not be read in full.").format(parent))
		lines[parent] = tuple(parsed)
	return lines


def bid_alternatives(names: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
	"""(bid, row idx) -> (alternative item, alternative description) of the rows proposing one."""
	if not names:
		return {}
	rows = frappe.db.sql(
		"""select parent, idx, ifnull(alternative_item, ''), ifnull(alternative_description, '')
		from `tabTender Bid Item`
		where parenttype = 'Tender Bid' and parentfield = 'items' and parent in %(names)s
			and (ifnull(alternative_item, '') != '' or ifnull(alternative_description, '') != '')""",
		{"names": names},
	)
	return {(parent, str(idx)): (item, text) for parent, idx, item, text in rows}


def qualification_scores(suppliers: list[str], on_date) -> dict[str, float]:
	"""Supplier -> the best score of a qualification valid on ``on_date`` (0 when none), read for
	all the suppliers at once."""
	on = getdate(on_date)
	return {
		supplier: max((flt(r.score) for r in records if eligibility_rules.valid_on(r, on)), default=0.0)
		for supplier, records in qualification_records_of(suppliers).items()
	}


# --- what the desk is sent ------------------------------------------------------------------------


def page_bounds(start, page_length, line_count: int) -> tuple[int, int]:
	"""(start, page length) checked: a 417 naming the argument otherwise."""
	if isinstance(start, bool) or not isinstance(start, int) or start < 0:
		frappe.throw(_("Start: give a line number from 0."), title=_("Invalid Value"))
	if (
		isinstance(page_length, bool)
		or not isinstance(page_length, int)
		or not 0 < page_length <= MAX_PAGE_LENGTH
	):
		frappe.throw(
			_("Page Length: give a number of lines from 1 to {0}.").format(MAX_PAGE_LENGTH),
			title=_("Invalid Value"),
		)
	return min(start, max(line_count - 1, 0)), page_length


def line_label(row) -> str:
	return row.item_code or row.description or ""


def cell_answer(cell) -> dict:
	if not cell.offered:
		return {"offered": False}
	return {
		"offered": True,
		"currency": cell.currency,
		"unit_price": flt(cell.unit_price, 9),
		"converted": flt(cell.converted_unit_price, 2),
		"evaluated": flt(cell.evaluated_unit_price, 2),
		"delivery_days": cell.delivery_days,
		"alternative": cell.alternative_item or cell.alternative_description,
	}


def desk_page(tender, ranking, page: ComparisonMatrix, start: int, page_length: int) -> dict:
	"""A page of lines with every supplier's cell (``page``: the matrix of those lines only), the
	evaluated totals, and the best supplier (and its evaluated price) of every line (``ranking``:
	``crm_ext.supply.tender_ranking.Ranking``, or a whole :class:`ComparisonMatrix`)."""
	rows = {row.name: row for row in tender.items}
	line_ids = ranking.line_ids
	best = best_offers(ranking)
	return {
		"company_currency": ranking.company_currency,
		"suppliers": list(ranking.suppliers),
		"totals": {s: flt(total, 2) for s, total in evaluated_totals(ranking).items()},
		"line_count": len(line_ids),
		"start": start,
		"page_length": page_length,
		"best": [
			{
				"line": line_id,
				"best": best[line_id].supplier if best[line_id] else None,
				"evaluated": flt(best[line_id].evaluated_unit_price, 2) if best[line_id] else None,
			}
			for line_id in line_ids
		],
		"lines": [
			{
				"line": line_id,
				"idx": rows[line_id].idx,
				"item": line_label(rows[line_id]),
				"qty": flt(page.requested_qty[line_id]),
				"best": page.best[line_id],
				"cells": {s: cell_answer(cell) for s, cell in page.cells[line_id].items()},
			}
			for line_id in line_ids[start : start + page_length]
		],
	}


def best_offers(source) -> dict:
	"""Line -> its best offered cell (None when nobody offered it), of a ranking or a matrix."""
	if isinstance(source, ComparisonMatrix):
		return {
			line_id: source.cell(line_id, best) if (best := source.best[line_id]) else None
			for line_id in source.line_ids
		}
	return {line_id: (top[0] if (top := source.top[line_id]) else None) for line_id in source.line_ids}


def evaluated_totals(source) -> dict:
	"""Supplier -> evaluated total, of a ranking or a matrix."""
	if isinstance(source, ComparisonMatrix):
		return {s: source.evaluated_total(s) for s in source.suppliers}
	return {s: source.bids[s].evaluated_total for s in source.suppliers}


# --- what the print is sent -----------------------------------------------------------------------


def print_offer(cell) -> frappe._dict:
	return frappe._dict(
		supplier=cell.supplier,
		offered=cell.offered,
		currency=cell.currency,
		unit_price=flt(cell.unit_price, 9),
		evaluated=flt(cell.evaluated_unit_price, 2) if cell.offered else None,
		delivery_days=cell.delivery_days,
		alternative=cell.alternative_item or cell.alternative_description,
	)


def print_matrix(tender, source) -> frappe._dict:
	"""What the Bid Comparison print shows. Up to :data:`PRINT_MATRIX_SUPPLIERS` bids (``source``
	a whole :class:`ComparisonMatrix`): the whole matrix (``full``; each line's ``cells`` in
	supplier order). More (``source`` a ``tender_ranking.Ranking`` keeping :data:`PRINT_OFFERS`,
	or a matrix): each line's :data:`PRINT_OFFERS` best offers by evaluated price (``cells``,
	best first; ``offers`` counts them all) and a ``summary`` row per supplier (lines offered,
	evaluated total, complete); the whole matrix of such a tender is the Tender form's, a page at
	a time (``get_comparison``). Once the tender is evaluated, each line carries its ``award``
	(the award table's row, None when no eligible supplier offered it) and ``awarded_total``
	their sum in company currency."""
	rows = {row.name: row for row in tender.items}
	evaluated = tender.status in ("Evaluated", "Awarded")
	awards = {row.tender_item: row for row in tender.awards} if evaluated else {}
	suppliers = list(source.suppliers)
	full = len(suppliers) <= PRINT_MATRIX_SUPPLIERS and isinstance(source, ComparisonMatrix)
	best, offers, figures = print_offers(source, full)
	lines = [
		frappe._dict(
			line=line_id,
			item=line_label(rows[line_id]),
			qty=flt(source.requested_qty[line_id]),
			best=best[line_id],
			award=awards.get(line_id),
			offers=source_offers(source, line_id),
			cells=offers[line_id],
		)
		for line_id in source.line_ids
	]
	totals = {s: flt(figures[s][1], 2) for s in suppliers}
	return frappe._dict(
		company_currency=source.company_currency,
		suppliers=suppliers,
		full=full,
		evaluated=evaluated,
		offers_shown=PRINT_OFFERS,
		lines=lines,
		totals=totals,
		awarded_total=sum(flt(row.converted_unit_price) * flt(row.qty) for row in awards.values()),
		summary=[]
		if full
		else [
			frappe._dict(supplier=s, lines=figures[s][0], total=totals[s], complete=figures[s][2])
			for s in suppliers
		],
	)


def source_offers(source, line_id: str) -> int:
	if isinstance(source, ComparisonMatrix):
		return len(source.offered_cells(line_id))
	return source.offers[line_id]


def print_offers(source, full: bool) -> tuple[dict, dict, dict]:
	"""(line -> best supplier, line -> the cells printed, supplier -> (lines offered, evaluated
	total, complete)) of a matrix or a ranking."""
	if not isinstance(source, ComparisonMatrix):
		return (
			{line_id: source.best(line_id) for line_id in source.line_ids},
			{
				line_id: [print_offer(c) for c in source.top[line_id][:PRINT_OFFERS]]
				for line_id in source.line_ids
			},
			{s: (f.lines, f.evaluated_total, f.complete) for s, f in source.bids.items()},
		)
	suppliers = list(source.suppliers)
	offered_lines = dict.fromkeys(suppliers, 0)
	cells = {}
	for line_id in source.line_ids:
		offered = source.offered_cells(line_id)
		for cell in offered:
			offered_lines[cell.supplier] += 1
		if full:
			cells[line_id] = [print_offer(source.cells[line_id][s]) for s in suppliers]
		else:
			offered.sort(key=lambda c: (c.evaluated_unit_price, *source.tie_key(c.supplier)))
			cells[line_id] = [print_offer(c) for c in offered[:PRINT_OFFERS]]
	figures = {s: (offered_lines[s], source.evaluated_total(s), source.is_complete(s)) for s in suppliers}
	return dict(source.best), cells, figures
