"""Tier 2: the telephony endpoint over real HTTP refuses unauthenticated call events."""

import frappe

try:
	from frappe.tests.test_api import FrappeAPITestCase
except ImportError:  # pragma: no cover - moved in a later Frappe
	from frappe.tests.classes import FrappeAPITestCase

METHOD = "crm_ext.api.telephony.record_call"
PHONE = "+49 30 5550177"


class TestTelephonyHTTP(FrappeAPITestCase):
	def test_unauthenticated_call_is_401_and_saves_nothing(self):
		before = frappe.db.count("Interaction")
		for headers in ({}, {"X-CRM-Ext-Token": "wrong-token"}):
			response = self.post(
				self.method(METHOD), {"phone": PHONE, "direction": "Incoming"}, headers=headers
			)
			self.assertEqual(response.status_code, 401)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Interaction"), before)
		self.assertFalse(frappe.db.exists("Sales Lead", {"phone": "+49305550177"}))
