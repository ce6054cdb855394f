"""From need to tender: Material Request lines into a Draft tender, and back into the award's
Purchase Orders (issue 14, part 1).

- :func:`add_material_requests` ("Get Items From > Material Request"): the still-open lines of
  submitted purchase Material Requests of the tender's company, merged by item and required date
  (``crm_ext.logic.tender.needs``) into the tender's lines; each line keeps its source lines in
  ``Tender Material Request`` rows (server-owned: only this procedure writes them).
- A Material Request line is held by one live tender at most, whatever the timing: the source
  row's ``claim`` column is unique and holds the line's name while the tender holds it. Two buyers
  adding the same line at once: the second insert waits for the first transaction and then fails
  on the key, and nothing of its request is saved. A line is released when its tender is
  cancelled, when it leaves a Draft tender's lines, at the award when it got nothing (a line
  awarded to a framework agreement stays: the orders against the agreement take it), and when the
  last live order of the tender ordering it is cancelled.
- :func:`purchase_order_rows`: an awarded line's quantity split back across its source lines (each
  at most what it still needs when the award is made), carrying ``material_request`` /
  ``material_request_item`` so that ERPNext's own status updater moves the Material Request's
  ordered quantity, ``per_ordered`` and status when the Purchase Order is submitted, as it does
  for a Purchase Order made from a Supplier Quotation.
"""

import json

import frappe
from frappe import _
from frappe.utils import flt

from crm_ext.logic.tender.amounts import Number, to_decimal
from crm_ext.logic.tender.needs import NeedLine, merge, pending, split
from crm_ext.supply.access import require_tender
from crm_ext.utils.documents import as_procedure

SOURCE = "Tender Material Request"
MAX_REQUESTS = 50
# a Material Request in one of these states orders nothing more (ERPNext refuses a PO against it)
NOT_ORDERABLE = ("Stopped", "Closed", "On Hold", "Cancelled")
ROW_FIELDS = [
	"name",
	"parent",
	"idx",
	"item_code",
	"item_name",
	"description",
	"item_group",
	"schedule_date",
	"uom",
	"conversion_factor",
	"stock_uom",
	"stock_qty",
	"ordered_qty",
	"warehouse",
	"project",
]


@frappe.whitelist(methods=["POST"])
def add_material_requests(name: str, material_requests: list | str) -> dict:
	"""Add the open lines of ``material_requests`` to the Draft tender ``name``, merged by item and
	required date. Lines held by another live tender, or with nothing left to order, are skipped.
	Right: an internal buyer with write on the tender and read on each Material Request."""
	tender = require_tender(name)
	names = request_names(material_requests)
	for request in names:
		frappe.has_permission("Material Request", "read", doc=request, throw=True)
	lock(tender.name, names)
	tender = frappe.get_doc("Tender", tender.name)
	if tender.status != "Draft":
		frappe.throw(
			_("Tender {0} is {1}: lines come from Material Requests only while it is a Draft.").format(
				tender.name, _(tender.status)
			),
			title=_("Wrong Status"),
		)
	check_requests(tender, names)
	rows = request_rows(names)
	held = held_rows([row.name for row in rows])
	needs = [need_line(row) for row in rows if row.name not in held]
	merged = merge(needs)
	if not merged:
		frappe.throw(
			_("Nothing to add: every line of {0} is ordered or already in a tender.").format(
				", ".join(names)
			),
			title=_("Nothing to Add"),
		)
	by_row = {row.name: row for row in rows}
	lines = [tender_line(tender, line, by_row[line.sources[0].row_id]) for line in merged]
	as_procedure(tender)
	tender.save()  # the new lines get their names
	sources = [
		(line_row.name, source)
		for line_row, line in zip(lines, merged, strict=True)
		for source in line.sources
	]
	# claims are inserted in one order (by Material Request line)
	for line_name, source in sorted(sources, key=lambda s: s[1].row_id):
		row = by_row[source.row_id]
		tender.append(
			"material_requests",
			{
				"tender_item": line_name,
				"material_request": row.parent,
				"material_request_item": row.name,
				"item_code": row.item_code,
				"schedule_date": row.schedule_date,
				"stock_qty": float(source.pending_stock_qty),
				"stock_uom": row.stock_uom,
				"warehouse": row.warehouse,
				"project": row.project,
				"claim": row.name,
			},
		)
	as_procedure(tender)
	try:
		tender.save()
	except frappe.UniqueValidationError:
		frappe.throw(
			_(
				"A line of {0} was just added to another tender. Nothing was added: choose the Material Requests again."
			).format(", ".join(names)),
			frappe.UniqueValidationError,
			title=_("Already in a Tender"),
		)
	return {
		"lines": len(merged),
		"added": [s.row_id for _line, s in sources],
		"skipped": sorted(held.items()),
	}


def request_names(value) -> list[str]:
	"""The Material Request names a client sent (a list, or its JSON), or a 417 naming the field."""
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			value = [value] if value.strip() else []
	if (
		not isinstance(value, list)
		or not 0 < len(value) <= MAX_REQUESTS
		or not all(isinstance(v, str) and v.strip() for v in value)
	):
		frappe.throw(
			_("Material Requests: choose between 1 and {0} Material Requests.").format(MAX_REQUESTS),
			title=_("Invalid Value"),
		)
	return list(dict.fromkeys(v.strip() for v in value))


def lock(tender: str, names: list[str]) -> None:
	"""Serialise the requests adding the same Material Requests (their rows locked in name order),
	then those adding to this tender. Two buyers taking the same lines queue here instead of
	meeting, each holding gap locks, inside Frappe's saves of child rows (a deadlock); the unique
	``claim`` decides who has a line whatever the timing."""
	table = frappe.qb.DocType("Material Request")
	frappe.qb.from_(table).select(table.name).where(table.name.isin(names)).orderby(
		table.name
	).for_update().run()
	frappe.db.get_value("Tender", tender, "name", for_update=True)


def check_requests(tender, names: list[str]) -> None:
	"""Submitted purchase Material Requests of the tender's company that may still be ordered."""
	for request in names:
		values = frappe.db.get_value(
			"Material Request",
			request,
			["docstatus", "material_request_type", "company", "status"],
			as_dict=True,
		)
		problem = None
		if values.docstatus != 1:
			problem = _("it is not submitted")
		elif values.material_request_type != "Purchase":
			problem = _("it is not a purchase request ({0})").format(_(values.material_request_type))
		elif values.company != tender.company:
			problem = _("it belongs to company {0}").format(values.company)
		elif values.status in NOT_ORDERABLE:
			problem = _("it is {0}").format(_(values.status))
		if problem:
			frappe.throw(
				_("Material Request {0} cannot go to this tender: {1}.").format(request, problem),
				title=_("Invalid Material Request"),
			)


def request_rows(names: list[str]) -> list:
	rows = frappe.get_all(
		"Material Request Item",
		filters={"parenttype": "Material Request", "parent": ("in", names)},
		fields=ROW_FIELDS,
	)
	order = {request: i for i, request in enumerate(names)}
	return sorted(rows, key=lambda r: (order[r.parent], r.idx))


def held_rows(row_names: list[str]) -> dict[str, str]:
	"""{Material Request line: tender} of the lines a live tender holds."""
	if not row_names:
		return {}
	return dict(
		frappe.get_all(
			SOURCE,
			filters={"claim": ("in", row_names)},
			fields=["claim", "parent"],
			as_list=True,
		)
	)


def need_line(row) -> NeedLine:
	return NeedLine(
		row_id=row.name,
		request=row.parent,
		item_code=row.item_code,
		required_by=row.schedule_date,
		uom=row.uom,
		conversion_factor=flt(row.conversion_factor) or 1,
		stock_uom=row.stock_uom or row.uom,
		pending_stock_qty=pending(flt(row.stock_qty), flt(row.ordered_qty)),
	)


def tender_line(tender, line, first):
	"""The tender's line for a merged need: an existing line of the same item, date and UOM grows;
	else a new line."""
	for row in tender.items:
		if (row.item_code, str(row.required_by or ""), row.uom) == (
			line.item_code,
			str(line.required_by or ""),
			line.uom,
		):
			row.qty = flt(row.qty) + float(line.qty)
			return row
	return tender.append(
		"items",
		{
			"item_code": line.item_code,
			"item_name": first.item_name,
			"description": first.description,
			"item_group": first.item_group,
			"qty": float(line.qty),
			"uom": line.uom,
			"required_by": line.required_by,
		},
	)


# --- the award --------------------------------------------------------------------------------


def purchase_order_rows(tender, line, item_code: str, qty: Number, factor: Number) -> list[dict]:
	"""Purchase Order row values of an awarded line (``qty`` of ``item_code`` in the line's UOM,
	``factor`` stock units per UOM): the quantity split across the line's Material Request lines,
	each at most what it still needs now; the rest without a Material Request. An alternative item
	orders no Material Request line (ERPNext links a PO row only to a line of the same item)."""
	sources = in_order([s for s in tender.material_requests if s.tender_item == line.name])
	room = orderable(sources, item_code)
	factor = to_decimal(flt(factor) or 1)
	by_name = {s.name: s for s in sources}
	parts = split(to_decimal(flt(qty)) * factor, [(s.name, room.get(s.name, 0)) for s in sources])
	rows = []
	for part in parts:
		source = by_name.get(part.row_id)
		values = {"qty": float(part.stock_qty / factor)}
		if source:
			values.update(
				{
					"material_request": source.material_request,
					"material_request_item": source.material_request_item,
					"warehouse": source.warehouse,
					"project": source.project,
				}
			)
		elif sources:
			values["warehouse"] = sources[0].warehouse
		rows.append(values)
	return rows


def in_order(sources) -> list:
	"""Source rows in the order an awarded quantity fills them: the earliest need first, then the
	oldest request, then its line order (the table itself is in claim order)."""
	idx = dict(
		frappe.get_all(
			"Material Request Item",
			filters={"name": ("in", [s.material_request_item for s in sources] or [""])},
			fields=["name", "idx"],
			as_list=True,
		)
	)
	return sorted(
		sources,
		key=lambda s: (
			str(s.schedule_date or ""),
			s.material_request or "",
			idx.get(s.material_request_item, 0),
		),
	)


def orderable(sources, item_code: str) -> dict[str, float]:
	"""{source row: stock quantity it may still take}: what it held, at most what its Material
	Request line still needs now, and nothing for a request that can no longer be ordered."""
	held = [s for s in sources if s.claim and s.item_code == item_code]
	if not held:
		return {}
	lines = {
		r.name: r
		for r in frappe.get_all(
			"Material Request Item",
			filters={"name": ("in", [s.material_request_item for s in held])},
			fields=["name", "parent", "stock_qty", "ordered_qty"],
		)
	}
	requests = {
		r.name: r
		for r in frappe.get_all(
			"Material Request",
			filters={"name": ("in", [s.material_request for s in held])},
			fields=["name", "docstatus", "status"],
		)
	}
	room = {}
	for source in held:
		line = lines.get(source.material_request_item)
		request = requests.get(source.material_request)
		if not line or not request or request.docstatus != 1 or request.status in NOT_ORDERABLE:
			continue
		room[source.name] = min(
			to_decimal(flt(source.stock_qty)), pending(flt(line.stock_qty), flt(line.ordered_qty))
		)
	return room


def release(tender: str, rows: list[str] | None = None) -> None:
	"""The tender no longer holds these source rows (None: all of them): they may go to another."""
	table = frappe.qb.DocType(SOURCE)
	query = (
		frappe.qb.update(table)
		.set(table.claim, None)
		.where((table.parenttype == "Tender") & (table.parent == tender))
	)
	if rows is not None:
		if not rows:
			return
		query = query.where(table.name.isin(rows))
	query.run()


def release_unordered(tender, orders: list[str], keep_lines=frozenset()) -> None:
	"""After the award: the source rows none of the award's Purchase Orders orders are released,
	but those of ``keep_lines`` (lines awarded to a framework agreement)."""
	ordered = set(
		frappe.get_all(
			"Purchase Order Item",
			filters={"parent": ("in", orders or [""]), "material_request_item": ("is", "set")},
			pluck="material_request_item",
		)
	)
	release(
		tender.name,
		[
			s.name
			for s in tender.material_requests
			if s.material_request_item not in ordered and s.tender_item not in keep_lines
		],
	)


def release_cancelled(order) -> None:
	"""A cancelled Purchase Order of a tender no longer orders its Material Request lines: those no
	other live order of the tender orders are released (another tender may take them again)."""
	lines = {row.material_request_item for row in order.items if row.get("material_request_item")}
	if not lines:
		return
	po, item = frappe.qb.DocType("Purchase Order"), frappe.qb.DocType("Purchase Order Item")
	still = {
		r[0]
		for r in frappe.qb.from_(item)
		.join(po)
		.on(po.name == item.parent)
		.select(item.material_request_item)
		.where(
			(po.tender == order.tender)
			& (po.docstatus < 2)
			& (po.name != order.name)
			& (item.material_request_item.isin(list(lines)))
		)
		.run()
	}
	framework = frappe.get_all(
		"Tender Item",
		filters={"parenttype": "Tender", "parent": order.tender, "award_as": "Blanket Order"},
		pluck="name",
	)
	sources = frappe.get_all(
		SOURCE,
		filters={
			"parenttype": "Tender",
			"parent": order.tender,
			"claim": ("in", list(lines - still) or [""]),
			"tender_item": ("not in", framework or [""]),
		},
		pluck="name",
	)
	release(order.tender, sources)
