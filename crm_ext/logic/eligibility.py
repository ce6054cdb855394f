"""One eligibility answer per supplier, product categories and date.

A supplier may be asked to quote (RFQ, tender invitation) or be given an order (Purchase Order)
for a set of product categories (Item Groups) on a date when all of these hold:

- it is qualified for every category on that date: a Qualified (or since Expired) Supplier
  Qualification whose validity covers the date and whose categories include the category or one
  of its ancestors (Item Groups are a tree: "Raw Material" covers "Steel"); an Expired one only
  for dates before the day it expired (a Purchase Manager may expire it before its validity ends);
- ERPNext's Supplier Scorecard standing does not prevent it (warn / prevent flags);
- it is not on hold (ERPNext "Block Supplier") on that date, and not disabled.

Each failed condition is a Reason with a severity: ``block`` always stops the transaction,
``warn`` only informs. Missing qualification is ``warn`` or ``block`` as configured per context in
CRM Ext Settings (``off`` skips it).
"""

from dataclasses import dataclass, field
from datetime import date

from crm_ext.logic.errors import _
from crm_ext.logic.qualification import EXPIRED, QUALIFIED

BLOCK = "block"
WARN = "warn"

MODE_OFF = "Off"
MODE_WARN = "Warn"
MODE_BLOCK = "Block"

# Contexts in which money is committed, and which ERPNext scorecard flags apply to them.
RFQ = "rfq"
PURCHASE_ORDER = "purchase_order"
TENDER = "tender"
CONTEXTS = (RFQ, PURCHASE_ORDER, TENDER)

NOT_QUALIFIED = "not_qualified"
SCORECARD = "scorecard"
ON_HOLD = "on_hold"
DISABLED = "disabled"


@dataclass(frozen=True)
class QualificationRecord:
	name: str
	status: str
	qualified_on: date | None
	valid_until: date | None
	item_groups: frozenset[str]
	score: float = 0.0
	# the day it became Expired (None: not expired, or expired before this was recorded)
	expired_on: date | None = None


@dataclass(frozen=True)
class Standing:
	"""The supplier's ERPNext flags relevant to a context."""

	disabled: bool = False
	on_hold: bool = False
	hold_type: str = ""
	release_date: date | None = None
	scorecard_standing: str = ""
	scorecard_prevent: bool = False
	scorecard_warn: bool = False


@dataclass(frozen=True)
class Reason:
	code: str
	severity: str
	template: str
	args: tuple = ()
	item_group: str = ""

	@property
	def message(self) -> str:
		return self.template.format(*self.args)


@dataclass(frozen=True)
class Eligibility:
	supplier: str
	on_date: date
	reasons: tuple[Reason, ...] = ()
	qualified_by: dict = field(default_factory=dict)

	@property
	def eligible(self) -> bool:
		"""Nothing blocks (warnings allowed)."""
		return not any(r.severity == BLOCK for r in self.reasons)

	@property
	def clean(self) -> bool:
		"""Nothing blocks and nothing warns."""
		return not self.reasons

	@property
	def warnings(self) -> tuple[Reason, ...]:
		return tuple(r for r in self.reasons if r.severity == WARN)

	@property
	def blocks(self) -> tuple[Reason, ...]:
		return tuple(r for r in self.reasons if r.severity == BLOCK)


def valid_on(record: QualificationRecord, on_date: date) -> bool:
	"""The record qualified the supplier on ``on_date``: Qualified (or since Expired) with its
	validity covering the date, and an Expired one only before the day it expired."""
	if record.status not in (QUALIFIED, EXPIRED):
		return False
	if not record.qualified_on or not record.valid_until:
		return False
	if not record.qualified_on <= on_date <= record.valid_until:
		return False
	return not (record.status == EXPIRED and record.expired_on and on_date >= record.expired_on)


def qualification_covers(
	record: QualificationRecord, item_group: str, ancestors: list[str], on_date: date
) -> bool:
	"""The record qualified the supplier for ``item_group`` (or an ancestor) on ``on_date``.

	``ancestors`` lists the group's ancestors in the Item Group tree (the group itself may be
	included or not). Expired records still answer for dates inside their validity before the day
	they expired.
	"""
	return valid_on(record, on_date) and bool(record.item_groups & {item_group, *ancestors})


def qualifying_record(
	records: list[QualificationRecord], item_group: str, ancestors: list[str], on_date: date
) -> QualificationRecord | None:
	"""The covering record valid longest (best evidence), or None."""
	covering = [r for r in records if qualification_covers(r, item_group, ancestors, on_date)]
	return max(covering, key=lambda r: (r.valid_until, r.score, r.name)) if covering else None


def on_hold_on(standing: Standing, on_date: date) -> bool:
	"""ERPNext blocks a supplier until its release date (none = indefinitely)."""
	return standing.on_hold and (standing.release_date is None or standing.release_date > on_date)


def eligibility(
	supplier: str,
	item_groups: list[str],
	on_date: date,
	records: list[QualificationRecord],
	ancestors: dict[str, list[str]],
	standing: Standing,
	qualification_mode: str = MODE_WARN,
) -> Eligibility:
	reasons: list[Reason] = []
	if standing.disabled:
		reasons.append(Reason(DISABLED, BLOCK, _("Supplier {0} is disabled."), (supplier,)))
	if on_hold_on(standing, on_date):
		hold = standing.hold_type or "All"
		severity = BLOCK if hold == "All" else WARN
		if standing.release_date:
			reasons.append(
				Reason(
					ON_HOLD,
					severity,
					_("Supplier {0} is on hold ({1}) until {2}."),
					(supplier, hold, standing.release_date.isoformat()),
				)
			)
		else:
			reasons.append(Reason(ON_HOLD, severity, _("Supplier {0} is on hold ({1})."), (supplier, hold)))
	if standing.scorecard_prevent:
		reasons.append(
			Reason(
				SCORECARD,
				BLOCK,
				_("Supplier {0} has a Supplier Scorecard standing of {1}, which does not allow this."),
				(supplier, standing.scorecard_standing or "?"),
			)
		)
	elif standing.scorecard_warn:
		reasons.append(
			Reason(
				SCORECARD,
				WARN,
				_("Supplier {0} has a Supplier Scorecard standing of {1}: proceed with caution."),
				(supplier, standing.scorecard_standing or "?"),
			)
		)

	qualified_by: dict[str, str] = {}
	for group in dict.fromkeys(g for g in item_groups if g):
		record = qualifying_record(records, group, ancestors.get(group, []), on_date)
		if record:
			qualified_by[group] = record.name
		elif qualification_mode != MODE_OFF:
			reasons.append(
				Reason(
					NOT_QUALIFIED,
					BLOCK if qualification_mode == MODE_BLOCK else WARN,
					_("Supplier {0} is not qualified for {1} on {2}."),
					(supplier, group, on_date.isoformat()),
					item_group=group,
				)
			)
	return Eligibility(supplier=supplier, on_date=on_date, reasons=tuple(reasons), qualified_by=qualified_by)
