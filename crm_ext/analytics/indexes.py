"""Composite indexes the analytics reports read instead of the tables (covering indexes).

Created by the patch ``crm_ext.patches.v1.add_analytics_indexes`` on existing sites and by
``after_install`` on new ones (a fresh install marks every patch as done without running it).

- Sales Funnel: per card, the furthest stage and the first move in a pipeline.
- Time in Stage: the days spent per stage and when the card left it.
"""

import frappe

INDEXES = {
	"Sales Lead Stage Log": {
		"pipeline_lead_stage_index": ["pipeline", "sales_lead", "to_kind", "to_stage", "changed_on"],
		"pipeline_stay_index": ["pipeline", "from_stage", "days_in_from_stage", "changed_on"],
	},
}


def ensure_indexes():
	for doctype, indexes in INDEXES.items():
		for name, fields in indexes.items():
			frappe.db.add_index(doctype, fields, index_name=name)
