"""Tier 2: the key table keeps one open card per phone / e-mail through every door that changes a
card (the desk form and REST save through ``frappe.client``; the kanban board through
``frappe.client.set_value``; merge; delete), and the migrate patch fills it for existing cards."""

import frappe
from frappe.client import set_value

from crm_ext.patches.v1 import fill_contact_keys
from crm_ext.sales.contact_keys import KEYS
from crm_ext.sales.dedupe import DuplicateLeadError
from crm_ext.sales.merge import merge_leads
from crm_ext.testing import CRMTestCase, make_customer, make_pipeline, make_sales_lead, make_user

PIPE = "_Test Pipeline"
MANAGER = "keys-head@example.com"


def holder(key: str) -> str | None:
	return frappe.db.get_value(KEYS, key, "sales_lead")


def keys_of(card: str) -> set[str]:
	return set(frappe.get_all(KEYS, filters={"sales_lead": card}, pluck="name"))


class TestOneOpenCardPerPerson(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_pipeline(PIPE)
		frappe.set_user(make_user(MANAGER, "Sales Manager"))
		self.lost_reason = frappe.get_all("Sales Lead Lost Reason", pluck="name", limit=1)[0]

	def close(self, card: str, kind: str = "Lost"):
		values = {"stage": f"{PIPE}-{kind}"}
		values.update({"lost_reason": self.lost_reason} if kind == "Lost" else {"customer": make_customer()})
		set_value("Sales Lead", card, values)

	def test_a_new_card_holds_its_phones_and_emails(self):
		card = make_sales_lead(phone="+49 30 4440001", mobile_no="+49 151 4440001", email="Keys1@Example.com")
		self.assertEqual(
			keys_of(card.name), {"phone:+49304440001", "phone:+491514440001", "email:keys1@example.com"}
		)

	def test_editing_a_phone_or_email_to_another_open_cards_is_refused_naming_it(self):
		first = make_sales_lead(phone="+49 30 4440002")
		second = make_sales_lead(phone="+49 30 4440003")
		for fieldname, value in (
			("phone", "+49 (30) 444-0002"),
			("mobile_no", "0049304440002"),
			("email", first.email),
		):
			with self.subTest(fieldname=fieldname):
				with self.assertRaises(DuplicateLeadError) as ctx:
					set_value("Sales Lead", second.name, fieldname, value)
				self.assertIn(first.name, str(ctx.exception))
		self.assertEqual(frappe.db.get_value("Sales Lead", second.name, "phone"), "+49304440003")
		# a new number frees the old one and takes the new one
		set_value("Sales Lead", second.name, "phone", "+49 30 4440004")
		self.assertEqual((holder("phone:+49304440003"), holder("phone:+49304440004")), (None, second.name))

	def test_a_closed_card_does_not_come_back_open_beside_another_open_card(self):
		old = make_sales_lead(phone="+49 30 4440005")
		self.close(old.name)
		self.assertEqual(keys_of(old.name), set())
		new = make_sales_lead(phone="+49 30 4440005")
		self.assertEqual(holder("phone:+49304440005"), new.name)
		# the kanban board moves cards with frappe.client.set_value
		with self.assertRaises(DuplicateLeadError) as ctx:
			set_value("Sales Lead", old.name, "stage", f"{PIPE}-New")
		self.assertIn(new.name, str(ctx.exception))
		self.assertEqual(frappe.db.get_value("Sales Lead", old.name, "stage_kind"), "Lost")
		# once the other card is won, the old one may reopen and takes the keys
		self.close(new.name, "Won")
		set_value("Sales Lead", old.name, "stage", f"{PIPE}-New")
		self.assertEqual(holder("phone:+49304440005"), old.name)

	def test_merge_keeps_one_open_card_per_key(self):
		target = make_sales_lead(lead_name="Kept", phone="+49 30 4440006")
		source = make_sales_lead(organization="Merged Org", mobile_no="+49 151 4440006")
		merge_leads(source.name, target.name)
		self.assertEqual(holder("phone:+491514440006"), target.name)
		self.assertEqual(holder(f"email:{source.email}"), None)  # the kept card keeps its own e-mail
		with self.assertRaises(DuplicateLeadError) as ctx:
			make_sales_lead(mobile_no="+49 151 4440006")
		self.assertIn(target.name, str(ctx.exception))

	def test_a_deleted_card_frees_its_keys(self):
		card = make_sales_lead(phone="+49 30 4440007")
		frappe.delete_doc("Sales Lead", card.name)
		self.assertIsNone(holder("phone:+49304440007"))
		self.assertTrue(make_sales_lead(phone="+49 30 4440007").name)

	def test_a_key_left_by_a_card_that_is_gone_is_taken_over(self):
		frappe.get_doc(
			{"doctype": KEYS, "name": "phone:+49304440008", "sales_lead": "CRM-LEAD-GONE"}
		).db_insert()
		card = make_sales_lead(phone="+49 30 4440008")
		self.assertEqual(holder("phone:+49304440008"), card.name)

	def test_twins_from_before_the_key_table_are_reported_not_blocked(self):
		first = make_sales_lead(phone="+49 30 4440009")
		twin = make_sales_lead(phone="+49 30 4440010")
		# what a site had before the key table: two open cards, one phone, no key rows
		frappe.db.delete(KEYS, {"sales_lead": ("in", (first.name, twin.name))})
		frappe.db.set_value("Sales Lead", twin.name, "phone", "+49304440009")
		fill_contact_keys.execute()
		self.assertEqual(holder("phone:+49304440009"), twin.name)  # the most recently changed one
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{
					"reference_doctype": "Sales Lead",
					"reference_name": first.name,
					"content": ("like", f"%{twin.name}%"),
				},
			)
		)
		# the other twin still saves and closes; it may not take the phone while the twin holds it
		set_value("Sales Lead", first.name, "description", "still works")
		self.close(first.name)
		with self.assertRaises(DuplicateLeadError):
			set_value("Sales Lead", first.name, "stage", f"{PIPE}-New")

	def test_a_stage_with_cards_keeps_its_kind(self):
		pipeline = make_pipeline("_Test Kind Pipeline")
		make_sales_lead(pipeline=pipeline)
		stage = frappe.get_doc("Pipeline Stage", f"{pipeline}-New")
		stage.kind = "Won"
		with self.assertRaises(frappe.ValidationError):
			stage.save()
