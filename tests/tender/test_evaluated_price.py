from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic.tender.currency import ExchangeRates
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.evaluated_price import (
	CostAdder,
	EvaluationBasis,
	credit_discount_fraction,
	evaluate_price,
	evaluation_factor,
)

BASIS = EvaluationBasis(
	rates=ExchangeRates("EUR", {"USD": "0.9"}),
	incoterm_adders={"EXW": CostAdder(8, 1), "FCA": CostAdder("4.5", "0.5"), "DAP": CostAdder()},
	annual_interest_percent=Decimal("7.3"),
)


def test_the_evaluated_price_adds_incoterm_costs_and_subtracts_the_credit_value():
	# 1000 USD = 900 EUR; EXW adds 9 % = 81; 60 days at 7.3 % = 1.2 % = 10.80
	price = evaluate_price(1000, "USD", "EXW", 60, BASIS)
	assert price.converted == Decimal(900)
	assert price.cost_adders == Decimal(81)
	assert price.credit_discount == Decimal("10.8")
	assert price.evaluated == Decimal("970.2")
	assert price.evaluated == price.converted + price.cost_adders - price.credit_discount


def test_delivered_prices_and_cash_terms_are_just_converted():
	price = evaluate_price(1000, "USD", "DAP", 0, BASIS)
	assert price.evaluated == price.converted == Decimal(900)


def test_an_incoterm_without_adders_adds_nothing():
	assert evaluate_price(100, "EUR", "DDP", 0, BASIS).evaluated == 100


def test_credit_discount_fraction_is_simple_interest_on_365_days():
	assert credit_discount_fraction(365, 10) == Decimal("0.1")
	assert credit_discount_fraction(0, 10) == 0
	assert credit_discount_fraction(73, "7.3") == Decimal("0.01460")
	with pytest.raises(TenderError):
		credit_discount_fraction(-1, 10)


def test_the_evaluation_factor_is_what_a_price_is_multiplied_by():
	factor = evaluation_factor("USD", "FCA", 365, BASIS)
	assert factor == Decimal("0.9") * (1 + Decimal("0.05") - Decimal("0.073"))
	assert evaluate_price(200, "USD", "FCA", 365, BASIS).evaluated == 200 * factor


def test_a_discount_that_would_swallow_the_price_is_refused():
	basis = EvaluationBasis(rates=ExchangeRates("EUR"), annual_interest_percent=50)
	with pytest.raises(TenderError) as e:
		evaluate_price(100, "EUR", "DAP", 730, basis)
	assert e.value.field == "credit_days"


def test_negative_adders_or_interest_are_refused():
	with pytest.raises(TenderError):
		CostAdder(-1)
	with pytest.raises(TenderError):
		EvaluationBasis(rates=ExchangeRates("EUR"), annual_interest_percent=-1)


def test_a_missing_rate_is_reported():
	with pytest.raises(TenderError) as e:
		evaluate_price(1, "GBP", "DAP", 0, BASIS)
	assert e.value.field == "currency"


prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)
percents = st.decimals(min_value=0, max_value=30, places=2)
days = st.integers(0, 360)


@given(prices, percents, percents, st.decimals(min_value=0, max_value=20, places=2), days)
def test_evaluated_price_formula(price, freight, insurance, interest, credit):
	basis = EvaluationBasis(
		rates=ExchangeRates("EUR", {"USD": "1.1"}),
		incoterm_adders={"EXW": CostAdder(freight, insurance)},
		annual_interest_percent=interest,
	)
	result = evaluate_price(price, "USD", "EXW", credit, basis)
	assert result.converted == price * Decimal("1.1")
	assert result.evaluated > 0
	assert (
		abs(result.evaluated - (result.converted + result.cost_adders - result.credit_discount))
		<= Decimal("1e-18") * result.converted
	)
	more_credit = evaluate_price(price, "USD", "EXW", credit + 30, basis)
	assert more_credit.evaluated <= result.evaluated  # longer credit never makes a bid dearer
	costlier = EvaluationBasis(
		rates=basis.rates,
		incoterm_adders={"EXW": CostAdder(freight + 1, insurance)},
		annual_interest_percent=interest,
	)
	assert evaluate_price(price, "USD", "EXW", credit, costlier).evaluated > result.evaluated
