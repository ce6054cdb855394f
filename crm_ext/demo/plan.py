"""The demo's cards as a plan: who, through which door, how far down the funnel, with what money
and what next step. Pure and deterministic for a seed, so a second run plans the same cards and
finds them made (no Frappe here).

The first plans are scripted so that every state the product shows exists at least once (each
payment state, a quotation, overdue and carried-over follow-ups, a card without a next step,
requests waiting for their first contact, one of them late); the rest are drawn at random.
"""

import random
from dataclasses import dataclass

# Payment states of a won card (the card's Payment Status after its invoices and payments)
NOT_INVOICED, UNPAID, PARTLY_PAID, PAID, OVERDUE = "Not invoiced", "Unpaid", "Partly paid", "Paid", "Overdue"
PAYMENT_STATES = (NOT_INVOICED, UNPAID, PARTLY_PAID, PAID, OVERDUE)
QUOTATION = "quotation"  # an open card with a submitted quotation
# Next-step states of an open card
NEXT_OK, NEXT_OVERDUE, NEXT_CARRIED, NEXT_MISSING = "ok", "overdue", "carried", "missing"
WAITING, LATE = "waiting", "late"  # new requests not contacted yet (LATE: past the service time)

FIRST = ("Anna", "Bohdan", "Chen", "Daria", "Emil", "Fatima", "Georg", "Hanna", "Ivan", "Julia")
FIRST += ("Karim", "Lesia", "Marek", "Nina", "Oksana", "Petro", "Roman", "Sofia", "Taras", "Yulia")
LAST = ("Ivanenko", "Schmidt", "Garcia", "Rossi", "Novak", "Kowalski", "Dubois", "Tkachenko")
LAST += ("Horvat", "Olsen", "Marchenko", "Nowak", "Bauer", "Savchenko")
ORGS = ("Windows", "Doors", "Roofing", "Glass", "Build", "Home", "Facade", "Interiors", "Construction")
SOURCES = ("Website", "Cold Calling", "Exhibition", "Reference", "Advertisement")
CAMPAIGNS = ("Spring Windows Promo", "Builders Expo 2026")
MESSAGES = (
	"Please call me about windows for a new house.",
	"We need a quote for 12 windows and an entrance door.",
	"Do you install in the suburbs? Looking for a measurement visit.",
	"Price list for wholesale, please.",
)


@dataclass(frozen=True)
class CardPlan:
	number: int
	person: str
	organization: str | None
	email: str
	phone: str | None
	pipeline: str
	door: str  # "web" (intake endpoint), "phone" (telephony), "desk" (a rep types it in)
	rep: str
	source: str
	campaign: str | None
	amount: int
	close_in_days: int
	ending: str  # "open", "won", "lost"
	depth: int  # open stages passed after the first (an open card stays in stage `depth`)
	money: str | None  # a payment state (won cards), QUOTATION, or None
	next_step: str  # NEXT_* for open cards, WAITING / LATE for new requests
	age_days: int
	message: str | None = None
	repeat_request: bool = False  # the person writes again: the request joins the open card


# (ending, money, next_step, door, depth): the states every demo shows at least once
SCRIPT = (
	("won", PAID, NEXT_OK, "desk", 9),
	("won", PARTLY_PAID, NEXT_OK, "web", 9),
	("won", UNPAID, NEXT_OK, "desk", 9),
	("won", OVERDUE, NEXT_OK, "desk", 9),
	("won", NOT_INVOICED, NEXT_OK, "web", 9),
	("open", QUOTATION, NEXT_OK, "desk", 3),
	("open", None, NEXT_OVERDUE, "desk", 2),
	("open", None, NEXT_OVERDUE, "web", 1),
	("open", None, NEXT_CARRIED, "desk", 2),
	("open", None, NEXT_CARRIED, "phone", 1),
	("open", None, NEXT_MISSING, "desk", 1),
	("open", None, WAITING, "web", 0),
	("open", None, WAITING, "phone", 0),
	("open", None, LATE, "web", 0),
	("lost", None, NEXT_OK, "desk", 2),
	("won", PAID, NEXT_OK, "web", 9),
)


def plan_cards(count: int, seed: int, pipelines: list[str], reps: list[str]) -> list[CardPlan]:
	rng = random.Random(seed)
	plans = []
	for number in range(1, count + 1):
		scripted = SCRIPT[number - 1] if number <= len(SCRIPT) else None
		plans.append(plan_card(rng, seed, number, scripted, pipelines, reps))
	return plans


def plan_card(rng: random.Random, seed: int, number: int, scripted, pipelines, reps) -> CardPlan:
	first, last = rng.choice(FIRST), rng.choice(LAST)
	organization = f"{rng.choice(LAST)} {rng.choice(ORGS)}" if rng.random() < 0.75 else None
	ending, money, next_step, door, depth = scripted or random_outcome(rng)
	if ending == "won":
		age = rng.randint(100, 170)
	elif next_step in (WAITING, LATE):
		age = 0
	elif ending == "lost":
		age = rng.randint(20, 150)
	else:
		age = rng.randint(12, 70)
	source = "Website" if door == "web" else rng.choice(SOURCES)
	# A card that becomes a Customer carries an e-mail only: ERPNext commits the transaction when it
	# inserts a Contact with a phone (linking earlier Call Logs), which would leave a card half made
	# if the run stopped there.
	converted = ending == "won" or money == QUOTATION
	if converted and door == "phone":
		door = "desk"
	return CardPlan(
		number=number,
		person=f"{first} {last}",
		organization=organization,
		email=f"{first}.{last}.{seed}.{number}@example.com".lower(),
		phone=None if converted else f"+38044{seed % 100:02d}{number:05d}",  # Kyiv numbers, valid E.164
		pipeline=pipelines[0] if rng.random() < 0.6 else pipelines[-1],
		door=door,
		rep=reps[number % len(reps)],
		source=source,
		campaign=rng.choice(CAMPAIGNS) if rng.random() < 0.4 else None,
		amount=rng.randrange(800, 40000, 100),
		close_in_days=rng.randint(-20, -1) if ending != "open" else rng.randint(5, 120),
		ending=ending,
		depth=depth,
		money=money,
		next_step=next_step,
		age_days=age,
		message=rng.choice(MESSAGES) if door == "web" else None,
		repeat_request=door == "web" and ending == "open" and number % 4 == 0,
	)


def random_outcome(rng: random.Random) -> tuple:
	door = rng.choices(("desk", "web", "phone"), weights=(5, 4, 1))[0]
	roll = rng.random()
	if roll < 0.16:
		money = rng.choices(PAYMENT_STATES, weights=(1, 2, 2, 4, 2))[0]
		return ("won", money, NEXT_OK, door, 9)
	if roll < 0.36:
		return ("lost", None, NEXT_OK, door, rng.randint(0, 3))
	next_step = rng.choices((NEXT_OK, NEXT_OVERDUE, NEXT_MISSING), weights=(8, 1, 1))[0]
	depth = rng.randint(0, 4)
	return ("open", QUOTATION if depth >= 3 and rng.random() < 0.5 else None, next_step, door, depth)
