"""What a CRM Manager sets up before the team starts: a second pipeline (wholesale, ending at
Paid, with a scripted sequence on its Contract stage), lead sources and campaigns with their
spend."""

import frappe

from crm_ext.demo.people import HEAD_OF_SALES
from crm_ext.demo.plan import CAMPAIGNS, SOURCES
from crm_ext.sales.pipeline import DEFAULT_PIPELINE, create_default_pipeline
from crm_ext.sales.sources import ensure_source

WHOLESALE = "Wholesale"
# (stage name, kind, probability, stale after days, required fields, paid stage)
WHOLESALE_STAGES = (
	("New", "Open", 10, 3, (), 0),
	("Contacted", "Open", 25, 7, (), 0),
	("Offer Sent", "Open", 50, 14, ("expected_amount",), 0),
	("Contract", "Open", 80, 21, ("expected_amount", "expected_close_date"), 0),
	("Won", "Won", 100, 0, (), 0),
	("Paid", "Won", 100, 0, (), 1),
	("Lost", "Lost", 0, 0, (), 0),
)
CONTRACT_STEPS = (
	{"step_text": "Send the contract for signature", "due_after_hours": 4},
	{"step_text": "Check the signed contract and the credit terms", "due_after_hours": 8},
)
CAMPAIGN_SPEND = dict(zip(CAMPAIGNS, (2500, 4000), strict=True))


def ensure_pipelines() -> list[str]:
	create_default_pipeline(DEFAULT_PIPELINE)
	if not frappe.db.exists("Sales Pipeline", WHOLESALE):
		frappe.get_doc({"doctype": "Sales Pipeline", "pipeline_name": WHOLESALE}).insert(
			ignore_permissions=True
		)
	if frappe.db.exists("Pipeline Stage", {"pipeline": WHOLESALE}):
		# the site's own "Wholesale" (or an earlier demo's, with other stages): used as it is, never
		# reshaped (adding this demo's stages beside others would clash on their order)
		return [DEFAULT_PIPELINE, WHOLESALE]
	for order, (name, kind, probability, stale, required, paid) in enumerate(WHOLESALE_STAGES, start=1):
		stage = frappe.get_doc(
			{
				"doctype": "Pipeline Stage",
				"pipeline": WHOLESALE,
				"stage_name": name,
				"stage_order": order * 10,
				"kind": kind,
				"probability": probability,
				"stale_after_days": stale,
				"is_paid_stage": paid,
				"color": {"Won": "Green", "Lost": "Red"}.get(kind, "Orange" if order > 2 else "Blue"),
				"required_fields": [{"fieldname": f} for f in required],
			}
		)
		if name == "Contract":
			stage.append("sequence_steps", CONTRACT_STEPS[0])
			stage.append("sequence_steps", {**CONTRACT_STEPS[1], "assign_to_user": HEAD_OF_SALES})
		stage.insert(ignore_permissions=True)
	return [DEFAULT_PIPELINE, WHOLESALE]


def ensure_sources_and_campaigns() -> dict[str, str]:
	"""Lead sources, and campaigns (by name) with their spend: ``{campaign name: record name}``."""
	for source in SOURCES:
		ensure_source(source)
	campaigns = {}
	for name, spend in CAMPAIGN_SPEND.items():
		record = frappe.db.get_value("Campaign", {"campaign_name": name})
		if not record:
			record = (
				frappe.get_doc({"doctype": "Campaign", "campaign_name": name, "crm_spend": spend})
				.insert(ignore_permissions=True)
				.name
			)
		campaigns[name] = record
	return campaigns
