"""The maths of the sales analytics: funnel conversion, percentiles, ABC / RFM segments, forecast.

The reports aggregate in SQL and hand these functions small tables (one row per stage, per
histogram bucket, per customer, per month); nothing here knows about Frappe.

- Funnel: a card *reached* a stage when it entered that stage or any later one (cards may skip
  stages), so "reached" only decreases along the pipeline and conversions never exceed 100 %.
- Percentiles: linear interpolation between closest ranks (R type 7, ``statistics.quantiles``
  with ``method="inclusive"``, numpy's default), computed from a histogram of (value, count).
- ABC: customers sorted by revenue, largest first; a customer is in A while the revenue of the
  customers before it is below the A share of the total (so the customer that crosses the line is
  still A), in B while below A + B share, else C.
- RFM: each of recency, frequency and monetary value scored 1..bins by rank: the share of
  customers with a strictly worse value decides the score, so equal values score equally.
- Forecast: open amount x stage probability / 100, summed per bucket, in company currency.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from crm_ext.logic.errors import LogicError, _
from crm_ext.logic.receivables import to_decimal

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


# --- funnel ---------------------------------------------------------------------------------


def percent(part, whole, digits: int = 1) -> float | None:
	"""``part`` as a percentage of ``whole`` rounded to ``digits``; None when ``whole`` is 0."""
	whole = to_decimal(whole)
	if not whole:
		return None
	return float(round(to_decimal(part) * _HUNDRED / whole, digits))


def ratio(part, whole, digits: int = 2) -> float | None:
	"""``part`` / ``whole`` rounded to ``digits``; None when ``whole`` is 0 or missing."""
	whole = to_decimal(whole or 0)
	if not whole:
		return None
	return float(round(to_decimal(part or 0) / whole, digits))


def mean_score(scores: Iterable[object], digits: int = 1) -> float | None:
	"""The mean of the scores that are known (None left out), rounded; None when none is known.
	The supplier rating: qualification score and on-time delivery %, each 0..100."""
	known = [to_decimal(score) for score in scores if score is not None]
	if not known:
		return None
	return float(round(sum(known, _ZERO) / len(known), digits))


def reached_counts(furthest: Mapping[int, int], orders: Sequence[int]) -> dict[int, int]:
	"""Cards that reached each stage order, from the count of cards by the furthest order they reached.

	``furthest`` maps a stage order to the number of cards whose furthest stage has that order
	(orders of removed stages may appear: they still count for the stages before them).
	"""
	result = {}
	for order in orders:
		result[order] = sum(count for furthest_order, count in furthest.items() if furthest_order >= order)
	return result


@dataclass(frozen=True)
class FunnelStep:
	stage: str
	reached: int
	to_next: float | None  # % of this stage's cards that reached the next stage
	overall: float | None  # % of the first stage's cards that reached this stage


def funnel(stages: Sequence[tuple[str, int]], furthest: Mapping[int, int]) -> list[FunnelStep]:
	"""One step per stage, ``stages`` = [(name, order), ...] of the open and won stages."""
	stages = sorted(stages, key=lambda s: s[1])
	reached = reached_counts(furthest, [order for _name, order in stages])
	first = reached[stages[0][1]] if stages else 0
	steps = []
	for i, (name, order) in enumerate(stages):
		count = reached[order]
		to_next = percent(reached[stages[i + 1][1]], count) if i + 1 < len(stages) else None
		steps.append(FunnelStep(name, count, to_next, percent(count, first)))
	return steps


# --- percentiles ----------------------------------------------------------------------------


def histogram_percentile(histogram: Iterable[tuple[float, int]], q: float) -> float | None:
	"""The ``q`` quantile (0..1) of the values described by ``histogram`` = [(value, count), ...].

	Linear interpolation between the closest ranks (R type 7); None for no values. Rows with a
	zero or negative count are ignored.
	"""
	if not 0 <= q <= 1:
		raise LogicError(_("A percentile must be between 0 and 100, not {0}."), q * 100, field="q")
	rows = sorted((float(v), int(c)) for v, c in histogram if c and c > 0)
	n = sum(c for _v, c in rows)
	if not n:
		return None
	position = (n - 1) * q
	lower = math.floor(position)
	fraction = position - lower
	low_value = _value_at_rank(rows, lower)
	if not fraction:
		return low_value
	high_value = _value_at_rank(rows, lower + 1)
	return low_value + (high_value - low_value) * fraction


def _value_at_rank(rows: list[tuple[float, int]], rank: int) -> float:
	"""The value at 0-based ``rank`` of the sorted expansion of ``rows``."""
	seen = 0
	for value, count in rows:
		seen += count
		if rank < seen:
			return value
	return rows[-1][0]


def median_p90(histogram: Iterable[tuple[float, int]]) -> tuple[float | None, float | None]:
	rows = list(histogram)
	return histogram_percentile(rows, 0.5), histogram_percentile(rows, 0.9)


# --- ABC ------------------------------------------------------------------------------------

DEFAULT_ABC_SHARES = (80, 15)  # A, B; C is the rest


def check_abc_shares(a_share, b_share) -> tuple[Decimal, Decimal]:
	a, b = to_decimal(a_share, "a_share"), to_decimal(b_share, "b_share")
	if not (0 < a <= _HUNDRED) or b < 0 or a + b > _HUNDRED:
		raise LogicError(
			_("ABC shares must be A between 0 and 100 and A + B at most 100 (got A {0} %, B {1} %)."),
			a,
			b,
			field="a_share",
		)
	return a, b


def abc_classes(revenues: Mapping[str, object], a_share=80, b_share=15) -> dict[str, str]:
	""" "A", "B" or "C" for each key of ``revenues`` (amounts; credit notes already netted)."""
	a, b = check_abc_shares(a_share, b_share)
	amounts = {key: to_decimal(value) for key, value in revenues.items()}
	total = sum((v for v in amounts.values() if v > 0), _ZERO)
	result = {}
	before = _ZERO
	for key in sorted(amounts, key=lambda k: (-amounts[k], k)):
		amount = amounts[key]
		if amount <= 0 or not total:
			result[key] = "C"
			continue
		share_before = before * _HUNDRED
		if share_before < a * total:
			result[key] = "A"
		elif share_before < (a + b) * total:
			result[key] = "B"
		else:
			result[key] = "C"
		before += amount
	return result


# --- RFM ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RFMInput:
	recency_days: float  # days since the last purchase (lower is better)
	frequency: int  # number of invoices
	monetary: object  # revenue


def rank_scores(values: Mapping[str, object], bins: int = 5, higher_is_better: bool = True) -> dict[str, int]:
	"""Score 1..bins per key: 1 + floor(bins x share of keys with a strictly worse value)."""
	if bins < 1:
		raise LogicError(_("RFM needs at least one score level, not {0}."), bins, field="bins")
	decimals = {k: to_decimal(v) for k, v in values.items()}
	ordered = sorted(decimals.values())
	n = len(ordered)
	scores = {}
	for key, value in decimals.items():
		if higher_is_better:
			worse = _count_below(ordered, value)
		else:
			worse = n - _count_at_most(ordered, value)
		scores[key] = 1 + (worse * bins) // n
	return scores


def _count_below(ordered: list, value) -> int:
	from bisect import bisect_left

	return bisect_left(ordered, value)


def _count_at_most(ordered: list, value) -> int:
	from bisect import bisect_right

	return bisect_right(ordered, value)


def rfm_scores(customers: Mapping[str, RFMInput], bins: int = 5) -> dict[str, tuple[int, int, int]]:
	"""(R, F, M) scores 1..bins per customer; 5 = most recent / most frequent / highest revenue."""
	r = rank_scores({k: c.recency_days for k, c in customers.items()}, bins, higher_is_better=False)
	f = rank_scores({k: c.frequency for k, c in customers.items()}, bins)
	m = rank_scores({k: c.monetary for k, c in customers.items()}, bins)
	return {k: (r[k], f[k], m[k]) for k in customers}


# --- forecast -------------------------------------------------------------------------------


def weighted_amount(amount, probability) -> Decimal:
	"""``amount`` x ``probability`` % (probability clamped to 0..100)."""
	p = min(max(to_decimal(probability, "probability"), _ZERO), _HUNDRED)
	return to_decimal(amount) * p / _HUNDRED


@dataclass(frozen=True)
class ForecastLine:
	bucket: str
	amount: object  # in the row's currency
	probability: object = 100
	rate: object = 1  # to company currency


@dataclass
class ForecastBucket:
	bucket: str
	pipeline: Decimal = _ZERO  # open amount, unweighted
	weighted: Decimal = _ZERO
	invoiced_unpaid: Decimal = _ZERO

	@property
	def expected(self) -> Decimal:
		return self.weighted + self.invoiced_unpaid


def forecast(
	pipeline: Iterable[ForecastLine], unpaid: Iterable[ForecastLine] = ()
) -> dict[str, ForecastBucket]:
	"""Per bucket: open pipeline, pipeline weighted by probability, invoiced-unpaid (all x rate)."""
	buckets: dict[str, ForecastBucket] = {}
	for line in pipeline:
		bucket = buckets.setdefault(line.bucket, ForecastBucket(line.bucket))
		amount = to_decimal(line.amount) * to_decimal(line.rate, "rate")
		bucket.pipeline += amount
		bucket.weighted += weighted_amount(amount, line.probability)
	for line in unpaid:
		bucket = buckets.setdefault(line.bucket, ForecastBucket(line.bucket))
		bucket.invoiced_unpaid += to_decimal(line.amount) * to_decimal(line.rate, "rate")
	return dict(sorted(buckets.items()))


def coverage(amount, target) -> float | None:
	"""``amount`` as a % of ``target`` (pipeline coverage); None without a positive target."""
	target = to_decimal(target, "target")
	if target <= 0:
		return None
	return percent(amount, target)


# Bucket keys that sort before and after every month "YYYY-MM".
BEFORE_PERIOD = "0000-00"
NO_DATE = "9999-99"


def month_bucket(month: str | None, first: str) -> str:
	"""A month "YYYY-MM"; earlier than ``first`` goes to BEFORE_PERIOD, no month to NO_DATE."""
	if not month:
		return NO_DATE
	return BEFORE_PERIOD if month < first else month
