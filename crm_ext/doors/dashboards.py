"""Dashboard charts and number cards over records with row rules.

Frappe's ``dashboard_chart.get``:

- loads a stored chart by name without checking the user may read it;
- caches the result of a stored chart per chart name for every user (``cache_source``), so the
  counts a manager's view computed are served to a rep;
- computes a Heatmap with ``frappe.get_all`` (no row rules at all);
- takes a whole chart definition from the client (``chart``), its cache key included.

Here a stored chart needs read on the chart; one about a doctype with row rules is computed for
the user, uncached, and as a Heatmap only for users who see every record. A chart built in the
browser (the Dashboard Chart form's preview, the user profile's energy chart) is computed
uncached; about a doctype with row rules only for System / Dashboard Managers, as a Heatmap
(``get_all``) only for them. A number card is computed from the stored card the user may read
(its filters from the client, as the widget sends them, through the request guard); an unsaved
card only for System / Dashboard Managers.
"""

import inspect

import frappe
from frappe import _
from frappe.desk.doctype.dashboard_chart import dashboard_chart
from frappe.desk.doctype.number_card import number_card

from crm_ext.doors.common import is_manager, is_sensitive, refuse, require, sees_every_record
from crm_ext.doors.guard import check_arguments, queried_doctype

HEATMAP = "Heatmap"


def _uncached():
	return inspect.unwrap(dashboard_chart.get)


def _about_rows(chart) -> bool:
	return is_sensitive(chart.get("document_type")) or is_sensitive(chart.get("parent_document_type"))


@frappe.whitelist()
def get(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: bool | int | None = None,
	filters: str | list | dict | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | int | None = None,
	refresh: str | int | None = None,
):
	given = {"chart": chart, "filters": filters, "chart_name": chart_name}
	check_arguments(given, "frappe.desk.doctype.dashboard_chart.dashboard_chart.get", queried_doctype(given))
	options = {
		"filters": filters,
		"from_date": from_date,
		"to_date": to_date,
		"timespan": timespan,
		"time_interval": time_interval,
		"heatmap_year": heatmap_year,
	}
	if chart_name:
		require("Dashboard Chart", "read", chart_name)
		stored = frappe.get_doc("Dashboard Chart", chart_name)
		if not _about_rows(stored):
			return dashboard_chart.get(chart_name=chart_name, no_cache=no_cache, refresh=refresh, **options)
		if stored.type == HEATMAP and not sees_every_record(stored.document_type):
			refuse(
				_("A heatmap counts every record of {0}: only users who see them all may open it.").format(
					_(stored.document_type)
				)
			)
		return _uncached()(chart_name=chart_name, **options)

	definition = frappe._dict(frappe.parse_json(chart) or {})
	if (definition.type == HEATMAP or _about_rows(definition)) and not is_manager():
		refuse(_("Only a System Manager or Dashboard Manager may preview this chart."))
	if (
		definition.type == HEATMAP
		and _about_rows(definition)
		and not sees_every_record(definition.document_type)
	):
		refuse(
			_("A heatmap counts every record of {0}: only users who see them all may open it.").format(
				_(definition.document_type)
			)
		)
	return _uncached()(chart=frappe.as_json(definition), no_cache=1, **options)


def _stored_card(doc) -> dict:
	card = frappe._dict(frappe.parse_json(doc) or {})
	if card.name and frappe.db.exists("Number Card", card.name):
		require("Number Card", "read", card.name)
		return frappe.get_doc("Number Card", card.name).as_dict()
	if not is_manager():
		refuse(_("Only a System Manager or Dashboard Manager may preview an unsaved number card."))
	return card


@frappe.whitelist()
def get_result(doc: str | dict, filters: str | list | dict | None = None, to_date: str | None = None):
	given = {"doc": doc, "filters": filters}
	check_arguments(given, "frappe.desk.doctype.number_card.number_card.get_result", queried_doctype(given))
	return number_card.get_result(frappe.as_json(_stored_card(doc)), filters, to_date)


@frappe.whitelist()
def get_percentage_difference(doc: str | dict, filters: str | list | dict | None, result):
	card = frappe._dict(frappe.parse_json(doc) or {})
	require("Number Card", "read", card.name)
	return number_card.get_percentage_difference(doc, filters, result)
