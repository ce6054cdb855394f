# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_to_date, get_datetime, now_datetime

from crm_ext.sales.access import sales_lead_query
from crm_ext.sales.dedupe import DuplicateLeadError
from crm_ext.sales.first_contact import check_first_contact, overdue_leads
from crm_ext.sales.interactions import log_interaction
from crm_ext.testing import CRMTestCase, make_customer, make_pipeline, make_sales_lead, make_user

PIPE = "_Test Pipeline"


class TestSalesLead(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_pipeline(PIPE)
		make_pipeline("_Test Other Pipeline")

	# --- card basics -------------------------------------------------------------------------

	def test_new_card_starts_in_first_open_stage_with_defaults(self):
		lead = make_sales_lead(organization="ACME Windows", lead_name="Ann")
		self.assertEqual(lead.stage, f"{PIPE}-New")
		self.assertEqual(lead.stage_kind, "Open")
		self.assertEqual(lead.probability, 10)
		self.assertEqual(lead.title, "ACME Windows - Ann")
		self.assertTrue(lead.company)
		self.assertEqual(lead.currency, frappe.get_cached_value("Company", lead.company, "default_currency"))
		self.assertTrue(lead.stage_entered_on)

	def test_contact_details_are_normalised(self):
		lead = make_sales_lead(phone="+7 (912) 345-67-89", email="Ann.Smith@Example.COM")
		self.assertEqual(lead.phone, "+79123456789")
		self.assertEqual(lead.email, "ann.smith@example.com")

	def test_bad_input_is_refused_and_nothing_saved(self):
		before = frappe.db.count("Sales Lead")
		cases = [
			{"phone": "call me maybe"},
			{"email": "not-an-email"},
			{"expected_amount": -5},
			{"stage": "No Such Stage"},
			{"stage": "_Test Other Pipeline-New"},
			{"lead_name": "", "email": "", "organization": ""},
		]
		for values in cases:
			with self.subTest(values=values):
				with self.assertRaises(frappe.ValidationError):
					make_sales_lead(**values)
		self.assertEqual(frappe.db.count("Sales Lead"), before)

	def test_error_names_the_field(self):
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_sales_lead(mobile_no="12")
		self.assertIn("Mobile", str(ctx.exception))

	# --- stage rules and log ------------------------------------------------------------------

	def test_won_needs_customer_and_lost_needs_reason(self):
		lead = make_sales_lead()
		lead.stage = f"{PIPE}-Won"
		with self.assertRaises(frappe.ValidationError):
			lead.save()
		lead.reload()
		lead.stage = f"{PIPE}-Lost"
		with self.assertRaises(frappe.ValidationError):
			lead.save()
		lead.reload()
		lead.lost_reason = frappe.get_all("Sales Lead Lost Reason", pluck="name", limit=1)[0]
		lead.stage = f"{PIPE}-Lost"
		lead.save()
		self.assertEqual(lead.stage_kind, "Lost")
		self.assertEqual(lead.probability, 0)

	def test_won_card_cannot_lose_its_customer(self):
		lead = make_sales_lead(customer=make_customer())
		lead.stage = f"{PIPE}-Won"
		lead.save()
		lead.customer = None
		with self.assertRaises(frappe.ValidationError):
			lead.save()

	def test_required_fields_of_a_stage(self):
		lead = make_sales_lead()
		lead.stage = f"{PIPE}-Quote"
		with self.assertRaises(frappe.ValidationError) as ctx:
			lead.save()
		self.assertIn("Expected Amount", str(ctx.exception))
		lead.reload()
		lead.update({"stage": f"{PIPE}-Quote", "expected_amount": 1000, "expected_close_date": "2030-01-01"})
		lead.save()
		self.assertEqual(lead.stage_kind, "Open")

	def test_every_stage_change_is_logged(self):
		lead = make_sales_lead(expected_amount=100, expected_close_date="2030-01-01")
		lead.stage = f"{PIPE}-Quote"
		lead.save()
		lead.customer = make_customer()
		lead.stage = f"{PIPE}-Won"
		lead.save()
		lead.description = "no stage change"
		lead.save()
		logs = frappe.get_all(
			"Sales Lead Stage Log",
			filters={"sales_lead": lead.name},
			fields=["from_stage", "to_stage", "to_kind", "changed_by", "changed_on"],
			order_by="creation asc",
		)
		self.assertEqual(
			[(r.from_stage, r.to_stage, r.to_kind) for r in logs],
			[
				(None, f"{PIPE}-New", "Open"),
				(f"{PIPE}-New", f"{PIPE}-Quote", "Open"),
				(f"{PIPE}-Quote", f"{PIPE}-Won", "Won"),
			],
		)
		self.assertTrue(all(r.changed_by == "Administrator" and r.changed_on for r in logs))

	def test_stage_log_cannot_be_written_by_hand(self):
		lead = make_sales_lead()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": "Sales Lead Stage Log", "sales_lead": lead.name, "to_stage": f"{PIPE}-Won"}
			).insert(ignore_permissions=True)

	def test_kanban_drag_obeys_the_rules(self):
		"""The kanban board moves cards with frappe.client.set_value: the same validation runs."""
		from frappe.client import set_value

		lead = make_sales_lead()
		with self.assertRaises(frappe.ValidationError):
			set_value("Sales Lead", lead.name, "stage", f"{PIPE}-Won")
		set_value("Sales Lead", lead.name, {"expected_amount": 5, "expected_close_date": "2030-01-01"})
		set_value("Sales Lead", lead.name, "stage", f"{PIPE}-Quote")
		self.assertEqual(frappe.db.get_value("Sales Lead", lead.name, "stage"), f"{PIPE}-Quote")

	# --- de-duplication -----------------------------------------------------------------------

	def test_twin_of_an_open_card_is_refused(self):
		first = make_sales_lead(phone="+49 30 1234567")
		with self.assertRaises(DuplicateLeadError) as ctx:
			make_sales_lead(phone="0049301234567")
		self.assertIn(first.name, str(ctx.exception))
		with self.assertRaises(DuplicateLeadError):
			make_sales_lead(email=first.email.upper())

	def test_closed_card_does_not_block_a_new_deal_and_gives_its_customer(self):
		customer = make_customer()
		old = make_sales_lead(phone="+49 30 7654321", customer=customer)
		old.stage = f"{PIPE}-Won"
		old.save()
		new = make_sales_lead(phone="+49 30 7654321")
		self.assertNotEqual(new.name, old.name)
		self.assertEqual(new.customer, customer)

	# --- first contact ------------------------------------------------------------------------

	def test_first_contact_due_is_set_in_working_time(self):
		lead = make_sales_lead()
		self.assertTrue(lead.first_contact_due)
		self.assertGreater(get_datetime(lead.first_contact_due), get_datetime(lead.creation))

	def test_late_first_contact_notifies_owner_and_head_once(self):
		start = now_datetime()
		rep = make_user("crm-rep-late@example.com", "Sales User")
		head = make_user("crm-head-late@example.com", "Sales Manager")
		frappe.db.set_single_value("CRM Ext Settings", "head_of_sales", head)
		lead = make_sales_lead(lead_owner=rep)
		frappe.db.set_value(
			"Sales Lead", lead.name, "first_contact_due", add_to_date(now_datetime(), hours=-1)
		)
		contacted = make_sales_lead(lead_owner=rep)
		# first contact is recorded by logging it (the field is the server's)
		log_interaction("Sales Lead", contacted.name, "Call", direction="Outgoing", summary="Called")
		frappe.db.set_value(
			"Sales Lead", contacted.name, "first_contact_due", add_to_date(now_datetime(), hours=-1)
		)
		self.assertIn(lead.name, [r.name for r in overdue_leads()])
		self.assertNotIn(contacted.name, [r.name for r in overdue_leads()])
		check_first_contact()
		alerts = {
			"document_type": "Sales Lead",
			"document_name": lead.name,
			"type": "Alert",
			"creation": (">=", start),
		}
		self.assertEqual(
			set(frappe.get_all("Notification Log", filters=alerts, pluck="for_user")), {rep, head}
		)
		self.assertEqual(frappe.db.get_value("Sales Lead", lead.name, "first_contact_escalated"), 1)
		check_first_contact()
		self.assertEqual(frappe.db.count("Notification Log", alerts), 2)

	def test_sent_email_counts_as_contact(self):
		lead = make_sales_lead()
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Sent",
				"subject": "Your request",
				"content": "Hello",
				"reference_doctype": "Sales Lead",
				"reference_name": lead.name,
			}
		).insert(ignore_permissions=True)
		self.assertTrue(frappe.db.get_value("Sales Lead", lead.name, "first_contacted_on"))

	# --- responsible and assignment -----------------------------------------------------------

	def test_responsible_is_assigned_and_reassigned(self):
		rep_a = make_user("crm-rep-a@example.com", "Sales User")
		rep_b = make_user("crm-rep-b@example.com", "Sales User")
		lead = make_sales_lead(lead_owner=rep_a)
		self.assertEqual(self.open_assignees(lead.name), {rep_a})
		lead.lead_owner = rep_b
		lead.save()
		self.assertEqual(self.open_assignees(lead.name), {rep_b})

	def test_assignment_makes_the_assignee_responsible(self):
		from frappe.desk.form import assign_to

		rep = make_user("crm-rep-c@example.com", "Sales User")
		lead = make_sales_lead()
		assign_to.clear("Sales Lead", lead.name, ignore_permissions=True)
		frappe.db.set_value("Sales Lead", lead.name, "lead_owner", None)
		assign_to.add(
			{"assign_to": [rep], "doctype": "Sales Lead", "name": lead.name}, ignore_permissions=True
		)
		self.assertEqual(frappe.db.get_value("Sales Lead", lead.name, "lead_owner"), rep)

	def test_round_robin_rule_assigns_new_cards(self):
		rep_a = make_user("crm-rr-a@example.com", "Sales User")
		rep_b = make_user("crm-rr-b@example.com", "Sales User")
		rule = frappe.get_doc("Assignment Rule", "Sales Lead Round Robin")
		rule.set("users", [{"user": rep_a}, {"user": rep_b}])
		rule.disabled = 0
		rule.last_user = None
		self.assertEqual(len(rule.assignment_days), 7)
		rule.save()
		owners = [frappe.db.get_value("Sales Lead", make_sales_lead().name, "lead_owner") for _ in range(4)]
		self.assertEqual(owners, [rep_a, rep_b, rep_a, rep_b])

	def open_assignees(self, lead_name: str) -> set[str]:
		return set(
			frappe.get_all(
				"ToDo",
				filters={"reference_type": "Sales Lead", "reference_name": lead_name, "status": "Open"},
				pluck="allocated_to",
			)
		)

	# --- permissions --------------------------------------------------------------------------

	def test_sales_user_sees_only_own_or_assigned_cards(self):
		rep_a = make_user("crm-perm-a@example.com", "Sales User")
		rep_b = make_user("crm-perm-b@example.com", "Sales User")
		manager = make_user("crm-perm-m@example.com", "Sales Manager")
		mine = make_sales_lead(lead_owner=rep_a)
		theirs = make_sales_lead(lead_owner=rep_b)

		frappe.set_user(rep_a)
		visible = set(frappe.get_list("Sales Lead", pluck="name", limit_page_length=0))
		self.assertIn(mine.name, visible)
		self.assertNotIn(theirs.name, visible)
		self.assertTrue(frappe.has_permission("Sales Lead", "write", doc=mine.name))
		self.assertFalse(frappe.has_permission("Sales Lead", "read", doc=theirs.name))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Sales Lead", theirs.name).check_permission("read")
		logs = frappe.get_list("Sales Lead Stage Log", pluck="sales_lead", limit_page_length=0)
		self.assertNotIn(theirs.name, logs)
		self.assertIn(mine.name, logs)

		frappe.set_user(manager)
		visible = set(frappe.get_list("Sales Lead", pluck="name", limit_page_length=0))
		self.assertTrue({mine.name, theirs.name} <= visible)
		self.assertEqual(sales_lead_query(manager), "")

	def test_sales_user_cannot_delete_or_merge(self):
		rep = make_user("crm-perm-d@example.com", "Sales User")
		a = make_sales_lead(lead_owner=rep)
		b = make_sales_lead(lead_owner=rep)
		frappe.set_user(rep)
		from crm_ext.sales.merge import merge_leads

		with self.assertRaises(frappe.PermissionError):
			merge_leads(a.name, b.name)

	# --- merge and conversion -----------------------------------------------------------------

	def test_merge_keeps_history_and_fills_blanks(self):
		target = make_sales_lead(lead_name="Ann", phone="+49 30 1111111")
		source = make_sales_lead(organization="ACME", lead_name="Ann S.", telegram="@ann")
		source.add_comment("Comment", "called, wants a quote")
		source.stage = f"{PIPE}-Quote"
		source.update({"expected_amount": 900, "expected_close_date": "2030-01-01"})
		source.save()
		from crm_ext.sales.merge import merge_leads

		self.assertEqual(merge_leads(source.name, target.name), target.name)
		self.assertFalse(frappe.db.exists("Sales Lead", source.name))
		merged = frappe.get_doc("Sales Lead", target.name)
		self.assertEqual(merged.lead_name, "Ann")  # the kept card's own value wins
		self.assertEqual(merged.organization, "ACME")  # blanks are filled
		self.assertEqual(merged.telegram, "@ann")
		self.assertEqual(merged.expected_amount, 900)
		self.assertEqual(
			frappe.db.count("Sales Lead Stage Log", {"sales_lead": target.name}), 3
		)  # 1 own + 2 moved
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{
					"reference_doctype": "Sales Lead",
					"reference_name": target.name,
					"content": ("like", "%wants a quote%"),
				},
			)
		)

	def test_convert_to_customer_creates_once_and_reuses(self):
		from crm_ext.sales.conversion import convert_to_customer

		phone = "+49 30 " + str(int(frappe.generate_hash(length=6), 16) % 10**7).zfill(7)
		lead = make_sales_lead(organization=f"_Test Converted Org {phone}", lead_name="Bob", phone=phone)
		result = convert_to_customer(lead.name)
		self.assertEqual(
			frappe.db.get_value("Customer", result["customer"], "customer_name"), lead.organization
		)
		contact = frappe.get_doc("Contact", result["contact"])
		self.assertIn(lead.email, [e.email_id for e in contact.email_ids])
		self.assertIn(
			("Customer", result["customer"]), [(l.link_doctype, l.link_name) for l in contact.links]
		)
		self.assertEqual(convert_to_customer(lead.name), result)
		lead.reload()
		# a later deal of the same person finds the same customer and contact
		lead.customer = None
		lead.stage = f"{PIPE}-Lost"
		lead.lost_reason = frappe.get_all("Sales Lead Lost Reason", pluck="name", limit=1)[0]
		lead.save()
		again = make_sales_lead(organization="Other spelling", email=lead.email)
		self.assertEqual(convert_to_customer(again.name), result)
		self.assertEqual(frappe.db.count("Customer", {"customer_name": lead.organization}), 1)
