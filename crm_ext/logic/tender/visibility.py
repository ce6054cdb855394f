"""Sealed bids: who may see a bid's prices, and when.

The buyer sees prices only after the deadline *and* after the formal opening (an explicit,
logged act); a supplier sees its own bid's prices at any time and another supplier's never.
Any other viewer kind sees nothing. The Frappe layer applies this in ``has_permission`` and when
building the comparison matrix, portal pages and API answers.
"""

from datetime import datetime
from typing import Literal

ViewerKind = Literal["buyer", "supplier"]


def can_see_bid_prices(
	viewer_kind: ViewerKind,
	viewer_supplier: str | None,
	bid_supplier: str,
	now: datetime,
	deadline: datetime,
	opened: bool,
) -> bool:
	"""True when the viewer may see the prices of ``bid_supplier``'s sealed bid at ``now``.

	"After the deadline" means ``now >= deadline``, the moment submission closes.
	"""
	if viewer_kind == "buyer":
		return opened and now >= deadline
	if viewer_kind == "supplier":
		return bool(viewer_supplier) and viewer_supplier == bid_supplier
	return False
