"""Tier 2: the CRM Ext workspace as the desk draws it: every number card, chart, shortcut and card
block of its layout finds its widget (the desk matches a block to a widget by label and silently
leaves out a block that matches none), and it links Tender, Interaction, Receivables Health and the
pipeline's kanban board."""

import json

import frappe
from frappe.desk.desktop import get_desktop_page

from crm_ext.analytics.cards import receivables_overdue_share
from crm_ext.testing import CRMTestCase, make_user

BLOCKS = {"number_card": "number_cards", "chart": "charts", "shortcut": "shortcuts", "card": "cards"}


class TestWorkspace(CRMTestCase):
	def page(self) -> tuple[list, dict]:
		workspace = frappe.get_doc("Workspace", "CRM Ext")
		page = get_desktop_page(json.dumps({"name": workspace.name, "title": workspace.title, "public": 1}))
		return json.loads(workspace.content), page

	def test_every_block_of_the_layout_is_drawn(self):
		content, page = self.page()
		for block in content:
			if block["type"] not in BLOCKS:
				continue
			name = block["data"][f"{block['type']}_name"]
			labels = [w.get("label") for w in page[BLOCKS[block["type"]]]["items"]]
			self.assertIn(name, labels, f"{block['type']} block {name!r} is not drawn")
		# five analytics cards and Plan Done This Month (issue 13)
		self.assertEqual(len([b for b in content if b["type"] == "number_card"]), 6)

	def test_it_links_the_rest_of_the_product(self):
		_content, page = self.page()
		linked = {link.get("link_to") for card in page["cards"]["items"] for link in card.get("links") or []}
		self.assertTrue(
			{"Tender", "Supplier Qualification", "Interaction", "Receivables Health", "Kanban Board"}
			<= linked
		)
		shortcuts = {s.get("label"): s for s in page["shortcuts"]["items"]}
		board = shortcuts["Sales Kanban"]
		self.assertEqual((board.get("link_to"), board.get("doc_view")), ("Sales Lead", "Kanban"))
		self.assertEqual(
			frappe.db.get_value("Kanban Board", board.get("kanban_board"), "reference_doctype"), "Sales Lead"
		)

	def test_a_sales_user_sees_the_sales_side(self):
		frappe.set_user(make_user("workspace.sales@example.com", "Sales User"))
		_content, page = self.page()
		labels = {s.get("label") for s in page["shortcuts"]["items"]}
		self.assertTrue({"Sales Lead", "Sales Kanban", "Interaction"} <= labels)

	def cards_seen(self, user: str) -> set[str]:
		frappe.set_user(user)
		try:
			_content, page = self.page()
		finally:
			frappe.set_user("Administrator")
		return {c.get("label") for c in page["number_cards"]["items"]}

	def test_the_receivables_card_is_drawn_for_whoever_may_run_its_report(self):
		overdue = "Receivables Overdue %"
		for role in ("Sales Manager", "Accounts User"):
			user = make_user(f"workspace.{role.split()[0].lower()}@example.com", role)
			self.assertIn(overdue, self.cards_seen(user), role)
			frappe.set_user(user)
			try:
				self.assertEqual(receivables_overdue_share()["fieldtype"], "Percent")
			finally:
				frappe.set_user("Administrator")
		rep = make_user("workspace.sales@example.com", "Sales User")
		seen = self.cards_seen(rep)
		self.assertNotIn(overdue, seen)
		self.assertIn("Overdue Follow-ups", seen)
		self.assertIn("Plan Done This Month", seen)  # a method card whose report a rep may run
		frappe.set_user(rep)
		try:
			with self.assertRaises(frappe.PermissionError):
				receivables_overdue_share()
		finally:
			frappe.set_user("Administrator")
