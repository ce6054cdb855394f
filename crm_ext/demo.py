"""Demo data: a living funnel for a newcomer.

    bench --site SITE execute crm_ext.demo.make_demo_data
    bench --site SITE execute crm_ext.demo.make_demo_data --kwargs "{'leads': 500}"

Creates (idempotently by name) a "Wholesale" pipeline beside the default one, four demo reps
(Sales User), lead sources, and ``leads`` Sales Leads moved through their stages with a
stage history spread over the last months, so the kanban boards, the funnel and the stage log
show realistic data. Meant for demo and training sites, not for production ones.
"""

import random
from datetime import timedelta

import frappe
from frappe.utils import add_days, now_datetime

from crm_ext.sales.pipeline import create_default_pipeline, first_stage, pipeline_stages

REPS = ("anna.rep@example.com", "boris.rep@example.com", "carla.rep@example.com", "dmitri.rep@example.com")
SOURCES = ("Website", "Cold Calling", "Exhibition", "Referral", "Advertisement")
FIRST = (
	"Anna",
	"Boris",
	"Chen",
	"Diana",
	"Emil",
	"Fatima",
	"Georg",
	"Hana",
	"Ivan",
	"Julia",
	"Karim",
	"Lena",
)
LAST = ("Ivanova", "Schmidt", "Garcia", "Rossi", "Novak", "Kowalski", "Dubois", "Smith", "Tanaka", "Olsen")
ORGS = ("Windows", "Doors", "Roofing", "Glass", "Build", "Home", "Facade", "Interiors")


def make_demo_data(leads: int = 300, seed: int = 7) -> dict:
	rng = random.Random(seed)
	frappe.flags.mute_emails = True
	pipelines = [create_default_pipeline(), create_default_pipeline("Wholesale")]
	reps = [make_rep(email) for email in REPS]
	sources = [make_source(name) for name in SOURCES]
	reasons = frappe.get_all("Sales Lead Lost Reason", pluck="name") or [make_lost_reason("Price too high")]
	made = 0
	for i in range(leads):
		make_lead(rng, i, rng.choice(pipelines), rng.choice(reps), rng.choice(sources), reasons)
		made += 1
		if made % 50 == 0:
			frappe.db.commit()
	frappe.db.commit()
	return {"pipelines": pipelines, "reps": reps, "leads": made}


def make_rep(email: str) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split(".")[0].title(),
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		).insert(ignore_permissions=True)
		user.add_roles("Sales User")
	return email


def make_source(name: str) -> str:
	if not frappe.db.exists("Lead Source", name):
		frappe.get_doc({"doctype": "Lead Source", "source_name": name}).insert(ignore_permissions=True)
	return name


def make_lost_reason(name: str) -> str:
	if not frappe.db.exists("Sales Lead Lost Reason", name):
		frappe.get_doc({"doctype": "Sales Lead Lost Reason", "lost_reason": name}).insert(
			ignore_permissions=True
		)
	return name


def make_lead(rng: random.Random, i: int, pipeline: str, rep: str, source: str, reasons: list[str]) -> str:
	person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
	org = f"{rng.choice(LAST)} {rng.choice(ORGS)}" if rng.random() < 0.7 else None
	lead = frappe.get_doc(
		{
			"doctype": "Sales Lead",
			"lead_name": person,
			"organization": org,
			"phone": f"+4930{1000000 + i:07d}",
			"email": f"demo.lead{i}@example.com",
			"pipeline": pipeline,
			"stage": first_stage(pipeline),
			"lead_owner": rep,
			"source": source,
			"channel": rng.choice(["Website", "Phone", "E-mail", "Referral", "Exhibition"]),
			"expected_amount": rng.randrange(500, 50000, 100),
			"expected_close_date": add_days(now_datetime().date(), rng.randint(-30, 120)),
		}
	)
	lead.flags.skip_dedupe = True
	lead.insert(ignore_permissions=True)
	walk_through_stages(rng, lead, reasons)
	return lead.name


def walk_through_stages(rng: random.Random, lead, reasons: list[str]):
	"""Move the card forward a random number of stages, ending open, won or lost, then spread
	its history over the past (created 10..180 days ago, a few days per stage)."""
	stages = pipeline_stages(lead.pipeline)
	open_stages = [s for s in stages if s.kind == "Open"]
	won = next((s for s in stages if s.kind == "Won"), None)
	lost = next((s for s in stages if s.kind == "Lost"), None)
	path = open_stages[1 : rng.randint(1, len(open_stages))]
	ending = rng.random()
	if ending < 0.2 and won:
		lead.customer = demo_customer(lead)
		path.append(won)
	elif ending < 0.45 and lost:
		lead.lost_reason = rng.choice(reasons)
		path.append(lost)
	for stage in path:
		lead.stage = stage.name
		lead.save(ignore_permissions=True)
	backdate(rng, lead.name)


def demo_customer(lead) -> str:
	name = lead.organization or lead.lead_name
	if not frappe.db.exists("Customer", {"customer_name": name}):
		frappe.get_doc({"doctype": "Customer", "customer_name": name, "customer_type": "Company"}).insert(
			ignore_permissions=True
		)
	return frappe.db.get_value("Customer", {"customer_name": name})


def backdate(rng: random.Random, lead_name: str):
	created = now_datetime() - timedelta(days=rng.randint(10, 180), hours=rng.randint(0, 8))
	moment = created
	logs = frappe.get_all(
		"Sales Lead Stage Log", filters={"sales_lead": lead_name}, fields=["name"], order_by="creation asc"
	)
	for idx, log in enumerate(logs):
		days = 0 if idx == 0 else rng.uniform(0.5, 12)
		moment = moment + timedelta(days=days)
		frappe.db.set_value(
			"Sales Lead Stage Log",
			log.name,
			{"changed_on": moment, "days_in_from_stage": round(days, 2)},
			update_modified=False,
		)
	frappe.db.set_value(
		"Sales Lead",
		lead_name,
		{
			"creation": created,
			"stage_entered_on": moment,
			"first_contacted_on": created + timedelta(minutes=rng.randint(5, 90)),
		},
		update_modified=False,
	)
