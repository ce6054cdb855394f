"""Sales cards made through the app's doors, as the people who use them would.

- *web*: the intake endpoint (``crm_ext.api.intake.submit_request``) as the CRM Intake user, the
  round-robin rule (or else the head of sales) giving the card to a rep;
- *phone*: the telephony endpoint (``crm_ext.api.telephony.record_call``): an unknown number makes
  a card, the rep completes it;
- *desk*: a rep types the card in.

No door is told to skip de-duplication: the app keeps one open card per phone / e-mail, and a card
the demo made before is found by its e-mail or phone and left as it is (so a second run makes no
twin). Then the rep works the card: calls and meetings, stage moves, a quotation, an order, a won
or lost end; the accountant invoices and collects (``crm_ext.demo.money``). Finally months pass
(:func:`backdate`): the card's history is spread over the past.
"""

import random
from datetime import timedelta

import frappe
from frappe.utils import add_days, get_datetime, nowdate

from crm_ext.api.intake import submit_request
from crm_ext.api.telephony import record_call
from crm_ext.demo import money, touches
from crm_ext.demo.base import acting_as, time_passes
from crm_ext.demo.people import HEAD_OF_SALES
from crm_ext.demo.plan import LATE, QUOTATION, WAITING, CardPlan
from crm_ext.sales.conversion import convert_to_customer
from crm_ext.sales.dedupe import DuplicateLeadError
from crm_ext.sales.pipeline import pipeline_stages
from crm_ext.setup.roles import INTAKE_USER

LEAD = "Sales Lead"
CHANNELS = {"Cold Calling": "Phone", "Exhibition": "Exhibition", "Reference": "Referral"}


def existing_card(plan: CardPlan) -> str | None:
	"""The card this plan made on an earlier run (any stage)."""
	found = frappe.db.get_value(LEAD, {"email": plan.email})
	return found or (plan.phone and frappe.db.get_value(LEAD, {"phone": plan.phone}))


def make_card(plan: CardPlan, campaigns: dict[str, str], lost_reasons: list[str]) -> str | None:
	"""Make and work the planned card; None when it exists already (an earlier run)."""
	if existing_card(plan):
		return None
	rng = random.Random(plan.number)
	try:
		name = open_card(plan, campaigns)
	except DuplicateLeadError:
		return None  # the app kept the person's open card: nothing to add
	rep = frappe.db.get_value(LEAD, name, "lead_owner") or give_to_rep(name, plan.rep)
	if plan.next_step == LATE:
		late_first_contact(name)
	if plan.next_step in (WAITING, LATE):
		return name
	created = frappe.utils.now_datetime() - timedelta(days=plan.age_days, hours=rng.uniform(0, 6))
	touches.first_contact(name, rep, created, rng)
	work_the_card(name, plan, rep, created, rng, lost_reasons)
	touches.next_steps(name, plan, rep, created, rng)
	backdate(name, plan, created, rng)
	return name


def open_card(plan: CardPlan, campaigns: dict[str, str]) -> str:
	campaign = campaigns.get(plan.campaign) if plan.campaign else None
	if plan.door == "web":
		return web_request(plan, campaign)
	if plan.door == "phone":
		return phone_call(plan)
	with acting_as(plan.rep):
		lead = frappe.get_doc(
			{
				"doctype": LEAD,
				"lead_name": plan.person,
				"organization": plan.organization,
				"phone": plan.phone,
				"email": plan.email,
				"pipeline": plan.pipeline,
				"lead_owner": plan.rep,
				"source": plan.source,
				"campaign": campaign,
				"channel": CHANNELS.get(plan.source, "Other"),
				"expected_amount": plan.amount,
				"expected_close_date": add_days(nowdate(), plan.close_in_days),
			}
		).insert()
	return lead.name


def web_request(plan: CardPlan, campaign: str | None) -> str:
	"""The site's contact form posts to the intake endpoint (authenticated as the intake user)."""
	values = {
		"name": plan.person,
		"organization": plan.organization,
		"phone": plan.phone,
		"email": plan.email,
		"message": plan.message,
		"source": plan.source,
		"channel": "Website",
		"campaign": campaign,
		"utm_source": "google" if plan.number % 3 else "facebook",
		"utm_medium": "cpc",
		"utm_campaign": frappe.scrub(plan.campaign or "always on"),
	}
	with acting_as(INTAKE_USER):
		request = submit_request(**values)["request"]
		if plan.repeat_request:  # the person writes again: the app joins the open card, no twin
			submit_request(**{**values, "message": "Any news on my request?"})
	return frappe.db.get_value("Sales Request", request, "sales_lead")


def phone_call(plan: CardPlan) -> str:
	"""An incoming call from an unknown number: the telephony endpoint opens the card."""
	started = frappe.utils.now_datetime() - timedelta(minutes=3)
	with acting_as(INTAKE_USER):
		interaction = record_call(plan.phone, "Incoming", 140, None, str(started))["interaction"]
	return frappe.db.get_value("Interaction", interaction, "reference_name")


def give_to_rep(lead: str, rep: str) -> str:
	"""No round-robin rule took the card: the head of sales gives it to a rep."""
	with acting_as(HEAD_OF_SALES):
		card = frappe.get_doc(LEAD, lead)
		card.lead_owner = rep
		card.save()
	return rep


def work_the_card(name: str, plan: CardPlan, rep: str, created, rng, lost_reasons) -> None:
	"""The rep completes the card and moves it down its pipeline; money on the way."""
	stages = pipeline_stages(plan.pipeline)
	opens = [s for s in stages if s.kind == "Open"]
	path = opens[1 : plan.depth + 1]
	with acting_as(rep):
		card = frappe.get_doc(LEAD, name)
		card.update(
			{
				"lead_name": card.lead_name or plan.person,
				"organization": card.organization or plan.organization,
				"email": card.email or plan.email,
				"source": card.source or plan.source,
				"expected_amount": plan.amount,
				"expected_close_date": add_days(nowdate(), plan.close_in_days),
			}
		)
		if card.pipeline != plan.pipeline:  # a wholesale client: the rep moves the card to that funnel
			card.update({"pipeline": plan.pipeline, "stage": opens[0].name})
		card.save()
		for stage in path:
			card.stage = stage.name
			card.save()
		if plan.money == QUOTATION or plan.ending == "won":
			money.quotation(name, rep, plan.amount, created + timedelta(days=plan.age_days * 0.3))
		if plan.ending == "won":
			money.sales_order(name, rep, created + timedelta(days=plan.age_days * 0.45))
			card.reload()
			card.stage = next(s.name for s in stages if s.kind == "Won" and not is_paid_stage(s.name))
			card.save()
		elif plan.ending == "lost":
			card.reload()
			card.lost_reason = rng.choice(lost_reasons)
			card.lost_detail = "Chose a cheaper offer." if card.lost_reason == lost_reasons[0] else None
			card.stage = next(s.name for s in stages if s.kind == "Lost")
			card.save()
	if plan.ending == "won":
		if not frappe.db.get_value(LEAD, name, "customer"):
			with acting_as(rep):
				convert_to_customer(name)
		money.invoice_and_collect(name, plan.money)


def is_paid_stage(stage: str) -> bool:
	return bool(frappe.db.get_value("Pipeline Stage", stage, "is_paid_stage"))


def backdate(name: str, plan: CardPlan, created, rng) -> None:
	"""Months pass: the card was created ``age_days`` ago and its stage moves spread over its life
	(a few days each), so the funnel, time in stage and stale cards have a history."""
	logs = frappe.get_all(
		"Sales Lead Stage Log", filters={"sales_lead": name}, fields=["name"], order_by="creation asc"
	)
	span = plan.age_days * (0.5 if plan.ending != "open" else 0.85)
	moment, step = created, span / max(len(logs), 1)
	for index, log in enumerate(logs):
		days = 0 if index == 0 else rng.uniform(0.5, 1.5) * step
		moment = moment + timedelta(days=days)
		time_passes(
			"Sales Lead Stage Log", log.name, {"changed_on": moment, "days_in_from_stage": round(days, 2)}
		)
	time_passes(
		LEAD,
		name,
		{
			"creation": created,
			"stage_entered_on": moment,
			"first_contact_due": created + timedelta(minutes=30),
		},
	)
	for request in frappe.get_all("Sales Request", filters={"sales_lead": name}, pluck="name"):
		time_passes("Sales Request", request, {"creation": created, "received_on": created})


def late_first_contact(name: str) -> None:
	"""A web request that came in three hours ago and nobody called: past its service time."""
	created = get_datetime(frappe.utils.now_datetime()) - timedelta(hours=3)
	time_passes(LEAD, name, {"creation": created, "first_contact_due": created + timedelta(minutes=15)})
