"""Sales plan against fact: the arithmetic of the "Plan vs Fact" report (no Frappe).

- A plan period is a calendar month or quarter; a plan given for any day of it is the plan of the
  whole period (:func:`period_bounds`).
- A quarter's plan is the rep's quarter plan when there is one, else the sum of their month plans
  of that quarter (:func:`period_plan`).
- % done is fact against plan; the run-rate projection extends the fact earned in the days gone to
  the whole period (calendar days: a rep who sold 300 in the first 10 days of a 30-day month is
  projected at 900); the gap is what neither the fact nor the weighted open pipeline closing in
  the period covers.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from crm_ext.logic.errors import LogicError, _

MONTH, QUARTER = "Month", "Quarter"
PERIOD_TYPES = (MONTH, QUARTER)


def period_bounds(period_type: str, day: date) -> tuple[date, date]:
	"""(first day, last day) of the month or quarter holding ``day``."""
	if period_type not in PERIOD_TYPES:
		raise LogicError(
			_("Period Type must be Month or Quarter, not {0}."), period_type, field="period_type"
		)
	first_month = day.month if period_type == MONTH else 3 * ((day.month - 1) // 3) + 1
	start = date(day.year, first_month, 1)
	months = 1 if period_type == MONTH else 3
	next_month = first_month + months
	next_start = date(day.year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
	return start, next_start - timedelta(days=1)


def period_plan(period_type: str, plans: dict[str, float]) -> float:
	"""The plan of a period from a rep's plans ``{period type: amount}`` found in it: a quarter
	without its own plan adds up the month plans inside it; a month has only its own."""
	if period_type == QUARTER and QUARTER not in plans:
		return plans.get(MONTH, 0.0)
	return plans.get(period_type, 0.0)


def percent_done(fact: float, plan: float) -> float | None:
	"""Fact against plan, in % (one decimal); None when there is no plan to measure against."""
	if plan <= 0:
		return None
	return round(100.0 * fact / plan, 1)


def run_rate_projection(fact: float, start: date, end: date, as_of: date) -> float:
	"""The fact the period will end with if sales go on at the pace of the days gone by (``as_of``
	counted as gone). Before the period nothing is projected; after it the fact is final."""
	if end < start:
		raise LogicError(_("The period ends before it starts."), field="period_end")
	if as_of >= end or as_of < start:
		return fact
	days_gone = (as_of - start).days + 1
	days_total = (end - start).days + 1
	return fact * days_total / days_gone


def remaining(plan: float, fact: float) -> float:
	"""What is left of the plan (never below zero: a plan done is done)."""
	return max(plan - fact, 0.0)


def gap(plan: float, fact: float, weighted_pipeline: float) -> float:
	"""What neither the fact nor the weighted open pipeline closing in the period covers."""
	return max(plan - fact - max(weighted_pipeline, 0.0), 0.0)


@dataclass(frozen=True)
class PlanLine:
	plan: float
	fact: float
	weighted_pipeline: float
	percent: float | None
	projection: float
	projected_percent: float | None
	remaining: float
	gap: float


def plan_line(
	plan: float,
	fact: float,
	weighted_pipeline: float,
	start: date,
	end: date,
	as_of: date,
	precision: int = 2,
) -> PlanLine:
	"""Every figure of a report row, rounded once at ``precision``."""
	projection = run_rate_projection(fact, start, end, as_of)
	return PlanLine(
		plan=round(plan, precision),
		fact=round(fact, precision),
		weighted_pipeline=round(weighted_pipeline, precision),
		percent=percent_done(fact, plan),
		projection=round(projection, precision),
		projected_percent=percent_done(projection, plan),
		remaining=round(remaining(plan, fact), precision),
		gap=round(gap(plan, fact, weighted_pipeline), precision),
	)
