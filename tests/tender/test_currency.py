from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.currency import ExchangeRates, round_money
from crm_ext.logic.tender.errors import TenderError

RATES = ExchangeRates("EUR", {"USD": "0.912345678", "JPY": "0.006123456"})


def test_convert_to_and_from_company_currency():
	assert RATES.to_company(100, "USD") == Decimal("91.2345678")
	assert RATES.to_company("12.34", "EUR") == Decimal("12.34")
	assert RATES.from_company("91.2345678", "USD") == Decimal(100)
	assert RATES.rate("EUR") == 1


def test_company_currency_is_always_one_even_if_given():
	assert ExchangeRates("EUR", {"EUR": 2}).rate("EUR") == 1


def test_missing_rate_names_both_currencies_and_the_fix():
	with pytest.raises(TenderError) as e:
		RATES.to_company(1, "GBP")
	assert e.value.field == "currency"
	assert "GBP" in e.value.message and "EUR" in e.value.message and "Currency Exchange" in e.value.message


@pytest.mark.parametrize("rate", [0, "-1.5"])
def test_non_positive_rates_are_refused(rate):
	with pytest.raises(TenderError) as e:
		ExchangeRates("EUR", {"USD": rate})
	assert e.value.field == "exchange_rate"


@pytest.mark.parametrize(
	"amount,places,expected",
	[
		("2.345", 2, "2.35"),
		("2.344", 2, "2.34"),
		("-2.345", 2, "-2.35"),
		("1234.5", 0, "1235"),
		(7, 3, "7.000"),
	],
)
def test_round_money_half_up(amount, places, expected):
	assert str(round_money(amount, places)) == expected


amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6)
rates = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("1000000"), places=9)


@given(amounts, rates)
def test_conversion_round_trips_to_the_original_precision(amount, rate):
	fx = ExchangeRates("EUR", {"XYZ": rate})
	there = fx.to_company(amount, "XYZ")
	back = fx.from_company(there, "XYZ")
	assert back.quantize(Decimal("0.000001")) == amount
	assert abs(back - amount) <= abs(amount) * Decimal("1e-20")
	# and the other way round
	again = fx.to_company(fx.from_company(amount, "XYZ"), "XYZ")
	assert again.quantize(Decimal("0.000001")) == amount


@given(amounts, amounts, rates)
def test_conversion_keeps_the_order_of_amounts(a, b, rate):
	fx = ExchangeRates("EUR", {"XYZ": rate})
	if a <= b:
		assert fx.to_company(a, "XYZ") <= fx.to_company(b, "XYZ")


@given(amounts)
def test_company_currency_converts_to_itself(amount):
	assert RATES.to_company(amount, "EUR") == amount == RATES.from_company(amount, "EUR")
