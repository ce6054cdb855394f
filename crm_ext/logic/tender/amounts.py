"""Decimal coercion for money, quantities, rates and percentages.

Frappe hands controllers floats for Currency / Float fields; the tender rules compute in
:class:`~decimal.Decimal` so that comparisons and hashes do not depend on binary rounding. A float
is converted through its shortest ``repr`` (``0.1`` becomes ``Decimal("0.1")``, not
``0.1000000000000000055...``). NaN, infinities and booleans are refused: they are always bugs.
"""

from decimal import Decimal, InvalidOperation

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DAYS_PER_YEAR = Decimal(365)

Number = Decimal | int | float | str


def to_decimal(value: Number) -> Decimal:
	"""Return ``value`` as a finite Decimal; raise TypeError / ValueError for anything else."""
	if isinstance(value, bool):
		raise TypeError("a boolean is not an amount")
	if isinstance(value, Decimal):
		result = value
	elif isinstance(value, int):
		result = Decimal(value)
	elif isinstance(value, float):
		result = Decimal(repr(value))
	elif isinstance(value, str):
		try:
			result = Decimal(value.strip())
		except InvalidOperation:
			raise ValueError(f"{value!r} is not a number") from None
	else:
		raise TypeError(f"{type(value).__name__} is not an amount")
	if not result.is_finite():
		raise ValueError(f"{value!r} is not a finite number")
	return result


def optional_decimal(value: Number | None) -> Decimal | None:
	""":func:`to_decimal`, letting None through."""
	return None if value is None else to_decimal(value)


def coerce_fields(obj, *names: str, optional: tuple[str, ...] = ()) -> None:
	"""Convert the named attributes of a (frozen) dataclass instance to Decimal in place."""
	for name in names:
		object.__setattr__(obj, name, to_decimal(getattr(obj, name)))
	for name in optional:
		object.__setattr__(obj, name, optional_decimal(getattr(obj, name)))
