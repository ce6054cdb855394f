"""Properties of the analytics summary rows (crm_ext.logic.summaries)."""

import json
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.analytics import reached_counts
from crm_ext.logic.summaries import (
	CREATED,
	CUSTOMER,
	FURTHEST,
	LOST,
	MOVED,
	STAY,
	Card,
	Move,
	card_viewers,
	delta,
	interaction_rows,
	next_month,
	row_name,
	split_by_month,
	stage_rows,
	stay_days,
	stay_rows,
	viewer_rows,
)

PIPELINES = {
	"P": {"P-New": 1, "P-Quote": 2, "P-Won": 5},  # open and won stages with their order
	"Q": {"Q-New": 1, "Q-Won": 2},
}
STAGES = {"P": ["P-New", "P-Quote", "P-Won", "P-Lost"], "Q": ["Q-New", "Q-Won", "Q-Lost"]}
KIND = {"P-New": "Open", "P-Quote": "Open", "P-Won": "Won", "P-Lost": "Lost"}
KIND |= {"Q-New": "Open", "Q-Won": "Won", "Q-Lost": "Lost"}
START = datetime(2025, 1, 1)

moments = st.integers(0, 800 * 24).map(lambda hours: START + timedelta(hours=hours))


@st.composite
def moves(draw):
	pipeline = draw(st.sampled_from(sorted(STAGES)))
	to_stage = draw(st.sampled_from(STAGES[pipeline]))
	from_stage = draw(st.one_of(st.none(), st.sampled_from(STAGES[pipeline])))
	days = draw(st.decimals(min_value=0, max_value=90, places=2, allow_nan=False))
	return Move(pipeline, from_stage, to_stage, KIND[to_stage], draw(moments), days)


cards = st.builds(
	Card,
	rep=st.sampled_from(["a@x", "b@x", None]),
	company=st.sampled_from(["C1", "C2"]),
	pipeline=st.sampled_from(["P", "Q"]),
	created=moments,
	stage_kind=st.sampled_from(["Open", "Won", "Lost"]),
	lost_reason=st.sampled_from(["Price", None]),
	customer=st.sampled_from(["Cu1", "Cu2", None]),
)


def rows_of(card, card_moves):
	return stage_rows(card, card_moves, PIPELINES)


@given(cards, st.lists(moves(), max_size=12))
def test_every_move_and_every_card_is_counted_once(card, card_moves):
	rows = rows_of(card, card_moves)
	assert sum(n for key, n in rows.items() if key[0] == MOVED) == len(card_moves)
	assert sum(n for key, n in rows.items() if key[0] == CREATED) == 1
	stays = stay_rows(card, card_moves)
	assert sum(stays.values()) == sum(1 for m in card_moves if m.from_stage is not None)


@given(cards, st.lists(moves(), max_size=12), st.randoms())
def test_rows_do_not_depend_on_the_order_of_the_log(card, card_moves, random):
	shuffled = list(card_moves)
	random.shuffle(shuffled)
	assert rows_of(card, card_moves) == rows_of(card, shuffled)
	assert stay_rows(card, card_moves) == stay_rows(card, shuffled)


@given(cards, st.lists(moves(), max_size=12))
def test_furthest_is_the_highest_open_or_won_stage_entered_and_dated_by_the_first_such_move(card, card_moves):
	rows = {key: n for key, n in rows_of(card, card_moves).items() if key[0] == FURTHEST}
	for pipeline, orders in PIPELINES.items():
		funnel_moves = [m for m in card_moves if m.pipeline == pipeline and m.to_kind in ("Open", "Won")]
		mine = [key for key in rows if key[2] == pipeline]
		if not funnel_moves:
			assert mine == []
			continue
		(key,) = mine
		assert rows[key] == 1
		assert key[1] == min(m.changed_on for m in funnel_moves).date()
		assert orders[key[3]] == max(orders[m.to_stage] for m in funnel_moves)


@given(cards, st.lists(moves(), max_size=12))
def test_a_card_is_lost_from_each_stage_it_was_moved_to_a_lost_stage_from_only_while_lost(card, card_moves):
	lost = {key: n for key, n in rows_of(card, card_moves).items() if key[0] == LOST}
	expected = {(m.pipeline, m.from_stage or "") for m in card_moves if m.to_kind == "Lost"}
	if card.stage_kind != "Lost":
		assert lost == {}
	else:
		assert {(key[2], key[3]) for key in lost} == expected
		assert set(lost.values()) <= {1}
		assert all(key[1] == card.created.date() and key[5] == (card.lost_reason or "") for key in lost)


@given(st.lists(st.tuples(cards, st.lists(moves(), max_size=8)), max_size=8))
def test_reached_from_the_furthest_rows_is_the_cards_that_ever_entered_the_stage_or_a_later_one(deck):
	rows = Counter()
	for card, card_moves in deck:
		rows.update(rows_of(card, card_moves))
	orders = PIPELINES["P"]
	furthest = Counter()
	for key, n in rows.items():
		if key[0] == FURTHEST and key[2] == "P":
			furthest[orders[key[3]]] += n
	reached = reached_counts(furthest, sorted(orders.values()))
	for stage, order in orders.items():
		ever = sum(
			1
			for _card, card_moves in deck
			if any(m.pipeline == "P" and orders.get(m.to_stage, -1) >= order for m in card_moves)
		)
		assert reached[order] == ever, stage


@given(cards, cards, st.lists(moves(), max_size=12))
def test_applying_the_delta_turns_the_rows_before_into_the_rows_after(before_card, after_card, card_moves):
	before = rows_of(before_card, card_moves[:-1])
	after = rows_of(after_card, card_moves)
	result = Counter(before)
	for key, change in delta(before, after).items():
		result[key] += change
	assert +result == after
	assert delta(after, after) == {}


@given(cards, st.lists(moves(), max_size=12))
def test_a_card_that_is_gone_has_no_rows(card, card_moves):
	assert rows_of(None, card_moves) == Counter()
	assert stay_rows(None, card_moves) == Counter()


@given(st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False))
def test_days_are_rounded_to_a_tenth_halves_up_never_to_minus_zero(days):
	rounded = stay_days(days)
	assert abs(rounded - days) <= Decimal("0.05")
	assert rounded.as_tuple().exponent == -1
	assert str(stay_days(Decimal("-0.04"))) == "0.0"
	assert stay_days(Decimal("2.25")) == Decimal("2.3")
	assert stay_days(None) == Decimal("0.0")


def test_interaction_rows_count_one_per_interaction_and_know_who_logged_it():
	when = datetime(2026, 3, 4, 10, 30)
	assert interaction_rows(when, "a@x", "Call", "a@x") == Counter({(date(2026, 3, 4), "a@x", "Call", 1): 1})
	assert interaction_rows(when, "a@x", "Call", "robot@x") == Counter(
		{(date(2026, 3, 4), "a@x", "Call", 0): 1}
	)
	assert interaction_rows(when, None, "Note", None) == Counter({(date(2026, 3, 4), "", "Note", 0): 1})
	assert interaction_rows(None, "a@x", "Call", "a@x") == Counter()


@given(st.lists(st.tuples(st.text(max_size=5), st.dates()), min_size=2, max_size=20, unique=True))
def test_row_names_are_short_hashes_of_the_keys(keys):
	names = {row_name(key) for key in keys}
	assert len(names) == len(keys)
	assert all(len(name) == 20 for name in names)
	assert row_name(("Moved", date(2026, 1, 2), None)) == row_name(("Moved", date(2026, 1, 2), ""))


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@given(st.one_of(st.none(), days), st.one_of(st.none(), days))
def test_a_period_is_its_whole_months_and_its_edges_without_gaps_or_overlaps(start, end):
	split = split_by_month(start, end)
	window_start, window_end = date(2023, 1, 1), date(2028, 12, 31)
	low, high = start or window_start, end or window_end
	wanted = {low + timedelta(days=i) for i in range((high - low).days + 1)} if low <= high else set()
	covered = []
	if split.has_months:
		month = split.months_from or window_start
		while month < (split.months_to or next_month(window_end)):
			assert month.day == 1
			covered += [month + timedelta(days=i) for i in range((next_month(month) - month).days)]
			month = next_month(month)
	for first, last in split.edges:
		assert first <= last
		covered += [first + timedelta(days=i) for i in range((last - first).days + 1)]
	assert len(covered) == len(set(covered))
	assert set(covered) == wanted


# --- the viewer summary ---------------------------------------------------------------------

users = st.sampled_from(["a@x", "b@x", "c@x", "", None])


@given(users, users, st.lists(st.sampled_from(["a@x", "b@x", "c@x", "d@x"]), max_size=4))
def test_the_viewers_are_the_users_the_row_rule_shows_the_card_to(rep, owner, assigned):
	"""The Sales Lead row rule: Responsible, creator, or ``_assign LIKE '%"user"%'``."""
	stored = json.dumps(assigned)
	for user in ("a@x", "b@x", "c@x", "d@x"):
		shown = user in (rep, owner) or f'"{user}"' in stored
		assert (user in card_viewers(rep, owner, stored)) == shown
	assert "" not in card_viewers(rep, owner, stored)


def test_an_assignment_list_that_is_not_a_json_list_of_users_assigns_nobody():
	for stored in (None, "", "not json", '{"a@x": 1}', '"a@x"', "[1, null, true]"):
		assert card_viewers("r@x", None, stored) == {"r@x"}
	assert card_viewers(None, None, '["a@x", 2]') == {"a@x"}


@given(cards, st.lists(moves(), max_size=12), st.sets(st.sampled_from(["a@x", "b@x", "v@x"]), max_size=3))
def test_each_viewer_counts_the_cards_funnel_losses_and_stays_once(card, card_moves, viewers):
	stage, stays = rows_of(card, card_moves), stay_rows(card, card_moves)
	rows = viewer_rows(card, stage, stays, viewers)
	assert {key[0] for key in rows} <= viewers
	for viewer in viewers:
		own = {key[1:]: n for key, n in rows.items() if key[0] == viewer}
		for measure in (FURTHEST, LOST):
			expected = Counter()
			for (m, day, pipeline, stage_name, _kind, reason, rep, company), n in stage.items():
				if m == measure:
					expected[(day, pipeline, stage_name, reason, rep, company)] += n
			got = Counter()
			for (m, day, pipeline, stage_name, reason, _days, rep, company, _customer), n in own.items():
				if m == measure:
					got[(day, pipeline, stage_name, reason, rep, company)] += n
			assert got == expected
		stay_got = Counter(
			{
				(d, p, s, days, r, c): n
				for (m, d, p, s, _reason, days, r, c, _cu), n in own.items()
				if m == STAY
			}
		)
		assert stay_got == stays
		customers = {key[-1]: n for key, n in own.items() if key[0] == CUSTOMER}
		assert customers == ({card.customer: 1} if card.customer else {})
	assert sum(rows.values()) == len(viewers) * (
		sum(n for key, n in stage.items() if key[0] in (FURTHEST, LOST))
		+ sum(stays.values())
		+ bool(card.customer)
	)
