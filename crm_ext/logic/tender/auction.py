"""Reverse auction: accepting a live offer, anti-sniping extension and ranks.

Offers are bid totals in the auction currency, excluding VAT; lower is better.

- :func:`check_auction_offer`: an offer is accepted only while the auction runs
  (``start <= now < end``), must be positive, lower than the supplier's own previous offer, and
  beat the current best by the minimum step: ``new_total <= best - step`` and ``new_total < best``
  (so a zero step still means strictly lower). The step is a :class:`MinStep`, either an absolute
  amount or a percentage *of the current best*. The refusal message states the step, never the
  best total, so that a rank-only auction does not leak the leading price.
- :func:`extend_end`: soft close. An accepted offer made inside the last ``window_minutes``
  before the end moves the end to ``now + extension_minutes`` (never earlier than it was):
  rivals always get the full extension to answer, and the extension does not accumulate on top
  of the remaining time. Offers outside the window never move the end. Repeated late offers keep
  extending, but each must beat the best by the step, so the auction still ends.
- :func:`ranks` / :func:`standings`: each supplier's best (lowest) offer, ordered by total, then
  by the time it was made (earlier first), then by supplier name - a strict total order, so
  ranks are 1..n with no ties and do not depend on the order offers are listed in.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from crm_ext.logic.errors import _
from crm_ext.logic.tender.amounts import HUNDRED, ZERO, Number, coerce_fields, to_decimal
from crm_ext.logic.tender.errors import TenderError


@dataclass(frozen=True)
class MinStep:
	"""The minimum decrement: ``kind="amount"`` (auction currency) or ``kind="percent"`` of the best."""

	value: Number
	kind: Literal["amount", "percent"] = "amount"

	def __post_init__(self):
		coerce_fields(self, "value")
		if self.kind not in ("amount", "percent"):
			raise ValueError(f"unknown step kind {self.kind!r}")
		if self.value < ZERO:
			raise TenderError(_("The minimum bid step cannot be negative."), field="min_step")
		if self.kind == "percent" and self.value >= HUNDRED:
			raise TenderError(_("A minimum bid step in percent must be below 100."), field="min_step")

	def amount_below(self, best: Decimal) -> Decimal:
		"""The step in currency when the current best total is ``best``."""
		return best * self.value / HUNDRED if self.kind == "percent" else self.value

	def describe(self) -> str:
		"""``"5"`` or ``"0.5 %"``, for messages."""
		text = format(self.value.normalize(), "f")
		return f"{text} %" if self.kind == "percent" else text


@dataclass(frozen=True)
class AuctionOffer:
	"""An accepted offer: ``supplier`` offered ``total`` at ``at``."""

	supplier: str
	total: Number
	at: datetime

	def __post_init__(self):
		coerce_fields(self, "total")


@dataclass(frozen=True)
class Standing:
	"""A supplier's place: its best offer and rank (1 = leading)."""

	rank: int
	supplier: str
	total: Decimal
	at: datetime


def max_acceptable_total(current_best: Number | None, min_step: MinStep) -> Decimal | None:
	"""The highest total the next offer may have (None: no offer yet, any positive total).

	For the buyer's screen or a price-visible auction; it reveals the best total.
	"""
	if current_best is None:
		return None
	best = to_decimal(current_best)
	return best - min_step.amount_below(best)


def check_auction_offer(
	new_total: Number,
	own_previous: Number | None,
	current_best: Number | None,
	min_step: MinStep,
	now: datetime,
	start: datetime,
	end: datetime,
) -> None:
	"""Raise TenderError unless the offer ``new_total`` is accepted (see the module docstring).

	``own_previous`` is the supplier's own last offer (None for its first), ``current_best`` the
	lowest accepted offer of anyone (None when there is none yet).
	"""
	if now < start:
		raise TenderError(
			_("The auction starts at {0}: offers are not accepted yet."), start.isoformat(sep=" ")
		)
	if now >= end:
		raise TenderError(
			_("The auction ended at {0}: offers are no longer accepted."), end.isoformat(sep=" ")
		)
	total = to_decimal(new_total)
	if total <= ZERO:
		raise TenderError(_("An offer must be more than 0."), field="total")
	if own_previous is not None and total >= to_decimal(own_previous):
		raise TenderError(
			_("Your new offer must be lower than your previous offer of {0}."),
			format(to_decimal(own_previous), "f"),
			field="total",
		)
	if current_best is not None:
		best = to_decimal(current_best)
		if total >= best or total > best - min_step.amount_below(best):
			raise TenderError(
				_("Your offer must beat the current best offer by at least {0}: lower it further."),
				min_step.describe(),
				field="total",
			)


def extend_end(now: datetime, end: datetime, window_minutes: int, extension_minutes: int) -> datetime:
	"""The auction end after an accepted offer at ``now`` (see the module docstring).

	The window is ``end - window_minutes <= now < end``; a zero window or extension disables it.
	"""
	if window_minutes < 0 or extension_minutes < 0:
		raise TenderError(
			_("The anti-sniping window and extension cannot be negative."), field="extension_minutes"
		)
	if end - timedelta(minutes=window_minutes) <= now < end and window_minutes and extension_minutes:
		return max(end, now + timedelta(minutes=extension_minutes))
	return end


def _best_per_supplier(offers: Iterable[AuctionOffer]) -> dict[str, AuctionOffer]:
	best: dict[str, AuctionOffer] = {}
	for offer in offers:
		held = best.get(offer.supplier)
		if held is None or (offer.total, offer.at) < (held.total, held.at):
			best[offer.supplier] = offer
	return best


def standing_key(total: Decimal, at: datetime, supplier: str) -> tuple[Decimal, datetime, str]:
	"""The sort key of the ranking: lower total, then earlier time, then supplier name."""
	return (total, at, supplier)


def standings(offers: Iterable[AuctionOffer]) -> list[Standing]:
	"""Every supplier's best offer, leading first, with ranks 1..n."""
	best = sorted(_best_per_supplier(offers).values(), key=lambda o: standing_key(o.total, o.at, o.supplier))
	return [Standing(rank, o.supplier, o.total, o.at) for rank, o in enumerate(best, start=1)]


def ranks(offers: Iterable[AuctionOffer]) -> dict[str, int]:
	"""Supplier -> rank (1 = lowest best total). What each supplier is shown of the others."""
	return {s.supplier: s.rank for s in standings(offers)}
