"""Demo data: the whole product alive on a demo or training site, in a few minutes.

    bench --site SITE execute crm_ext.demo.make_demo_data
    bench --site SITE execute crm_ext.demo.make_demo_data --kwargs "{'leads': 200}"

Sales: reps and a head of sales, two pipelines (retail, and wholesale ending at Paid), cards from
every door (web form intake, telephony, desk) worked through their stages with calls, visits and
follow-ups (some overdue, some carried over), quotations, orders, invoices and payments in every
payment state. Supply: suppliers with portal users, qualification templates and qualifications in
every workflow state (reviewed by a buyer, decided by another manager), a sealed tender open for
bids, an evaluated and awarded one with purchase orders, a receipt, invoices and a payment, and a
running reverse auction. Every step runs through the app's procedures as the person who would do
it, so every rule holds; a second run finds what the first made and adds nothing (no twin cards).

Prints what it made and who to log in as (all demo users share the password ``DEMO_PASSWORD``).
For demo and training sites, not production ones.
"""

import time

import frappe

from crm_ext.demo.base import DEMO_PASSWORD, ensure_items, ensure_named
from crm_ext.demo.people import LOGINS, choose_round_robin_team, ensure_team, fill_settings

__all__ = ["DEMO_PASSWORD", "make_demo_data", "make_lost_reason", "make_rep", "make_source"]


def make_demo_data(leads: int = 120, seed: int = 7, commit: bool = True, verbose: bool = True) -> dict:
	"""Build (or complete) the demo; returns what it made. ``commit=False`` leaves the transaction
	open (tests roll it back)."""
	from crm_ext.demo import sales, supply

	started = time.monotonic()
	muted, frappe.flags.mute_emails = frappe.flags.mute_emails, True
	user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		ensure_items()
		reps = ensure_team(DEMO_PASSWORD)
		settings = fill_settings()
		round_robin = choose_round_robin_team(reps)
		checkpoint(commit)
		made = {"settings filled": sorted(settings), "round robin team chosen": round_robin}
		made.update(sales.make(leads, seed, reps, lambda: checkpoint(commit)))
		made.update(supply.make(DEMO_PASSWORD, lambda: checkpoint(commit)))
		checkpoint(commit)
	finally:
		frappe.flags.mute_emails = muted
		frappe.set_user(user)
	made["seconds"] = round(time.monotonic() - started, 1)
	if verbose:
		print(summary(made))
	return made


def checkpoint(commit: bool) -> None:
	frappe.clear_messages()
	if commit:
		frappe.db.commit()


def summary(made: dict) -> str:
	lines = ["", "crm_ext demo ready in {} s".format(made["seconds"]), ""]
	for key, value in made.items():
		if key != "seconds":
			lines.append(f"  {key}: {value}")
	lines += ["", f"Log in at /app (suppliers at /tenders) with password {DEMO_PASSWORD}:"]
	from crm_ext.demo.supply import PORTAL_LOGINS

	for role, email, what in (*LOGINS, *PORTAL_LOGINS):
		lines.append(f"  {role:<18} {email:<34} {what}")
	return "\n".join(lines)


# --- kept for tests/bench/bench_analytics.py ------------------------------------------------------


def make_rep(email: str) -> str:
	from crm_ext.demo.people import ensure_user

	name = email.split("@")[0].split(".")[0].title()
	return ensure_user(email, name, "", ("Sales User",), DEMO_PASSWORD)


def make_source(name: str) -> str:
	from crm_ext.sales.sources import ensure_source

	return ensure_source(name)


def make_lost_reason(name: str) -> str:
	ensure_named("Sales Lead Lost Reason", "lost_reason", [name])
	return name
