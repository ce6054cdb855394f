"""Tier 2: Qualification Template refuses settings that cannot work, naming the field."""

import frappe

from crm_ext.supply.sample_data import make_category_tree, make_template
from crm_ext.testing import IntegrationTestCase


class TestQualificationTemplate(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		make_category_tree()

	def tearDown(self):
		frappe.db.rollback()

	def test_valid_template_is_saved(self):
		name = make_template("_SQ Valid Template")
		self.assertEqual(frappe.db.get_value("Qualification Template", name, "pass_score"), 60)

	def test_bad_templates_are_refused_and_not_saved(self):
		cases = {
			"_SQ Bad Pass": {"pass_score": 120},
			"_SQ Bad Validity": {"validity_months": 0},
			"_SQ Bad Choice": {
				"criteria": [
					{"criterion": "Q", "answer_type": "Choice", "weight": 1, "choice_options": "Gold"}
				]
			},
			"_SQ Bad Number": {
				"criteria": [{"criterion": "Q", "answer_type": "Number", "weight": 1, "target_value": 0}]
			},
			"_SQ No Weight": {"criteria": [{"criterion": "Q", "answer_type": "Yes/No", "weight": 0}]},
			"_SQ Twice": {"required_documents": [{"document_type": "Licence"}, {"document_type": "licence"}]},
		}
		for name, kw in cases.items():
			with self.subTest(name=name):
				with self.assertRaises(frappe.ValidationError):
					make_template(name, **kw)
				self.assertFalse(frappe.db.exists("Qualification Template", name))

	def test_purchase_user_cannot_edit_templates(self):
		from crm_ext.testing import make_user

		name = make_template("_SQ Read Only")
		frappe.set_user(make_user("sq-template-reader@example.com", "Purchase User"))
		doc = frappe.get_doc("Qualification Template", name)
		doc.pass_score = 10
		with self.assertRaises(frappe.PermissionError):
			doc.save()
		frappe.set_user("Administrator")
