"""Award: per line or for the whole tender, purchase-order grouping, savings.

**Who competes for a line** (:class:`LineStanding`, :func:`line_standing`): when the caller gives
``standings`` (line id -> supplier -> standing), only the suppliers standing on a line may win it;
a supplier absent there is not eligible for the line (the eligibility answer blocks it, or the
tender admits it only as a supplier qualified for the line's category and it is not). Among the
eligible ones, the *preferred* (qualified for the line's category, or qualification not checked)
compete first: an eligible but unqualified supplier (eligibility "Warn") wins a line only when no
preferred supplier offered it. A line offered only by suppliers not eligible for it is not
awarded (None). Without ``standings`` every bidder competes.

**Per line** (:func:`award_per_line`): each tender line goes to the competing offered cell with
the highest weighted score on that line, scored against the other competitors of that line only
(price = the line's evaluated unit price, delivery = the line's delivery days, qualification =
the score of the qualification covering the line's category, or the supplier's score without
standings; see :mod:`.scoring`): nothing of the supplier's other lines counts. Ties: lower evaluated price, then
earlier submission, then supplier name. A line nobody offered is not awarded (None); a
not-offered cell is never a candidate. The awarded quantity is the quantity the winner offered,
which may be less than requested when the tender accepts partial offers (``requested_qty`` is
kept on the award so the shortfall shows). A missing delivery time (which a validated bid never
has) counts as one day slower than the slowest known offer, never as immediate delivery.

**Whole tender** (:func:`award_whole_tender`): only *complete* bids compete - those offering every
line for at least the requested quantity - so a whole-tender award, too, never contains a
not-offered line; with ``standings``, only suppliers eligible for every line, the ones preferred
on every line first. ``method="lowest_total"`` (the default, the classic rule of public
procurement) picks the lowest evaluated total (evaluated unit prices x requested quantities);
``method="best_score"`` picks the highest weighted score, where a bid's price is that total and
its delivery time is its slowest line. Ties as above. None when no bid is complete.

**Savings** (:func:`savings`): over awarded lines, ``(baseline - awarded unit price) x awarded
qty``, all in company currency. The awarded unit price is the *converted* price (what will be
paid), not the evaluated one. The baseline is the line's budget unit price (0 counts as no budget), or else the lowest
converted unit price of the first round (:func:`first_round_prices`); lines with neither are
listed, not guessed. Negative savings (paying more than budget) are kept: they are the truth.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from crm_ext.logic.tender.amounts import ZERO, Number
from crm_ext.logic.tender.comparison import Cell, ComparisonMatrix
from crm_ext.logic.tender.model import TenderLine
from crm_ext.logic.tender.scoring import Weights, check_qualification, weighted_scores

AwardMethod = Literal["lowest_total", "best_score"]
_PRICE_ONLY = Weights()


@dataclass(frozen=True)
class LineAward:
	"""A tender line awarded to a supplier: what its purchase order line will say."""

	line_id: str
	supplier: str
	qty: Decimal
	requested_qty: Decimal
	currency: str
	unit_price: Decimal
	converted_unit_price: Decimal
	evaluated_unit_price: Decimal
	score: Decimal
	alternative_item: str = ""
	alternative_description: str = ""

	@property
	def shortfall(self) -> Decimal:
		"""Requested quantity the award does not cover (0 when fully covered)."""
		return max(self.requested_qty - self.qty, ZERO)


@dataclass(frozen=True)
class LineStanding:
	"""A supplier eligible for a tender line: ``preferred`` when qualified for the line's category
	(or qualification is not checked); ``qualification`` is the score (0..100) that counts on the
	line: the one of the qualification covering its category."""

	preferred: bool = True
	qualification: Number = ZERO

	def __post_init__(self):
		object.__setattr__(self, "qualification", check_qualification(self.qualification))


Standings = Mapping[str, Mapping[str, LineStanding]]


def line_standing(
	eligible: bool,
	qualified: bool,
	qualification_checked: bool,
	qualification_required: bool,
	qualification: Number = ZERO,
) -> LineStanding | None:
	"""The standing of a supplier on one line, or None when it may not be awarded the line.

	``eligible``: nothing in the eligibility answer blocks it for the line's category (disabled,
	on hold, scorecard, or unqualified when settings say Block); ``qualified``: a valid
	qualification covers the line's category (True for a line without category);
	``qualification_checked``: settings do not say Off; ``qualification_required``: the tender
	admits this supplier only because it is qualified (an open tender it was not invited to).
	"""
	if not eligible or (qualification_required and not qualified):
		return None
	return LineStanding(preferred=qualified or not qualification_checked, qualification=qualification)


@dataclass(frozen=True)
class WholeTenderAward:
	"""The whole tender awarded to one supplier."""

	supplier: str
	evaluated_total: Decimal
	score: Decimal
	lines: dict[str, LineAward]


@dataclass(frozen=True)
class LineSavings:
	line_id: str
	baseline: Decimal
	baseline_source: Literal["budget", "first_round"]
	awarded_unit_price: Decimal
	qty: Decimal
	amount: Decimal


@dataclass(frozen=True)
class Savings:
	"""Total savings in company currency, per line, and awarded lines lacking a baseline."""

	total: Decimal
	lines: tuple[LineSavings, ...]
	lines_without_baseline: tuple[str, ...]


def _qualifications(
	suppliers: Iterable[str], qualification_scores: Mapping[str, Number] | None
) -> dict[str, Decimal]:
	scores = qualification_scores or {}
	return {supplier: check_qualification(scores.get(supplier)) for supplier in suppliers}


def _known_days(days: list[int | None]) -> list[int]:
	"""Delivery days with unknown ones counted one day slower than the slowest known one."""
	slower = max((d for d in days if d is not None), default=0) + 1
	return [slower if d is None else d for d in days]


def _line_award(matrix: ComparisonMatrix, cell: Cell, score: Decimal) -> LineAward:
	return LineAward(
		line_id=cell.line_id,
		supplier=cell.supplier,
		qty=cell.qty,
		requested_qty=matrix.requested_qty[cell.line_id],
		currency=cell.currency,
		unit_price=cell.unit_price,
		converted_unit_price=cell.converted_unit_price,
		evaluated_unit_price=cell.evaluated_unit_price,
		score=score,
		alternative_item=cell.alternative_item,
		alternative_description=cell.alternative_description,
	)


def cell_award(matrix: ComparisonMatrix, cell: Cell) -> LineAward:
	"""The award of ``cell``'s line to its supplier at its offer (a buyer's override: no score)."""
	return _line_award(matrix, cell, ZERO)


def competing_cells(matrix: ComparisonMatrix, line_id: str, standings: Standings | None) -> list[Cell]:
	"""The offered cells of a line that compete for it (see the module docstring), in bid order."""
	offered = matrix.offered_cells(line_id)
	if standings is None:
		return offered
	on_line = standings.get(line_id, {})
	eligible = [c for c in offered if c.supplier in on_line]
	preferred = [c for c in eligible if on_line[c.supplier].preferred]
	return preferred or eligible


def award_per_line(
	matrix: ComparisonMatrix,
	weights: Weights = _PRICE_ONLY,
	qualification_scores: Mapping[str, Number] | None = None,
	standings: Standings | None = None,
) -> dict[str, LineAward | None]:
	"""Line id -> the award of that line (None when no eligible supplier offered it), in tender
	order."""
	quals = _qualifications(matrix.suppliers, qualification_scores)
	awards: dict[str, LineAward | None] = {}
	for line_id in matrix.line_ids:
		competing = competing_cells(matrix, line_id, standings)
		if not competing:
			awards[line_id] = None
			continue
		line_quals = (
			[standings[line_id][c.supplier].qualification for c in competing]
			if standings is not None
			else [quals[c.supplier] for c in competing]
		)
		scores = weighted_scores(
			[c.evaluated_unit_price for c in competing],
			_known_days([c.delivery_days for c in competing]),
			line_quals,
			weights,
		)
		score, cell = min(
			zip(scores, competing, strict=True),
			key=lambda sc: (-sc[0].total, sc[1].evaluated_unit_price, matrix.tie_key(sc[1].supplier)),
		)
		awards[line_id] = _line_award(matrix, cell, score.total)
	return awards


def award_whole_tender(
	matrix: ComparisonMatrix,
	weights: Weights = _PRICE_ONLY,
	qualification_scores: Mapping[str, Number] | None = None,
	method: AwardMethod = "lowest_total",
	standings: Standings | None = None,
) -> WholeTenderAward | None:
	"""The supplier winning the whole tender among complete bids (see the module docstring)."""
	if method not in ("lowest_total", "best_score"):
		raise ValueError(f"unknown award method {method!r}")
	complete = [s for s in matrix.suppliers if matrix.is_complete(s)]
	if standings is not None:
		complete = [s for s in complete if all(s in standings.get(line, {}) for line in matrix.line_ids)]
		preferred = [s for s in complete if all(standings[line][s].preferred for line in matrix.line_ids)]
		complete = preferred or complete
	if not complete:
		return None
	quals = _qualifications(complete, qualification_scores)
	totals = {s: matrix.evaluated_total(s) for s in complete}
	scores = dict(
		zip(
			complete,
			weighted_scores(
				[totals[s] for s in complete],
				_known_days([matrix.max_delivery_days(s) for s in complete]),
				[quals[s] for s in complete],
				weights,
			),
			strict=True,
		)
	)
	if method == "lowest_total":
		winner = min(complete, key=lambda s: (totals[s], -scores[s].total, matrix.tie_key(s)))
	else:
		winner = min(complete, key=lambda s: (-scores[s].total, totals[s], matrix.tie_key(s)))
	lines = {
		line_id: _line_award(matrix, matrix.cell(line_id, winner), scores[winner].total)
		for line_id in matrix.line_ids
	}
	return WholeTenderAward(winner, totals[winner], scores[winner].total, lines)


def purchase_order_groups(awards: Iterable[LineAward | None]) -> dict[str, list[LineAward]]:
	"""Supplier -> its awarded lines, in the given order: one Purchase Order per supplier.

	A supplier's bid has one currency, so each group is in one currency, as a Purchase Order is.
	"""
	groups: dict[str, list[LineAward]] = {}
	for award in awards:
		if award is not None:
			groups.setdefault(award.supplier, []).append(award)
	return groups


def first_round_prices(matrix: ComparisonMatrix) -> dict[str, Decimal]:
	"""Line id -> lowest converted unit price offered in this (first-round) matrix."""
	prices = {}
	for line_id in matrix.line_ids:
		offered = [cell.converted_unit_price for cell in matrix.offered_cells(line_id)]
		if offered:
			prices[line_id] = min(offered)
	return prices


def savings(
	tender_lines: Iterable[TenderLine],
	awards: Iterable[LineAward | None],
	first_round: Mapping[str, Decimal] | None = None,
) -> Savings:
	"""Savings of ``awards`` against budget or first-round prices (see the module docstring)."""
	lines_by_id = {line.line_id: line for line in tender_lines}
	first_round = first_round or {}
	per_line: list[LineSavings] = []
	missing: list[str] = []
	for award in awards:
		if award is None:
			continue
		budget = lines_by_id[award.line_id].budget_unit_price
		if budget:  # None or 0: no budget (an empty Currency field reads as 0)
			baseline, source = budget, "budget"
		elif award.line_id in first_round:
			baseline, source = first_round[award.line_id], "first_round"
		else:
			missing.append(award.line_id)
			continue
		amount = (baseline - award.converted_unit_price) * award.qty
		per_line.append(
			LineSavings(award.line_id, baseline, source, award.converted_unit_price, award.qty, amount)
		)
	return Savings(sum((s.amount for s in per_line), ZERO), tuple(per_line), tuple(missing))
