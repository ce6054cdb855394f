"""Conversion of bid amounts into the company currency.

A rate says how many units of company currency one unit of the foreign currency buys (ERPNext's
Currency Exchange ``exchange_rate`` from the bid currency to the company currency, stored with 9
decimals). Conversions are *not* rounded: evaluation compares unrounded amounts (28 significant
digits), so converting to company currency and back gives the original amount to far more than
any currency's precision; round only for display, with :func:`round_money`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from crm_ext.logic.errors import _
from crm_ext.logic.tender.amounts import ZERO, Number, to_decimal
from crm_ext.logic.tender.errors import TenderError

_ONE = Decimal(1)


@dataclass(frozen=True)
class ExchangeRates:
	"""Rates to ``company_currency``; the company currency itself is always 1."""

	company_currency: str
	rates: Mapping[str, Number] = field(default_factory=dict)

	def __post_init__(self):
		rates = {currency: to_decimal(rate) for currency, rate in self.rates.items()}
		for currency, rate in rates.items():
			if rate <= ZERO:
				raise TenderError(
					_("The exchange rate from {0} to {1} must be more than 0."),
					currency,
					self.company_currency,
					field="exchange_rate",
				)
		rates[self.company_currency] = _ONE
		object.__setattr__(self, "rates", rates)

	def rate(self, currency: str) -> Decimal:
		"""Company-currency units per unit of ``currency``; raise TenderError when unknown."""
		try:
			return self.rates[currency]
		except KeyError:
			raise TenderError(
				_(
					"There is no exchange rate from {0} to {1}: add a Currency Exchange record and evaluate again."
				),
				currency,
				self.company_currency,
				field="currency",
			) from None

	def to_company(self, amount: Number, currency: str) -> Decimal:
		"""``amount`` in ``currency`` expressed in company currency (unrounded)."""
		return to_decimal(amount) * self.rate(currency)

	def from_company(self, amount: Number, currency: str) -> Decimal:
		"""``amount`` in company currency expressed in ``currency`` (unrounded)."""
		return to_decimal(amount) / self.rate(currency)


def round_money(amount: Number, places: int = 2) -> Decimal:
	"""Round half up to ``places`` decimals (ERPNext's default rounding for display and documents)."""
	return to_decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
