"""Tier 2: the daily expiry job on a frozen clock."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_ext.supply.expiry import run_daily
from crm_ext.supply.sample_data import fill, make_qualification, make_supplier, make_template, qualify, staff
from crm_ext.testing import IntegrationTestCase

EMAIL = "sq-expiry@example.com"


class TestQualificationExpiry(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.template = make_template()
		self.supplier = make_supplier("_SQ Expiring Supplier", email=EMAIL)
		self.manager = staff()["manager"]

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def qualified(self, tax_expiry):
		doc = fill(make_qualification(self.supplier, self.template), tax_expiry=tax_expiry)
		return qualify(doc, self.manager)

	def mails(self, name, word):
		return frappe.get_all(
			"Communication",
			filters={"reference_name": name, "subject": ("like", f"%{word}%")},
			pluck="recipients",
		)

	def test_notice_30_days_ahead_then_expiry_when_the_document_runs_out(self):
		tax_expiry = add_days(nowdate(), 100)
		doc = self.qualified(tax_expiry)
		self.assertEqual(getdate(doc.valid_until), getdate(tax_expiry))  # the document cuts it short

		with self.freeze_time(add_days(tax_expiry, -31)):
			run_daily()
		doc.reload()
		self.assertFalse(doc.expiry_notice_sent_on)
		self.assertEqual(doc.status, "Qualified")

		with self.freeze_time(add_days(tax_expiry, -30)):
			run_daily()
			run_daily()  # once only
		doc.reload()
		self.assertEqual(getdate(doc.expiry_notice_sent_on), getdate(add_days(tax_expiry, -30)))
		self.assertEqual(self.mails(doc.name, "expires on"), [EMAIL])
		self.assertTrue(
			frappe.db.exists(
				"Comment", {"reference_name": doc.name, "content": ("like", "%Expiry notice sent%")}
			)
		)

		with self.freeze_time(tax_expiry):
			run_daily()
		doc.reload()
		self.assertEqual(doc.status, "Qualified")  # valid through its last day

		with self.freeze_time(add_days(tax_expiry, 1)):
			run_daily()
		doc.reload()
		self.assertEqual((doc.status, doc.docstatus), ("Expired", 1))
		self.assertTrue(
			frappe.db.exists(
				"Comment", {"reference_name": doc.name, "content": ("like", "%Tax certificate%")}
			)
		)
		self.assertEqual(self.mails(doc.name, "Expired"), [EMAIL])

	def test_validity_period_ends_the_qualification(self):
		doc = self.qualified(add_days(nowdate(), 1000))
		with self.freeze_time(add_days(doc.valid_until, 1)):
			run_daily()
		doc.reload()
		self.assertEqual(doc.status, "Expired")
