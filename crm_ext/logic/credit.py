"""Credit checks and the bookkeeping rules of deal-to-invoice links, as pure functions.

The Frappe layer (``crm_ext.accounts``) reads the ledger and ERPNext's credit limit and hands
plain values here; these functions decide what is wrong (credit limit crossed, receivables
unhealthy), which deal a payment belongs to, and how ageing buckets translate to date cut-offs
for SQL aggregation.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from crm_ext.logic.errors import LogicError, _
from crm_ext.logic.receivables import (
	DEFAULT_AGEING_EDGES,
	PAID,
	Amount,
	_check_edges,
	credit_limit_use,
	receivables_health,
	to_decimal,
)

WARN = "Warn"
BLOCK = "Block"
CHECK_ACTIONS = (WARN, BLOCK)


@dataclass(frozen=True)
class CreditPosition:
	"""A customer's standing in company currency.

	- ``credit_exposure``: what ERPNext counts against the credit limit (ledger balance plus
	  unbilled Sales Orders, ``get_customer_outstanding``);
	- ``credit_limit``: ERPNext's limit for the customer and company (0 = none);
	- ``receivable``: ledger balance of the customer (net of credits);
	- ``overdue``: part of ``receivable`` on invoices past their due date;
	- ``shipments``: invoiced sales of the period the receivable is compared with.
	"""

	credit_exposure: Amount = 0
	credit_limit: Amount = 0
	receivable: Amount = 0
	overdue: Amount = 0
	shipments: Amount = 0


def credit_problems(
	position: CreditPosition,
	receivable_threshold_pct: Amount = 20,
	overdue_threshold_pct: Amount = 5,
	*,
	credit_limit: bool = True,
	receivable_share: bool = False,
	overdue_share: bool = True,
) -> list[LogicError]:
	"""What is wrong with the customer's position, as LogicErrors (empty when all is well).

	``credit_limit``: exposure above the limit (a limit of 0 means none, as in ERPNext; exactly at
	the limit is fine); ``receivable_share`` / ``overdue_share``: the ratios of
	:func:`~crm_ext.logic.receivables.receivables_health` above their thresholds. The amounts in
	the messages are the raw Decimal values; the Frappe layer formats them as money."""
	problems = []
	if credit_limit:
		use = credit_limit_use(position.credit_exposure, position.credit_limit)
		if use is not None and use > 100:
			problems.append(
				LogicError(
					_("the credit limit is crossed: {0} owed and on order against a limit of {1}."),
					to_decimal(position.credit_exposure),
					to_decimal(position.credit_limit),
					field="credit_limit",
				)
			)
	health = receivables_health(
		position.receivable,
		position.shipments,
		position.overdue,
		receivable_threshold_pct,
		overdue_threshold_pct,
	)
	if receivable_share and health.receivable_alert:
		problems.append(
			LogicError(
				_("the receivable is {0} % of the shipments of the period, above the healthy {1} %."),
				round(health.receivable_share, 1),
				to_decimal(receivable_threshold_pct),
				field="receivable_share_threshold",
			)
		)
	if overdue_share and health.overdue_alert:
		problems.append(
			LogicError(
				_("{0} % of the receivable is overdue, above the healthy {1} %."),
				round(health.overdue_share, 1),
				to_decimal(overdue_threshold_pct),
				field="overdue_share_threshold",
			)
		)
	return problems


def check_action(action: str | None) -> str:
	"""The settings' action, Warn when unset; anything else is refused."""
	action = action or WARN
	if action not in CHECK_ACTIONS:
		raise LogicError(_("Choose Warn or Block, not {0}."), action, field="credit_check_action")
	return action


def single_lead(leads: Iterable[str | None]) -> str | None:
	"""The one deal that all the (non-empty) ``leads`` name, else None: a payment for the
	invoices of two deals belongs to neither alone."""
	distinct = {lead for lead in leads if lead}
	return distinct.pop() if len(distinct) == 1 else None


def affected_leads(*lead_groups: Iterable[str | None]) -> list[str]:
	"""Distinct non-empty lead names, sorted (stable order: locks are taken in the same order)."""
	return sorted({lead for group in lead_groups for lead in group if lead})


def should_move_to_paid(status: str, current_stage: str, paid_stage: str | None) -> bool:
	"""A fully paid deal moves to its pipeline's paid stage, once (not when it is there already)."""
	return status == PAID and bool(paid_stage) and current_stage != paid_stage


def ageing_cutoffs(as_of: date, edges: Sequence[int] = DEFAULT_AGEING_EDGES) -> tuple[date, ...]:
	"""Date cut-offs equivalent to :func:`~crm_ext.logic.receivables.ageing_buckets` for SQL:
	a row dated on or after ``cutoffs[i]`` (and before ``cutoffs[i - 1]``) falls in bucket ``i``;
	older than the last cut-off falls in the last bucket. Cut-off ``i`` is ``as_of - edges[i]``
	(age ``<= edge``); rows not yet due are newer than every cut-off, so they go in the first
	bucket."""
	_check_edges(edges)
	return tuple(as_of - timedelta(days=edge) for edge in edges)


def bucket_index(when: date, cutoffs: Sequence[date]) -> int:
	"""Index of the ageing bucket of a row dated ``when`` (see :func:`ageing_cutoffs`)."""
	return next((i for i, cutoff in enumerate(cutoffs) if when >= cutoff), len(cutoffs))
