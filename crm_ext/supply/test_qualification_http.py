"""Tier 2: supplier qualification holds through every door, tried over real HTTP: a supplier on its
own record (rules, status, other doors), a rival supplier on child rows, a Purchase Manager
approving what it created, submitted or reviewed, and self-registration."""

import json

import frappe
from frappe.model.workflow import apply_workflow
from markupsafe import escape

from crm_ext.supply.sample_data import fill
from crm_ext.supply.test_http_base import SUPPLIER_A, SUPPLIER_B, SupplyHTTPCase, method, resource

PORTAL = "crm_ext.supply.portal."
SQ = "Supplier Qualification"
PDF = "data:application/pdf;base64,JVBERi0xLjQK"
ANSWERS = {"ISO 9001 certified?": "No", "Years in business": "10", "Quality system": "Certified"}
RULES = ("criterion_key", "weight", "knock_out", "answer_type", "target_value", "zero_value", "scoring_curve")


def rows(answer) -> list:
	return answer.data if isinstance(answer.data, list) else answer.message or []


class TestQualificationHTTP(SupplyHTTPCase):
	def tearDown(self):
		super().tearDown()
		self.remove_qualifications()

	def start(self, who: str = "supplier_a") -> str:
		answer = self.call(who, "POST", method(PORTAL + "start_qualification"), {"template": self.template})
		self.assertStatus(answer, 200)
		return answer.message

	def rules_of(self, name: str) -> list[tuple]:
		return [
			tuple(row.get(c) for c in RULES)
			for row in frappe.get_all(
				"Supplier Qualification Answer", filters={"parent": name}, fields=list(RULES), order_by="idx"
			)
		]

	def template_rules(self) -> list[tuple]:
		template = frappe.get_doc("Qualification Template", self.template)
		return [
			(r.name, r.weight, r.knock_out, r.answer_type, r.target_value, r.zero_value, r.scoring_curve)
			for r in template.criteria
		]

	def answer_through_portal(self, who: str, name: str, iso: str) -> None:
		doc = frappe.get_doc(SQ, name)
		values = {"ISO 9001 certified?": iso, "Years in business": "10", "Quality system": "Certified"}
		for row in doc.documents:
			body = {
				"name": name,
				"row": row.name,
				"filename": "d.pdf",
				"filedata": PDF,
				"expiry_date": "2099-01-01",
			}
			self.assertStatus(self.call(who, "POST", method(PORTAL + "upload_file"), body), 200)
		answers = {row.name: values[row.question] for row in doc.answers}
		self.assertStatus(
			self.call(who, "POST", method(PORTAL + "save_answers"), {"name": name, "answers": answers}), 200
		)

	def review(self, name: str) -> None:
		"""A Purchase User starts the review of a submitted questionnaire."""
		frappe.set_user(self.user["buyer"])
		apply_workflow(frappe.get_doc(SQ, name), "Start Review")
		frappe.set_user("Administrator")
		frappe.db.commit()

	# --- a supplier on its own record -------------------------------------------------------------

	def test_supplier_cannot_change_the_rules_it_is_scored_by(self):
		name = self.start()
		doc = frappe.get_doc(SQ, name)
		forged = [
			{
				"name": r.name,
				"criterion_key": r.criterion_key,
				"knock_out": 0,
				"weight": 0,
				"answer": ANSWERS[r.question],
			}
			for r in doc.answers
		]
		forged.append({"question": "Easy points", "answer_type": "Yes/No", "weight": 100, "answer": "Yes"})
		put = self.call(
			"supplier_a", "PUT", resource(SQ, name), {"pass_score": 0, "score": 100, "answers": forged}
		)
		self.assertStatus(put, 200)
		self.assertEqual(self.rules_of(name), self.template_rules())
		self.assertEqual(frappe.db.get_value(SQ, name, "pass_score"), 60)
		results = [
			"valid_until",
			"qualified_on",
			"expired_on",
			"knock_out_failed",
			"submitted_by",
			"reviewed_by",
			"approved_by",
			"is_registration",
			"registration_user",
		]
		forged = {
			"valid_until": "2099-01-01",
			"qualified_on": "2020-01-01",
			"expired_on": "2099-01-01",
			"knock_out_failed": 0,
			"submitted_by": self.user["manager"],
			"reviewed_by": self.user["manager"],
			"approved_by": self.user["manager"],
			"is_registration": 1,
			"registration_user": self.user["supplier_b"],
		}
		stored = frappe.db.get_value(SQ, name, results, as_dict=True)
		self.assertStatus(self.call("supplier_a", "PUT", resource(SQ, name), forged), 200)
		self.assertEqual(frappe.db.get_value(SQ, name, results, as_dict=True), stored)
		# its own answer rows posted on their own
		row = {"parent": name, "parenttype": SQ, "parentfield": "answers", "weight": 100, "knock_out": 0}
		self.assertStatus(
			self.call("supplier_a", "POST", resource("Supplier Qualification Answer"), row), 403
		)
		self.assertStatus(
			self.call(
				"supplier_a",
				"PUT",
				resource("Supplier Qualification Answer", doc.answers[0].name),
				{"weight": 0},
			),
			403,
		)
		self.assertEqual(self.rules_of(name), self.template_rules())
		# the knock-out "No" stands: submitted and reviewed, it cannot be qualified
		self.answer_through_portal("supplier_a", name, iso="No")
		self.assertStatus(
			self.call("supplier_a", "POST", method(PORTAL + "submit_questionnaire"), {"name": name}), 200
		)
		self.review(name)
		approve = self.call(
			"manager",
			"POST",
			method("frappe.model.workflow.apply_workflow"),
			{"doc": json.dumps(frappe.get_doc(SQ, name).as_dict(), default=str), "action": "Approve"},
		)
		self.assertStatus(approve, 403, 417)
		self.assertEqual(frappe.db.get_value(SQ, name, ["status", "knock_out_failed"]), ("Under Review", 1))

	def test_a_new_qualification_posted_with_forged_rules_gets_the_templates(self):
		answer = self.call(
			"supplier_b",
			"POST",
			resource(SQ),
			{
				"supplier": SUPPLIER_B,
				"template": self.template,
				"pass_score": 0,
				"status": "Draft",
				"answers": [
					{"criterion_key": k, "weight": 0, "knock_out": 0} for k, *_ in self.template_rules()
				],
			},
		)
		self.assertStatus(answer, 200)
		self.assertEqual(self.rules_of(answer.data["name"]), self.template_rules())
		self.assertEqual(frappe.db.get_value(SQ, answer.data["name"], "pass_score"), 60)
		born = self.call(
			"supplier_b",
			"POST",
			resource(SQ),
			{"supplier": SUPPLIER_B, "template": self.template, "status": "Qualified"},
		)
		self.assertStatus(born, 403, 409, 417)
		self.assertFalse(frappe.db.exists(SQ, {"supplier": SUPPLIER_B, "status": "Qualified"}))

	def test_supplier_changes_its_own_only_while_stored_as_draft_and_never_submits(self):
		name = self.start()
		moved = self.call("supplier_a", "PUT", resource(SQ, name), {"supplier": SUPPLIER_B})
		self.assertStatus(moved, 403)
		self.assertEqual(frappe.db.get_value(SQ, name, "supplier"), SUPPLIER_A)
		doc = frappe.get_doc(SQ, name).as_dict()
		for verb, path, body in (
			(
				"POST",
				method("frappe.client.submit"),
				{"doc": json.dumps({**doc, "status": "Qualified"}, default=str)},
			),
			(
				"POST",
				method("frappe.client.set_value"),
				{"doctype": SQ, "name": name, "fieldname": "status", "value": "Qualified"},
			),
			("PUT", resource(SQ, name), {"status": "Submitted"}),
			("DELETE", resource(SQ, name), None),
		):
			self.assertStatus(self.call("supplier_a", verb, path, body), 403, 417)
		self.assertEqual(frappe.db.get_value(SQ, name, ["status", "docstatus"]), ("Draft", 0))
		self.answer_through_portal("supplier_a", name, iso="Yes")
		self.assertStatus(
			self.call("supplier_a", "POST", method(PORTAL + "submit_questionnaire"), {"name": name}), 200
		)
		for verb, path, body in (
			("PUT", resource(SQ, name), {"company_name": "changed"}),
			("POST", method(PORTAL + "save_answers"), {"name": name, "answers": {}}),
			("POST", method(PORTAL + "submit_questionnaire"), {"name": name}),
		):
			self.assertStatus(self.call("supplier_a", verb, path, body), 403)
		self.assertEqual(frappe.db.get_value(SQ, name, "status"), "Submitted")

	# --- a rival supplier ---------------------------------------------------------------------------

	def test_rival_supplier_reads_no_row_of_another_suppliers_qualification(self):
		name = self.start("supplier_a")
		frappe.set_user("Administrator")
		doc = frappe.get_doc(SQ, name)
		doc.append("contact_persons", {"full_name": "Secret Person", "email": "secret@a.example"})
		doc.append("signatories", {"full_name": "Secret Signer"})
		doc.save()
		frappe.db.commit()
		self.assertStatus(self.call("supplier_b", "GET", resource(SQ, name)), 403)
		self.assertNotIn(name, str(rows(self.call("supplier_b", "GET", resource(SQ)))))
		for child in (
			"Supplier Qualification Answer",
			"Supplier Qualification Contact",
			"Supplier Qualification Document",
			"Supplier Qualification Signatory",
		):
			for path, query in (
				(resource(child), {"parent": SQ, "fields": ["*"], "filters": {"parent": name}}),
				(
					method("frappe.client.get_list"),
					{"doctype": child, "parent": SQ, "fields": ["*"], "filters": {"parent": name}},
				),
			):
				answer = self.call("supplier_b", "GET", path, query=query)
				self.assertTrue(answer.status == 403 or rows(answer) == [], (child, answer.text[:500]))
				self.assertNotIn("Secret", answer.text)
		self.assertStatus(self.call("supplier_b", "GET", f"/supplier-qualifications/{name}"), 403)
		self.assertStatus(
			self.call("supplier_b", "POST", method(PORTAL + "save_answers"), {"name": name, "answers": {}}),
			403,
		)
		own = self.call(
			"supplier_a",
			"GET",
			resource("Supplier Qualification Contact"),
			query={"parent": SQ, "fields": ["full_name"], "filters": {"parent": name}},
		)
		self.assertStatus(own, 200)
		self.assertEqual([r["full_name"] for r in rows(own)], ["Secret Person"])

	# --- four eyes, whatever the door ----------------------------------------------------------------

	def test_a_manager_never_decides_what_it_created_submitted_or_reviewed(self):
		created = self.call(
			"manager", "POST", resource(SQ), {"supplier": SUPPLIER_A, "template": self.template}
		)
		self.assertStatus(created, 200)
		name = created.data["name"]
		frappe.set_user(self.user["buyer"])
		doc = fill(frappe.get_doc(SQ, name))
		doc = apply_workflow(doc, "Submit for Review")
		doc = apply_workflow(doc, "Start Review")
		frappe.set_user("Administrator")
		frappe.db.commit()
		stored = frappe.get_doc(SQ, name).as_dict()
		# the creator, through every door, with a forged owner too
		for verb, path, body in (
			(
				"POST",
				method("frappe.client.submit"),
				{"doc": json.dumps({**stored, "status": "Qualified"}, default=str)},
			),
			(
				"POST",
				method("frappe.client.submit"),
				{
					"doc": json.dumps(
						{**stored, "status": "Qualified", "owner": self.user["manager_2"]}, default=str
					)
				},
			),
			(
				"POST",
				method("frappe.client.set_value"),
				{"doctype": SQ, "name": name, "fieldname": "status", "value": "Qualified"},
			),
			("PUT", resource(SQ, name), {"status": "Qualified"}),
			("PUT", resource(SQ, name), {"status": "Qualified", "docstatus": 1}),
			(
				"POST",
				method("frappe.model.workflow.apply_workflow"),
				{"doc": json.dumps(stored, default=str), "action": "Approve"},
			),
			(
				"POST",
				method("frappe.model.workflow.apply_workflow"),
				{"doc": json.dumps(stored, default=str), "action": "Reject"},
			),
		):
			answer = self.call("manager", verb, path, body)
			self.assertStatus(answer, 403, 417)
			self.assertEqual(
				frappe.db.get_value(SQ, name, ["status", "docstatus"]), ("Under Review", 0), (path, body)
			)
		# the reviewer (a Purchase User) cannot decide either
		self.assertStatus(
			self.call(
				"buyer",
				"POST",
				method("frappe.client.submit"),
				{"doc": json.dumps({**stored, "status": "Qualified"}, default=str)},
			),
			403,
		)
		# another manager may
		approved = self.call(
			"manager_2",
			"POST",
			method("frappe.model.workflow.apply_workflow"),
			{"doc": json.dumps(stored, default=str), "action": "Approve"},
		)
		self.assertStatus(approved, 200)
		self.assertEqual(
			frappe.db.get_value(SQ, name, ["status", "docstatus", "approved_by"]),
			("Qualified", 1, self.user["manager_2"]),
		)

	def test_a_manager_who_submitted_and_reviewed_cannot_decide_through_frappe_client_submit(self):
		name = self.start()
		self.answer_through_portal("supplier_a", name, iso="Yes")
		for action in ("Submit for Review", "Start Review"):
			frappe.set_user(self.user["manager"])
			apply_workflow(frappe.get_doc(SQ, name), action)
		frappe.set_user("Administrator")
		frappe.db.commit()
		stored = frappe.get_doc(SQ, name).as_dict()
		submit = self.call(
			"manager",
			"POST",
			method("frappe.client.submit"),
			{"doc": json.dumps({**stored, "status": "Qualified"}, default=str)},
		)
		self.assertStatus(submit, 403)
		self.assertIn("cannot also decide", submit.text)
		self.assertEqual(frappe.db.get_value(SQ, name, "status"), "Under Review")

	# --- self-registration ------------------------------------------------------------------------------

	def test_registration_by_a_website_user_only_and_no_role_before_approval(self):
		company = {
			"company_name": '_HT Newco <img src=x onerror="alert(1)">',
			"country": "Germany",
			"tax_id": "DE9",
		}
		for who in ("sales", "buyer", "supplier_a"):
			answer = self.call(
				who,
				"POST",
				method(PORTAL + "register_company"),
				{"template": self.template, "company": company},
			)
			self.assertStatus(answer, 403)
		answer = self.call(
			"applicant",
			"POST",
			method(PORTAL + "register_company"),
			{"template": self.template, "company": company},
		)
		self.assertStatus(answer, 200)
		name = answer.message
		self.assertNotIn("Supplier", frappe.get_roles(self.user["applicant"]))
		self.assertEqual(
			frappe.db.get_value(SQ, name, ["is_registration", "registration_user"]),
			(1, self.user["applicant"]),
		)
		# no desk/REST access: the portal pages show it through explicit code, escaped
		self.assertStatus(self.call("applicant", "GET", resource(SQ, name)), 403)
		stored = frappe.db.get_value(SQ, name, "company_name")
		self.assertIn("<img", stored)  # Frappe keeps markup in a Data field: the page must escape it
		for path in (f"/supplier-qualifications/{name}", "/supplier-qualifications"):
			page = self.call("applicant", "GET", path)
			self.assertStatus(page, 200)
			self.assertIn(name, page.text)
			self.assertNotIn(stored, page.text)
			self.assertIn(str(escape(stored)), page.text)
		self.assertStatus(self.call("sales", "GET", f"/supplier-qualifications/{name}"), 403)
		self.answer_through_portal("applicant", name, iso="Yes")
		self.assertStatus(
			self.call("applicant", "POST", method(PORTAL + "submit_questionnaire"), {"name": name}), 200
		)
		self.assertEqual(
			frappe.db.get_value(SQ, name, ["status", "submitted_by"]), ("Submitted", self.user["applicant"])
		)
		self.assertNotIn("Supplier", frappe.get_roles(self.user["applicant"]))

	def test_portal_methods_that_change_state_refuse_get(self):
		name = self.start()
		for path, query in (
			(PORTAL + "start_qualification", {"template": self.template}),
			(PORTAL + "register_company", {"template": self.template, "company": {}}),
			(PORTAL + "save_answers", {"name": name, "answers": {}}),
			(PORTAL + "upload_file", {"name": name, "row": "x", "filename": "a.pdf", "filedata": PDF}),
			(PORTAL + "submit_questionnaire", {"name": name}),
		):
			self.assertStatus(self.call("supplier_a", "GET", method(path), query=query), 403)
		self.assertEqual(frappe.db.get_value(SQ, name, "status"), "Draft")

	def test_bad_input_to_portal_methods_is_4xx_naming_the_field(self):
		name = self.start()
		for path, body, field in (
			(PORTAL + "save_answers", {"name": name, "answers": "[1,2]"}, "answers"),
			(
				PORTAL + "save_answers",
				{"name": name, "answers": {}, "documents": {"x": "31.02.2026"}},
				"documents",
			),
			(
				PORTAL + "upload_file",
				{"name": name, "row": "nope", "filename": "a.pdf", "filedata": PDF},
				"row",
			),
			(PORTAL + "start_qualification", {"template": "No Such Template"}, "template"),
		):
			answer = self.call("supplier_a", "POST", method(path), body)
			self.assertStatus(answer, 417)
			self.assertIn(field, answer.text)
		doc = frappe.get_doc(SQ, name)
		expiry = {doc.documents[0].name: "not a date"}
		answer = self.call(
			"supplier_a",
			"POST",
			method(PORTAL + "save_answers"),
			{"name": name, "answers": {}, "documents": expiry},
		)
		self.assertStatus(answer, 417)
		row = doc.documents[0].name
		big = self.call(
			"supplier_a",
			"POST",
			method(PORTAL + "upload_file"),
			{"name": name, "row": row, "filename": "big.pdf", "filedata": "A" * (14 * 1024 * 1024)},
		)
		self.assertStatus(big, 413, 417)
		self.assertFalse(frappe.db.get_value("Supplier Qualification Document", row, "attachment"))
