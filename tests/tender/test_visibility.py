from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.visibility import can_see_bid_prices
from tests.tender.factories import DEADLINE, moments

BEFORE = DEADLINE - timedelta(seconds=1)
AFTER = DEADLINE + timedelta(hours=1)


@pytest.mark.parametrize(
	"now,opened,visible",
	[
		(BEFORE, False, False),
		(BEFORE, True, False),
		(AFTER, False, False),
		(AFTER, True, True),
		(DEADLINE, True, True),
	],
)
def test_buyer_sees_prices_only_after_deadline_and_opening(now, opened, visible):
	assert can_see_bid_prices("buyer", None, "A", now, DEADLINE, opened) is visible


def test_supplier_sees_its_own_bid_always_and_others_never():
	for now in (BEFORE, AFTER):
		for opened in (False, True):
			assert can_see_bid_prices("supplier", "A", "A", now, DEADLINE, opened)
			assert not can_see_bid_prices("supplier", "B", "A", now, DEADLINE, opened)


@pytest.mark.parametrize("viewer", [None, ""])
def test_supplier_viewer_without_a_supplier_sees_nothing(viewer):
	assert not can_see_bid_prices("supplier", viewer, "", AFTER, DEADLINE, True)


def test_unknown_viewer_kind_sees_nothing():
	assert not can_see_bid_prices("guest", "A", "A", AFTER, DEADLINE, True)


names = st.sampled_from(["A", "B", "C"])


@given(st.sampled_from(["buyer", "supplier", "other"]), names, names, moments, moments, st.booleans())
def test_visibility_rule(kind, viewer, bid_supplier, now, deadline, opened):
	visible = can_see_bid_prices(kind, viewer, bid_supplier, now, deadline, opened)
	if kind == "buyer":
		assert visible == (opened and now >= deadline)
	elif kind == "supplier":
		assert visible == (viewer == bid_supplier)
	else:
		assert not visible
	if visible and kind == "buyer":
		# once visible to the buyer, prices stay visible
		assert can_see_bid_prices(kind, viewer, bid_supplier, now + timedelta(days=1), deadline, opened)
