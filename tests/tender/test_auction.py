from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise, permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.auction import (
	AuctionOffer,
	MinStep,
	check_auction_offer,
	extend_end,
	max_acceptable_total,
	ranks,
	standing_key,
	standings,
)
from crm_ext.logic.tender.errors import TenderError
from tests.tender.factories import moments

START = datetime(2025, 5, 1, 10, 0)
END = START + timedelta(hours=1)
NOW = START + timedelta(minutes=20)
STEP = MinStep(10)


def accept(new, own=None, best=None, step=STEP, now=NOW):
	check_auction_offer(new, own, best, step, now, START, END)


def refuse(new, own=None, best=None, step=STEP, now=NOW) -> TenderError:
	with pytest.raises(TenderError) as e:
		check_auction_offer(new, own, best, step, now, START, END)
	return e.value


# --- accepting an offer ------------------------------------------------------------------------


def test_first_offer_of_the_auction_only_needs_to_be_positive():
	accept(5000)
	assert refuse(0).field == "total"
	assert refuse("-1").field == "total"


def test_offer_must_beat_the_best_by_the_step():
	accept(990, own=1200, best=1000)
	accept("989.99", own=1200, best=1000)
	error = refuse("990.01", own=1200, best=1000)
	assert error.field == "total"
	assert "at least 10" in error.message
	assert "1000" not in error.message and "990" not in error.message  # the best is not leaked


def test_leader_must_beat_itself_by_the_step_too():
	accept(990, own=1000, best=1000)
	refuse(995, own=1000, best=1000)


def test_offer_must_be_lower_than_own_previous():
	error = refuse(1100, own=1100)
	assert "previous offer of 1100" in error.message
	refuse(1200, own=1100)
	accept(1099, own=1100)


def test_percent_step_is_of_the_current_best():
	step = MinStep("0.5", "percent")
	accept(995, best=1000, step=step)
	refuse("995.01", best=1000, step=step)
	assert "0.5 %" in refuse(999, best=1000, step=step).message
	assert max_acceptable_total(1000, step) == Decimal("995")
	assert max_acceptable_total(None, step) is None


def test_zero_step_still_needs_a_strictly_lower_offer():
	refuse(1000, best=1000, step=MinStep(0))
	accept("999.99", best=1000, step=MinStep(0))


def test_offers_only_while_the_auction_runs():
	assert "not accepted yet" in refuse(500, now=START - timedelta(seconds=1)).message
	accept(500, now=START)
	accept(500, now=END - timedelta(microseconds=1))
	assert "ended" in refuse(500, now=END).message


@pytest.mark.parametrize("value,kind", [(-1, "amount"), (-1, "percent"), (100, "percent"), (150, "percent")])
def test_bad_steps_are_refused(value, kind):
	with pytest.raises(TenderError) as e:
		MinStep(value, kind)
	assert e.value.field == "min_step"


def test_unknown_step_kind_is_a_programming_error():
	with pytest.raises(ValueError):
		MinStep(1, "ratio")


totals = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)
steps = st.one_of(
	st.builds(MinStep, st.decimals(min_value=0, max_value=1000, places=2)),
	st.builds(MinStep, st.decimals(min_value=0, max_value=Decimal("99.9"), places=1), st.just("percent")),
)


@given(totals, st.none() | totals, st.none() | totals, steps)
def test_accepted_offers_improve_on_the_best_and_on_own_previous(new, own, best, step):
	try:
		accept(new, own, best, step)
	except TenderError:
		accepted = False
	else:
		accepted = True
		assert own is None or new < own
		assert best is None or (new < best and new <= max_acceptable_total(best, step))
	if not accepted:
		assert (
			(own is not None and new >= own)
			or (best is not None and new > max_acceptable_total(best, step))
			or (best is not None and new >= best)
		)


# --- anti-sniping ------------------------------------------------------------------------------


def test_offer_in_the_last_window_extends_to_now_plus_extension():
	assert extend_end(END - timedelta(minutes=2), END, 5, 5) == END + timedelta(minutes=3)
	assert extend_end(END - timedelta(minutes=5), END, 5, 5) == END  # window start: now + 5 == end
	assert extend_end(END - timedelta(seconds=1), END, 5, 10) == END + timedelta(minutes=10, seconds=-1)


def test_offer_before_the_window_or_after_the_end_does_not_extend():
	assert extend_end(END - timedelta(minutes=5, seconds=1), END, 5, 5) == END
	assert extend_end(END, END, 5, 5) == END
	assert extend_end(START, END, 5, 5) == END


def test_extension_shorter_than_window_never_moves_the_end_earlier():
	assert extend_end(END - timedelta(minutes=9), END, 10, 2) == END
	assert extend_end(END - timedelta(minutes=1), END, 10, 2) == END + timedelta(minutes=1)


def test_zero_window_or_extension_disables_anti_sniping():
	assert extend_end(END - timedelta(seconds=1), END, 0, 5) == END
	assert extend_end(END - timedelta(seconds=1), END, 5, 0) == END


def test_negative_window_is_refused():
	with pytest.raises(TenderError):
		extend_end(NOW, END, -1, 5)
	with pytest.raises(TenderError):
		extend_end(NOW, END, 5, -1)


@given(moments, moments, st.integers(0, 120), st.integers(0, 120))
def test_extension_happens_only_inside_the_last_window(now, end, window, extension):
	new_end = extend_end(now, end, window, extension)
	inside = end - timedelta(minutes=window) <= now < end
	assert new_end >= end
	if new_end != end:
		assert inside
		assert new_end == now + timedelta(minutes=extension)
	if inside and window and extension:
		assert new_end == max(end, now + timedelta(minutes=extension))
		assert new_end - now >= timedelta(minutes=extension)  # rivals get the full extension
	if not inside:
		assert new_end == end


@given(moments, st.integers(1, 60), st.integers(1, 60), st.lists(st.integers(0, 3600), max_size=20))
def test_a_series_of_late_offers_keeps_the_end_ahead_of_each_offer(start, window, extension, gaps):
	end = start + timedelta(hours=1)
	now = end - timedelta(minutes=window)
	for gap in gaps:
		now = now + timedelta(seconds=gap)
		if now >= end:
			break
		end = extend_end(now, end, window, extension)
		assert end > now


# --- ranks -------------------------------------------------------------------------------------

T0 = datetime(2025, 5, 1, 10, 0)


def offer(supplier, total, minute):
	return AuctionOffer(supplier, total, T0 + timedelta(minutes=minute))


def test_rank_by_best_total_then_earlier_time():
	offers = [
		offer("A", 1000, 1),
		offer("B", 990, 2),
		offer("A", 980, 3),
		offer("C", 980, 4),  # same total as A, later
		offer("D", 1500, 0),
	]
	assert ranks(offers) == {"A": 1, "C": 2, "B": 3, "D": 4}
	top = standings(offers)[0]
	assert (top.rank, top.supplier, top.total) == (1, "A", Decimal(980))


def test_same_total_at_the_same_moment_is_ordered_by_supplier_name():
	assert ranks([offer("B", 10, 0), offer("A", 10, 0)]) == {"A": 1, "B": 2}


def test_no_offers_no_ranks():
	assert ranks([]) == {}


offers_strategy = st.lists(
	st.builds(
		AuctionOffer,
		st.sampled_from("ABCDEF"),
		st.integers(1, 20).map(Decimal),
		st.integers(0, 10).map(lambda m: T0 + timedelta(minutes=m)),
	),
	max_size=25,
)


@given(offers_strategy, st.randoms())
def test_ranking_is_a_deterministic_total_order(offers, rnd):
	result = standings(offers)
	# ranks are 1..n, one per supplier
	assert [s.rank for s in result] == list(range(1, len(result) + 1))
	assert {s.supplier for s in result} == {o.supplier for o in offers}
	# deterministic: any order of the same offers ranks the same
	shuffled = list(offers)
	rnd.shuffle(shuffled)
	assert standings(shuffled) == result
	keys = {s.supplier: standing_key(s.total, s.at, s.supplier) for s in result}
	before = {(a, b) for a in keys for b in keys if keys[a] < keys[b]}
	for a in keys:
		for b in keys:
			if a != b:  # total and antisymmetric: exactly one of the two is ahead
				assert ((a, b) in before) != ((b, a) in before)
			else:
				assert (a, b) not in before
	for a, b, c in permutations(keys, 3):  # transitive
		if (a, b) in before and (b, c) in before:
			assert (a, c) in before
	# the rank order agrees with the relation
	for x, y in pairwise(result):
		assert (x.supplier, y.supplier) in before


@given(offers_strategy)
def test_each_supplier_is_ranked_by_its_own_best_offer(offers):
	for standing in standings(offers):
		own = [o for o in offers if o.supplier == standing.supplier]
		best = min(o.total for o in own)
		assert standing.total == best
		assert standing.at == min(o.at for o in own if o.total == best)
	leader = standings(offers)[:1]
	if leader:
		assert leader[0].total == min(o.total for o in offers)
