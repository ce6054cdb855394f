"""Tier 2: the overridden whitelisted methods and the doc_events of File / Comment / Document
Follow / Communication, attacked over real HTTP as the audit did (``crm_ext.doors``).

World: ``test_doors_world`` (committed once for the module). sales_a attacks sales_b's card,
supplier_a the sealed tender and supplier_b's bid, purchase_user the sealed bids.
"""

import json
import os

import frappe

from crm_ext.access_matrix.http import request
from crm_ext.doors import test_doors_world
from crm_ext.doors.test_doors_world import DoorsTestCase


def setUpModule():
	test_doors_world.set_up_module()


def tearDownModule():
	test_doors_world.tear_down_module()


class TestOverrides(DoorsTestCase):
	def test_counts_count_only_readable_rows(self):
		w = self.w
		domain = {"email": ["like", f"%@{test_doors_world.DOMAIN}"]}
		self.assertEqual(
			self.assertOk(
				self.desk("sales_a", "frappe.client.get_count", {"doctype": "Sales Lead", "filters": domain})
			),
			1,
		)
		self.assertEqual(
			self.assertOk(
				self.desk(
					"sales_manager", "frappe.client.get_count", {"doctype": "Sales Lead", "filters": domain}
				)
			),
			2,
		)
		oracle = {"organization": ["like", "%Secret%"]}
		self.assertEqual(
			self.assertOk(
				self.desk("sales_a", "frappe.client.get_count", {"doctype": "Sales Lead", "filters": oracle})
			),
			0,
		)
		self.assertEqual(
			self.assertOk(self.get("sales_a", "/api/v2/doctype/Sales Lead/count", {"filters": oracle})), 0
		)
		# the sealed bids: no count of the rivals' through the workflow or group-by counts
		states = self.assertOk(
			self.desk(
				"supplier_a",
				"frappe.workflow.doctype.workflow.workflow.get_workflow_state_count",
				{"doctype": "Tender Bid", "workflow_state_field": "total", "states": []},
			)
		)
		self.assertNotIn(str(w.total_b), json.dumps(states))
		self.assertNotIn(
			str(w.total_b),
			json.dumps(
				self.assertOk(
					self.desk(
						"supplier_a",
						"frappe.desk.listview.get_group_by_count",
						{"doctype": "Tender Bid", "current_filters": [], "field": "total"},
					)
				)
			),
		)
		counts = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.listview.get_group_by_count",
				{
					"doctype": "Sales Lead",
					"current_filters": {"organization": ["like", "%Secret%"]},
					"field": "assigned_to",
				},
			)
		)
		self.assertEqual(counts, [])

	def test_connections_count_only_readable_cards(self):
		answer = self.desk(
			"sales_a",
			"frappe.desk.notifications.get_open_count",
			{"doctype": "Customer", "name": "_Test Customer"},
		)
		found = self.assertOk(answer)["count"]["external_links_found"]
		leads = [row for row in found if row["doctype"] == "Sales Lead"]
		self.assertEqual([row["count"] for row in leads], [0])
		found = self.assertOk(
			self.desk(
				"sales_manager",
				"frappe.desk.notifications.get_open_count",
				{"doctype": "Customer", "name": "_Test Customer"},
			)
		)["count"]["external_links_found"]
		self.assertGreaterEqual(next(r["count"] for r in found if r["doctype"] == "Sales Lead"), 1)

	def test_get_with_filters_is_no_existence_oracle(self):
		w = self.w
		hidden = self.desk(
			"sales_a",
			"frappe.client.get",
			{"doctype": "Sales Lead", "filters": {"organization": "Doors Secret Org B"}},
		)
		missing = self.desk(
			"sales_a",
			"frappe.client.get",
			{"doctype": "Sales Lead", "filters": {"organization": "No Such Org"}},
		)
		self.assertEqual((hidden.status, missing.status), (404, 404))
		self.assertNotIn(w.title_b, hidden.text)
		own = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.client.get",
				{"doctype": "Sales Lead", "filters": {"organization": "Doors Org A"}},
			)
		)
		self.assertEqual(own["name"], w.lead_a)

	def test_search_and_titles_respect_row_rules(self):
		w = self.w
		self.assertEqual(
			self.assertOk(
				self.desk(
					"supplier_a",
					"frappe.desk.search.get_link_title",
					{"doctype": "Sales Lead", "docname": w.lead_b},
				)
			),
			w.lead_b,
		)
		self.assertEqual(
			self.assertOk(
				self.desk(
					"supplier_a",
					"frappe.desk.search.get_link_title",
					{"doctype": "Tender Bid", "docname": w.bid_b},
				)
			),
			w.bid_b,
		)
		self.assertEqual(
			self.assertOk(
				self.desk(
					"sales_a",
					"frappe.desk.search.get_link_title",
					{"doctype": "Sales Lead", "docname": w.lead_a},
				)
			),
			w.title_a,
		)
		# the form of a readable Quotation does not carry the hidden card's title
		answer = self.desk(
			"sales_a", "frappe.desk.form.load.getdoc", {"doctype": "Quotation", "name": w.quotation_b}
		)
		self.assertOk(answer)
		self.assertNotIn(w.title_b, answer.text)
		self.assertEqual(answer.body["_link_titles"].get(f"Sales Lead::{w.lead_b}"), w.lead_b)
		# a custom query reached through the link search runs through its override: the rows of a
		# rival's bid are not listed
		rows = self.desk(
			"supplier_a",
			"frappe.desk.search.search_link",
			{
				"doctype": "Tender Bid Item",
				"txt": "",
				"query": "erpnext.controllers.queries.get_filtered_child_rows",
				"filters": {"parenttype": "Tender Bid", "parent": w.bid_b},
			},
		)
		self.assertFalse(rows.status == 200 and rows.message, rows.text[:300])
		for filters in ({"parenttype": "Tender Bid"}, {"parenttype": "Tender Bid", "parent": w.bid_b}):
			self.assertRefused(
				self.desk(
					"supplier_a",
					"erpnext.controllers.queries.get_filtered_child_rows",
					{
						"doctype": "Tender Bid Item",
						"txt": "",
						"searchfield": "name",
						"start": 0,
						"page_len": 20,
						"filters": filters,
					},
				)
			)
		own = self.assertOk(
			self.desk(
				"supplier_a",
				"erpnext.controllers.queries.get_filtered_child_rows",
				{
					"doctype": "Tender Bid Item",
					"txt": "",
					"searchfield": "name",
					"start": 0,
					"page_len": 20,
					"filters": {"parenttype": "Tender Bid", "parent": w.bid_a},
				},
			)
		)
		self.assertTrue(own)
		# the print preview of a readable Quotation: no title of the hidden card
		answer = self.desk(
			"sales_a",
			"frappe.www.printview.get_html_and_style",
			{"doc": "Quotation", "name": w.quotation_b, "print_format": "Standard"},
		)
		self.assertOk(answer)
		self.assertNotIn(w.title_b, answer.text)

	def test_dashboards_built_in_the_browser(self):
		heatmap = {
			"name": "x",
			"document_type": "Sales Lead",
			"type": "Heatmap",
			"chart_type": "Count",
			"based_on": "creation",
			"filters_json": json.dumps([["Sales Lead", "organization", "like", "%Secret%"]]),
		}
		self.assertRefused(
			self.desk(
				"supplier_a",
				"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
				{"chart": heatmap, "no_cache": 1},
			)
		)
		self.assertRefused(
			self.desk(
				"supplier_a",
				"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
				{"chart": {**heatmap, "document_type": "User", "filters_json": "[]"}, "no_cache": 1},
			)
		)
		# a client chart named like a stored one does not read its cache
		line = {
			**heatmap,
			"name": "Sales Leads by Source",
			"type": "Line",
			"timespan": "Last Year",
			"time_interval": "Yearly",
		}
		self.assertRefused(
			self.desk("sales_a", "frappe.desk.doctype.dashboard_chart.dashboard_chart.get", {"chart": line})
		)
		self.assertRefused(
			self.desk(
				"sales_a",
				"frappe.desk.doctype.number_card.number_card.get_result",
				{"doc": {"function": "Count", "document_type": "Sales Lead"}, "filters": []},
			)
		)

	def test_record_actions_need_their_right(self):
		w = self.w
		for method, args in (
			("frappe.desk.like.toggle_like", {"doctype": "Sales Lead", "name": w.lead_b, "add": "Yes"}),
			("frappe.model.document.unlock_document", {"doctype": "Sales Lead", "name": w.lead_b}),
			(
				"frappe.desk.form.assign_to.remove",
				{"doctype": "Sales Lead", "name": w.lead_b, "assign_to": w.user["sales_b"]},
			),
			(
				"frappe.desk.form.assign_to.remove_multiple",
				{"doctype": "Sales Lead", "names": [w.lead_b], "ignore_permissions": True},
			),
			(
				"frappe.email.relink",
				{"name": w.mail["b"], "reference_doctype": "Sales Lead", "reference_name": w.lead_a},
			),
			(
				"frappe.email.relink",
				{"name": w.mail["a"], "reference_doctype": "Sales Lead", "reference_name": w.lead_b},
			),
			("erpnext.crm.utils.get_open_activities", {"ref_doctype": "Sales Lead", "ref_docname": w.lead_b}),
			("frappe.desk.form.utils.get_next", {"doctype": "Sales Lead", "value": w.lead_b, "prev": 0}),
			(
				"frappe.desk.form.document_follow.get_follow_users",
				{"doctype": "Sales Lead", "doc_name": w.lead_b},
			),
			(
				"frappe.desk.form.linked_with.get_submitted_linked_docs",
				{"doctype": "Sales Lead", "name": w.lead_b},
			),
			(
				"frappe.desk.form.document_follow.follow_document",
				{"doctype": "Sales Lead", "doc_name": w.lead_b, "user": w.user["sales_a"]},
			),
			(
				"frappe.desk.form.utils.add_comment",
				{
					"reference_doctype": "Sales Lead",
					"reference_name": w.lead_b,
					"content": "hi",
					"comment_email": w.user["sales_a"],
					"comment_by": "A",
				},
			),
		):
			with self.subTest(method=method):
				self.assertRefused(self.desk("sales_a", method, args), w.title_b)
		frappe.db.rollback()
		self.assertFalse(frappe.db.get_value("Sales Lead", w.lead_b, "_liked_by") not in (None, "", "[]"))
		self.assertIn(w.user["sales_b"], frappe.db.get_value("Sales Lead", w.lead_b, "_assign"))
		self.assertEqual(frappe.db.get_value("Communication", w.mail["b"], "reference_name"), w.lead_b)
		self.assertEqual(frappe.db.get_value("Communication", w.mail["a"], "reference_name"), w.lead_a)
		self.assertFalse(
			frappe.db.exists("Document Follow", {"ref_docname": w.lead_b, "user": w.user["sales_a"]})
		)
		self.assertFalse(frappe.db.exists("Comment", {"reference_name": w.lead_b, "comment_type": "Comment"}))
		self.assertFalse(
			self.assertOk(
				self.desk(
					"sales_a",
					"frappe.client.is_document_amended",
					{"doctype": "Sales Lead", "docname": w.lead_b},
				)
			)
		)
		tagged = self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.doctype.tag.tag.get_tagged_docs",
				{"doctype": "Sales Lead", "tag": "%"},
			)
		)
		self.assertNotIn(w.lead_b, json.dumps(tagged))
		# portal comments are not taken on the app's records, even one's own bid
		self.assertRefused(
			self.desk(
				"supplier_a",
				"frappe.templates.includes.comments.comments.add_comment",
				{
					"comment": "hello",
					"comment_email": w.user["supplier_a"],
					"comment_by": "A",
					"reference_doctype": "Tender Bid",
					"reference_name": w.bid_a,
					"route": "",
				},
			)
		)
		# the own card: the same actions work
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.like.toggle_like",
				{"doctype": "Sales Lead", "name": w.lead_a, "add": "Yes"},
			)
		)
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.form.document_follow.get_follow_users",
				{"doctype": "Sales Lead", "doc_name": w.lead_a},
			)
		)

	def test_realtime_doctype_room(self):
		self.assertRefused(
			self.desk("sales_a", "frappe.realtime.can_subscribe_doctype", {"doctype": "Sales Lead"})
		)
		self.assertRefused(
			self.desk("purchase_user", "frappe.realtime.can_subscribe_doctype", {"doctype": "Tender Bid"})
		)
		self.assertTrue(
			self.assertOk(
				self.desk("sales_manager", "frappe.realtime.can_subscribe_doctype", {"doctype": "Sales Lead"})
			)
		)
		self.assertTrue(
			self.assertOk(
				self.desk("sales_a", "frappe.realtime.can_subscribe_doctype", {"doctype": "Quotation"})
			)
		)


class TestAttached(DoorsTestCase):
	def test_private_files_cannot_be_copied_or_listed(self):
		w = self.w
		url = w.file_b.file_url
		copy = request(w.auth["sales_a"], "POST", "/api/resource/File", {"file_url": url, "is_private": 1})
		self.assertRefused(copy)
		self.assertRefused(
			self.desk(
				"sales_a",
				"frappe.core.doctype.communication.email.make",
				{
					"doctype": "Sales Lead",
					"name": w.lead_a,
					"content": "x",
					"recipients": f"x@{test_doors_world.DOMAIN}",
					"attachments": [w.file_b.name],
				},
			)
		)
		own = request(
			w.auth["sales_a"],
			"POST",
			"/api/resource/File",
			{
				"file_name": "doors-own.txt",
				"content": "mine",
				"is_private": 1,
				"attached_to_doctype": "Sales Lead",
				"attached_to_name": w.lead_a,
			},
		)
		own_name = self.assertOk(own)["name"]
		moved = request(w.auth["sales_a"], "PUT", f"/api/resource/File/{own_name}", {"file_url": url})
		self.assertRefused(moved)
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("File", {"file_url": url, "owner": w.user["sales_a"]}))
		listed = self.assertOk(
			self.get(
				"sales_a", "/api/resource/File", {"fields": ["name", "file_url"], "limit_page_length": 0}
			)
		)
		self.assertNotIn(url, json.dumps(listed))
		download = request(w.auth["sales_a"], "GET", url)
		self.assertNotIn("secret plan", download.text)

	def test_public_upload_to_a_card_is_stored_private(self):
		w = self.w
		answer = request(
			w.auth["sales_a"],
			"POST",
			"/api/resource/File",
			{
				"file_name": "doors-public.txt",
				"content": "public?",
				"is_private": 0,
				"attached_to_doctype": "Sales Lead",
				"attached_to_name": w.lead_a,
			},
		)
		row = self.assertOk(answer)
		self.assertEqual(row["is_private"], 1)
		self.assertTrue(row["file_url"].startswith("/private/files/"))
		self.assertFalse(frappe.db.exists("File", {"file_url": "/files/doors-public.txt"}))
		self.assertFalse(os.path.exists(frappe.get_site_path("public", "files", "doors-public.txt")))
		# and listed to nobody who cannot read the card
		listed = self.assertOk(
			self.get("sales_b", "/api/resource/File", {"fields": ["name"], "limit_page_length": 0})
		)
		self.assertNotIn(row["name"], json.dumps(listed))

	def test_old_public_attachments_are_made_private_by_the_patch(self):
		from crm_ext.patches.v1.private_attachments import execute

		w = self.w
		old = frappe.get_doc(
			{"doctype": "File", "file_name": "doors-old-public.txt", "content": b"old", "is_private": 0}
		).insert(ignore_permissions=True)
		frappe.db.set_value(
			"File", old.name, {"attached_to_doctype": "Sales Lead", "attached_to_name": w.lead_b}
		)
		execute()
		old.reload()
		self.assertEqual(old.is_private, 1)
		self.assertTrue(old.file_url.startswith("/private/files/"))
		self.assertTrue(old.exists_on_disk())
		frappe.delete_doc("File", old.name, ignore_permissions=True)
		frappe.db.commit()

	def test_comments_follows_and_mails_follow_the_card(self):
		w = self.w
		comment = request(
			w.auth["sales_a"],
			"POST",
			"/api/resource/Comment",
			{
				"comment_type": "Comment",
				"reference_doctype": "Sales Lead",
				"reference_name": w.lead_b,
				"content": "x",
			},
		)
		self.assertRefused(comment)
		follow = request(
			w.auth["purchase_user"],
			"POST",
			"/api/resource/Document Follow",
			{"ref_doctype": "Tender Bid", "ref_docname": w.bid_b, "user": w.user["purchase_user"]},
		)
		self.assertRefused(follow)
		moved = request(
			w.auth["sales_a"],
			"PUT",
			f"/api/resource/Communication/{w.mail['a']}",
			{"reference_name": w.lead_b},
		)
		self.assertRefused(moved)
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Document Follow", {"ref_docname": w.bid_b}))
		self.assertEqual(frappe.db.get_value("Communication", w.mail["a"], "reference_name"), w.lead_a)
		# on the own card
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.form.utils.add_comment",
				{
					"reference_doctype": "Sales Lead",
					"reference_name": w.lead_a,
					"content": "note",
					"comment_email": w.user["sales_a"],
					"comment_by": "A",
				},
			)
		)
		self.assertOk(
			self.desk(
				"sales_a",
				"frappe.desk.form.document_follow.update_follow",
				{"doctype": "Sales Lead", "doc_name": w.lead_a, "following": 1},
			)
		)
