"""The summary rows of the sales analytics: what one card (with its stage log) and one interaction
add to the summary tables. Nothing here knows about Frappe.

The stage log and the interactions are the source of truth; the summaries are counts over them,
keyed by day (the histogram of days in stage by month), so that a report over a period reads a
few thousand rows instead of every move ever logged. A card's rows depend on its stage log and
on what the reports filter and group it by (its responsible rep, company, pipeline, creation,
current stage kind and lost reason): when either changes, the card's rows before the change are
taken away and its rows after it added (:func:`delta`), in the same transaction.

Measures of the stage summary (key: measure, day, pipeline, stage, kind, lost reason, rep, company):

- ``Furthest``: per card and pipeline it has moved in, 1 on the day it entered the pipeline (its
  first move to an open or won stage there), keyed by its furthest stage (the open or won stage of
  that pipeline with the highest order it ever entered; ties: the greatest name). The Sales Funnel.
- ``Lost``: per card lost now, and per pipeline and stage it was moved into a lost stage from,
  1 on the day the card was created, keyed by that stage ("" when created lost) and its lost
  reason. The funnel's losses.
- ``Moved``: per move, 1 on its day, keyed by the stage it moved to and that stage's kind then.
- ``Created``: per card, 1 on the day it was created, keyed by its pipeline now.

The stay histogram (key: month, pipeline, stage, days, rep, company): per move out of a stage, 1
in the month of the move, keyed by the stage left and the days spent in it rounded to a tenth
(the resolution of Time in Stage's percentiles).

The interaction summary (key: day, rep, type, logged by the rep): per interaction, 1 on the day it
started, keyed by who handled it, its type and whether its handler logged it.

The viewer summary (key: viewer, measure, day, pipeline, stage, lost reason, days, rep, company,
customer): the card's ``Furthest`` and ``Lost`` rows, its stay rows (measure ``Stay``, day: the
month, days: the days in the stage left) and, for a card with a customer, 1 keyed by its pipeline
and customer (measure ``Customer``, no day), once for each user the Sales Lead row rule shows the
card to (its Responsible, its creator and the users it is assigned to: :func:`card_viewers`). A
rep's funnel and time in stage read their own rows, and the invoice-based reports the customers of
their cards, instead of checking the rule on every card.

Every missing value is "" in a key (the tables store "" so that keys compare equal).
"""

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

FURTHEST = "Furthest"
LOST = "Lost"
MOVED = "Moved"
CREATED = "Created"
MEASURES = (FURTHEST, LOST, MOVED, CREATED)
STAY = "Stay"
CUSTOMER = "Customer"
# the measures the viewer summary repeats per viewer (with STAY and CUSTOMER)
VIEWER_MEASURES = (FURTHEST, LOST)
FUNNEL_KINDS = ("Open", "Won")
LOST_KIND = "Lost"

# key of a stage summary row: (measure, day, pipeline, stage, kind, lost reason, rep, company)
StageKey = tuple[str, date, str, str, str, str, str, str]
# key of a stay row: (month, pipeline, stage left, days in it, rep, company)
StayKey = tuple[date, str, str, Decimal, str, str]
# key of an interaction row: (day, rep, interaction type, logged by the rep: 0 / 1)
InteractionKey = tuple[date, str, str, int]
# key of a viewer summary row: (viewer, measure, day, pipeline, stage, lost reason, days, rep, company,
# customer)
ViewerKey = tuple[str, str, date | None, str, str, str, Decimal, str, str, str]


@dataclass(frozen=True)
class Card:
	"""What the summaries read of a Sales Lead."""

	rep: str | None
	company: str | None
	pipeline: str | None
	created: datetime
	stage_kind: str | None
	lost_reason: str | None
	customer: str | None = None


@dataclass(frozen=True)
class Move:
	"""One row of the stage log."""

	pipeline: str | None
	from_stage: str | None
	to_stage: str | None
	to_kind: str | None
	changed_on: datetime
	days: object = 0


NO_DAYS = Decimal("0.0")


def text(value) -> str:
	return "" if value is None else str(value)


def stay_days(days) -> Decimal:
	"""Days in a stage rounded to a tenth, halves away from zero (as SQL's ROUND on a decimal)."""
	value = Decimal(str(days if days is not None else 0))
	return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) + Decimal(0)


def first_of_month(moment) -> date:
	return date(moment.year, moment.month, 1)


def day_of(moment) -> date:
	return moment.date() if isinstance(moment, datetime) else moment


def stage_rows(
	card: Card | None, moves: Iterable[Move], funnel_orders: Mapping[str, Mapping[str, int]]
) -> Counter:
	"""The stage summary rows of one card. ``funnel_orders``: {pipeline: {open or won stage: its
	order}} of the pipelines the card moved in. A card that no longer exists has no rows."""
	rows: Counter = Counter()
	if card is None:
		return rows
	moves = list(moves)
	rep, company = text(card.rep), text(card.company)
	rows[(CREATED, day_of(card.created), text(card.pipeline), "", "", "", rep, company)] += 1
	for move in moves:
		key = (MOVED, day_of(move.changed_on), text(move.pipeline), text(move.to_stage), text(move.to_kind))
		rows[(*key, "", rep, company)] += 1
	for pipeline, (entered, stage) in furthest_stages(moves, funnel_orders).items():
		rows[(FURTHEST, day_of(entered), pipeline, stage, "", "", rep, company)] += 1
	if card.stage_kind == LOST_KIND:
		lost_from = {
			(move.pipeline, text(move.from_stage))
			for move in moves
			if move.to_kind == LOST_KIND and move.pipeline
		}
		for pipeline, stage in lost_from:
			rows[(LOST, day_of(card.created), pipeline, stage, "", text(card.lost_reason), rep, company)] += 1
	return rows


def furthest_stages(
	moves: Iterable[Move], funnel_orders: Mapping[str, Mapping[str, int]]
) -> dict[str, tuple[datetime, str]]:
	"""{pipeline: (entered, furthest stage)} for the pipelines the card entered and reached an open
	or won stage of (a move to a stage that is no longer open or won counts for ``entered`` only,
	as in the report)."""
	entered: dict[str, datetime] = {}
	furthest: dict[str, tuple[int, str]] = {}
	for move in moves:
		if not move.pipeline or move.to_kind not in FUNNEL_KINDS:
			continue
		if move.pipeline not in entered or move.changed_on < entered[move.pipeline]:
			entered[move.pipeline] = move.changed_on
		order = funnel_orders.get(move.pipeline, {}).get(move.to_stage)
		if order is not None:
			candidate = (order, move.to_stage)
			if move.pipeline not in furthest or candidate > furthest[move.pipeline]:
				furthest[move.pipeline] = candidate
	return {pipeline: (entered[pipeline], stage) for pipeline, (_order, stage) in furthest.items()}


def stay_rows(card: Card | None, moves: Iterable[Move]) -> Counter:
	"""The stay histogram rows of one card: one per move out of a stage."""
	rows: Counter = Counter()
	if card is None:
		return rows
	rep, company = text(card.rep), text(card.company)
	for move in moves:
		if move.from_stage is None:
			continue
		month = first_of_month(move.changed_on)
		rows[(month, text(move.pipeline), move.from_stage, stay_days(move.days), rep, company)] += 1
	return rows


def card_viewers(rep, owner, assigned) -> frozenset[str]:
	"""The users the Sales Lead row rule shows a card to: its Responsible (``rep``), its creator
	(``owner``) and the users in its ``_assign`` (a JSON list, as Frappe stores it; anything else
	assigns nobody)."""
	users = {rep, owner}
	if assigned:
		try:
			listed = json.loads(assigned)
		except ValueError:
			listed = []
		if isinstance(listed, list):
			users.update(user for user in listed if isinstance(user, str))
	return frozenset(user for user in users if user)


def viewer_rows(card: Card | None, stage: Counter, stay: Counter, viewers: Iterable[str]) -> Counter:
	"""A card's viewer summary rows, from its stage summary and stay rows and its viewers."""
	rows: Counter = Counter()
	if card is None:
		return rows
	for viewer in viewers:
		for (measure, day, pipeline, stage_name, _kind, reason, rep, company), n in stage.items():
			if measure in VIEWER_MEASURES:
				rows[(viewer, measure, day, pipeline, stage_name, reason, NO_DAYS, rep, company, "")] += n
		for (month, pipeline, stage_name, days, rep, company), n in stay.items():
			rows[(viewer, STAY, month, pipeline, stage_name, "", days, rep, company, "")] += n
		if card.customer:
			key = (viewer, CUSTOMER, None, text(card.pipeline), "", "", NO_DAYS, text(card.rep))
			rows[(*key, text(card.company), card.customer)] += 1
	return rows


def interaction_rows(start_time, handled_by, interaction_type, owner) -> Counter:
	"""The interaction summary row of one interaction (none without a start time)."""
	if not start_time:
		return Counter()
	logged_by_rep = int(bool(handled_by) and owner == handled_by)
	return Counter({(day_of(start_time), text(handled_by), text(interaction_type), logged_by_rep): 1})


def delta(before: Counter, after: Counter) -> dict:
	"""{key: change} of the keys whose count changed."""
	changes = {}
	for key in set(before) | set(after):
		change = after.get(key, 0) - before.get(key, 0)
		if change:
			changes[key] = change
	return changes


def row_name(key: tuple) -> str:
	"""The primary key of a summary row: a hash of its key (the same in SQL: ``row_name_sql``)."""
	joined = "\x1f".join(text(part) for part in key)
	return hashlib.sha1(joined.encode()).hexdigest()[:20]


# --- periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthSplit:
	"""A period of days cut into the whole months the stay histogram answers (``months_from`` up to
	``months_to``, exclusive; None: unbounded on that side; ``months_from == months_to``: none) and
	the days outside them (``edges``: [(first day, last day)], inclusive)."""

	months_from: date | None
	months_to: date | None
	edges: tuple[tuple[date, date], ...]

	@property
	def has_months(self) -> bool:
		return not (self.months_from and self.months_to and self.months_from >= self.months_to)


def split_by_month(start: date | None, end: date | None) -> MonthSplit:
	"""Cut the days ``start``..``end`` (inclusive; None: open-ended) into whole months and edges."""
	if start and end and start > end:
		return MonthSplit(start, start, ())
	low = start if start is None or start.day == 1 else next_month(start)
	high = None if end is None else first_of_month(end + timedelta(days=1))
	if low and high and low >= high:
		return MonthSplit(low, low, ((start, end),))
	edges = []
	if start and start < low:
		edges.append((start, low - timedelta(days=1)))
	if end and high <= end:
		edges.append((high, end))
	return MonthSplit(low, high, tuple(edges))


def next_month(day: date) -> date:
	return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
