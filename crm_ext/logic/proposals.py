"""Proposals and contracts from the card (no Frappe): which quotation a contract is made from, and
whether an accepted proposal moves the card.

- The accepted quotation of a card is its latest ordered one (a Sales Order was made from it: what
  the customer's acceptance on ERPNext's portal / shopping cart, or the desk, leads to); without
  one, the latest submitted one still open (the proposal being contracted); drafts, lost,
  expired and cancelled quotations never.
- The customer accepts on the portal a submitted quotation still on offer (Open or Replied) and
  not past its validity (:func:`check_acceptable`).
- Acceptance moves an open card forward to its pipeline's *Proposal Accepted* stage, never back
  and never out of a won or lost stage.
"""

from dataclasses import dataclass
from datetime import date

from crm_ext.logic.errors import LogicError, _

ORDERED = ("Ordered", "Partially Ordered")
OFFERED = ("Open", "Replied")


@dataclass(frozen=True)
class QuotationRow:
	name: str
	status: str
	docstatus: int
	transaction_date: date
	creation: str = ""


def accepted_quotation(rows: list[QuotationRow]) -> str | None:
	"""The quotation a card's contract takes its terms from (see the module docstring)."""
	submitted = [r for r in rows if r.docstatus == 1]
	for statuses in (ORDERED, OFFERED):
		candidates = [r for r in submitted if r.status in statuses]
		if candidates:
			return max(candidates, key=lambda r: (r.transaction_date, r.creation, r.name)).name
	return None


def should_move_on_acceptance(
	current_kind: str, current_order: int, target_stage: str | None, target_order: int, current_stage: str
) -> bool:
	"""An accepted proposal moves an open card forward to the accepted stage (if the pipeline has one)."""
	if not target_stage or target_stage == current_stage:
		return False
	return current_kind == "Open" and target_order > current_order


def check_acceptable(docstatus: int, status: str, valid_till: date | None, today: date) -> None:
	"""Raise LogicError unless the customer may still accept the quotation."""
	if docstatus != 1 or status not in OFFERED:
		raise LogicError(_("This proposal is {0} and can no longer be accepted."), status, field="status")
	if valid_till and valid_till < today:
		raise LogicError(
			_("This proposal was valid until {0}; ask us for a new one."), valid_till, field="valid_till"
		)
