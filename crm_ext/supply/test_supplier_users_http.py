"""Tier 2, from the attacker's side over HTTP: a supplier's master user and its colleagues
(``crm_ext.supply.supplier_users``). Only the master user administers, only its own supplier's
users; an address that already has an account is refused; a disabled user's session and API key
stop at once; the log is procurement's to read and nobody's to write; two invitations of one
address at once make one user.
"""

import io
import json
import threading
from contextlib import redirect_stderr, redirect_stdout

import frappe
from frappe.utils import get_test_client
from frappe.utils.password import update_password

from crm_ext.supply.access import users_of_supplier
from crm_ext.supply.recipients import tender_emails
from crm_ext.supply.test_concurrency import concurrently
from crm_ext.supply.test_http_base import SUPPLIER_A, SUPPLIER_B, SupplyHTTPCase, method, persona, resource

USERS = "crm_ext.supply.supplier_users."
LOG = "Supplier User Log"
COLLEAGUE = "ht-colleague-a@example.com"
INVITED = "ht-invited-{}@example.com"


def remove_invited() -> None:
	users = frappe.get_all("User", filters={"name": ("like", "ht-invited-%@example.com")}, pluck="name")
	for user in users:
		for contact in frappe.get_all("Contact", filters={"user": user}, pluck="name"):
			frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
		frappe.db.delete("Portal User", {"user": user})
		frappe.delete_doc("User", user, force=True, ignore_permissions=True)
	frappe.db.delete(LOG, {"supplier": ("like", "_HT %")})
	frappe.db.commit()


class TestSupplierUsersHTTP(SupplyHTTPCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		remove_invited()
		cls.auth["colleague"] = persona(COLLEAGUE, "Website User", ("Supplier",))
		cls.user["colleague"] = COLLEAGUE
		supplier = frappe.get_doc("Supplier", SUPPLIER_A)
		if COLLEAGUE not in [row.user for row in supplier.portal_users]:
			supplier.append("portal_users", {"user": COLLEAGUE})
			supplier.save(ignore_permissions=True)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		remove_invited()
		# the colleague leaves the suppliers: later tests count supplier A's portal users
		frappe.db.delete("Portal User", {"user": COLLEAGUE})
		for who in ("colleague", "supplier_b"):
			frappe.db.set_value("User", cls.user[who], "enabled", 1)
		frappe.db.set_value(
			"Supplier",
			SUPPLIER_A,
			{
				"crm_master_user": cls.user["supplier_a"],
				"crm_invitation_recipients": "",
				"crm_notice_recipients": "",
			},
		)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		# each test starts from the same supplier A: its first user is the master, nobody chosen
		frappe.db.set_value(
			"Supplier",
			SUPPLIER_A,
			{
				"crm_master_user": self.user["supplier_a"],
				"crm_invitation_recipients": "",
				"crm_notice_recipients": "",
			},
		)
		frappe.db.set_value("User", COLLEAGUE, "enabled", 1)
		frappe.db.delete(LOG, {"supplier": ("like", "_HT %")})
		frappe.db.commit()

	def invite(self, who: str, email: str, name: str = "Ivan Petrenko"):
		return self.call(who, "POST", method(USERS + "invite_colleague"), {"email": email, "full_name": name})

	def logs(self, **filters) -> list[dict]:
		return frappe.get_all(
			LOG,
			filters={"supplier": SUPPLIER_A, **filters},
			fields=["action", "user", "changed_by", "details"],
		)

	# --- who may administer ----------------------------------------------------------------------

	def test_a_colleague_who_is_not_the_master_is_refused_everywhere(self):
		calls = [
			("GET", "get_colleagues", None),
			("POST", "invite_colleague", {"email": INVITED.format("x"), "full_name": "X Y"}),
			("POST", "set_colleague_enabled", {"user": self.user["supplier_a"], "enabled": 0}),
			("POST", "set_recipients", {"tender_emails": [COLLEAGUE], "qualification_notices": []}),
			("POST", "set_master_user", {"supplier": SUPPLIER_A, "user": COLLEAGUE}),
		]
		for verb, name, body in calls:
			# the colleague is not the master; a Purchase User may not change the Supplier
			for who in ("colleague", "sales", "buyer"):
				self.assertStatus(self.call(who, verb, method(USERS + name), body), 403)
		self.assertFalse(frappe.db.exists("User", INVITED.format("x")))
		self.assertEqual(
			frappe.db.get_value("Supplier", SUPPLIER_A, "crm_master_user"), self.user["supplier_a"]
		)
		self.assertTrue(frappe.db.get_value("User", self.user["supplier_a"], "enabled"))
		self.assertEqual(self.logs(), [])

	def test_the_master_of_a_cannot_touch_a_user_of_b(self):
		victim = self.user["supplier_b"]
		answer = self.call(
			"supplier_a", "POST", method(USERS + "set_colleague_enabled"), {"user": victim, "enabled": 0}
		)
		self.assertStatus(answer, 403)
		answer = self.call(
			"supplier_a",
			"POST",
			method(USERS + "set_recipients"),
			{"tender_emails": [victim], "qualification_notices": []},
		)
		self.assertStatus(answer, 403)
		self.assertTrue(frappe.db.get_value("User", victim, "enabled"))
		self.assertFalse(frappe.db.get_value("Supplier", SUPPLIER_A, "crm_invitation_recipients"))
		# nor may it disable itself (it would lock its company out)
		answer = self.call(
			"supplier_a",
			"POST",
			method(USERS + "set_colleague_enabled"),
			{"user": self.user["supplier_a"], "enabled": 0},
		)
		self.assertStatus(answer, 417)
		self.assertTrue(frappe.db.get_value("User", self.user["supplier_a"], "enabled"))

	def test_no_supplier_user_writes_the_mark_or_the_lists_through_rest(self):
		body = {"crm_master_user": COLLEAGUE, "crm_invitation_recipients": COLLEAGUE}
		self.assertStatus(self.call("colleague", "PUT", resource("Supplier", SUPPLIER_A), body), 403)
		self.assertStatus(self.call("supplier_a", "PUT", resource("Supplier", SUPPLIER_A), body), 403)
		# a Purchase Manager may save the Supplier, but the administration fields stay the procedure's
		answer = self.call("manager", "PUT", resource("Supplier", SUPPLIER_A), body)
		self.assertStatus(answer, 200)
		values = frappe.db.get_value(
			"Supplier", SUPPLIER_A, ["crm_master_user", "crm_invitation_recipients"], as_dict=True
		)
		self.assertEqual(
			(values.crm_master_user, values.crm_invitation_recipients or ""), (self.user["supplier_a"], "")
		)
		row = frappe.db.get_value("Portal User", {"parent": SUPPLIER_A, "user": COLLEAGUE})
		self.assertStatus(
			self.call("supplier_a", "PUT", resource("Portal User", row), {"user": "ht-nobody@example.com"}),
			403,
		)
		self.assertStatus(self.call("supplier_a", "DELETE", resource("Portal User", row)), 403)
		self.assertIn(COLLEAGUE, users_of_supplier(SUPPLIER_A))

	# --- invitations -------------------------------------------------------------------------------

	def test_an_invitation_makes_a_supplier_user_of_the_same_supplier(self):
		email = INVITED.format("one")
		answer = self.invite("supplier_a", email.upper())
		self.assertStatus(answer, 200)
		self.assertEqual(answer.message["user"], email)
		user = frappe.get_doc("User", email)
		self.assertEqual((user.user_type, user.enabled, user.full_name), ("Website User", 1, "Ivan Petrenko"))
		self.assertEqual({r.role for r in user.roles}, {"Supplier"})
		self.assertIn(email, users_of_supplier(SUPPLIER_A))
		self.assertNotIn(email, users_of_supplier(SUPPLIER_B))
		contact = frappe.db.get_value("Contact", {"user": email})
		self.assertTrue(
			frappe.db.exists(
				"Dynamic Link",
				{
					"parent": contact,
					"parenttype": "Contact",
					"link_doctype": "Supplier",
					"link_name": SUPPLIER_A,
				},
			)
		)
		self.assertEqual(
			frappe.db.get_value("Supplier", SUPPLIER_A, "crm_master_user"), self.user["supplier_a"]
		)
		self.assertEqual(
			self.logs(action="Colleague Invited"),
			[
				{
					"action": "Colleague Invited",
					"user": email,
					"changed_by": self.user["supplier_a"],
					"details": "Invited as Ivan Petrenko.",
				}
			],
		)
		# the new colleague is a user of the supplier, not its administrator
		key = persona(email, "Website User", ("Supplier",))
		self.auth["invited"] = key
		frappe.db.commit()
		self.assertStatus(self.call("invited", "GET", method(USERS + "get_colleagues")), 403)
		listed = self.call("supplier_a", "GET", method(USERS + "get_colleagues"))
		self.assertStatus(listed, 200)
		self.assertIn(email, [u["name"] for u in listed.message["users"]])

	def test_an_address_that_already_has_an_account_is_refused(self):
		for email in (self.user["supplier_b"], self.user["buyer"], self.user["applicant"], COLLEAGUE):
			answer = self.invite("supplier_a", email)
			self.assertStatus(answer, 409)
			self.assertIn("already", answer.summary)
		self.assertNotIn(self.user["supplier_b"], users_of_supplier(SUPPLIER_A))
		self.assertNotIn(self.user["buyer"], users_of_supplier(SUPPLIER_A))
		for email, name in (
			("not-an-address", "A B"),
			(INVITED.format("two"), ""),
			(INVITED.format("two"), "x" * 141),
		):
			answer = self.invite("supplier_a", email, name)
			self.assertStatus(answer, 417)
		self.assertFalse(frappe.db.exists("User", INVITED.format("two")))
		self.assertEqual(self.logs(action="Colleague Invited"), [])

	def test_two_invitations_of_one_address_at_once_make_one_user(self):
		email = INVITED.format("race")
		path = method(USERS + "invite_colleague")
		body = {"email": email, "full_name": "Race Twin"}
		answers = concurrently(
			[(self.auth["supplier_a"], "POST", path, body)] * 3
			+ [(self.auth["supplier_b"], "POST", path, body)] * 3
		)
		statuses = sorted(a.status for a in answers)
		self.assertEqual(statuses, [200] + [409] * 5, [a.summary for a in answers])
		self.assertEqual(frappe.db.count("User", {"name": email}), 1)
		winner = next(i for i, a in enumerate(answers) if a.status == 200)
		owner = SUPPLIER_A if winner < 3 else SUPPLIER_B
		self.assertEqual(frappe.db.count("Portal User", {"user": email}), 1)
		self.assertEqual(frappe.db.count("Contact", {"user": email}), 1)
		self.assertEqual(frappe.get_all("Portal User", filters={"user": email}, pluck="parent"), [owner])
		self.assertEqual(frappe.db.count(LOG, {"user": email, "action": "Colleague Invited"}), 1)

	# --- disabling ----------------------------------------------------------------------------------

	def test_a_disabled_colleague_loses_its_session_and_its_api_key_at_once(self):
		update_password(COLLEAGUE, "Ht-Colleague-2026!")
		frappe.db.commit()
		browser = Browser()
		self.assertEqual(
			browser.post("/api/method/login", {"usr": COLLEAGUE, "pwd": "Ht-Colleague-2026!"}).status, 200
		)
		self.assertEqual(browser.get("/api/method/frappe.auth.get_logged_user").message, COLLEAGUE)
		self.assertStatus(self.call("colleague", "GET", method("frappe.auth.get_logged_user")), 200)
		frappe.db.set_value("Supplier", SUPPLIER_A, "crm_invitation_recipients", COLLEAGUE)
		frappe.db.commit()
		self.assertEqual(tender_emails(SUPPLIER_A), [COLLEAGUE])

		answer = self.call(
			"supplier_a", "POST", method(USERS + "set_colleague_enabled"), {"user": COLLEAGUE, "enabled": 0}
		)
		self.assertStatus(answer, 200)
		self.assertEqual(frappe.db.get_value("User", COLLEAGUE, "enabled"), 0)
		self.assertEqual(frappe.db.count("Sessions", {"user": COLLEAGUE}), 0)
		self.assertNotEqual(browser.get("/api/method/frappe.auth.get_logged_user").message, COLLEAGUE)
		self.assertStatus(self.call("colleague", "GET", method("frappe.auth.get_logged_user")), 401)
		self.assertStatus(self.call("colleague", "GET", resource("Tender Bid")), 401)
		# out of the recipients: the default (the enabled portal users) applies again
		self.assertFalse(frappe.db.get_value("Supplier", SUPPLIER_A, "crm_invitation_recipients"))
		self.assertNotIn(COLLEAGUE, tender_emails(SUPPLIER_A))
		self.assertIn(self.user["supplier_a"], tender_emails(SUPPLIER_A))
		self.assertEqual([e["action"] for e in self.logs(user=COLLEAGUE)], ["User Disabled"])
		# and enabled again by the master: the key works again
		answer = self.call(
			"supplier_a", "POST", method(USERS + "set_colleague_enabled"), {"user": COLLEAGUE, "enabled": 1}
		)
		self.assertStatus(answer, 200)
		self.assertStatus(self.call("colleague", "GET", method("frappe.auth.get_logged_user")), 200)

	def test_a_colleague_of_another_company_too_is_the_buyers_to_disable(self):
		supplier = frappe.get_doc("Supplier", SUPPLIER_B)
		supplier.append("portal_users", {"user": COLLEAGUE})
		supplier.save(ignore_permissions=True)
		frappe.db.commit()
		try:
			answer = self.call(
				"supplier_a",
				"POST",
				method(USERS + "set_colleague_enabled"),
				{"user": COLLEAGUE, "enabled": 0},
			)
			self.assertStatus(answer, 403)
			self.assertEqual(frappe.db.get_value("User", COLLEAGUE, "enabled"), 1)
		finally:
			frappe.db.delete("Portal User", {"parent": SUPPLIER_B, "user": COLLEAGUE})
			frappe.db.commit()

	# --- recipients --------------------------------------------------------------------------------

	def test_the_master_chooses_who_receives_the_tender_emails_and_the_notices(self):
		answer = self.call(
			"supplier_a",
			"POST",
			method(USERS + "set_recipients"),
			{"tender_emails": [COLLEAGUE], "qualification_notices": json.dumps([self.user["supplier_a"]])},
		)
		self.assertStatus(answer, 200)
		self.assertEqual(tender_emails(SUPPLIER_A), [COLLEAGUE])
		qualification = frappe.get_doc(
			{"doctype": "Supplier Qualification", "supplier": SUPPLIER_A, "template": self.template}
		)
		qualification.set_notice_emails()
		self.assertEqual(qualification.notice_emails, self.user["supplier_a"])
		(entry,) = self.logs(action="Recipients Changed")
		self.assertIn(COLLEAGUE, entry["details"])
		# the same choice again changes and logs nothing
		self.call(
			"supplier_a",
			"POST",
			method(USERS + "set_recipients"),
			{"tender_emails": [COLLEAGUE], "qualification_notices": [self.user["supplier_a"]]},
		)
		self.assertEqual(len(self.logs(action="Recipients Changed")), 1)
		bad = self.call(
			"supplier_a",
			"POST",
			method(USERS + "set_recipients"),
			{"tender_emails": "{", "qualification_notices": []},
		)
		self.assertStatus(bad, 417)

	# --- the portal page ----------------------------------------------------------------------------

	def test_the_page_is_the_masters_in_the_suppliers_language(self):
		"""Opened as a person does: logged in with a password, a session cookie."""
		master = self.user["supplier_a"]
		for user in (master, COLLEAGUE):
			update_password(user, "Ht-Portal-2026!")
		frappe.db.set_value("User", master, "language", "ru")
		frappe.db.commit()
		try:
			browser = Browser()
			self.assertEqual(
				browser.post("/api/method/login", {"usr": master, "pwd": "Ht-Portal-2026!"}).status, 200
			)
			page = browser.get("/supplier-users")
			self.assertStatus(page, 200)
			self.assertIn(COLLEAGUE, page.text)
			self.assertIn("Пригласить коллегу", page.text)
			self.assertIn('type="email" class="form-control mr-2 invite-email"', page.text)  # the form
		finally:
			frappe.db.set_value("User", master, "language", None)
			frappe.db.commit()
		browser = Browser()
		self.assertEqual(
			browser.post("/api/method/login", {"usr": COLLEAGUE, "pwd": "Ht-Portal-2026!"}).status, 200
		)
		page = browser.get("/supplier-users")
		self.assertStatus(page, 200)
		self.assertNotIn('type="email" class="form-control mr-2 invite-email"', page.text)
		self.assertIn("managed by its master user", page.text)

	# --- the buyer ---------------------------------------------------------------------------------

	def test_a_buyer_marks_the_master_user_and_reads_the_log(self):
		answer = self.call(
			"manager", "POST", method(USERS + "set_master_user"), {"supplier": SUPPLIER_A, "user": COLLEAGUE}
		)
		self.assertStatus(answer, 200)
		self.assertEqual(frappe.db.get_value("Supplier", SUPPLIER_A, "crm_master_user"), COLLEAGUE)
		self.assertStatus(self.call("colleague", "GET", method(USERS + "get_colleagues")), 200)
		self.assertStatus(self.call("supplier_a", "GET", method(USERS + "get_colleagues")), 403)
		wrong = self.call(
			"manager",
			"POST",
			method(USERS + "set_master_user"),
			{"supplier": SUPPLIER_A, "user": self.user["supplier_b"]},
		)
		self.assertStatus(wrong, 417)

		(entry,) = self.logs(action="Master User Set")
		self.assertEqual((entry["user"], entry["changed_by"]), (COLLEAGUE, self.user["manager"]))
		name = frappe.db.get_value(LOG, {"supplier": SUPPLIER_A, "action": "Master User Set"})
		for who in ("buyer", "manager"):
			listed = self.call(
				who, "GET", resource(LOG), query={"filters": json.dumps({"supplier": SUPPLIER_A})}
			)
			self.assertEqual([row["name"] for row in listed.data], [name])
			self.assertStatus(self.call(who, "GET", resource(LOG, name)), 200)
		for who in ("supplier_a", "colleague", "sales"):
			self.assertStatus(self.call(who, "GET", resource(LOG, name)), 403)
		for who in ("colleague", "manager"):
			self.assertStatus(self.call(who, "PUT", resource(LOG, name), {"details": "forged"}), 403)
			self.assertStatus(self.call(who, "DELETE", resource(LOG, name)), 403)
			body = {"supplier": SUPPLIER_A, "action": "User Enabled", "changed_on": "2026-01-01 00:00:00"}
			self.assertStatus(self.call(who, "POST", resource(LOG), body), 403)
		self.assertEqual(frappe.db.get_value(LOG, name, "details"), "Marked by the buyer.")
		self.assertEqual(frappe.db.count(LOG, {"supplier": SUPPLIER_A}), 1)

	def test_the_registration_page_runs_its_controller(self):
		"""The page's controller (``www/supplier_registration.py``) decides who sees the form: a guest
		is sent to log in, a supplier's user is told why not, a new company gets the form with the
		countries to choose from."""
		self.assertIn(self.call(None, "GET", "/supplier-registration").status, (301, 302))  # to the login
		page = self.call("supplier_a", "GET", "/supplier-registration")
		self.assertStatus(page, 200)
		self.assertNotIn('name="template"', page.text)
		page = self.call("applicant", "GET", "/supplier-registration")
		self.assertStatus(page, 200)
		self.assertIn('<option value="Ukraine">', page.text)


class Browser:
	"""A browser with a session cookie: each request in its own thread, as a web worker serves it."""

	def __init__(self):
		self.client = get_test_client(use_cookies=True)
		self.site = frappe.local.site

	def open(self, verb: str, path: str, body=None):
		from crm_ext.access_matrix.http import Answer

		result = {}

		def target():
			response = self.client.open(
				path,
				method=verb,
				headers={"X-Frappe-Site-Name": self.site, "Accept": "application/json"},
				data=body,
			)
			text = response.get_data(as_text=True)
			try:
				parsed = json.loads(text)
			except ValueError:
				parsed = None
			result["answer"] = Answer(response.status_code, parsed, text)

		with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
			thread = threading.Thread(target=target)
			thread.start()
			thread.join()
		frappe.db.rollback()
		return result["answer"]

	def get(self, path: str):
		return self.open("GET", path)

	def post(self, path: str, body: dict):
		return self.open("POST", path, body)
