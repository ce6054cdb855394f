# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import to_timedelta

from crm_ext.crm_ext.doctype.crm_ext_settings.crm_ext_settings import default_phone_region, get_settings
from crm_ext.testing import CRMTestCase, make_user


class TestCRMExtSettings(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.settings = frappe.get_single("CRM Ext Settings")

	def test_defaults_are_installed(self):
		self.assertEqual(self.settings.first_contact_minutes, 15)
		self.assertEqual(self.settings.receivable_share_threshold, 20)
		self.assertEqual(self.settings.overdue_share_threshold, 5)
		self.assertEqual(to_timedelta(self.settings.work_day_start), to_timedelta("09:00:00"))
		self.assertEqual(to_timedelta(self.settings.work_day_end), to_timedelta("18:00:00"))

	def test_bad_values_are_refused_and_nothing_is_saved(self):
		cases = {
			"first_contact_minutes": 0,
			"receivable_share_threshold": 120,
			"overdue_share_threshold": -1,
			"work_day_end": "08:00:00",
		}
		for fieldname, value in cases.items():
			with self.subTest(fieldname=fieldname):
				settings = frappe.get_single("CRM Ext Settings")
				settings.set(fieldname, value)
				with self.assertRaises(frappe.ValidationError) as ctx:
					settings.save()
				self.assertIn(settings.meta.get_label(fieldname), str(ctx.exception))
				self.assertNotEqual(frappe.db.get_single_value("CRM Ext Settings", fieldname), value)

	def test_default_phone_region_comes_from_country_code(self):
		self.settings.default_phone_country = "Germany"
		self.settings.save()
		self.assertEqual(get_settings().default_phone_country, "Germany")
		self.assertEqual(default_phone_region(), "DE")
		self.settings.default_phone_country = None
		self.settings.save()
		self.assertIsNone(default_phone_region())

	def test_sales_user_can_read_but_not_change_settings(self):
		user = make_user("crm-settings-rep@example.com", "Sales User")
		frappe.set_user(user)
		self.assertTrue(frappe.has_permission("CRM Ext Settings", "read"))
		settings = frappe.get_single("CRM Ext Settings")
		settings.first_contact_minutes = 99
		with self.assertRaises(frappe.PermissionError):
			settings.save()

	def test_crm_manager_can_change_settings(self):
		user = make_user("crm-settings-manager@example.com", "CRM Manager")
		frappe.set_user(user)
		settings = frappe.get_single("CRM Ext Settings")
		settings.first_contact_minutes = 30
		settings.save()
		self.assertEqual(frappe.db.get_single_value("CRM Ext Settings", "first_contact_minutes"), 30)
