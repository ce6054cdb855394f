"""Pipeline and stage rules: which stage a card may enter, and what a pipeline must look like.

A Sales Pipeline is an ordered list of stages. Each stage has a kind: "Open" (work in
progress), "Won" (deal closed with a customer) or "Lost" (deal closed without one). The rules
here decide whether a card may enter a stage; the Frappe layer gathers the values and turns a
LogicError into a message naming the field.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from crm_ext.logic.errors import LogicError, _

OPEN, WON, LOST = "Open", "Won", "Lost"
KINDS = (OPEN, WON, LOST)


@dataclass(frozen=True)
class Stage:
	name: str
	pipeline: str
	kind: str = OPEN
	order: int = 0
	probability: float = 0
	required_fields: tuple[str, ...] = field(default_factory=tuple)
	stale_after_days: int = 0


def is_blank(value) -> bool:
	"""Not filled in: None, blank text, or a zero number (an amount of 0 is no amount; a required
	check box must be ticked)."""
	if value is None:
		return True
	if isinstance(value, str):
		return not value.strip()
	if isinstance(value, int | float | Decimal):
		return value == 0
	return False


def fields_to_enter(card: Mapping, target: Stage) -> list[str]:
	"""The fields ``card`` must still fill to enter ``target``, in the order a person is asked for
	them: the customer of a "Won" stage, the lost reason of a "Lost" one, then the stage's own
	required fields. Empty when the card may enter (as far as its values go)."""
	needed = []
	if target.kind == WON:
		needed.append("customer")
	if target.kind == LOST:
		needed.append("lost_reason")
	needed.extend(f for f in target.required_fields if f not in needed)
	return [f for f in needed if is_blank(card.get(f))]


def check_stage_entry(card: Mapping, pipeline: str, target: Stage, labels: Mapping[str, str] | None = None):
	"""Raise LogicError when a card with values ``card`` may not be in ``target``.

	- the stage must belong to the card's pipeline;
	- "Won" needs a customer, "Lost" needs a lost reason;
	- every field the stage requires must be filled.
	"""
	labels = labels or {}
	if target.pipeline != pipeline:
		raise LogicError(
			_("Stage {0} belongs to pipeline {1}, not to this card's pipeline {2}: choose a stage of {2}."),
			target.name,
			target.pipeline,
			pipeline,
			field="stage",
		)
	missing = fields_to_enter(card, target)
	if target.kind == WON and "customer" in missing:
		raise LogicError(
			_("A card can be won only with a Customer: set the Customer (or convert the lead) first."),
			field="customer",
		)
	if target.kind == LOST and "lost_reason" in missing:
		raise LogicError(_("A card can be lost only with a Lost Reason: set it first."), field="lost_reason")
	if missing:
		raise LogicError(
			_("Stage {0} requires: {1}. Fill them in before moving the card."),
			target.name,
			", ".join(labels.get(f, f) for f in missing),
			field=missing[0],
		)


def check_pipeline(stages: Iterable[Stage]) -> None:
	"""A usable pipeline: at least one Open stage, unique orders, probabilities in 0..100."""
	stages = list(stages)
	if not any(s.kind == OPEN for s in stages):
		raise LogicError(_("A pipeline needs at least one Open stage."), field="stages")
	seen: dict[int, str] = {}
	for s in stages:
		if s.kind not in KINDS:
			raise LogicError(_("Stage kind must be Open, Won or Lost, not {0}."), s.kind, field="kind")
		if not 0 <= s.probability <= 100:
			raise LogicError(
				_("Probability of stage {0} must be between 0 and 100."), s.name, field="probability"
			)
		if s.order in seen:
			raise LogicError(
				_("Stages {0} and {1} have the same order {2}: give each stage its own position."),
				seen[s.order],
				s.name,
				s.order,
				field="stage_order",
			)
		seen[s.order] = s.name


def ordered(stages: Iterable[Stage]) -> list[Stage]:
	return sorted(stages, key=lambda s: (s.order, s.name))


def initial_stage(stages: Iterable[Stage]) -> Stage | None:
	"""Where a new card starts: the first Open stage by order."""
	return next((s for s in ordered(stages) if s.kind == OPEN), None)


def stage_default_probability(kind: str, probability: float) -> float:
	"""Won is certain and Lost is nothing, whatever was typed; Open keeps its own value."""
	return {WON: 100.0, LOST: 0.0}.get(kind, probability)


def is_stale(entered_on: datetime | None, now: datetime, stale_after_days: int, kind: str = OPEN) -> bool:
	"""An open card that stayed longer than the stage allows (0 = no limit)."""
	if kind != OPEN or not stale_after_days or entered_on is None:
		return False
	return (now - entered_on).total_seconds() > stale_after_days * 86400


def days_between(start: datetime | None, end: datetime) -> float:
	"""Days (fractional) from ``start`` to ``end``; 0 when start is unknown or later."""
	if start is None or end <= start:
		return 0.0
	return round((end - start).total_seconds() / 86400, 4)
