"""Tier 2: the request guard against the audit's query attacks over real HTTP, and the
requests the desk itself sends, which must keep working (``crm_ext.doors``).

World: ``test_doors_world`` (committed once for the module). Every attack asserts that the
hidden value does not come back: a 4xx, or no hidden row / value in the answer.
"""

import json

import frappe

from crm_ext.access_matrix.http import request
from crm_ext.doors import test_doors_world
from crm_ext.doors.test_doors_world import DoorsTestCase


def setUpModule():
	test_doors_world.set_up_module()


def tearDownModule():
	test_doors_world.tear_down_module()


class TestGuard(DoorsTestCase):
	"""Query arguments that are not plain, or reach a doctype with row rules: 417 / 403."""

	def test_sub_selects_in_fields_are_refused_on_every_list_door(self):
		w = self.w
		select = f"lower((select group_concat(title) from `tabSales Lead` where name = '{w.lead_b}'))"
		bids = f"lower((select group_concat(supplier, ':', total) from `tabTender Bid` where tender='{w.tender}'))"
		for persona, doctype, field in (
			("sales_a", "Sales Lead", select),
			("sales_a", "Currency", select),
			("supplier_a", "Tender Bid", bids),
			("purchase_user", "Tender", bids),
		):
			fields = ["name", field]
			self.assertRefused(self.get(persona, f"/api/resource/{doctype}", {"fields": fields}), w.title_b)
			self.assertRefused(
				self.get(persona, f"/api/v2/document/{doctype}", {"fields": fields}), w.title_b
			)
			self.assertRefused(
				self.desk(persona, "frappe.client.get_list", {"doctype": doctype, "fields": fields}),
				w.title_b,
			)
			self.assertRefused(
				self.desk(persona, "frappe.desk.reportview.get", {"doctype": doctype, "fields": fields}),
				w.title_b,
			)
		self.assertRefused(
			self.desk(
				"sales_a",
				"frappe.client.get_value",
				{"doctype": "Quotation", "fieldname": json.dumps(["name", select]), "filters": w.quotation_b},
			),
			w.title_b,
		)
		self.assertRefused(
			self.desk(
				"sales_a",
				"frappe.desk.search.search_widget",
				{
					"doctype": "Currency",
					"txt": "EUR",
					"filter_fields": json.dumps([f"name`, {select} as `x"]),
					"as_dict": 1,
				},
			),
			w.title_b,
		)

	def test_sub_selects_in_filters_order_and_group_are_refused(self):
		w = self.w
		oracle = f"ifnull((select max(total) from `tabTender Bid` where name='{w.bid_b}'),'a.name.b')"
		self.assertRefused(
			self.desk(
				"purchase_user",
				"frappe.client.get_list",
				{"doctype": "Tender", "filters": [[oracle, "<", 5000]]},
			)
		)
		self.assertRefused(
			self.desk(
				"purchase_user",
				"frappe.client.get_count",
				{"doctype": "Tender", "filters": {oracle: ["<", 5000]}},
			)
		)
		for argument in ("order_by", "group_by"):
			self.assertRefused(
				self.desk(
					"sales_a",
					"frappe.client.get_list",
					{
						"doctype": "Sales Lead",
						argument: f"(select title from `tabSales Lead` where name='{w.lead_b}')",
					},
				)
			)
		self.assertRefused(
			self.desk(
				"sales_a",
				"frappe.client.get_list",
				{"doctype": "Sales Lead", "order_by": "name desc, sleep(1)"},
			)
		)
		self.assertRefused(
			self.desk(
				"sales_a",
				"frappe.desk.form.utils.get_next",
				{"doctype": "Sales Lead", "value": w.lead_a, "prev": 0, "sort_field": "modified, (select 1)"},
			)
		)
		self.assertRefused(
			self.desk(
				"sales_a",
				"frappe.desk.calendar.get_events",
				{
					"doctype": "Sales Lead",
					"start": "2000-01-01",
					"end": "2100-01-01",
					"field_map": {"start": "(select 1)", "end": "creation", "title": "title"},
				},
			)
		)

	def test_raw_condition_strings_are_refused_on_every_door(self):
		w = self.w
		raw = [["name", "like", "%"], "1=1 or 1=1"]
		doors = [
			(
				"frappe.desk.reportview.get_stats",
				{"stats": '["title"]', "doctype": "Sales Lead", "filters": raw},
			),
			(
				"frappe.desk.reportview.get_sidebar_stats",
				{"stats": '["title"]', "doctype": "Sales Lead", "filters": raw},
			),
			(
				"frappe.desk.reportview.get_filter_dashboard_data",
				{"stats": [{"name": "title", "type": "Data"}], "doctype": "Sales Lead", "filters": raw},
			),
			(
				"frappe.desk.listview.get_group_by_count",
				{"doctype": "Sales Lead", "current_filters": raw, "field": "title"},
			),
			(
				"frappe.desk.form.utils.get_next",
				{"doctype": "Sales Lead", "value": w.lead_a, "prev": 0, "filters": raw},
			),
			(
				"frappe.desk.doctype.number_card.number_card.get_result",
				{"doc": {"function": "Count", "document_type": "Sales Lead"}, "filters": raw},
			),
			("frappe.desk.search.search_widget", {"doctype": "Sales Lead", "txt": "", "filters": raw}),
			("frappe.desk.reportview.get_count", {"doctype": "Sales Lead", "filters": raw}),
			("frappe.email.get_contact_list", {"txt": "", "extra_filters": raw}),
			(
				"frappe.desk.calendar.get_events",
				{
					"doctype": "Sales Lead",
					"start": "2000-01-01",
					"end": "2100-01-01",
					"field_map": {"start": "creation", "end": "creation", "title": "title"},
					"filters": raw,
				},
			),
		]
		for method, args in doors:
			with self.subTest(method=method):
				self.assertRefused(self.desk("sales_a", method, args), w.title_b)
		self.assertRefused(self.get("supplier_a", "/api/resource/Tender Bid", {"filters": raw}))
		self.assertRefused(self.get("sales_a", "/api/v2/doctype/Sales Lead/count", {"filters": raw}))
		# the deprecated RPC form (`cmd`) is the same door
		answer = request(
			self.w.auth["sales_a"],
			"POST",
			"/",
			payload={"cmd": "frappe.client.get_list", "doctype": "Sales Lead", "filters": raw},
		)
		self.assertRefused(answer, w.title_b)

	def test_joins_to_a_doctype_with_row_rules_are_refused(self):
		w = self.w
		for fields in (["name", "sales_lead.title"], ["name", "`tabSales Lead`.`title`"]):
			self.assertRefused(self.get("sales_a", "/api/resource/Quotation", {"fields": fields}), w.title_b)
			self.assertRefused(
				self.desk("sales_a", "frappe.client.get_list", {"doctype": "Quotation", "fields": fields}),
				w.title_b,
			)
		self.assertRefused(
			self.desk(
				"sales_a",
				"frappe.client.get_list",
				{"doctype": "Quotation", "filters": [["Sales Lead", "title", "like", "%Secret%"]]},
			)
		)
		# child tables of a doctype with row rules: fields, filters, and filters Frappe resolves
		# into a child table itself
		for args in (
			{"fields": ["name", "`tabTender Evaluation`.`bid_total`"]},
			{"fields": ["name", "evaluations.bid_total"]},
			{"filters": {"bid_total": [">", 0]}},
			{"filters": [["Tender Bid Item", "amount", ">", 0]]},
		):
			self.assertRefused(
				self.desk("supplier_a", "frappe.client.get_list", {"doctype": "Tender", **args})
			)
		self.assertRefused(
			self.desk(
				"purchase_user",
				"frappe.client.get_list",
				{"doctype": "Tender Log", "fields": ["name", "bid.total"]},
			),
			w.total_b,
		)
		self.assertRefused(
			self.desk(
				"purchase_user",
				"frappe.desk.reportview.get",
				{
					"doctype": "Tender",
					"fields": ["`tabTender`.`name`"],
					"group_by": "`tabTender`.`name`",
					"aggregate_function": "sum",
					"aggregate_on_doctype": "Tender Bid Item",
					"aggregate_on_field": "amount",
				},
			)
		)

	def test_client_flags_that_skip_permissions_are_refused(self):
		w = self.w
		for persona, doctype, secret, columns in (
			("sales_a", "Sales Lead", w.title_b, ["name", "title"]),
			("supplier_a", "Tender Bid", w.bid_b, ["name", "supplier", "total"]),
		):
			for method in ("frappe.desk.search.search_widget", "frappe.desk.search.search_link"):
				answer = self.desk(
					persona,
					method,
					{
						"doctype": doctype,
						"txt": "",
						"ignore_user_permissions": 1,
						"as_dict": 1,
						"filter_fields": columns,
					},
				)
				self.assertRefused(answer, secret)
		answer = self.desk(
			"sales_a",
			"frappe.desk.form.assign_to.add",
			{
				"doctype": "Sales Lead",
				"name": w.lead_b,
				"assign_to": [w.user["sales_a"]],
				"ignore_permissions": 1,
			},
		)
		self.assertRefused(answer)
		frappe.db.rollback()
		self.assertNotIn(w.user["sales_a"], frappe.db.get_value("Sales Lead", w.lead_b, "_assign") or "")

	def test_methods_called_by_position_are_only_search_queries_and_tree_methods(self):
		w = self.w
		select = f"lower((select group_concat(title) from `tabSales Lead` where name = '{w.lead_b}'))"
		# get_all_nodes calls tree_method(doctype, parent, ...): parent would be get_list's fields
		answer = self.desk(
			"sales_a",
			"frappe.desk.treeview.get_all_nodes",
			{
				"doctype": "Quotation",
				"label": "x",
				"parent": json.dumps(["name", select]),
				"tree_method": "frappe.client.get_list",
			},
		)
		self.assertRefused(answer, w.title_b)
		# search_widget calls query(doctype, txt, ...) by position: txt would be get_list's fields
		answer = self.desk(
			"sales_a",
			"frappe.desk.search.search_widget",
			{
				"doctype": "Quotation",
				"txt": json.dumps(["name", select]),
				"query": "frappe.client.get_list",
				"searchfield": "0",
				"page_length": 1,
			},
		)
		self.assertRefused(answer, w.title_b)


class TestDeskShapes(DoorsTestCase):
	"""What the v15 desk sends keeps working, and shows only the user's rows."""

	def list_args(self, doctype: str, fields: list[str], **extra) -> dict:
		columns = [f"`tab{doctype}`.`{f}`" if "." not in f and " " not in f else f for f in fields]
		return {
			"doctype": doctype,
			"fields": columns,
			"filters": [[doctype, "docstatus", "!=", 2]],
			"order_by": f"`tab{doctype}`.`modified` desc",
			"start": 0,
			"page_length": 20,
			"view": "List",
			"group_by": None,
			"with_comment_count": 1,
			**extra,
		}

	def rows(self, message) -> list[dict]:
		if not message:
			return []
		return [dict(zip(message["keys"], values, strict=True)) for values in message["values"]]

	def test_list_view_report_view_and_count(self):
		w = self.w
		message = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.reportview.get",
				self.list_args("Sales Lead", ["name", "title", "lead_owner", "_assign"]),
			)
		)
		names = {row["name"] for row in self.rows(message)}
		self.assertIn(w.lead_a, names)
		self.assertNotIn(w.lead_b, names)
		# report view with child columns of an ordinary doctype, sorted by a column
		message = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.reportview.get",
				{
					**self.list_args(
						"Quotation", ["name", "`tabQuotation Item`.`item_code`", "`tabQuotation Item`.`qty`"]
					),
					"view": "Report",
				},
			)
		)
		self.assertIn(w.quotation_b, {row["name"] for row in self.rows(message)})
		# report view "group by" with an aggregate column
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.reportview.get",
				{
					**self.list_args("Sales Lead", ["source"]),
					"view": "Report",
					"group_by": "`tabSales Lead`.`source`",
					"order_by": "_aggregate_column desc",
					"aggregate_function": "count",
					"aggregate_on_field": "name",
					"aggregate_on_doctype": "Sales Lead",
					"with_comment_count": False,
				},
			)
		)
		count = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.reportview.get_count",
				{
					"doctype": "Sales Lead",
					"filters": [["Sales Lead", "email", "like", f"%@{test_doors_world.DOMAIN}"]],
					"fields": [],
					"distinct": False,
				},
			)
		)
		self.assertEqual(count, 1)
		count = self.assertOk(
			self.get(
				"sales_a",
				"/api/v2/doctype/Sales Lead/count",
				{"filters": [["email", "like", f"%@{test_doors_world.DOMAIN}"]]},
			)
		)
		self.assertEqual(count, 1)

	def test_link_titles_in_lists_only_for_readable_records(self):
		w = self.w
		# the desk's list of Quotations (readable) linked to a card of another rep
		message = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.reportview.get",
				self.list_args("Quotation", ["name", "sales_lead", "sales_lead.title as sales_lead_title"]),
			)
		)
		rows = {row["name"]: row for row in self.rows(message)}
		self.assertIn(w.quotation_b, rows)
		self.assertIsNone(rows[w.quotation_b]["sales_lead_title"])
		self.assertNotIn(w.title_b, json.dumps(message))
		answer = self.desk(
			"sales_manager",
			"frappe.desk.reportview.get",
			self.list_args("Quotation", ["name", "sales_lead", "sales_lead.title as sales_lead_title"]),
		)
		rows = {row["name"]: row for row in self.rows(self.assertOk(answer))}
		self.assertEqual(rows[w.quotation_b]["sales_lead_title"], w.title_b)
		# own card: the title is there
		message = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.reportview.get",
				self.list_args(
					"Sales Request", ["name", "sales_lead", "sales_lead.title as sales_lead_title"]
				),
			)
		)
		rows = {row["name"]: row for row in self.rows(message)}
		self.assertEqual(rows[w.request_a]["sales_lead_title"], w.title_a)
		# the uncompressed report view method
		rows = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.reportview.get_list",
				self.list_args("Quotation", ["name", "sales_lead", "sales_lead.title as sales_lead_title"]),
			)
		)
		self.assertNotIn(w.title_b, json.dumps(rows))

	def test_sidebar_group_by_stats_and_kanban(self):
		w = self.w
		filters = [["Sales Lead", "email", "like", f"%@{test_doors_world.DOMAIN}"]]
		for field in ("assigned_to", "owner", "lead_owner"):
			counts = self.assertOk(
				self.desk(
					"sales_a",
					"frappe.desk.listview.get_group_by_count",
					{"doctype": "Sales Lead", "current_filters": filters, "field": field},
				)
			)
			self.assertNotIn(w.user["sales_b"], json.dumps(counts), field)
		manager = self.assertOk(
			self.desk(
				"sales_manager",
				"frappe.desk.listview.get_group_by_count",
				{"doctype": "Sales Lead", "current_filters": filters, "field": "assigned_to"},
			)
		)
		self.assertIn(w.user["sales_b"], json.dumps(manager))
		stats = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.reportview.get_sidebar_stats",
				{"stats": ["_user_tags"], "doctype": "Sales Lead", "filters": filters},
			)
		)
		self.assertIn("stats", stats)

	def test_link_field_search_and_form_calls(self):
		w = self.w
		found = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.search.search_link",
				{
					"doctype": "Sales Lead",
					"txt": "Doors",
					"reference_doctype": "Quotation",
					"page_length": 10,
				},
			)
		)
		values = {row["value"] for row in found}
		self.assertIn(w.lead_a, values)
		self.assertNotIn(w.lead_b, values)
		# an ordinary link field with "ignore user permissions" keeps working
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.search.search_link",
				{"doctype": "Currency", "txt": "EU", "ignore_user_permissions": 1},
			)
		)
		# a link field with a custom query, a tree view
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.search.search_link",
				{"doctype": "Item", "txt": "_Test", "query": "erpnext.controllers.queries.item_query"},
			)
		)
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.treeview.get_all_nodes",
				{
					"doctype": "Territory",
					"label": "All Territories",
					"parent": "All Territories",
					"tree_method": "frappe.desk.treeview.get_children",
					"is_root": 1,
				},
			)
		)
		value = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.client.get_value",
				{"doctype": "Sales Lead", "fieldname": json.dumps(["name", "title"]), "filters": w.lead_a},
			)
		)
		self.assertEqual(value["title"], w.title_a)
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.form.load.getdoc",
				{"doctype": "Sales Lead", "name": w.lead_a},
			)
		)
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.client.validate_link",
				{"doctype": "Sales Lead", "docname": w.lead_a, "fields": '["title"]'},
			)
		)

	def test_calendar_and_query_report(self):
		w = self.w
		events = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.calendar.get_events",
				{
					"doctype": "Sales Lead",
					"start": "2000-01-01 00:00:00",
					"end": "2100-01-01 00:00:00",
					"filters": [["Sales Lead", "email", "like", f"%@{test_doors_world.DOMAIN}", False]],
					"field_map": {
						"start": "creation",
						"end": "modified",
						"id": "name",
						"title": "title",
						"allDay": "allDay",
					},
				},
			)
		)
		self.assertEqual([e["name"] for e in events], [w.lead_a])
		result = self.assertOk(
			self.desk(
				"sales_manager",
				"frappe.desk.query_report.run",
				{
					"report_name": "Sales Funnel",
					"filters": {
						"company": "_Test Company",
						"pipeline": "_Test Pipeline",
						"from_date": "2000-01-01",
						"to_date": "2100-01-01",
					},
					"ignore_prepared_report": 1,
				},
			)
		)
		self.assertIn("result", result)

	def test_dashboards_compute_the_users_rows(self):
		w = self.w
		chart = "Sales Leads by Source"
		manager = self.assertOk(
			self.desk(
				"sales_manager",
				"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
				{"chart_name": chart, "refresh": 1},
			)
		)
		own = self.assertOk(
			self.desk(
				"sales_a", "frappe.desk.doctype.dashboard_chart.dashboard_chart.get", {"chart_name": chart}
			)
		)
		self.assertLess(sum(own["datasets"][0]["values"]), sum(manager["datasets"][0]["values"]))
		for card in ("Open Pipeline Value", "Leads Waiting for First Contact"):
			doc = frappe.get_doc("Number Card", card).as_dict()
			self.assertOk(
				self.desk(
					"sales_a",
					"frappe.desk.doctype.number_card.number_card.get_result",
					{"doc": json.loads(frappe.as_json(doc)), "filters": json.loads(doc.filters_json or "[]")},
				)
			)
		# the user profile's energy chart is built in the browser for any user
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
				{
					"chart": {
						"timespan": "Last Month",
						"time_interval": "Daily",
						"type": "Line",
						"value_based_on": "points",
						"chart_type": "Sum",
						"document_type": "Energy Point Log",
						"name": "Energy Points",
						"based_on": "creation",
						"filters_json": json.dumps(
							[["Energy Point Log", "user", "=", w.user["sales_a"], False]]
						),
					},
					"no_cache": 1,
				},
			)
		)
