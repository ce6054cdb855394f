"""Weighted scoring of competing offers: price, delivery time and supplier qualification.

Every component is a score from 0 to 100, relative to the best competing offer:

- price: ``100 x lowest price / price`` (the lowest price scores 100, twice that price 50);
- delivery: ``100 x (30 + shortest days) / (30 + days)``: delivery times are compared on the
  scale of a month (:data:`DELIVERY_SCALE_DAYS`), so that a relative difference counts as a price
  difference does: an offer a month slower than an ex-stock one scores 50, as an offer twice as
  dear does. Without the scale (``1 + days``) an ex-stock offer (often a delivery time left at 0)
  made every other offer "ten times slower" than itself at 9 days, and the dearest bid won lines
  on the delivery weight alone;
- qualification: the supplier's qualification score as it is (0..100; none counts as 0).

The weighted score is ``sum(weight x component) / sum(weights)``: weights are any non-negative
numbers with a positive sum (e.g. 60 / 20 / 20 or 0.6 / 0.2 / 0.2), normalised here. The result
lies in 0..100, and lowering an offer's price (or delivery time) never lowers its score; other
offers' scores may fall, since the best price moved. Scores are unrounded; round for display.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from crm_ext.logic.errors import _
from crm_ext.logic.tender.amounts import HUNDRED, ZERO, Number, coerce_fields, to_decimal
from crm_ext.logic.tender.errors import TenderError

_ONE = Decimal(1)
# Delivery times are compared as (scale + days): see the module docstring.
DELIVERY_SCALE_DAYS = 30


@dataclass(frozen=True)
class Weights:
	"""Relative weights of price, delivery time and qualification score."""

	price: Number = _ONE
	delivery: Number = ZERO
	qualification: Number = ZERO

	def __post_init__(self):
		coerce_fields(self, "price", "delivery", "qualification")
		if min(self.price, self.delivery, self.qualification) < ZERO:
			raise TenderError(_("Scoring weights cannot be negative."), field="weights")
		if self.total == ZERO:
			raise TenderError(_("Give at least one scoring weight above 0."), field="weights")

	@property
	def total(self) -> Decimal:
		return self.price + self.delivery + self.qualification


@dataclass(frozen=True)
class Candidate:
	"""One competing offer: evaluated price (> 0), delivery days (>= 0), qualification (0..100)."""

	key: str
	price: Number
	delivery_days: int
	qualification: Number | None = None

	def __post_init__(self):
		coerce_fields(self, "price", optional=("qualification",))
		if self.price <= ZERO:
			raise TenderError(_("Only offered lines (price above 0) can be scored."), field="unit_price")
		if self.delivery_days < 0:
			raise TenderError(_("Delivery days cannot be negative."), field="delivery_days")
		object.__setattr__(self, "qualification", check_qualification(self.qualification))


@dataclass(frozen=True)
class Score:
	"""Component scores and the weighted total, each in 0..100."""

	price: Decimal
	delivery: Decimal
	qualification: Decimal
	total: Decimal


def check_qualification(value: Number | None) -> Decimal:
	"""A qualification score as a Decimal in 0..100 (None counts as 0)."""
	score = ZERO if value is None else to_decimal(value)
	if not ZERO <= score <= HUNDRED:
		raise TenderError(_("A qualification score lies between 0 and 100."), field="qualification_score")
	return score


def weighted_scores(
	prices: Sequence[Decimal],
	delivery_days: Sequence[int],
	qualifications: Sequence[Decimal],
	weights: Weights,
) -> list[Score]:
	"""Scores of parallel sequences of already validated values (the fast path of awards)."""
	if not prices:
		return []
	best_price = min(prices)
	best_days = Decimal(DELIVERY_SCALE_DAYS + min(delivery_days))
	wp, wd, wq, wt = weights.price, weights.delivery, weights.qualification, weights.total
	scores = []
	for price, days, qual in zip(prices, delivery_days, qualifications, strict=True):
		price_score = HUNDRED * (best_price / price)
		delivery_score = HUNDRED * (best_days / Decimal(DELIVERY_SCALE_DAYS + days))
		total = (wp * price_score + wd * delivery_score + wq * qual) / wt
		scores.append(Score(price_score, delivery_score, qual, min(max(total, ZERO), HUNDRED)))
	return scores


def score_candidates(candidates: Sequence[Candidate], weights: Weights) -> dict[str, Score]:
	"""Candidate key -> Score, each candidate scored against all the others."""
	keys = [c.key for c in candidates]
	if len(set(keys)) != len(keys):
		raise ValueError("candidate keys must be unique")
	scores = weighted_scores(
		[c.price for c in candidates],
		[c.delivery_days for c in candidates],
		[c.qualification for c in candidates],
		weights,
	)
	return dict(zip(keys, scores, strict=True))
