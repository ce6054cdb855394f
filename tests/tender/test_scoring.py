from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.scoring import Candidate, Weights, check_qualification, score_candidates


def test_price_only_scores_are_lowest_price_over_price():
	scores = score_candidates(
		[Candidate("A", 100, 10), Candidate("B", 200, 5), Candidate("C", 400, 0)], Weights()
	)
	assert [scores[k].total for k in "ABC"] == [100, 50, 25]


def test_delivery_is_compared_on_the_scale_of_a_month():
	scores = score_candidates(
		[Candidate("A", 100, 0), Candidate("B", 100, 1), Candidate("C", 100, 30), Candidate("D", 100, 90)],
		Weights(0, 1, 0),
	)
	assert [scores[k].delivery for k in "ABCD"] == [100, Decimal(3000) / 31, 50, 25]
	assert [scores[k].total for k in "ABCD"] == [scores[k].delivery for k in "ABCD"]


def test_a_month_slower_weighs_as_much_as_twice_as_dear():
	scores = score_candidates([Candidate("FAST", 200, 0), Candidate("CHEAP", 100, 30)], Weights(1, 1, 0))
	assert scores["FAST"].total == scores["CHEAP"].total == 75


def test_weighted_score_example():
	scores = score_candidates(
		[Candidate("A", 100, 10, 60), Candidate("B", 125, 4, 100)],
		Weights(60, 20, 20),
	)
	a, b = scores["A"], scores["B"]
	assert (a.price, a.delivery, a.qualification) == (100, Decimal(100) * 34 / 40, 60)
	assert a.total == (60 * 100 + 20 * a.delivery + 20 * 60) / Decimal(100)
	assert (b.price, b.delivery, b.qualification) == (80, 100, 100)
	assert b.total == Decimal(88)
	assert a.total == Decimal(89)
	assert a.total > b.total  # 25 % dearer is not made up by 6 days faster


def test_missing_qualification_counts_as_zero():
	scores = score_candidates([Candidate("A", 1, 1)], Weights(0, 0, 1))
	assert scores["A"].total == 0


def test_no_candidates_no_scores():
	assert score_candidates([], Weights()) == {}


@pytest.mark.parametrize("weights", [(0, 0, 0), (-1, 1, 1), (1, -0.5, 1)])
def test_bad_weights_are_refused(weights):
	with pytest.raises(TenderError) as e:
		Weights(*weights)
	assert e.value.field == "weights"


@pytest.mark.parametrize(
	"kwargs", [{"price": 0}, {"price": -1}, {"delivery_days": -1}, {"qualification": 101}]
)
def test_bad_candidates_are_refused(kwargs):
	values = {"key": "A", "price": 1, "delivery_days": 1, "qualification": 50, **kwargs}
	with pytest.raises(TenderError):
		Candidate(**values)


def test_qualification_bounds():
	assert check_qualification(None) == 0
	assert check_qualification(100) == 100
	with pytest.raises(TenderError):
		check_qualification(-0.01)


def test_duplicate_keys_are_a_programming_error():
	with pytest.raises(ValueError):
		score_candidates([Candidate("A", 1, 1), Candidate("A", 2, 1)], Weights())


prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=4)
days = st.integers(0, 400)
quals = st.none() | st.decimals(min_value=0, max_value=100, places=2)
weight = st.decimals(min_value=0, max_value=1000, places=3)
weights = st.tuples(weight, weight, weight).filter(lambda t: sum(t) > 0).map(lambda t: Weights(*t))
candidate_lists = st.lists(st.tuples(prices, days, quals), min_size=1, max_size=12)


def build(rows):
	return [Candidate(f"S{i}", p, d, q) for i, (p, d, q) in enumerate(rows)]


@given(candidate_lists, weights)
def test_scores_lie_between_0_and_100(rows, w):
	for score in score_candidates(build(rows), w).values():
		for part in (score.price, score.delivery, score.qualification, score.total):
			assert 0 <= part <= 100


@given(candidate_lists, weights)
def test_the_lowest_price_and_the_fastest_delivery_score_100(rows, w):
	scores = score_candidates(build(rows), w)
	cheapest = min(p for p, _d, _q in rows)
	fastest = min(d for _p, d, _q in rows)
	for i, (p, d, _q) in enumerate(rows):
		assert (scores[f"S{i}"].price == 100) == (p == cheapest)
		assert (scores[f"S{i}"].delivery == 100) == (d == fastest)


@given(candidate_lists, weights, st.data())
def test_lowering_a_price_never_lowers_that_offer_score(rows, w, data):
	i = data.draw(st.integers(0, len(rows) - 1))
	price, d, q = rows[i]
	lower = data.draw(st.decimals(min_value=Decimal("0.0001"), max_value=price, places=4))
	before = score_candidates(build(rows), w)[f"S{i}"]
	rows[i] = (lower, d, q)
	after = score_candidates(build(rows), w)[f"S{i}"]
	assert after.price >= before.price
	assert after.total >= before.total


@given(candidate_lists, weights, st.data())
def test_shortening_delivery_never_lowers_that_offer_score(rows, w, data):
	i = data.draw(st.integers(0, len(rows) - 1))
	p, d, q = rows[i]
	faster = data.draw(st.integers(0, d))
	before = score_candidates(build(rows), w)[f"S{i}"].total
	rows[i] = (p, faster, q)
	assert score_candidates(build(rows), w)[f"S{i}"].total >= before


@given(candidate_lists, weights, st.integers(1, 1000))
def test_only_the_ratio_of_the_weights_matters(rows, w, k):
	scaled = Weights(w.price * k, w.delivery * k, w.qualification * k)
	a, b = score_candidates(build(rows), w), score_candidates(build(rows), scaled)
	for key in a:
		assert abs(a[key].total - b[key].total) <= Decimal("1e-20")


@given(candidate_lists)
def test_with_price_weight_only_the_ranking_follows_price(rows):
	assume(len(rows) > 1)
	scores = score_candidates(build(rows), Weights(1, 0, 0))
	for i, (p1, _d, _q) in enumerate(rows):
		for j, (p2, _d2, _q2) in enumerate(rows):
			if p1 < p2:
				assert scores[f"S{i}"].total > scores[f"S{j}"].total
