from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.credit import (
	BLOCK,
	WARN,
	CreditPosition,
	affected_leads,
	ageing_cutoffs,
	bucket_index,
	check_action,
	credit_problems,
	should_move_to_paid,
	single_lead,
)
from crm_ext.logic.errors import LogicError
from crm_ext.logic.receivables import (
	DEFAULT_AGEING_EDGES,
	PAID,
	PARTLY_PAID,
	ageing_bucket_labels,
	ageing_buckets,
)

TODAY = date(2025, 3, 31)


def fields(problems):
	return [p.field for p in problems]


def test_healthy_customer_has_no_problem():
	position = CreditPosition(
		credit_exposure=500, credit_limit=1000, receivable=500, overdue=10, shipments=5000
	)
	assert credit_problems(position, receivable_share=True) == []


def test_credit_limit_crossed():
	problems = credit_problems(CreditPosition(credit_exposure="1000.01", credit_limit=1000))
	assert fields(problems) == ["credit_limit"]
	assert problems[0].format_args == (Decimal("1000.01"), Decimal(1000))


def test_exactly_at_the_limit_or_no_limit_is_fine():
	assert credit_problems(CreditPosition(credit_exposure=1000, credit_limit=1000)) == []
	assert credit_problems(CreditPosition(credit_exposure=10**9, credit_limit=0)) == []


def test_overdue_share_over_threshold():
	position = CreditPosition(receivable=1000, overdue=60, shipments=100000)
	assert fields(credit_problems(position, 20, 5)) == ["overdue_share_threshold"]
	assert credit_problems(position, 20, 6) == []
	assert credit_problems(position, 20, 5, overdue_share=False) == []


def test_receivable_share_only_when_asked():
	position = CreditPosition(receivable=300, shipments=1000)
	assert credit_problems(position) == []
	assert fields(credit_problems(position, receivable_share=True)) == ["receivable_share_threshold"]


def test_no_shipments_no_receivable_share_alert():
	assert credit_problems(CreditPosition(receivable=300), receivable_share=True) == []


@given(
	exposure=st.decimals(-(10**6), 10**6, places=2),
	limit=st.decimals(0, 10**6, places=2),
)
def test_credit_limit_problem_iff_exposure_above_positive_limit(exposure, limit):
	problems = credit_problems(
		CreditPosition(credit_exposure=exposure, credit_limit=limit), overdue_share=False
	)
	assert bool(problems) == (limit > 0 and exposure > limit)


def test_check_action():
	assert check_action(None) == WARN
	assert check_action(BLOCK) == BLOCK
	with pytest.raises(LogicError):
		check_action("Ignore")


@pytest.mark.parametrize(
	"leads,expected",
	[
		([], None),
		([None, ""], None),
		(["L1", None, "L1"], "L1"),
		(["L1", "L2"], None),
	],
)
def test_single_lead(leads, expected):
	assert single_lead(leads) == expected


def test_affected_leads_distinct_sorted():
	assert affected_leads(["B", None], ["A", "B", ""]) == ["A", "B"]


def test_should_move_to_paid():
	assert should_move_to_paid(PAID, "S-Won", "S-Paid")
	assert not should_move_to_paid(PAID, "S-Paid", "S-Paid")
	assert not should_move_to_paid(PAID, "S-Won", None)
	assert not should_move_to_paid(PARTLY_PAID, "S-Won", "S-Paid")


edges_strategy = st.lists(st.integers(1, 400), min_size=1, max_size=5, unique=True).map(sorted).map(tuple)


@given(
	rows=st.lists(
		st.tuples(
			st.integers(-200, 800).map(lambda d: TODAY - timedelta(days=d)),
			st.decimals(-(10**6), 10**6, places=2),
		),
		max_size=30,
	),
	edges=st.one_of(st.just(DEFAULT_AGEING_EDGES), edges_strategy),
)
def test_cutoffs_bucket_like_ageing_buckets(rows, edges):
	"""The SQL cut-offs put every row in the same bucket as the reference ageing."""
	labels = ageing_bucket_labels(edges)
	cutoffs = ageing_cutoffs(TODAY, edges)
	by_cutoff = dict.fromkeys(labels, Decimal(0))
	for when, amount in rows:
		by_cutoff[labels[bucket_index(when, cutoffs)]] += amount
	assert by_cutoff == ageing_buckets(rows, TODAY, edges)


def test_cutoffs_boundaries():
	cutoffs = ageing_cutoffs(TODAY)
	assert bucket_index(TODAY - timedelta(days=30), cutoffs) == 0
	assert bucket_index(TODAY - timedelta(days=31), cutoffs) == 1
	assert bucket_index(TODAY - timedelta(days=91), cutoffs) == 3
	assert bucket_index(TODAY + timedelta(days=5), cutoffs) == 0
