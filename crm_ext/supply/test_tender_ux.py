"""Tier 2: the buyer's first hour with tenders (issue 12) - publishing without an e-mail account,
what the Tender's prints show, the read-only published tender, the award of each line to an
eligible supplier, and deadlines / quantities as ERPNext formats them."""

import json

import frappe
from frappe.utils import add_to_date, get_datetime, get_system_timezone, now_datetime

from crm_ext.crm_ext.doctype.tender.test_tender import (
	SUPPLIERS,
	bid_as,
	ensure_item,
	ensure_supplier,
	make_tender,
)
from crm_ext.supply import tender_notifications as notices
from crm_ext.supply import tenders
from crm_ext.supply.sample_data import (
	fill,
	make_category_tree,
	make_qualification,
	make_template,
	qualify,
	staff,
)
from crm_ext.supply.test_http_base import PREFIX, SUPPLIER_A, SUPPLIER_B, SupplyHTTPCase, method
from crm_ext.testing import CRMTestCase, make_user

NO_MAIL = f"{PREFIX} Supplier Without E-mail"
SETUP_EMAIL = "Please setup default Email Account"


def server_messages(answer) -> list[dict]:
	raw = (answer.body or {}).get("_server_messages") if isinstance(answer.body, dict) else None
	return [json.loads(m) for m in json.loads(raw)] if raw else []


def remove_outgoing_accounts() -> dict:
	"""Tests here decide whether the site has an outgoing e-mail account (an Email Account, or the
	site config's mail server); returns the config taken away, for :func:`restore_config`."""
	frappe.db.set_value("Email Account", {"enable_outgoing": 1}, "enable_outgoing", 0)
	frappe.local.outgoing_email_account = {}
	return {key: frappe.conf.pop(key) for key in ("mail_server",) if key in frappe.conf}


def restore_config(config: dict) -> None:
	frappe.conf.update(config)
	frappe.local.outgoing_email_account = {}


def make_outgoing_account() -> str:
	frappe.local.outgoing_email_account = {}
	return (
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_UX Outgoing",
				"email_id": "ux-outgoing@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"no_smtp_authentication": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


class TestPublishHTTP(SupplyHTTPCase):
	def test_publish_over_http_tells_every_supplier_once_and_the_record_cannot_be_forged(self):
		frappe.db.rollback()
		if not frappe.db.exists("Supplier", NO_MAIL):
			frappe.get_doc({"doctype": "Supplier", "supplier_name": NO_MAIL}).insert(ignore_permissions=True)
		invited = (SUPPLIER_A, SUPPLIER_B, NO_MAIL)
		draft = make_tender(
			title=f"{PREFIX} Mail",
			currencies=[{"currency": "USD"}],
			other_incoterms=[],
			suppliers=[{"supplier": s} for s in invited],
		).name
		frappe.db.commit()
		# the request's worker reads the same site config (an account there counts as one)
		account = notices.has_outgoing_account()

		answer = self.call("buyer", "POST", method("crm_ext.supply.tenders.publish"), {"name": draft})
		self.assertStatus(answer, 200)
		self.assertEqual(answer.message, "Published")
		self.assertNotIn(SETUP_EMAIL, answer.text)
		messages = server_messages(answer)
		self.assertEqual(len(messages), 1, messages)  # one calm message, never one per supplier
		self.assertEqual(messages[0].get("indicator"), "blue")
		self.assertIn(NO_MAIL, messages[0]["message"])

		tender = frappe.get_doc("Tender", draft)
		by_supplier = {row.supplier: row for row in tender.notifications}
		self.assertEqual(set(by_supplier), set(invited))  # the tender says whom it invited
		self.assertEqual(by_supplier[NO_MAIL].status, notices.NO_ADDRESS)
		expected = notices.QUEUED if account else notices.NO_ACCOUNT
		self.assertEqual(by_supplier[SUPPLIER_A].status, expected)
		self.assertEqual(by_supplier[SUPPLIER_A].recipients, self.user["supplier_a"])
		self.assertEqual(bool(frappe.db.exists("Email Queue", {"reference_name": draft})), account)

		# the supplier's portal page: the deadline names its time zone, quantities print as ERPNext's
		page = self.call("supplier_a", "GET", f"/tenders/{draft}")
		self.assertStatus(page, 200)
		self.assertIn(get_system_timezone(), page.text)
		self.assertIn("100 Nos", page.text)
		self.assertNotIn("100.0 Nos", page.text)

		# the buyer cannot forge the record of who was told
		answer = self.call(
			"buyer",
			"PUT",
			f"/api/resource/Tender/{draft}",
			{"notifications": [{"supplier": SUPPLIER_B, "kind": "Invitation", "status": "Queued"}]},
		)
		self.assertStatus(answer, 200, 403, 417)
		self.assertEqual(
			{row.supplier: row.status for row in frappe.get_doc("Tender", draft).notifications},
			{row.supplier: row.status for row in tender.notifications},
		)


class TestTenderUX(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.mail_config = remove_outgoing_accounts()
		self.addCleanup(restore_config, self.mail_config)
		self.users = [
			make_user(f"tender-{c}@example.com", "Supplier", user_type="Website User") for c in "abc"
		]
		for supplier, user in zip(SUPPLIERS, self.users, strict=True):
			ensure_supplier(supplier, user)
		self.buyer = make_user("ux-buyer@example.com", "Purchase Manager", "Purchase User")
		frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", "Off")

	def publish(self, tender) -> None:
		frappe.set_user(self.buyer)
		tenders.publish(tender.name)
		frappe.set_user("Administrator")

	# --- e-mails ------------------------------------------------------------------------------

	def test_publishing_without_an_email_account_says_so_once_calmly(self):
		if not frappe.db.exists("Supplier", NO_MAIL):
			frappe.get_doc({"doctype": "Supplier", "supplier_name": NO_MAIL}).insert(ignore_permissions=True)
		tender = make_tender(suppliers=[{"supplier": s} for s in (*SUPPLIERS, NO_MAIL)])
		frappe.local.message_log = []
		self.publish(tender)
		# what the response carries to the desk (_server_messages): one blue message
		self.assertEqual(len(frappe.local.message_log), 1, frappe.local.message_log)
		message = frappe.local.message_log[0]
		self.assertEqual(message.get("indicator"), "blue")
		self.assertNotIn(SETUP_EMAIL, json.dumps(message))
		self.assertIn("is published and open for bids", message["message"])
		self.assertIn("Email Account", message["message"])  # what to do
		self.assertIn(", ".join(SUPPLIERS), message["message"])
		self.assertIn(NO_MAIL, message["message"])
		tender.reload()
		self.assertEqual(tender.status, "Published")
		statuses = {row.supplier: row.status for row in tender.notifications}
		self.assertEqual(
			statuses, {**dict.fromkeys(SUPPLIERS, notices.NO_ACCOUNT), NO_MAIL: notices.NO_ADDRESS}
		)
		self.assertTrue(all(not row.notified_on for row in tender.suppliers))
		self.assertFalse(frappe.db.exists("Email Queue", {"reference_name": tender.name}))

	def test_waiting_invitations_go_out_once_an_account_exists(self):
		tender = make_tender()
		self.publish(tender)
		tender.reload()
		self.assertEqual({row.status for row in tender.notifications}, {notices.NO_ACCOUNT})
		notices.send_waiting()  # still no account: nothing moves
		self.assertEqual(
			{r.status for r in frappe.get_doc("Tender", tender.name).notifications}, {notices.NO_ACCOUNT}
		)

		make_outgoing_account()
		notices.send_waiting()
		tender.reload()
		self.assertEqual({row.status for row in tender.notifications}, {notices.QUEUED})
		self.assertTrue(all(row.notified_on for row in tender.suppliers))
		queued = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Tender", "reference_name": tender.name},
			pluck="name",
		)
		recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": ("in", queued)}, pluck="recipient"
		)
		self.assertEqual(sorted(recipients), sorted(self.users))
		# the deadline names its time zone
		self.assertIn(get_system_timezone(), tender.notifications[0].message)

		# with an account, the next e-mails are queued at once, silently
		frappe.local.message_log = []
		frappe.set_user(self.buyer)
		tenders.extend_deadline(tender.name, str(add_to_date(get_datetime(tender.deadline), days=1)))
		frappe.set_user("Administrator")
		self.assertEqual(frappe.local.message_log, [])
		kinds = [(r.kind, r.status) for r in frappe.get_doc("Tender", tender.name).notifications]
		self.assertEqual(kinds.count((notices.DEADLINE_EXTENDED, notices.QUEUED)), 3)

	def test_an_invitation_after_the_deadline_is_not_sent(self):
		tender = make_tender()
		self.publish(tender)
		frappe.db.set_value("Tender", tender.name, "deadline", add_to_date(now_datetime(), minutes=-1))
		make_outgoing_account()
		notices.send_waiting()
		self.assertEqual(
			{r.status for r in frappe.get_doc("Tender", tender.name).notifications}, {notices.TOO_LATE}
		)
		self.assertFalse(frappe.db.exists("Email Queue", {"reference_name": tender.name}))

	# --- prints ---------------------------------------------------------------------------------

	def test_the_default_print_never_shows_budget_or_bids_and_standard_hides_them_too(self):
		self.assertEqual(frappe.get_meta("Tender").default_print_format, "Tender Invitation")
		tender = make_tender(
			items=[
				{
					"item_code": ensure_item("_Test Tender Bolt"),
					"qty": 1500,
					"uom": "Nos",
					"budget_unit_price": 98765.43,
				}
			]
		)
		self.publish(tender)
		bid_as(self.users[0], tender.name, [(4321.09, 1500, 5)])
		frappe.set_user(self.buyer)
		default = frappe.get_print("Tender", tender.name)
		self.assertIn("Invitation to Tender", default)
		self.assertIn("1,500", default)
		self.assertNotIn("1500.0", default)
		self.assertIn(get_system_timezone(), default)
		standard = frappe.get_print("Tender", tender.name, print_format="Standard")
		for printed in (default, standard):
			self.assertNotIn("98,765", printed)
			self.assertNotIn("98765", printed)
		with self.freeze_time(add_to_date(get_datetime(tender.deadline), minutes=1)):
			tenders.open_bids(tender.name)
			tenders.evaluate(tender.name)
			standard = frappe.get_print("Tender", tender.name, print_format="Standard")
			self.assertNotIn("98,765", standard)
			self.assertNotIn("4,321", standard)  # bids belong to the Bid Comparison print
			self.assertNotIn("4321", standard)
		frappe.set_user("Administrator")

	# --- the published tender ---------------------------------------------------------------------

	def test_a_published_tender_loads_with_its_frozen_fields_and_refuses_them(self):
		from frappe.desk.form.load import getdoc

		tender = make_tender()
		frappe.set_user(self.buyer)
		getdoc("Tender", tender.name)
		self.assertEqual(frappe.response.docs[-1].get("__onload").frozen, {"fields": [], "tables": {}})
		tenders.publish(tender.name)
		getdoc("Tender", tender.name)
		frozen = frappe.response.docs[-1].get("__onload").frozen
		self.assertIn("deadline", frozen["fields"])
		self.assertNotIn("weight_price", frozen["fields"])  # the evaluation may still be tuned
		self.assertIn("item_group", frozen["tables"]["items"])
		self.assertNotIn("budget_unit_price", frozen["tables"]["items"])
		# the item group decides who may bid on an open tender: frozen like the item
		doc = frappe.get_doc("Tender", tender.name)
		doc.items[0].item_group = "All Item Groups"
		self.assertRaises(frappe.ValidationError, doc.save)
		frappe.set_user("Administrator")

	# --- the award ---------------------------------------------------------------------------------

	def steel_tender(self):
		"""One line of steel beams (a category only supplier A is qualified for)."""
		groups = make_category_tree()
		if not frappe.db.exists("Item", "_UX Steel Beam"):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": "_UX Steel Beam",
					"item_group": groups["steel"],
					"stock_uom": "Nos",
					"is_stock_item": 0,
				}
			).insert(ignore_permissions=True)
		template = make_template("_UX Steel", item_groups=[groups["raw"]])
		qualify(fill(make_qualification(SUPPLIERS[0], template)), staff()["manager"])
		frappe.set_user("Administrator")
		return make_tender(
			items=[{"item_code": "_UX Steel Beam", "qty": 1500, "uom": "Nos"}],
			weight_price=60,
			weight_delivery=30,
			weight_qualification=10,
		)

	def evaluate(self, tender, mode: str):
		frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", mode)
		frappe.local.message_log = []
		frappe.set_user(self.buyer)
		tenders.evaluate(tender.name)
		frappe.set_user("Administrator")
		tender.reload()
		notes = " ".join(json.dumps(m) for m in frappe.local.message_log)
		return {row.tender_item: row.supplier for row in tender.awards}, notes

	def test_a_line_never_goes_to_a_supplier_not_eligible_for_it(self):
		tender = self.steel_tender()
		self.publish(tender)
		a, b, c = self.users
		bid_as(a, tender.name, [(100, 1500, 21)])  # qualified for steel
		bid_as(b, tender.name, [(92, 1500, 14)])  # cheapest, not qualified
		bid_as(c, tender.name, [(130, 1500, 1)])  # dearest, fastest, not qualified
		line = tender.items[0].name
		with self.freeze_time(add_to_date(get_datetime(tender.deadline), minutes=1)):
			frappe.set_user(self.buyer)
			tenders.open_bids(tender.name)
			for mode in ("Warn", "Block"):
				awards, notes = self.evaluate(tender, mode)
				self.assertEqual(awards, {line: SUPPLIERS[0]}, mode)
				self.assertIn(f"Supplier {SUPPLIERS[1]} is not qualified for", notes)
				self.assertIn(SUPPLIERS[2], notes)
			# qualification not checked: everyone competes, the dearest still not on delivery alone
			awards, _notes = self.evaluate(tender, "Off")
			self.assertNotEqual(awards[line], SUPPLIERS[2])

			awards, _notes = self.evaluate(tender, "Warn")
			frappe.set_user(self.buyer)
			printed = frappe.get_print("Tender", tender.name, print_format="Bid Comparison")
			frappe.set_user("Administrator")
		# the printed comparison bolds the award and shows it (who, how much, at what price)
		matrix = printed.split("<table", 2)[1]
		self.assertEqual(matrix.count("<strong>"), 1)
		self.assertIn("100.00", matrix.split("<strong>")[1].split("</strong>")[0])
		award_table = printed.split("Total awarded")[0].rsplit("<table", 1)[1]
		self.assertIn(SUPPLIERS[0], award_table)
		self.assertIn("1,500", award_table)
		self.assertIn("150,000.00", award_table)
		self.assertNotIn("1500.0", printed)

	def test_a_line_offered_only_by_unqualified_suppliers(self):
		tender = self.steel_tender()
		self.publish(tender)
		_a, b, c = self.users
		bid_as(b, tender.name, [(92, 1500, 14)])
		bid_as(c, tender.name, [(130, 1500, 1)])
		line = tender.items[0].name
		with self.freeze_time(add_to_date(get_datetime(tender.deadline), minutes=1)):
			frappe.set_user(self.buyer)
			tenders.open_bids(tender.name)
			# Warn: eligible, so the line is awarded among them (on price and delivery: the cheaper)
			self.assertEqual(self.evaluate(tender, "Warn")[0], {line: SUPPLIERS[1]})
			# Block: nobody eligible offered it
			self.assertEqual(self.evaluate(tender, "Block")[0], {})
			frappe.set_user(self.buyer)
			printed = frappe.get_print("Tender", tender.name, print_format="Bid Comparison")
			frappe.set_user("Administrator")
		self.assertIn("Not awarded: no eligible supplier offered this line.", printed)
