"""The sales side of the demo: pipelines, sources and campaigns, then the planned cards, then the
morning and five-minute jobs the scheduler would have run (carry-over, next-step status, late
first contacts), then each rep's plan for this month."""

from collections.abc import Callable

import frappe

from crm_ext.demo.base import ensure_named
from crm_ext.demo.campaign import send_spring_offer
from crm_ext.demo.cards import make_card
from crm_ext.demo.plan import SCRIPT, plan_cards
from crm_ext.demo.sales_setup import ensure_pipelines, ensure_sources_and_campaigns
from crm_ext.demo.targets import ensure_plans
from crm_ext.demo.touches import carry_over
from crm_ext.sales.first_contact import check_first_contact
from crm_ext.sales.follow_ups import refresh_next_step_status

COMMIT_EVERY = 10


def make(leads: int, seed: int, reps: list[str], checkpoint: Callable[[], None]) -> dict:
	pipelines = ensure_pipelines()
	campaigns = ensure_sources_and_campaigns()
	ensure_named("Sales Lead Lost Reason", "lost_reason", ["Price too high", "Chose a competitor"])
	lost_reasons = frappe.get_all("Sales Lead Lost Reason", pluck="name", order_by="creation asc")
	checkpoint()
	made = 0
	for plan in plan_cards(max(leads, len(SCRIPT)), seed, pipelines, reps):
		if make_card(plan, campaigns, lost_reasons):
			made += 1
			if made % COMMIT_EVERY == 0:
				checkpoint()
	carried = carry_over()
	checkpoint()
	sent = send_spring_offer()  # needs the invoices of the cards above (Customer Segments)
	refresh_next_step_status()
	check_first_contact()
	plans = ensure_plans(reps)
	return {
		"sales cards made": made,
		"sales cards on the site": frappe.db.count("Sales Lead"),
		"follow-ups carried over": carried,
		"sales plans for this month made": plans,
		**sent,
	}
