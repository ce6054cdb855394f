"""Tier-2 test base for the sales side's attacks through real HTTP (imported by the sales side's
test modules; it holds no tests itself).

Requests go through ``frappe.app.application`` (Frappe's WSGI app) with werkzeug's test client, each
in its own thread with its own site init and database connection, and commit: so the setup is
committed and :meth:`SalesHTTPCase.tearDownClass` deletes what the tests made (cards and requests
are recognised by the e-mail domain and phone prefix of the class).
"""

import json
import threading
from urllib.parse import urlparse

import frappe
from frappe.utils import get_test_client

from crm_ext.testing import make_pipeline, make_user

try:
	from frappe.tests.test_api import FrappeAPITestCase
except ImportError:  # pragma: no cover - moved in a later Frappe
	from frappe.tests.classes import FrappeAPITestCase

TOKEN = "sales-http-intake-token"
DOMAIN = "sales-http.example.com"
PHONE_PREFIX = "+4930777"  # numbers of the form +4930777NNNN: Berlin, possible, unused


def api_headers(email: str, *roles: str) -> dict:
	"""A user with exactly ``roles`` and a fresh API key (committed: requests run in their own
	transactions): the headers it authenticates with."""
	user = frappe.get_doc("User", make_user(email, *roles))
	secret = frappe.generate_hash(length=15)
	user.api_key = user.api_key or frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	frappe.db.commit()
	return {"Authorization": f"token {user.api_key}:{secret}"}


def server_message(response) -> str:
	"""The user-facing messages of an error response, as one string."""
	messages = json.loads(response.json.get("_server_messages") or "[]")
	return " ".join(json.loads(m).get("message", "") for m in messages)


class SalesHTTPCase(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.remove_test_data()
		make_pipeline("_Test Pipeline")
		settings = frappe.get_single("CRM Ext Settings")
		cls.previous_settings = (
			settings.default_pipeline,
			settings.get_password("intake_token", raise_exception=False),
		)
		settings.default_pipeline = "_Test Pipeline"
		settings.intake_token = TOKEN
		settings.save()
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		cls.remove_test_data()
		settings = frappe.get_single("CRM Ext Settings")
		settings.default_pipeline, settings.intake_token = (
			cls.previous_settings[0],
			cls.previous_settings[1] or "",
		)
		settings.save()
		frappe.db.commit()
		super().tearDownClass()

	@classmethod
	def remove_test_data(cls):
		frappe.set_user("Administrator")
		leads = frappe.get_all(
			"Sales Lead",
			or_filters={"email": ("like", f"%@{DOMAIN}"), "phone": ("like", f"{PHONE_PREFIX}%")},
			pluck="name",
		)
		for lead in leads:
			frappe.db.delete("ToDo", {"reference_type": "Sales Lead", "reference_name": lead})
			frappe.delete_doc("Sales Lead", lead, force=True, ignore_permissions=True)
		frappe.db.delete("Sales Request", {"email": ("like", f"%@{DOMAIN}")})
		frappe.db.delete("Sales Request", {"phone": ("like", f"{PHONE_PREFIX}%")})
		frappe.db.commit()

	@staticmethod
	def new_phone() -> str:
		return PHONE_PREFIX + str(int(frappe.generate_hash(length=8), 16) % 10_000).zfill(4)

	@staticmethod
	def new_email(prefix: str = "p") -> str:
		return f"{prefix}-{frappe.generate_hash(length=8)}@{DOMAIN}"

	def intake(self, payload: dict, **headers):
		return self.post(
			self.method("crm_ext.api.intake.submit_request"),
			payload,
			headers={"X-CRM-Ext-Token": TOKEN, **headers},
		)

	def call_event(self, payload: dict):
		return self.post(
			self.method("crm_ext.api.telephony.record_call"), payload, headers={"X-CRM-Ext-Token": TOKEN}
		)

	def all_at_once(self, method: str, path: str, payloads: list[dict], headers: dict) -> list:
		"""Send every payload at the same moment, each from its own thread (own client, own site init
		and database connection, as concurrent HTTP requests are served); the responses, in order."""
		barrier = threading.Barrier(len(payloads))
		responses: list = [None] * len(payloads)
		site_url, path = f"http://{frappe.local.site}", urlparse(path).path  # the Host names the site

		def send(i: int, payload: dict):
			client = get_test_client(use_cookies=False)
			barrier.wait()
			responses[i] = getattr(client, method)(path, json=payload, headers=headers, base_url=site_url)

		threads = [threading.Thread(target=send, args=(i, p)) for i, p in enumerate(payloads)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=120)
		frappe.db.rollback()  # read what the requests committed
		return responses
