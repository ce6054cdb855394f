"""Stage names where a person reads a stage: a stage's ID ("Sales-New") is its pipeline and name at
creation and stays when the stage is renamed; people read its Stage Name ("New").

Pipeline Stage shows its title in links (``show_title_field_in_link``): the desk's forms and lists
show names by themselves. Reports, the board and the timeline get them from here: report rows keep
the stage's ID in their Link columns (they stay filters and links) and the names are sent with the
response as Frappe's link titles, which the desk's formatter shows instead of the ID.
"""

import frappe

STAGE = "Pipeline Stage"


def stage_titles(names) -> dict[str, str]:
	"""{stage ID: stage name} for ``names`` (unknown IDs left out)."""
	names = sorted({n for n in names if n})
	if not names:
		return {}
	rows = frappe.get_all(STAGE, filters={"name": ("in", names)}, fields=["name", "stage_name"])
	return {r.name: r.stage_name or r.name for r in rows}


def stage_title(name: str | None) -> str:
	"""The name of stage ``name`` (its ID when unknown)."""
	if not name:
		return ""
	return frappe.db.get_value(STAGE, name, "stage_name") or name


def send_link_titles(titles: dict[str, str]) -> None:
	"""Send ``titles`` with the response as Frappe's link titles of Pipeline Stage (the desk's
	``frappe._link_titles``, read by the Link formatter of reports, lists and forms)."""
	if not titles or getattr(frappe.local, "response", None) is None:
		return
	sent = frappe.local.response.setdefault("_link_titles", {})
	sent.update({f"{STAGE}::{name}": title for name, title in titles.items()})


def send_stage_titles_of_report(columns: list, data) -> None:
	"""The stage names of every Pipeline Stage Link column of a report's rows."""
	fields = [
		c.get("fieldname")
		for c in columns or []
		if isinstance(c, dict) and c.get("fieldtype") == "Link" and c.get("options") == STAGE
	]
	if not fields or not data:
		return
	names = set()
	for row in data:
		for field in fields:
			value = row.get(field) if isinstance(row, dict) else None
			if value:
				names.add(value)
	send_link_titles(stage_titles(names))


def card_stage_titles(doc) -> dict[str, str]:
	"""Names of every stage a card's timeline can show: its pipeline's stages and the stages of its
	stage log (a pipeline it moved out of included)."""
	names = (
		set(frappe.get_all(STAGE, filters={"pipeline": doc.pipeline}, pluck="name"))
		if doc.pipeline
		else set()
	)
	if not doc.is_new():
		for row in frappe.get_all(
			"Sales Lead Stage Log", filters={"sales_lead": doc.name}, fields=["from_stage", "to_stage"]
		):
			names.update((row.from_stage, row.to_stage))
	return stage_titles(names)
