"""What the tender log says a bid's status is.

Every change of a bid's status goes through the tender procedure, which logs it: a submission,
revision or auction offer (of the whole bid or of a line) makes it Submitted, a withdrawal Withdrawn, and the award (one
tender-level entry naming the winning suppliers) makes each bid still in the race Awarded or Not
Awarded. A bid the log never mentions is still the supplier's Saved draft. A stored status that
differs from :func:`logged_status` was changed behind the procedure's back.
"""

from collections.abc import Iterable, Mapping

SAVED, SUBMITTED, WITHDRAWN, AWARDED, NOT_AWARDED = (
	"Saved",
	"Submitted",
	"Withdrawn",
	"Awarded",
	"Not Awarded",
)
SUBMISSIONS = frozenset({"Bid Submitted", "Bid Revised", "Auction Offer", "Line Offer"})
WITHDRAWAL = "Bid Withdrawn"
AWARD = "Awarded"


def logged_status(entries: Iterable[Mapping], bid: str, supplier: str) -> str:
	"""The status ``bid`` (of ``supplier``) has after the log ``entries`` (in sequence order; each
	with ``event``, ``bid`` and ``payload``; the award's payload lists its ``winners``)."""
	status = SAVED
	for entry in entries:
		event = entry.get("event")
		if entry.get("bid") == bid and event in SUBMISSIONS:
			status = SUBMITTED
		elif entry.get("bid") == bid and event == WITHDRAWAL:
			status = WITHDRAWN
		elif event == AWARD and status == SUBMITTED:
			payload = entry.get("payload")
			winners = payload.get("winners") or [] if isinstance(payload, Mapping) else []
			status = AWARDED if supplier in winners else NOT_AWARDED
	return status
