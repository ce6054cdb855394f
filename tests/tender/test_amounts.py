from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.amounts import optional_decimal, to_decimal
from crm_ext.logic.tender.model import BidLine, TenderLine


@pytest.mark.parametrize(
	"value,expected",
	[(Decimal("1.50"), Decimal("1.50")), (3, Decimal(3)), (0.1, Decimal("0.1")), (" 2.5 ", Decimal("2.5"))],
)
def test_amounts_become_decimals(value, expected):
	result = to_decimal(value)
	assert isinstance(result, Decimal) and result == expected


def test_floats_go_through_their_shortest_repr():
	assert to_decimal(0.1 + 0.2) == Decimal("0.30000000000000004")
	assert to_decimal(1.1) == Decimal("1.1")


@pytest.mark.parametrize("value", [True, None, [1], object()])
def test_non_numbers_are_type_errors(value):
	with pytest.raises(TypeError):
		to_decimal(value)


@pytest.mark.parametrize("value", ["abc", "", float("nan"), float("inf"), Decimal("NaN"), "-Infinity"])
def test_non_finite_or_unreadable_numbers_are_value_errors(value):
	with pytest.raises(ValueError):
		to_decimal(value)


def test_optional_lets_none_through():
	assert optional_decimal(None) is None
	assert optional_decimal("1") == 1


def test_dataclasses_coerce_their_amounts():
	line = BidLine("L1", 2.5, "10")
	assert line.unit_price == Decimal("2.5") and line.qty == Decimal(10)
	assert TenderLine("L1", 1.0, budget_unit_price=None).budget_unit_price is None


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_conversion_is_exact_for_its_repr(value):
	assert float(to_decimal(value)) == value
