"""Evaluated bid price: what a bid really costs the company, comparable across bids.

    evaluated = converted + converted x (freight % + insurance %) / 100 - converted x discount
    discount  = credit days x annual interest % / 100 / 365

- ``converted`` is the bid price in company currency (:mod:`.currency`).
- Cost adders are per Incoterm: the freight and insurance the buyer still pays on top of a price
  quoted on that Incoterm (e.g. EXW 8 % + 1 %, CIF 0 %, DDP 0 %). An Incoterm missing from the map
  adds nothing, so list every allowed Incoterm whose prices exclude transport.
- The payment-term discount is the value of paying later: the supplier's credit days financed at
  the company's annual cost of capital, simple interest on a 365-day year, on the converted price
  only (freight and insurance are paid to third parties at shipment, not on the supplier's terms).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from crm_ext.logic.errors import _
from crm_ext.logic.tender.amounts import DAYS_PER_YEAR, HUNDRED, ZERO, Number, coerce_fields, to_decimal
from crm_ext.logic.tender.currency import ExchangeRates
from crm_ext.logic.tender.errors import TenderError

_ONE = Decimal(1)


@dataclass(frozen=True)
class CostAdder:
	"""Freight and insurance, in percent of the converted price, for one Incoterm."""

	freight_percent: Number = ZERO
	insurance_percent: Number = ZERO

	def __post_init__(self):
		coerce_fields(self, "freight_percent", "insurance_percent")
		if self.freight_percent < ZERO or self.insurance_percent < ZERO:
			raise TenderError(
				_("Freight and insurance percentages cannot be negative."), field="incoterm_adders"
			)

	@property
	def fraction(self) -> Decimal:
		return (self.freight_percent + self.insurance_percent) / HUNDRED


_NO_ADDER = CostAdder()


@dataclass(frozen=True)
class EvaluationBasis:
	"""Everything evaluation needs beyond the bids: rates, Incoterm adders, cost of capital."""

	rates: ExchangeRates
	incoterm_adders: Mapping[str, CostAdder] = field(default_factory=dict)
	annual_interest_percent: Number = ZERO

	def __post_init__(self):
		coerce_fields(self, "annual_interest_percent")
		if self.annual_interest_percent < ZERO:
			raise TenderError(
				_("The annual interest rate cannot be negative."), field="annual_interest_percent"
			)

	@property
	def company_currency(self) -> str:
		return self.rates.company_currency

	def adder(self, incoterm: str) -> CostAdder:
		return self.incoterm_adders.get(incoterm, _NO_ADDER)


@dataclass(frozen=True)
class EvaluatedPrice:
	"""The evaluated price and its parts, all in company currency (unrounded).

	``evaluated`` is ``amount x evaluation_factor(...)``, exactly what the comparison matrix uses;
	``converted + cost_adders - credit_discount`` equals it up to the 28th significant digit.
	"""

	converted: Decimal
	cost_adders: Decimal
	credit_discount: Decimal
	evaluated: Decimal


def credit_discount_fraction(credit_days: int, annual_interest_percent: Number) -> Decimal:
	"""``credit_days x annual_interest_percent / 100 / 365`` (0 for no credit)."""
	if credit_days < 0:
		raise TenderError(_("Credit days cannot be negative."), field="credit_days")
	return Decimal(credit_days) * to_decimal(annual_interest_percent) / HUNDRED / DAYS_PER_YEAR


def evaluation_factor(currency: str, incoterm: str, credit_days: int, basis: EvaluationBasis) -> Decimal:
	"""The number that turns a bid-currency price into its evaluated price (``price x factor``).

	Computed once per bid, so that a large comparison matrix costs one multiplication per cell.
	"""
	margin = (
		_ONE
		+ basis.adder(incoterm).fraction
		- credit_discount_fraction(credit_days, basis.annual_interest_percent)
	)
	if margin <= ZERO:
		raise TenderError(
			_(
				"The payment-term discount for {0} credit days would make the evaluated price zero or less: "
				"check the credit days and the annual interest rate."
			),
			credit_days,
			field="credit_days",
		)
	return basis.rates.rate(currency) * margin


def evaluate_price(
	amount: Number, currency: str, incoterm: str, credit_days: int, basis: EvaluationBasis
) -> EvaluatedPrice:
	"""The evaluated price of ``amount`` (bid currency, excl. VAT) with its breakdown."""
	converted = basis.rates.to_company(amount, currency)
	adders = converted * basis.adder(incoterm).fraction
	discount = converted * credit_discount_fraction(credit_days, basis.annual_interest_percent)
	evaluated = to_decimal(amount) * evaluation_factor(currency, incoterm, credit_days, basis)
	return EvaluatedPrice(converted, adders, discount, evaluated)
