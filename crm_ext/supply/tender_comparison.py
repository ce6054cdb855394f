"""The comparison of a tender's live bids, loaded in set queries, and what the desk and the print
are sent of it.

A tender of 200 bids x 500 lines has 100,000 bid lines. Loading each bid as a document costs
seconds and hundreds of megabytes; this module reads the bids in one query and their lines in
another, and hands the pure rules (``crm_ext.logic.tender.comparison.build_matrix``) plain values.

The lines come back as one string per bid (``GROUP_CONCAT`` of ``line|price|qty|days|idx``, the
prices as the database's exact decimals): PyMySQL decodes every row of a result in Python, and
200 strings cost a third of 100,000 rows. Only server-set values go into the string (the tender
line's row name, numbers); the suppliers' free text (an alternative item or description) comes
in a third query, only for the bids that propose one. The number of lines of each bid is
selected beside its string and checked, so a truncated string fails loudly, never silently.

The desk gets a page of lines (``get_comparison``'s ``start`` / ``page_length``), the evaluated
totals and the best supplier of every line; the Bid Comparison print gets every cell formatted
once here, in groups of suppliers (one table per group), instead of formatting 200,000 amounts
in the template.
"""

from dataclasses import dataclass
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, fmt_money, getdate
from frappe.utils.data import get_number_format_info
from markupsafe import Markup

from crm_ext.logic import eligibility as eligibility_rules
from crm_ext.logic.qualification import EXPIRED, QUALIFIED
from crm_ext.logic.tender.comparison import ComparisonMatrix
from crm_ext.logic.tender.model import Bid, BidLine

BID, BID_ITEM = "Tender Bid", "Tender Bid Item"
# Bid statuses that take part in the evaluation (a submitted bid, or one already decided).
LIVE_BID = ("Submitted", "Awarded", "Not Awarded")
PAGE_LENGTH, MAX_PAGE_LENGTH = 20, 100
# Suppliers per table of the print (a page of the matrix stays readable on paper).
PRINT_GROUP = 8
# Large enough for a bid of 1,000,000 lines; the count check catches anything longer.
CONCAT_LIMIT = 64 * 1024 * 1024
FIELD, ROW = "|", ";"


@dataclass(frozen=True, slots=True)
class LiveBid:
	"""What the procedure needs of a bid besides its lines."""

	name: str
	supplier: str
	currency: str
	total: float


def live_bids(tender_name: str) -> list[LiveBid]:
	"""The tender's submitted (or decided) bids, first submitted first: one query."""
	bid = frappe.qb.DocType(BID)
	rows = (
		frappe.qb.from_(bid)
		.select(bid.name, bid.supplier, bid.currency, bid.total)
		.where((bid.tender == tender_name) & bid.status.isin(LIVE_BID))
		.orderby(bid.submitted_on)
		.orderby(bid.name)
		.run()
	)
	return [
		LiveBid(name, supplier or "", currency or "", flt(total)) for name, supplier, currency, total in rows
	]


def bid_models(tender_name: str, bids: list[LiveBid]) -> list[Bid]:
	"""The pure :class:`Bid` of every bid in ``bids`` (same order), terms and lines, in two
	queries (three when a bid proposes alternatives). Answers are left out: the comparison does
	not read them."""
	if not bids:
		return []
	names = [b.name for b in bids]
	terms = {
		row[0]: row[1:]
		for row in frappe.db.sql(
			"""select name, incoterm, incoterm_location, credit_days, submitted_on
			from `tabTender Bid` where name in %(names)s""",
			{"names": names},
		)
	}
	lines = bid_lines(tender_name, names)
	models = []
	for b in bids:
		incoterm, location, credit_days, submitted_on = terms[b.name]
		models.append(
			Bid(
				supplier=b.supplier,
				currency=b.currency,
				lines=lines.get(b.name, ()),
				incoterm=incoterm or "",
				incoterm_location=location or "",
				credit_days=cint(credit_days),
				submitted_at=submitted_on,
			)
		)
	return models


def bid_lines(tender_name: str, names: list[str]) -> dict[str, tuple[BidLine, ...]]:
	"""Bid name -> its lines in row order (see the module docstring for the encoding)."""
	rows = frappe.db.sql(
		f"""SET STATEMENT group_concat_max_len = {CONCAT_LIMIT} FOR
		select item.parent, count(*),
			group_concat(concat_ws('{FIELD}', ifnull(item.tender_item, ''), item.unit_price, item.qty,
				ifnull(item.delivery_days, ''), item.idx) order by item.idx separator '{ROW}'),
			sum(ifnull(item.alternative_item, '') != '' or ifnull(item.alternative_description, '') != '')
		from `tabTender Bid Item` item
		where item.parenttype = 'Tender Bid' and item.parentfield = 'items' and item.parent in %(names)s
		group by item.parent""",
		{"names": names},
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
	"""Supplier -> the best score of a qualification valid on ``on_date`` (0 when none): one
	query for all the suppliers (the rule is ``eligibility_rules.valid_on``)."""
	on = getdate(on_date)
	scores = dict.fromkeys(suppliers, 0.0)
	if not suppliers:
		return scores
	for row in frappe.get_all(
		"Supplier Qualification",
		filters={
			"supplier": ("in", suppliers),
			"docstatus": 1,
			"status": ("in", (QUALIFIED, EXPIRED)),
		},
		fields=["name", "supplier", "status", "qualified_on", "valid_until", "expired_on", "score"],
	):
		record = eligibility_rules.QualificationRecord(
			name=row.name,
			status=row.status,
			qualified_on=getdate(row.qualified_on) if row.qualified_on else None,
			valid_until=getdate(row.valid_until) if row.valid_until else None,
			item_groups=frozenset(),
			score=row.score or 0,
			expired_on=getdate(row.expired_on) if row.expired_on else None,
		)
		if eligibility_rules.valid_on(record, on):
			scores[row.supplier] = max(scores[row.supplier], flt(row.score))
	return scores


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


def desk_page(tender, matrix: ComparisonMatrix, start: int, page_length: int) -> dict:
	"""A page of lines with every supplier's cell, the evaluated totals, and the best supplier
	(and its evaluated price) of every line."""
	rows = {row.name: row for row in tender.items}
	line_ids = matrix.line_ids
	page = line_ids[start : start + page_length]
	return {
		"company_currency": matrix.company_currency,
		"suppliers": list(matrix.suppliers),
		"totals": {s: flt(matrix.evaluated_total(s), 2) for s in matrix.suppliers},
		"line_count": len(line_ids),
		"start": start,
		"page_length": page_length,
		"best": [
			{
				"line": line_id,
				"best": matrix.best[line_id],
				"evaluated": flt(matrix.cell(line_id, matrix.best[line_id]).evaluated_unit_price, 2)
				if matrix.best[line_id]
				else None,
			}
			for line_id in line_ids
		],
		"lines": [
			{
				"line": line_id,
				"idx": rows[line_id].idx,
				"item": line_label(rows[line_id]),
				"qty": flt(matrix.requested_qty[line_id]),
				"best": matrix.best[line_id],
				"cells": {s: cell_answer(cell) for s, cell in matrix.cells[line_id].items()},
			}
			for line_id in page
		],
	}


# --- what the print is sent -----------------------------------------------------------------------


class MoneyFormat:
	"""``fmt_money(flt(amount, precision), currency=currency)`` for many amounts, the same text at
	a tenth of the cost: the site's number format, currency precision and rounding method and each
	currency's symbol are read once (``fmt_money`` and ``flt`` read them per amount, which is most
	of their time), and the number is laid out by :meth:`number`, ``fmt_money``'s own steps for a
	precision up to 2 (a larger one goes to ``fmt_money`` itself). Tier 2 checks the texts equal."""

	def __init__(self):
		self.number_format = frappe.db.get_default("number_format") or "#,###.##"
		self.decimal_str, self.comma_str, default_precision = get_number_format_info(self.number_format)
		precision = cint(frappe.db.get_default("currency_precision")) or None
		self.precision = default_precision if precision is None else precision
		self.group = 2 if self.number_format == "#,##,###.##" else 3
		self.rounding = frappe.get_system_settings("rounding_method") or "Banker's Rounding (legacy)"
		self.show_symbol = frappe.defaults.get_global_default("hide_currency_symbol") != "Yes"
		self.symbols: dict[str, tuple[str, bool]] = {}

	def symbol(self, currency: str) -> tuple[str, bool]:
		if currency not in self.symbols:
			symbol = frappe.db.get_value("Currency", currency, "symbol", cache=True) or currency
			right = frappe.db.get_value("Currency", currency, "symbol_on_right", cache=True)
			self.symbols[currency] = (_(symbol), bool(right))
		return self.symbols[currency]

	def number(self, amount: float) -> str:
		"""``fmt_money(amount, precision=self.precision, format=self.number_format)``."""
		precision = self.precision
		text = f"{round(amount, precision):.{precision}f}"
		decimals = text.split(".")[1] if "." in text else ""
		value = float(text)
		whole = str(abs(value)).split(".", 1)[0]
		parts = []
		if len(whole) > 3:
			parts.append(whole[-3:])
			whole = whole[:-3]
			while len(whole) > self.group:
				parts.append(whole[-self.group :])
				whole = whole[: -self.group]
		parts.append(whole)
		parts.reverse()
		text = self.comma_str.join(parts)
		if precision and self.decimal_str:
			text += self.decimal_str + decimals
		return text if text == "0" or value >= 0 else "-" + text

	def __call__(self, amount, currency: str, precision: int = 2) -> str:
		amount = flt(amount, precision, self.rounding)
		if self.precision > 2:  # fmt_money then reads the currency's fraction units
			return fmt_money(amount, currency=currency)
		text = self.number(amount)
		if not currency or not self.show_symbol:
			return text
		symbol, right = self.symbol(currency)
		return f"{text} {symbol}" if right else f"{symbol} {text}"


def print_cell(cell, best: bool, money: MoneyFormat, company_currency: str, words: dict) -> Markup:
	"""The inside of one cell of the print: the evaluated price (bold when the line's best), the
	bid's own price, the delivery days, the alternative proposed; a dash when not offered."""
	if not cell.offered:
		return Markup("&mdash;")
	evaluated = money(cell.evaluated_unit_price, company_currency)
	if best:
		evaluated = f"<strong>{evaluated}</strong>"
	details = money(cell.unit_price, cell.currency, 9)
	if cell.delivery_days is not None:
		details += f" &middot; {cell.delivery_days} {words['days']}"
	alternative = cell.alternative_item or cell.alternative_description
	if alternative:
		details += f"<br>{words['alternative']}: {escape_html(alternative)}"
	return Markup(f'{evaluated}<br><small class="text-muted">{details}</small>')


def print_matrix(tender, matrix: ComparisonMatrix) -> frappe._dict:
	"""The matrix for the Bid Comparison print: suppliers in groups of :data:`PRINT_GROUP`, each
	group a table of every line (a printed page stays readable); each cell's inside is made here
	once (:func:`print_cell`), amounts formatted by :class:`MoneyFormat`."""
	money = MoneyFormat()
	currency = matrix.company_currency
	words = {"days": escape_html(_("days")), "alternative": escape_html(_("Alternative"))}
	rows = {row.name: row for row in tender.items}
	suppliers = list(matrix.suppliers)
	groups = []
	for first in range(0, len(suppliers), PRINT_GROUP):
		group = suppliers[first : first + PRINT_GROUP]
		lines = []
		for line_id in matrix.line_ids:
			best, cells = matrix.best[line_id], matrix.cells[line_id]
			lines.append(
				frappe._dict(
					item=line_label(rows[line_id]),
					qty=flt(matrix.requested_qty[line_id]),
					cells=[print_cell(cells[s], s == best, money, currency, words) for s in group],
				)
			)
		groups.append(
			frappe._dict(
				suppliers=group,
				totals=[money(matrix.evaluated_total(s), currency) for s in group],
				lines=lines,
			)
		)
	return frappe._dict(company_currency=currency, suppliers=suppliers, groups=groups)
