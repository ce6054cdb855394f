"""The small committed world the HTTP tests of ``crm_ext.doors`` attack (no tests here).

Requests run in their own thread and database connection (``crm_ext.access_matrix.http``), so
the world is committed once per test module and removed afterwards:

- sales_a / sales_b (Sales User), each the owner of one Sales Lead (lead_b linked to
  _Test Customer, with a private attachment, an e-mail, an assignment and a Quotation);
  sales_manager (sees every card);
- supplier_a / supplier_b (portal users of two suppliers), each with a submitted bid on one
  sealed tender (deadline in two days); purchase_user (sees the tender, not the sealed bids).
"""

import json
from threading import Thread
from types import SimpleNamespace

import frappe
from frappe.utils import add_to_date, now_datetime

from crm_ext.access_matrix.http import Answer, request
from crm_ext.testing import IntegrationTestCase, make_pipeline, make_sales_lead, make_user
from crm_ext.utils.documents import procedure

DOMAIN = "doors-http.example.com"
SUPPLIERS = ("_Test Doors Supplier A", "_Test Doors Supplier B")
PERSONAS = {
	"sales_a": (("Sales User",), "System User"),
	"sales_b": (("Sales User",), "System User"),
	"sales_manager": (("Sales Manager", "Sales User"), "System User"),
	"purchase_user": (("Purchase User",), "System User"),
	"buyer": (("Purchase Manager", "Purchase User"), "System User"),
	"supplier_a": (("Supplier",), "Website User"),
	"supplier_b": (("Supplier",), "Website User"),
}


def email(persona: str) -> str:
	return f"{persona.replace('_', '-')}@{DOMAIN}"


def api_auth(user: str) -> str:
	doc = frappe.get_doc("User", user)
	secret = frappe.generate_hash(length=15)
	doc.api_key = doc.api_key or frappe.generate_hash(length=15)
	doc.api_secret = secret
	doc.save(ignore_permissions=True)
	return f"{doc.api_key}:{secret}"


def build() -> SimpleNamespace:
	remove()
	world = SimpleNamespace(auth={}, user={})
	for persona, (roles, user_type) in PERSONAS.items():
		user = make_user(email(persona), *roles, user_type=user_type)
		frappe.db.set_value("User", user, "document_follow_notify", 1)
		world.user[persona] = user
		world.auth[persona] = api_auth(user)
	build_sales(world)
	build_tender(world)
	frappe.db.commit()
	return world


def build_sales(world) -> None:
	make_pipeline("_Test Pipeline")
	world.lead_a = make_sales_lead(
		lead_owner=world.user["sales_a"], organization="Doors Org A", email=f"lead-a@{DOMAIN}"
	).name
	lead_b = make_sales_lead(
		lead_owner=world.user["sales_b"],
		organization="Doors Secret Org B",
		email=f"lead-b@{DOMAIN}",
		customer="_Test Customer",
	)
	world.lead_b, world.title_b = lead_b.name, lead_b.title
	world.title_a = frappe.db.get_value("Sales Lead", world.lead_a, "title")
	world.file_b = (
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": "doors-secret-b.txt",
				"content": b"secret plan of B",
				"is_private": 1,
				"attached_to_doctype": "Sales Lead",
				"attached_to_name": world.lead_b,
			}
		)
		.insert(ignore_permissions=True)
		.as_dict()
	)
	world.mail = {
		key: frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Received",
				"subject": f"Doors mail {key}",
				"content": f"Mail about lead {key}",
				"sender": f"client-{key}@{DOMAIN}",
				"reference_doctype": "Sales Lead",
				"reference_name": lead,
			}
		)
		.insert(ignore_permissions=True)
		.name
		for key, lead in (("a", world.lead_a), ("b", world.lead_b))
	}
	from frappe.desk.form.assign_to import add as assign

	with procedure():
		assign({"assign_to": [world.user["sales_b"]], "doctype": "Sales Lead", "name": world.lead_b})
	world.quotation_b = (
		frappe.get_doc(
			{
				"doctype": "Quotation",
				"quotation_to": "Customer",
				"party_name": "_Test Customer",
				"company": "_Test Company",
				"sales_lead": world.lead_b,
				"items": [{"item_code": "_Test Item", "qty": 1, "rate": 100}],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	request = frappe.get_doc(
		{"doctype": "Sales Request", "person_name": "Doors Person", "email": f"lead-a@{DOMAIN}"}
	)
	request.sales_lead = world.lead_a
	request.flags.server_action = True
	world.request_a = request.insert(ignore_permissions=True).name


def build_tender(world) -> None:
	from crm_ext.crm_ext.doctype.tender.test_tender import bid_as, ensure_supplier, make_tender
	from crm_ext.supply import tenders

	frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", "Off")
	for supplier, persona in zip(SUPPLIERS, ("supplier_a", "supplier_b"), strict=True):
		ensure_supplier(supplier, world.user[persona])
	tender = make_tender(
		title="Doors sealed tender",
		deadline=add_to_date(now_datetime(), days=2),
		suppliers=[{"supplier": s} for s in SUPPLIERS],
		currencies=[{"currency": "USD"}],
		other_incoterms=[],
	)
	frappe.set_user(world.user["buyer"])
	try:
		tenders.publish(tender.name)
	finally:
		frappe.set_user("Administrator")
	world.tender = tender.name
	world.bid_a = bid_as(world.user["supplier_a"], tender.name, [(11, 100, 5), (451, 10, 30)])
	world.bid_b = bid_as(world.user["supplier_b"], tender.name, [(7, 100, 9), (333, 10, 20)])
	world.total_b = frappe.db.get_value("Tender Bid", world.bid_b, "total")


def remove() -> None:
	"""Everything the world made (idempotent; users and suppliers are kept for the next run)."""
	leads = frappe.get_all("Sales Lead", filters={"email": ("like", f"%@{DOMAIN}")}, pluck="name")
	tenders = frappe.get_all("Tender", filters={"title": "Doors sealed tender"}, pluck="name")
	for name in frappe.get_all("Quotation", filters={"sales_lead": ("in", leads or [""])}, pluck="name"):
		frappe.delete_doc("Quotation", name, force=True, ignore_permissions=True)
	for doctype, column, names in (
		("Communication", "reference_name", leads),
		("Comment", "reference_name", leads + tenders),
		("ToDo", "reference_name", leads),
		("Document Follow", "ref_docname", leads),
	):
		frappe.db.delete(doctype, {column: ("in", names or [""])})
	frappe.db.delete("Communication", {"sender": ("like", f"%@{DOMAIN}")})
	for name in frappe.get_all("File", filters={"file_name": ("like", "doors-%")}, pluck="name"):
		frappe.delete_doc("File", name, force=True, ignore_permissions=True)  # and its file on disk
	frappe.db.delete("Sales Request", {"email": ("like", f"%@{DOMAIN}")})
	for name in leads:
		frappe.delete_doc("Sales Lead", name, force=True, ignore_permissions=True)
	for name in tenders:
		bids = frappe.get_all("Tender Bid", filters={"tender": name}, pluck="name")
		for child in ("Tender Bid Item", "Tender Bid Answer"):
			frappe.db.delete(child, {"parent": ("in", bids or [""])})
		frappe.db.delete("Tender Bid", {"tender": name})
		frappe.db.delete("Tender Log", {"tender": name})
		frappe.delete_doc("Tender", name, force=True, ignore_permissions=True)
	frappe.db.commit()


class DoorsTestCase(IntegrationTestCase):
	"""Requests as the world's personas; ``world`` is built by the test module's setUpModule."""

	world: SimpleNamespace | None = None
	METHOD = "/api/method/"

	def setUp(self):
		super().setUp()
		self.w = DoorsTestCase.world
		frappe.db.rollback()  # see what the requests committed

	def call(self, persona: str, method: str, args: dict | None = None, verb: str = "POST") -> Answer:
		if verb == "GET":
			return request(self.w.auth[persona], "GET", self.METHOD + method, query=args or {})
		return request(self.w.auth[persona], verb, self.METHOD + method, payload=args or {})

	def desk(self, persona: str, method: str, args: dict | None = None) -> Answer:
		"""POST as ``frappe.call`` in the browser sends it: a form, objects as JSON text."""
		return desk_request(self.w.auth[persona], self.METHOD + method, args or {})

	def get(self, persona: str, path: str, query: dict | None = None) -> Answer:
		return request(self.w.auth[persona], "GET", path, query=query)

	def assertRefused(self, answer: Answer, *secrets):
		self.assertTrue(400 <= answer.status < 500, f"{answer.status}: {answer.text[:300]}")
		for secret in secrets:
			self.assertNotIn(str(secret), answer.text)

	def assertOk(self, answer: Answer):
		self.assertEqual(answer.status, 200, answer.text[:500])
		return answer.message if answer.message is not None else answer.data


def set_up_module() -> None:
	frappe.set_user("Administrator")
	DoorsTestCase.world = build()


def tear_down_module() -> None:
	frappe.set_user("Administrator")
	remove()


def _form_value(value) -> str:
	if value is None:
		return ""
	if isinstance(value, bool):
		return "true" if value else "false"
	if isinstance(value, dict | list):
		return json.dumps(value)
	return str(value)


def desk_request(auth: str, path: str, args: dict) -> Answer:
	"""A form POST in a thread of its own (its own ``frappe.local`` and connection)."""
	from frappe.utils import get_test_client

	client = get_test_client(use_cookies=False)
	headers = {
		"X-Frappe-Site-Name": frappe.local.site,
		"Accept": "application/json",
		"Authorization": f"token {auth}",
	}
	form = {key: _form_value(value) for key, value in args.items()}
	result: dict = {}

	def target():
		response = client.open(path, method="POST", headers=headers, data=form)
		text = response.get_data(as_text=True)
		try:
			body = json.loads(text)
		except ValueError:
			body = None
		result["answer"] = Answer(response.status_code, body, text)

	thread = Thread(target=target)
	thread.start()
	thread.join()
	return result["answer"]
