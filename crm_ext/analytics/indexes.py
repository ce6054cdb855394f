"""Composite indexes the analytics reports read instead of the tables (covering indexes).

Created by the patch ``crm_ext.patches.v1.add_analytics_indexes`` on existing sites, by
``after_install`` on new ones (a fresh install marks every patch as done without running it) and
checked again after every migrate (``add_index`` skips the ones that exist), so an index added
here later reaches existing sites without a new patch.

- Sales Funnel: per card, the furthest stage and the first move in a pipeline; the moves into
  a lost stage.
- Time in Stage: the days spent per stage and when the card left it, per pipeline and per card
  (the second for filtered cards: the query starts from the cards, see ``force_index``).
- The summary tables: the period of a measure (and pipeline) the reports read.
"""

import frappe

INDEXES = {
	"Sales Lead Stage Log": {
		"pipeline_lead_stage_index": ["pipeline", "sales_lead", "to_kind", "to_stage", "changed_on"],
		"pipeline_kind_index": ["pipeline", "to_kind", "from_stage", "sales_lead"],
		"pipeline_stay_index": ["pipeline", "from_stage", "days_in_from_stage", "changed_on"],
		"lead_stay_index": ["sales_lead", "pipeline", "from_stage", "days_in_from_stage", "changed_on"],
		# Manager Activity: the moves into won / lost stages of a period
		"kind_changed_index": ["to_kind", "changed_on", "sales_lead"],
		# Time in Stage: the moves out of a pipeline's stages in a period (the days the stay
		# histogram's whole months leave out, and any period for a user who sees every card)
		"pipeline_changed_stay_index": ["pipeline", "changed_on", "from_stage", "days_in_from_stage"],
	},
	# the summary tables (crm_ext.analytics.summaries): a period of one measure of a pipeline,
	# of one measure of every pipeline; the months of a pipeline; the days of the interactions
	"Sales Stage Summary": {
		"measure_pipeline_day_index": ["measure", "pipeline", "day"],
		"measure_day_index": ["measure", "day"],
		# Manager Activity of one rep (a rep who sees only their own row, or the Sales Rep filter)
		"rep_day_index": ["rep", "day"],
	},
	"Sales Stage Stay": {"pipeline_month_index": ["pipeline", "month"]},
	# a rep's own rows of the funnel and the stays (a period of one measure, of a pipeline)
	"Sales Viewer Summary": {
		"viewer_measure_index": ["viewer", "measure", "pipeline", "day"],
		# a pipeline's rows of one measure (its Furthest rows rebuilt when a stage is reordered)
		"measure_pipeline_day_index": ["measure", "pipeline", "day"],
	},
	"Sales Lead": {
		# Receivables Health: the Responsible of each customer's latest card
		"customer_creation_index": ["customer", "creation"],
		# a rep's own cards changed in a period (crm_ext.analytics.filters.few_own_cards)
		"responsible_modified_index": ["lead_owner", "modified"],
		"creator_modified_index": ["owner", "modified"],
		# Revenue Forecast and Customer Segments filtered by pipeline (or rep, source, campaign):
		# whether a customer has a card in scope, one lookup per customer
		"customer_pipeline_index": ["customer", "pipeline"],
		# Sales KPIs and Manager Activity: the cards created in a period (not ten years of old ones)
		"creation_index": ["creation"],
		# ... and what Sales KPIs counts of them, read from the index alone for a user who sees every
		# card (a rep's row rule needs the card itself: the narrow index serves them)
		"period_cards_index": ["creation", "company", "stage_kind", "source", "campaign", "customer"],
		# Revenue Forecast and the pipeline cards: the open cards of a pipeline (the open ones stay
		# few while closed ones pile up; MariaDB intersected the whole pipeline with every open card)
		"open_pipeline_index": ["stage_kind", "pipeline"],
	},
	"Interaction Summary": {"day_rep_index": ["day", "rep"]},
	# the cards a rep is assigned to (few_own_cards): Frappe indexes its ToDos by the record only.
	# Not led by allocated_to: MariaDB would read every ToDo in that order for a grouping by
	# assignee (Manager Activity's follow-ups: 65 -> 150 ms)
	"ToDo": {"reference_assignee_index": ["reference_type", "allocated_to", "status"]},
	# Manager Activity: interactions per rep and type (read from the index alone, in group order)
	"Interaction": {
		"rep_type_index": ["handled_by", "interaction_type", "owner", "start_time"],
		# the workspace chart Activity by Rep: a period's interactions per handler, with what the
		# row rule asks of them (the card or party they are on), from the index alone
		"start_activity_index": [
			"start_time",
			"docstatus",
			"handled_by",
			"reference_doctype",
			"reference_name",
		],
	},
}


# tables of other apps: their indexes are dropped on uninstall (the app's own tables go with it)
OTHER_APPS_TABLES = ("ToDo",)


def ensure_indexes():
	for doctype, indexes in INDEXES.items():
		for name, fields in indexes.items():
			frappe.db.add_index(doctype, fields, index_name=name)


def drop_indexes_on_other_apps_tables():
	for doctype in OTHER_APPS_TABLES:
		for name in INDEXES[doctype]:
			if frappe.db.has_index(f"tab{doctype}", name):
				frappe.db.commit()  # DDL commits in MariaDB anyway
				frappe.db.sql(f"alter table `tab{doctype}` drop index `{name}`")


def force_index(query, index: str, table: str = "tabSales Lead Stage Log"):
	"""``FORCE INDEX`` on the query's first table ``table`` (MariaDB only; ignored elsewhere).

	MariaDB misjudges the report queries that join the stage log to filtered Sales Leads (an OR
	over owner, responsible and assignment): it scans the whole log and looks each card up
	(seconds on a million rows) instead of starting from the matching cards. Likewise it counts a
	year of interactions per rep through a temporary table instead of the index in group order.
	"""
	if frappe.db.db_type == "mariadb" and frappe.db.has_index(table, index):
		return query.force_index(index)
	return query
