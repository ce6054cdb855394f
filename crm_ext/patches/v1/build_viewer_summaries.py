"""Fill the viewer summary (Sales Viewer Summary, with the viewers recorded in Sales Lead Viewer)
of an existing site: a rebuild of every analytics summary from the stage log and the cards; from
then on the app keeps them in step (crm_ext.analytics.summary_events)."""

from crm_ext.analytics.indexes import ensure_indexes
from crm_ext.analytics.summaries import rebuild


def execute():
	ensure_indexes()
	rebuild()
