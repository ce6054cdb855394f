"""Tier 2, from the attacker's side over real HTTP: a curious rep on a colleague's card, a guest on
the public doors, and the rights of the sales side's whitelisted methods."""

import json

import frappe

from crm_ext.analytics.testing import make_supplier
from crm_ext.sales.assignment import RULE_NAME
from crm_ext.sales.test_http_base import SalesHTTPCase, api_headers, server_message
from crm_ext.setup.roles import INTAKE_USER
from crm_ext.testing import make_customer, make_sales_lead

PIPE = "_Test Pipeline"
REP_A, REP_B = "sec-rep-a@example.com", "sec-rep-b@example.com"
MANAGER, BUYER = "sec-head@example.com", "sec-buyer@example.com"
# what a client may try to set on a card that only the app's procedures set
SERVER_VALUES = {
	"stage_kind": "Won",
	"probability": 99,
	"title": "Hacked title",
	"stage_entered_on": "2020-01-01 00:00:00",
	"first_contact_due": "2099-01-01 00:00:00",
	"first_contacted_on": "2020-01-01 00:00:00",
	"first_contact_escalated": 1,
	"last_contact_on": "2020-01-01 00:00:00",
	"next_step": "nothing to do",
	"next_step_status": "OK",
	"payment_status": "Paid",
	"invoiced_amount": 1000,
	"paid_amount": 1000,
	"outstanding_amount": 5,
	"overdue_amount": 5,
	"money_updated_on": "2020-01-01 00:00:00",
}


def card_row(name: str) -> dict:
	return frappe.db.get_value(
		"Sales Lead", name, ["lead_owner", "owner", "_assign", "modified", *SERVER_VALUES], as_dict=True
	)


def todos(card: str, user: str) -> list[str]:
	return frappe.get_all(
		"ToDo",
		filters={
			"reference_type": "Sales Lead",
			"reference_name": card,
			"allocated_to": user,
			"status": "Open",
		},
		pluck="name",
	)


class TestCuriousRep(SalesHTTPCase):
	"""Rep A has cards of their own; Rep B's card and a card still waiting for the round-robin rule
	are not A's. A tries every generic door on them."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.a = api_headers(REP_A, "Sales User")
		cls.b = api_headers(REP_B, "Sales User")
		cls.head = api_headers(MANAGER, "Sales Manager")
		cls.buyer = api_headers(BUYER, "Purchase User")
		cls.card_a = make_sales_lead(lead_owner=REP_A, email=cls.new_email("a")).name
		cls.card_b = make_sales_lead(lead_owner=REP_B, email=cls.new_email("b")).name
		cls.waiting = make_sales_lead(email=cls.new_email("w")).name  # no Responsible yet
		cls.note_b = frappe.get_doc(
			{
				"doctype": "Interaction",
				"interaction_type": "Note",
				"reference_doctype": "Sales Lead",
				"reference_name": cls.card_b,
				"summary": "B's private note",
			}
		).insert()
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("ToDo", {"allocated_to": ("in", (REP_A, REP_B))})
		frappe.db.commit()
		super().tearDownClass()

	def lead(self, name: str) -> str:
		return self.resource("Sales Lead", name)

	# --- taking a colleague's card ---------------------------------------------------------

	def test_rep_cannot_take_a_colleagues_card_through_put_set_value_or_save(self):
		before = card_row(self.card_b)
		attempts = (
			self.put(self.lead(self.card_b), {"lead_owner": REP_A}, headers=self.a),
			self.put(
				self.lead(self.card_b), {"owner": REP_A, "_assign": json.dumps([REP_A])}, headers=self.a
			),
			self.post(
				self.method("frappe.client.set_value"),
				{"doctype": "Sales Lead", "name": self.card_b, "fieldname": "lead_owner", "value": REP_A},
				headers=self.a,
			),
			self.post(
				self.method("frappe.client.save"),
				{
					"doc": {
						"doctype": "Sales Lead",
						"name": self.card_b,
						"lead_owner": REP_A,
						"modified": str(before.modified),
					}
				},
				headers=self.a,
			),
		)
		self.assertEqual([r.status_code for r in attempts], [403] * 4, [r.text[:300] for r in attempts])
		frappe.db.rollback()
		self.assertEqual(card_row(self.card_b), before)
		self.assertEqual(self.get(self.lead(self.card_b), headers=self.a).status_code, 403)

	def test_kanban_drag_of_a_colleagues_card_is_refused(self):
		from crm_ext.sales.pipeline import sync_kanban_board

		board = sync_kanban_board(PIPE)
		frappe.db.commit()
		drag = self.post(
			self.method("frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card"),
			{
				"board_name": board,
				"docname": self.card_b,
				"from_colname": f"{PIPE}-New",
				"to_colname": f"{PIPE}-Lost",
				"old_index": 0,
				"new_index": 0,
			},
			headers=self.a,
		)
		self.assertEqual(drag.status_code, 403, drag.text[:300])
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Sales Lead", self.card_b, "stage"), f"{PIPE}-New")

	def test_an_interaction_is_not_moved_onto_a_colleagues_card(self):
		mine = self.post(
			self.resource("Interaction"),
			{"interaction_type": "Note", "reference_doctype": "Sales Lead", "reference_name": self.card_a},
			headers=self.a,
		)
		self.assertEqual(mine.status_code, 200, mine.text[:300])
		name = mine.json["data"]["name"]
		moved = self.put(self.resource("Interaction", name), {"reference_name": self.card_b}, headers=self.a)
		self.assertEqual(moved.status_code, 403, moved.text[:300])
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Interaction", name, "reference_name"), self.card_a)

	def test_cards_are_not_renamed_or_merged_through_frappes_rename(self):
		"""Only merge_leads merges (it checks delete and write on both cards); Frappe's rename would
		let a writer take a future naming-series name, or merge into any card."""
		rename = self.method("frappe.model.rename_doc.update_document_title")
		for target, merge in (("CRM-LEAD-2099-00001", 0), (self.card_b, 1)):
			response = self.post(
				rename,
				{"doctype": "Sales Lead", "docname": self.card_a, "name": target, "merge": merge},
				headers=self.a,
			)
			self.assertTrue(400 <= response.status_code < 500, response.text[:300])
		frappe.db.rollback()
		self.assertTrue(frappe.db.exists("Sales Lead", self.card_a))
		self.assertFalse(frappe.db.exists("Sales Lead", "CRM-LEAD-2099-00001"))

	def test_assignment_is_not_a_way_in(self):
		"""A ToDo on a card A may not write is refused by every door, so ``_assign`` never opens it
		and the round-robin rule's Responsible is never taken by assigning oneself."""
		for card in (self.card_b, self.waiting):
			before = card_row(card)
			todo = {
				"doctype": "ToDo",
				"allocated_to": REP_A,
				"reference_type": "Sales Lead",
				"reference_name": card,
				"description": "mine now",
				"assignment_rule": RULE_NAME,
			}
			attempts = (
				self.post(self.resource("ToDo"), todo, headers=self.a),
				self.post(self.method("frappe.client.insert"), {"doc": todo}, headers=self.a),
				self.post(
					self.method("frappe.desk.form.assign_to.add"),
					{"assign_to": [REP_A], "doctype": "Sales Lead", "name": card},
					headers=self.a,
				),
			)
			with self.subTest(card=card):
				self.assertEqual(
					[r.status_code for r in attempts], [403] * 3, [r.text[:300] for r in attempts]
				)
				frappe.db.rollback()
				self.assertEqual(todos(card, REP_A), [])
				self.assertEqual(card_row(card), before)
				self.assertEqual(self.get(self.lead(card), headers=self.a).status_code, 403)

	def test_sharing_is_not_a_way_in(self):
		share = {"doctype": "Sales Lead", "name": self.card_b, "user": REP_A, "read": 1, "write": 1}
		attempts = (
			self.post(self.method("frappe.share.add"), share, headers=self.a),
			self.post(
				self.resource("DocShare"),
				{"share_doctype": "Sales Lead", "share_name": self.card_b, "user": REP_A, "read": 1},
				headers=self.a,
			),
		)
		self.assertEqual([r.status_code for r in attempts], [403, 403], [r.text[:300] for r in attempts])
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("DocShare", {"share_name": self.card_b, "user": REP_A}))
		self.assertEqual(self.get(self.lead(self.card_b), headers=self.a).status_code, 403)

	def test_a_closed_assignment_is_not_reopened_or_moved_by_its_assignee(self):
		old = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": REP_A,
				"reference_type": "Sales Lead",
				"reference_name": self.card_b,
				"description": "was A's once",
			}
		).insert()
		old.status = "Cancelled"
		old.save()
		own = todos(self.card_a, REP_A)[0]
		frappe.db.commit()
		reopen = self.put(self.resource("ToDo", old.name), {"status": "Open"}, headers=self.a)
		move = self.put(self.resource("ToDo", own), {"reference_name": self.card_b}, headers=self.a)
		self.assertEqual((reopen.status_code, move.status_code), (403, 403), (reopen.text, move.text))
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("ToDo", old.name, "status"), "Cancelled")
		self.assertEqual(frappe.db.get_value("ToDo", own, "reference_name"), self.card_a)
		self.assertNotIn(REP_A, json.loads(frappe.db.get_value("Sales Lead", self.card_b, "_assign") or "[]"))

	# --- reading around a colleague's card -------------------------------------------------

	def test_colleague_history_is_not_listed_by_any_door(self):
		def listed(doctype: str, filters: dict, headers: dict) -> list:
			response = self.post(
				self.method("frappe.client.get_list"),
				{"doctype": doctype, "filters": filters, "fields": ["name"], "limit_page_length": 0},
				headers=headers,
			)
			self.assertEqual(response.status_code, 200, response.text)
			return response.json["message"]

		for filters_of in (
			("Sales Lead Stage Log", lambda card: {"sales_lead": card}),
			("Interaction", lambda card: {"reference_doctype": "Sales Lead", "reference_name": card}),
		):
			doctype, filters = filters_of
			with self.subTest(doctype=doctype):
				self.assertEqual(listed(doctype, filters(self.card_b), self.a), [])
				self.assertTrue(listed(doctype, filters(self.card_b), self.b))  # the assertion can fail
				value = self.post(
					self.method("frappe.client.get_value"),
					{"doctype": doctype, "fieldname": "name", "filters": filters(self.card_b)},
					headers=self.a,
				)
				self.assertEqual(value.json["message"], {})
				rest = self.get(
					self.resource(doctype),
					{"filters": json.dumps(filters(self.card_b)), "limit_page_length": 0},
					headers=self.a,
				)
				self.assertEqual(rest.json["data"], [])
		self.assertEqual(
			self.get(self.resource("Interaction", self.note_b.name), headers=self.a).status_code, 403
		)
		self.assertEqual(
			self.get(self.resource("Interaction", self.note_b.name), headers=self.b).status_code, 200
		)

	def test_counting_a_colleagues_history_reveals_nothing(self):
		"""Frappe v15's ``frappe.client.get_count`` counts with ``frappe.db.count``, without any
		permission; the app overrides it (crm_ext.doors.counts) to count what the user may list."""
		count = self.post(
			self.method("frappe.client.get_count"),
			{"doctype": "Sales Lead Stage Log", "filters": {"sales_lead": self.card_b}},
			headers=self.a,
		)
		self.assertEqual(count.json.get("message"), 0)

	def test_requests_not_joined_to_a_card_are_for_the_see_all_roles(self):
		request = frappe.get_doc(
			{
				"doctype": "Sales Request",
				"person_name": "Orphan",
				"email": self.new_email("o"),
				"message": "hello",
			}
		).insert()
		frappe.delete_doc(
			"Sales Lead", request.reload().sales_lead, force=True
		)  # the request stays, unjoined
		frappe.db.commit()
		self.assertFalse(frappe.db.get_value("Sales Request", request.name, "sales_lead"))
		for headers, status in ((self.a, 403), (self.b, 403), (self.head, 200)):
			self.assertEqual(
				self.get(self.resource("Sales Request", request.name), headers=headers).status_code, status
			)
		listed = self.get(self.resource("Sales Request"), {"limit_page_length": 0}, headers=self.a).json[
			"data"
		]
		self.assertNotIn(request.name, {r["name"] for r in listed})
		listed = self.get(self.resource("Sales Request"), {"limit_page_length": 0}, headers=self.head).json[
			"data"
		]
		self.assertIn(request.name, {r["name"] for r in listed})

	# --- what only the server sets ---------------------------------------------------------

	def test_server_fields_never_move_from_a_client(self):
		before = card_row(self.card_a)
		response = self.put(self.lead(self.card_a), SERVER_VALUES, headers=self.a)
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		after = card_row(self.card_a)
		self.assertEqual({f: after[f] for f in SERVER_VALUES}, {f: before[f] for f in SERVER_VALUES})

		created = self.post(
			self.resource("Sales Lead"),
			{"lead_name": "Fresh", "email": self.new_email("f"), "pipeline": PIPE, **SERVER_VALUES},
			headers=self.a,
		)
		self.assertEqual(created.status_code, 200, created.text)
		frappe.db.rollback()
		row = card_row(created.json["data"]["name"])
		self.assertEqual(
			(row.stage_kind, row.probability, row.title, row.first_contacted_on, row.last_contact_on),
			("Open", 10, "Fresh", None, None),
		)
		self.assertEqual((row.payment_status, row.invoiced_amount, row.paid_amount), ("Not invoiced", 0, 0))

	def test_server_fields_of_a_new_card_never_come_from_frappe_client_insert(self):
		"""``frappe.client.insert`` builds the document with ``frappe.get_doc(dict)``, which is not
		``is_new()`` (no ``__islocal``) until ``insert`` runs: ``AppDocument.insert`` resets the
		server fields of every insert."""
		created = self.post(
			self.method("frappe.client.insert"),
			{
				"doc": {
					"doctype": "Sales Lead",
					"lead_name": "Forged",
					"email": self.new_email("i"),
					"pipeline": PIPE,
					**SERVER_VALUES,
				}
			},
			headers=self.a,
		)
		self.assertEqual(created.status_code, 200, created.text)
		frappe.db.rollback()
		row = card_row(created.json["message"]["name"])
		self.assertEqual(
			(row.first_contacted_on, row.payment_status, row.invoiced_amount), (None, "Not invoiced", 0)
		)

	def test_first_contact_is_recorded_by_logging_it(self):
		log = self.method("crm_ext.sales.interactions.log_interaction")
		call = {
			"interaction_type": "Call",
			"direction": "Outgoing",
			"summary": "Talked",
			"reference_doctype": "Sales Lead",
		}
		self.assertEqual(
			self.post(log, {**call, "reference_name": self.card_b}, headers=self.a).status_code, 403
		)
		response = self.post(log, {**call, "reference_name": self.card_a}, headers=self.a)
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		self.assertTrue(frappe.db.get_value("Sales Lead", self.card_a, "first_contacted_on"))
		self.assertIsNone(frappe.db.get_value("Sales Lead", self.card_b, "first_contacted_on"))

	# --- interactions live on three kinds of card ------------------------------------------

	def test_interactions_only_on_a_sales_lead_customer_or_supplier(self):
		before = frappe.db.count("Interaction")
		for headers in (self.a, self.head):
			for doctype, name in (("User", REP_A), ("ToDo", todos(self.card_a, REP_A)[0])):
				note = {"interaction_type": "Note", "reference_doctype": doctype, "reference_name": name}
				with self.subTest(doctype=doctype):
					response = self.post(self.resource("Interaction"), note, headers=headers)
					self.assertTrue(400 <= response.status_code < 500, response.text)
					response = self.post(
						self.method("crm_ext.sales.interactions.log_interaction"), note, headers=headers
					)
					self.assertTrue(400 <= response.status_code < 500, response.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Interaction"), before)

	def test_own_card_connections_count_interactions_without_an_error_message(self):
		# a rep may not read Suppliers: the interactions on suppliers are simply not theirs to
		# count, never a red "No permission to read Supplier" on every card they open
		answer = self.get(
			"/api/method/frappe.desk.notifications.get_open_count",
			{"doctype": "Sales Lead", "name": self.card_a},
			headers=self.a,
		)
		self.assertEqual(answer.status_code, 200)
		self.assertEqual(server_message(answer), "")
		found = answer.json["message"]["count"]["external_links_found"]
		self.assertIn("Interaction", [row["doctype"] for row in found])

	def test_interactions_on_a_party_follow_the_right_to_read_that_party(self):
		customer, supplier = make_customer(), make_supplier("_Test Sec Supplier")
		notes = {
			party: frappe.get_doc(
				{
					"doctype": "Interaction",
					"interaction_type": "Note",
					"reference_doctype": party,
					"reference_name": name,
				}
			)
			.insert()
			.name
			for party, name in (("Customer", customer), ("Supplier", supplier))
		}
		frappe.db.commit()
		try:
			listed = self.get(
				self.resource("Interaction"), {"limit_page_length": 0}, headers=self.buyer
			).json["data"]
			names = {r["name"] for r in listed}
			# a Purchase User reads suppliers, not customers
			self.assertIn(notes["Supplier"], names)
			self.assertNotIn(notes["Customer"], names)
			self.assertEqual(
				self.get(self.resource("Interaction", notes["Customer"]), headers=self.buyer).status_code, 403
			)
			self.assertEqual(
				self.get(self.resource("Interaction", notes["Supplier"]), headers=self.buyer).status_code, 200
			)
		finally:
			for note in notes.values():  # through the document: the interaction summaries follow
				frappe.delete_doc("Interaction", note, ignore_permissions=True)
			frappe.db.commit()


class TestPublicDoors(SalesHTTPCase):
	"""A guest on the web form, and senders of the token-authenticated intake and telephony."""

	def web_form(self, values: dict, doctype: str = "Sales Request"):
		"""Post the public form as its page does (the payments app's override of ``accept`` takes
		the doctype from the posted data); the per-IP rate limit is reset for the test."""
		frappe.cache.delete_keys("rl:")
		return self.post(
			self.method("frappe.website.doctype.web_form.web_form.accept"),
			{"web_form": "sales-request", "data": json.dumps({"doctype": doctype, **values})},
		)

	def test_web_form_opens_no_card_directly(self):
		known = make_sales_lead(email=self.new_email("known")).name
		frappe.db.commit()
		for email in (frappe.db.get_value("Sales Lead", known, "email"), self.new_email("direct")):
			response = self.web_form({"person_name": "Intruder", "email": email}, doctype="Sales Lead")
			self.assertEqual(response.status_code, 403, response.text[:300])
			self.assertNotIn("CRM-LEAD", response.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Sales Lead", {"lead_name": "Intruder"}), 0)

	def test_web_form_answer_does_not_tell_a_guest_the_person_is_known(self):
		email = self.new_email("visitor")
		answers = [
			self.web_form({"person_name": "Visitor", "email": email, "message": m}) for m in ("one", "two")
		]
		self.assertEqual([a.status_code for a in answers], [200, 200], [a.text for a in answers])
		for answer in answers:
			self.assertFalse(answer.json["message"].get("sales_lead"))
			self.assertFalse(answer.json["message"].get("outcome"))
			for secret in ("CRM-LEAD", "Added to Open Lead", "New Lead"):
				self.assertNotIn(secret, answer.text)
		frappe.db.rollback()
		stored = frappe.get_all(
			"Sales Request",
			filters={"email": email},
			fields=["sales_lead", "outcome"],
			order_by="creation asc",
		)
		self.assertEqual([r.outcome for r in stored], ["New Lead", "Added to Open Lead"])
		self.assertEqual(len({r.sales_lead for r in stored}), 1)

	def test_token_intake_runs_as_the_intake_user_and_answers_alike(self):
		email = self.new_email("token")
		answers = [self.intake({"email": email, "message": m}) for m in ("one", "two")]
		self.assertEqual([set(a.json["message"]) for a in answers], [{"request"}, {"request"}])
		frappe.db.rollback()
		for answer in answers:
			self.assertEqual(
				frappe.db.get_value("Sales Request", answer.json["message"]["request"], "owner"), INTAKE_USER
			)
		card = frappe.db.get_value("Sales Request", answers[0].json["message"]["request"], "sales_lead")
		self.assertEqual(frappe.db.get_value("Sales Lead", card, "owner"), INTAKE_USER)

	def test_megabyte_text_is_refused_naming_the_field_and_nothing_is_saved(self):
		huge = "x" * 1_000_000
		email = self.new_email("huge")
		cases = (
			("Message", self.web_form({"email": email, "message": huge})),
			("Message", self.intake({"email": email, "message": huge})),
			("Your Name", self.intake({"email": email, "name": huge})),
			("Phone", self.intake({"email": email, "phone": "1" * 1_000_000})),
		)
		for field, response in cases:
			with self.subTest(field=field):
				self.assertTrue(400 <= response.status_code < 500, response.status_code)
				self.assertIn(field, server_message(response))
				self.assertLess(len(response.text), 20_000)  # the megabyte is not sent back
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Sales Request", {"email": email}))
		self.assertFalse(frappe.db.exists("Sales Lead", {"email": email}))

	def test_telephony_refuses_bad_fields_naming_them_and_saves_nothing(self):
		phone = self.new_phone()
		before = frappe.db.count("Interaction")
		cases = (
			(
				"recording_url",
				{"phone": phone, "recording_url": "https://pbx.example.com/" + "r" * 1_000_000},
			),
			("started_at", {"phone": phone, "started_at": "the day before yesterday"}),
			("direction", {"phone": phone, "direction": "x" * 1_000_000}),
			("phone", {"phone": "1" * 1_000_000}),
		)
		for field, payload in cases:
			with self.subTest(field=field):
				response = self.call_event(payload)
				self.assertTrue(400 <= response.status_code < 500, response.status_code)
				self.assertIn(field, server_message(response))
				self.assertLess(len(response.text), 20_000)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Interaction"), before)
		self.assertFalse(frappe.db.exists("Sales Lead", {"phone": phone}))


class TestSalesMethodRights(SalesHTTPCase):
	"""Each whitelisted method of the sales side: the verb it takes and who may call it."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.a = api_headers(REP_A, "Sales User")
		cls.head = api_headers(MANAGER, "Sales Manager")
		cls.buyer = api_headers(BUYER, "Purchase User")
		cls.intake_user = api_headers("sec-intake@example.com", "CRM Intake")
		cls.card_a = make_sales_lead(lead_owner=REP_A, email=cls.new_email("ma")).name
		cls.other_a = make_sales_lead(lead_owner=REP_A, email=cls.new_email("mo")).name
		cls.card_b = make_sales_lead(lead_owner=REP_B, email=cls.new_email("mb")).name
		frappe.db.commit()

	def call(self, verb: str, method: str, args: dict, headers: dict):
		return getattr(self, verb)(self.method(method), args, headers=headers)

	def test_state_changing_methods_refuse_get(self):
		cases = {
			"crm_ext.sales.conversion.convert_to_customer": {"sales_lead": self.card_a},
			"crm_ext.sales.merge.merge_leads": {"source": self.other_a, "target": self.card_a},
			"crm_ext.sales.pipeline.recreate_default_pipeline": {},
			"crm_ext.sales.handover.handover": {"from_user": REP_A, "to_users": REP_B},
			"crm_ext.analytics.segments.tag_customers": {"filters": json.dumps({"company": "x"})},
			"crm_ext.sales.interactions.log_interaction": {
				"reference_doctype": "Sales Lead",
				"reference_name": self.card_a,
				"interaction_type": "Note",
			},
		}
		for method, args in cases.items():
			with self.subTest(method=method):
				self.assertEqual(self.call("get", method, args, self.head).status_code, 403)
		for method in ("crm_ext.api.intake.submit_request", "crm_ext.api.telephony.record_call"):
			response = self.get(
				self.method(method), {"phone": self.new_phone()}, headers={"X-CRM-Ext-Token": "x"}
			)
			self.assertEqual(response.status_code, 403, method)
		frappe.db.rollback()
		self.assertTrue(frappe.db.exists("Sales Lead", self.other_a))

	def test_who_may_call_what(self):
		post = "post"
		cases = (
			# (method, args, caller, expected status)
			("crm_ext.sales.conversion.convert_to_customer", {"sales_lead": self.card_b}, self.a, 403),
			("crm_ext.sales.conversion.convert_to_customer", {"sales_lead": self.card_a}, self.buyer, 403),
			("crm_ext.sales.merge.merge_leads", {"source": self.other_a, "target": self.card_a}, self.a, 403),
			(
				"crm_ext.sales.merge.merge_leads",
				{"source": self.other_a, "target": self.card_a},
				self.buyer,
				403,
			),
			("crm_ext.sales.pipeline.recreate_default_pipeline", {}, self.a, 403),
			("crm_ext.sales.pipeline.recreate_default_pipeline", {}, self.head, 200),
			("crm_ext.sales.handover.handover", {"from_user": REP_B, "to_users": REP_A}, self.a, 403),
			(
				"crm_ext.analytics.segments.tag_customers",
				{"filters": json.dumps({"company": "x"})},
				self.a,
				403,
			),
			("crm_ext.analytics.cards.receivables_overdue_share", {}, self.a, 403),
			("crm_ext.analytics.cards.receivables_overdue_share", {}, self.head, 200),
			("crm_ext.api.intake.submit_request", {"email": self.new_email("r")}, self.a, 403),
			("crm_ext.api.intake.submit_request", {"email": self.new_email("r")}, self.buyer, 403),
			("crm_ext.api.intake.submit_request", {"email": self.new_email("r")}, self.intake_user, 200),
			("crm_ext.api.telephony.record_call", {"phone": self.new_phone()}, self.a, 403),
			("crm_ext.api.telephony.record_call", {"phone": self.new_phone()}, self.intake_user, 200),
			("crm_ext.api.intake.submit_request", {"email": self.new_email("g")}, {}, 401),
			("crm_ext.api.telephony.record_call", {"phone": self.new_phone()}, {}, 401),
		)
		for method, args, headers, status in cases:
			with self.subTest(method=method, status=status):
				response = self.call(post, method, args, headers)
				self.assertEqual(response.status_code, status, response.text[:300])
		frappe.db.rollback()
		self.assertTrue(frappe.db.exists("Sales Lead", self.other_a))
		self.assertEqual(frappe.db.get_value("Sales Lead", self.card_b, "lead_owner"), REP_B)
		self.assertFalse(frappe.db.get_value("Sales Lead", self.card_b, "customer"))
