"""Tier 2: one open card per phone / e-mail, by the database, whatever door and however many at once.

Concurrent requests run through real HTTP, each in its own thread and database connection, started
together on a barrier; the invariant is asserted on what they committed."""

import frappe

from crm_ext.sales.test_http_base import TOKEN, SalesHTTPCase, api_headers

PIPE = "_Test Pipeline"


def open_cards(phone: str) -> list[str]:
	return frappe.get_all("Sales Lead", filters={"phone": phone, "stage_kind": "Open"}, pluck="name")


class TestOneOpenCardUnderConcurrency(SalesHTTPCase):
	def simultaneous_intake(self, count: int):
		phone = self.new_phone()
		payloads = [
			{
				"name": f"Caller {i}",
				"phone": phone,
				"email": self.new_email(f"c{i}"),
				"message": f"request {i}",
			}
			for i in range(count)
		]
		responses = self.all_at_once(
			"post", self.method("crm_ext.api.intake.submit_request"), payloads, {"X-CRM-Ext-Token": TOKEN}
		)
		self.assertEqual([r.status_code for r in responses], [200] * count, [r.text for r in responses])
		cards = open_cards(phone)
		self.assertEqual(len(cards), 1, cards)
		requests = [
			frappe.db.get_value("Sales Request", r.json["message"]["request"], ["sales_lead", "outcome"])
			for r in responses
		]
		self.assertEqual({lead for lead, _outcome in requests}, set(cards))
		self.assertEqual(
			sorted(o for _lead, o in requests), ["Added to Open Lead"] * (count - 1) + ["New Lead"]
		)
		# every joined request is on the card's timeline, and the card holds the person's keys
		notes = frappe.db.count(
			"Interaction",
			{"reference_doctype": "Sales Lead", "reference_name": cards[0], "interaction_type": "Message"},
		)
		self.assertEqual(notes, count - 1)
		self.assertEqual(
			frappe.db.get_value("Sales Lead Contact Key", f"phone:{phone}", "sales_lead"), cards[0]
		)

	def test_two_simultaneous_requests_for_a_new_phone_make_one_card(self):
		for _round in range(3):
			self.simultaneous_intake(2)

	def test_eight_simultaneous_requests_for_a_new_phone_make_one_card(self):
		self.simultaneous_intake(8)

	def test_simultaneous_calls_from_a_new_number_make_one_card(self):
		phone = self.new_phone()
		payloads = [{"phone": phone, "direction": "Incoming", "duration": 30 + i} for i in range(4)]
		responses = self.all_at_once(
			"post", self.method("crm_ext.api.telephony.record_call"), payloads, {"X-CRM-Ext-Token": TOKEN}
		)
		self.assertEqual([r.status_code for r in responses], [200] * 4, [r.text for r in responses])
		cards = open_cards(phone)
		self.assertEqual(len(cards), 1, cards)
		calls = {
			frappe.db.get_value("Interaction", r.json["message"]["interaction"], "reference_name")
			for r in responses
		}
		self.assertEqual(calls, set(cards))

	def test_simultaneous_rest_creates_make_one_card_and_name_it_to_the_others(self):
		headers = api_headers("crm-conc-rep@example.com", "Sales User")
		phone = self.new_phone()
		payloads = [
			{"lead_name": f"Twin {i}", "phone": phone, "email": self.new_email(f"t{i}"), "pipeline": PIPE}
			for i in range(4)
		]
		responses = self.all_at_once("post", self.resource("Sales Lead"), payloads, headers)
		codes = sorted(r.status_code for r in responses)
		self.assertEqual(codes, [200, 409, 409, 409], [r.text for r in responses])
		(card,) = open_cards(phone)
		for refused in (r for r in responses if r.status_code == 409):
			self.assertIn(card, refused.text)
