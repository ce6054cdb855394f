"""Fill the analytics summary tables (Sales Stage Summary, Sales Stage Stay, Interaction Summary)
from the stage log and the interactions of an existing site; from then on the app keeps them in
step (crm_ext.analytics.summary_events)."""

from crm_ext.analytics.indexes import ensure_indexes
from crm_ext.analytics.summaries import rebuild


def execute():
	ensure_indexes()
	rebuild()
