"""Tier-2 test base for the supply side's attacks through real HTTP (imported by the supply side's
test modules; it holds no tests itself).

Requests go through ``frappe.app.application`` with werkzeug's test client
(``crm_ext.access_matrix.http``), each in its own thread with its own site init and database
connection, authenticated with the persona's API key, and they commit: so the fixtures are
committed, and :meth:`SupplyHTTPCase.tearDownClass` deletes what the tests made (tenders titled
``_HT ...``, their bids, logs, files and mails; qualifications of the ``_HT`` suppliers and of the
class's registrants).
"""

from urllib.parse import quote

import frappe
from frappe.utils import add_to_date, now_datetime

from crm_ext.access_matrix.http import Answer, request
from crm_ext.crm_ext.doctype.tender.test_tender import bid_as, make_tender
from crm_ext.supply import tenders
from crm_ext.supply.sample_data import make_supplier, make_template
from crm_ext.testing import IntegrationTestCase, make_user

PREFIX = "_HT"
SUPPLIER_A, SUPPLIER_B, SUPPLIER_C = f"{PREFIX} Supplier A", f"{PREFIX} Supplier B", f"{PREFIX} Supplier C"
PERSONAS = {
	# name: (e-mail, user type, roles)
	"supplier_a": ("ht-supplier-a@example.com", "Website User", ("Supplier",)),
	"supplier_b": ("ht-supplier-b@example.com", "Website User", ("Supplier",)),
	"supplier_c": ("ht-supplier-c@example.com", "Website User", ("Supplier",)),
	"applicant": ("ht-applicant@example.com", "Website User", ()),
	"buyer": ("ht-buyer@example.com", "System User", ("Purchase User",)),
	"manager": ("ht-manager@example.com", "System User", ("Purchase Manager", "Purchase User")),
	"manager_2": ("ht-manager-2@example.com", "System User", ("Purchase Manager", "Purchase User")),
	"sales": ("ht-sales@example.com", "System User", ("Sales User",)),
}
SUPPLIER_OF = {"supplier_a": SUPPLIER_A, "supplier_b": SUPPLIER_B, "supplier_c": SUPPLIER_C}
PRICES = [(10, 100, 5), (450, 10, 30)]  # (unit price, qty, delivery days) per line of make_tender


def persona(email: str, user_type: str, roles) -> str:
	"""The user with exactly ``roles`` and a fresh API key: its ``key:secret``."""
	user = frappe.get_doc("User", make_user(email, *roles, user_type=user_type))
	secret = frappe.generate_hash(length=15)
	user.api_key = user.api_key or frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	return f"{user.api_key}:{secret}"


def resource(doctype: str, name: str | None = None) -> str:
	path = f"/api/resource/{quote(doctype)}"
	return f"{path}/{quote(name)}" if name else path


def method(dotted: str) -> str:
	return f"/api/method/{dotted}"


def remove_files(attached_to: list[str]) -> None:
	if not attached_to:
		return
	for file in frappe.get_all(
		"File", filters={"attached_to_name": ("in", attached_to), "is_folder": 0}, pluck="name"
	):
		frappe.delete_doc("File", file, force=True, ignore_permissions=True)


class SupplyHTTPCase(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.remove_test_data()
		cls.auth = {}
		cls.user = {}
		for name, (email, user_type, roles) in PERSONAS.items():
			cls.auth[name] = persona(email, user_type, roles)
			cls.user[name] = email
		for name, supplier in SUPPLIER_OF.items():
			make_supplier(supplier, portal_user=cls.user[name])
		cls.template = make_template(f"{PREFIX} Questionnaire")
		cls.previous_check = frappe.db.get_single_value("CRM Ext Settings", "tender_qualification_check")
		frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", "Off")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		cls.remove_test_data()
		frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", cls.previous_check)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	# --- requests ------------------------------------------------------------------------------

	def call(self, who: str | None, verb: str, path: str, payload=None, query=None) -> Answer:
		answer = request(self.auth.get(who) if who else None, verb, path, payload, query)
		frappe.db.rollback()  # see what the request committed
		return answer

	def assertStatus(self, answer: Answer, *expected: int):
		self.assertIn(answer.status, expected, answer.text[:1500])

	# --- fixtures (committed) --------------------------------------------------------------------

	@classmethod
	def published_tender(cls, title: str, invited=(SUPPLIER_A, SUPPLIER_B), **kwargs) -> str:
		tender = make_tender(
			title=f"{PREFIX} {title}",
			currencies=[{"currency": "USD"}],
			other_incoterms=[],
			suppliers=[{"supplier": s} for s in invited],
			**kwargs,
		)
		frappe.set_user(cls.user["buyer"])
		tenders.publish(tender.name)
		frappe.set_user("Administrator")
		frappe.db.commit()
		return tender.name

	@classmethod
	def auction(cls, title: str, **kwargs) -> str:
		start = now_datetime()
		values = {
			"mode": "Reverse Auction",
			"opening_date": add_to_date(start, minutes=-1),
			"deadline": add_to_date(start, hours=2),
			"min_step": 1,
			"min_step_kind": "Amount",
		}
		values.update(kwargs)
		return cls.published_tender(title, **values)

	@classmethod
	def bid(cls, who: str, tender: str, prices=PRICES, submit: bool = True) -> str:
		name = bid_as(cls.user[who], tender, prices, submit=submit, currency="USD")
		frappe.db.commit()
		return name

	@classmethod
	def close_and_open(cls, tender: str) -> None:
		"""The deadline passes; procurement opens the bids (logged)."""
		frappe.db.set_value("Tender", tender, "deadline", add_to_date(now_datetime(), minutes=-1))
		frappe.set_user(cls.user["buyer"])
		tenders.open_bids(tender)
		frappe.set_user("Administrator")
		frappe.db.commit()

	@classmethod
	def remove_test_data(cls):
		names = frappe.get_all("Tender", filters={"title": ("like", f"{PREFIX} %")}, pluck="name")
		bids = frappe.get_all("Tender Bid", filters={"tender": ("in", names or [""])}, pluck="name")
		for doctype, column, values in (
			("Tender Log", "tender", names),
			("Tender Bid Item", "parent", bids),
			("Tender Bid Answer", "parent", bids),
			("Tender Bid", "name", bids),
			("Version", "docname", bids + names),
			("Comment", "reference_name", bids + names),
			("Email Queue", "reference_name", names),
		):
			if values:
				frappe.db.delete(doctype, {column: ("in", values)})
		remove_files(bids + names)
		for name in names:
			for table in (
				"Tender Item",
				"Tender Supplier",
				"Tender Currency",
				"Tender Incoterm",
				"Tender Question",
				"Tender Evaluation",
				"Tender Award Line",
				"Tender Notification",
			):
				frappe.db.delete(table, {"parent": name})
			frappe.db.delete("Tender", {"name": name})
		cls.remove_qualifications()
		frappe.db.delete("Supplier User Log", {"supplier": ("like", f"{PREFIX} %")})
		for supplier in frappe.get_all(
			"Supplier", filters={"supplier_name": ("like", f"{PREFIX} Newco%")}, pluck="name"
		):
			frappe.delete_doc("Supplier", supplier, force=True, ignore_permissions=True)
		frappe.db.commit()

	@classmethod
	def remove_qualifications(cls):
		quals = frappe.get_all(
			"Supplier Qualification",
			filters={"supplier": ("like", f"{PREFIX} %")},
			pluck="name",
		) + frappe.get_all(
			"Supplier Qualification",
			filters={"registration_user": ("like", "ht-%@example.com")},
			pluck="name",
		)
		for name in quals:
			for table in (
				"Supplier Qualification Answer",
				"Supplier Qualification Document",
				"Supplier Qualification Contact",
				"Supplier Qualification Signatory",
				"Qualification Item Group",
			):
				frappe.db.delete(table, {"parent": name})
			frappe.db.delete("Supplier Qualification", {"name": name})
			frappe.db.delete("Version", {"docname": name})
			frappe.db.delete("Comment", {"reference_name": name})
			frappe.db.delete("Communication", {"reference_name": name})
			frappe.db.delete("Workflow Action", {"reference_name": name})
		remove_files(quals)
		frappe.db.commit()
