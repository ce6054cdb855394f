"""Builders and hypothesis strategies for tender tests (plain values, no frappe)."""

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from crm_ext.logic.tender.currency import ExchangeRates
from crm_ext.logic.tender.evaluated_price import CostAdder, EvaluationBasis
from crm_ext.logic.tender.model import PUBLISHED, Bid, BidLine, Question, Tender, TenderLine

NOW = datetime(2025, 3, 10, 12, 0)
DEADLINE = NOW + timedelta(days=7)


def make_tender(**kw) -> Tender:
	"""A publishable tender: 3 lines, EUR/USD, DAP Hamburg, suppliers A and B invited."""
	values = {
		"status": PUBLISHED,
		"deadline": DEADLINE,
		"currencies": {"EUR", "USD"},
		"incoterm": "DAP",
		"delivery_location": "Hamburg, Billstrasse 1",
		"lines": (
			TenderLine("L1", 100, item_code="BOLT-M8"),
			TenderLine("L2", 50, item_code="NUT-M8"),
			TenderLine("L3", 10, item_code="WASHER-M8"),
		),
		"questions": (Question("Q1", mandatory=True, text="ISO 9001 certificate number"), Question("Q2")),
		"invited_suppliers": {"A", "B"},
	}
	values.update(kw)
	return Tender(**values)


def make_bid(**kw) -> Bid:
	"""Supplier A's valid bid on :func:`make_tender`: lines 1 and 2 offered, line 3 not."""
	values = {
		"supplier": "A",
		"currency": "EUR",
		"lines": (
			BidLine("L1", "2.50", 100, delivery_days=14),
			BidLine("L2", "0.80", 50, delivery_days=14),
			BidLine("L3", 0, 0),
		),
		"answers": {"Q1": "DE-12345"},
	}
	values.update(kw)
	return Bid(**values)


def with_line(bid: Bid, index: int, **kw) -> Bid:
	"""``bid`` with row ``index`` (0-based) changed."""
	lines = list(bid.lines)
	old = lines[index]
	values = {
		"line_id": old.line_id,
		"unit_price": old.unit_price,
		"qty": old.qty,
		"delivery_days": old.delivery_days,
		"alternative_item": old.alternative_item,
		"alternative_description": old.alternative_description,
	}
	values.update(kw)
	lines[index] = BidLine(**values)
	return Bid(
		supplier=bid.supplier,
		currency=bid.currency,
		lines=tuple(lines),
		answers=bid.answers,
		incoterm=bid.incoterm,
		incoterm_location=bid.incoterm_location,
		credit_days=bid.credit_days,
		submitted_at=bid.submitted_at,
	)


# --- strategies ------------------------------------------------------------------------------------

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)
quantities = st.decimals(min_value=Decimal("1"), max_value=Decimal("10000"), places=3)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31))
supplier_names = st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=3)


@st.composite
def tenders_with_valid_bids(draw):
	"""(tender, bid, now) where the bid must be accepted."""
	n_lines = draw(st.integers(1, 6))
	lines = tuple(TenderLine(f"L{i}", draw(quantities)) for i in range(n_lines))
	currencies = draw(st.sets(st.sampled_from(["EUR", "USD", "GBP", "CNY"]), min_size=1))
	n_questions = draw(st.integers(0, 4))
	questions = tuple(Question(f"Q{i}", mandatory=draw(st.booleans())) for i in range(n_questions))
	supplier = draw(supplier_names)
	open_to_qualified = draw(st.booleans())
	if open_to_qualified:
		invited, qualified = frozenset(), frozenset({supplier})
	else:
		invited, qualified = frozenset({supplier}), frozenset()
	now = draw(moments)
	deadline = now + timedelta(seconds=draw(st.integers(1, 90 * 86400)))
	allow_excess = draw(st.booleans())
	tender = Tender(
		status=PUBLISHED,
		deadline=deadline,
		currencies=currencies,
		incoterm="DAP",
		delivery_location="Hamburg",
		lines=lines,
		questions=questions,
		invited_suppliers=invited,
		open_to_qualified=open_to_qualified,
		qualified_suppliers=qualified,
		allowed_incoterms=frozenset({"EXW"}),
		allow_excess_qty=allow_excess,
	)
	offered = draw(st.lists(st.booleans(), min_size=n_lines, max_size=n_lines).filter(any))
	bid_lines = []
	for line, is_offered in zip(lines, offered, strict=True):
		if is_offered:
			top = line.qty * 2 if allow_excess else line.qty
			qty = draw(st.decimals(min_value=Decimal("0.001"), max_value=top, places=3))
			bid_lines.append(
				BidLine(
					line.line_id,
					draw(prices),
					qty,
					delivery_days=draw(st.integers(0, 365)),
					alternative_item=draw(st.sampled_from(["", "ALT-1"])),
				)
			)
		else:
			bid_lines.append(BidLine(line.line_id, 0, 0))
	order = draw(st.permutations(bid_lines))
	incoterm = draw(st.sampled_from(["", "DAP", "EXW"]))
	answers = {q.question_id: draw(st.text(min_size=1).filter(str.strip)) for q in questions if q.mandatory}
	bid = Bid(
		supplier=supplier,
		currency=draw(st.sampled_from(sorted(currencies))),
		lines=tuple(order),
		answers=answers,
		incoterm=incoterm,
		incoterm_location="Shanghai port" if incoterm == "EXW" else draw(st.sampled_from(["", "x"])),
		credit_days=draw(st.integers(0, 180)),
	)
	return tender, bid, now


# --- evaluation cases ---------------------------------------------------------------------------

T0 = datetime(2025, 4, 1, 9, 0)


@st.composite
def evaluation_cases(draw, max_lines=5, max_bids=6):
	"""(tender, bids, basis): bids with random prices, a fair share at 0 (not offered)."""
	n_lines = draw(st.integers(1, max_lines))
	lines = tuple(
		TenderLine(f"L{i}", draw(st.integers(1, 100)), budget_unit_price=draw(st.none() | prices))
		for i in range(n_lines)
	)
	tender = make_tender(lines=lines, currencies={"EUR", "USD"}, allowed_incoterms={"EXW"})
	suppliers = draw(st.lists(supplier_names, min_size=1, max_size=max_bids, unique=True))
	# few distinct prices and times, so that ties happen
	price_choice = st.sampled_from([Decimal(n) for n in ("0", "0", "5", "9.5", "10", "10.4", "12.5", "20")])
	bids = []
	for supplier in suppliers:
		bid_lines = []
		for line in lines:
			price = draw(price_choice)
			if price:
				qty = draw(st.sampled_from([line.qty, line.qty, max(line.qty // 2, 1)]))
				bid_lines.append(BidLine(line.line_id, price, qty, delivery_days=draw(st.integers(0, 30))))
			elif draw(st.booleans()):
				bid_lines.append(BidLine(line.line_id, 0, 0))
		bids.append(
			Bid(
				supplier=supplier,
				currency=draw(st.sampled_from(["EUR", "USD"])),
				lines=tuple(bid_lines),
				incoterm=draw(st.sampled_from(["", "EXW"])),
				incoterm_location="x",
				credit_days=draw(st.sampled_from([0, 30, 60])),
				submitted_at=draw(st.none() | st.integers(0, 3).map(lambda m: T0 + timedelta(minutes=m))),
			)
		)
	basis = EvaluationBasis(
		rates=ExchangeRates("EUR", {"USD": "0.8"}),
		incoterm_adders={"EXW": CostAdder(5, 1)},
		annual_interest_percent=draw(st.sampled_from([0, 10])),
	)
	return tender, bids, basis
