"""Tier 2: one eligibility answer, and its enforcement on Purchase Orders."""

import frappe
from frappe.utils import add_days, nowdate

from crm_ext.supply.eligibility import get_supplier_eligibility, is_supplier_qualified, supplier_eligibility
from crm_ext.supply.sample_data import (
	fill,
	make_category_tree,
	make_qualification,
	make_supplier,
	make_template,
	qualify,
	staff,
)
from crm_ext.testing import IntegrationTestCase


class TestSupplierEligibility(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.groups = make_category_tree()
		self.template = make_template()
		self.qualified_supplier = make_supplier("_SQ Qualified Supplier")
		self.other_supplier = make_supplier("_SQ Unqualified Supplier")
		doc = fill(make_qualification(self.qualified_supplier, self.template))
		self.qualification = qualify(doc, staff()["manager"])

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.set_single_value("CRM Ext Settings", "po_qualification_check", "Warn")
		frappe.db.rollback()

	def test_is_supplier_qualified_is_tree_aware_and_dated(self):
		self.assertTrue(is_supplier_qualified(self.qualified_supplier, self.groups["steel"]))
		self.assertTrue(is_supplier_qualified(self.qualified_supplier, self.groups["raw"]))
		self.assertFalse(is_supplier_qualified(self.qualified_supplier, self.groups["services"]))
		self.assertFalse(is_supplier_qualified(self.other_supplier, self.groups["steel"]))
		self.assertFalse(
			is_supplier_qualified(self.qualified_supplier, self.groups["steel"], add_days(nowdate(), -1))
		)
		self.assertFalse(
			is_supplier_qualified(
				self.qualified_supplier, self.groups["steel"], add_days(self.qualification.valid_until, 1)
			)
		)

	def test_scorecard_and_hold_join_the_answer(self):
		groups = [self.groups["steel"]]
		self.assertTrue(supplier_eligibility(self.qualified_supplier, groups, context="purchase_order").clean)
		frappe.db.set_value("Supplier", self.qualified_supplier, "warn_pos", 1)
		answer = supplier_eligibility(self.qualified_supplier, groups, context="purchase_order")
		self.assertTrue(answer.eligible)
		self.assertEqual([r.code for r in answer.warnings], ["scorecard"])
		frappe.db.set_value("Supplier", self.qualified_supplier, {"on_hold": 1, "hold_type": "All"})
		answer = supplier_eligibility(self.qualified_supplier, groups, context="purchase_order")
		self.assertFalse(answer.eligible)
		self.assertIn("on_hold", [r.code for r in answer.blocks])
		as_dict = get_supplier_eligibility(self.qualified_supplier, groups, context="purchase_order")
		self.assertFalse(as_dict["eligible"])

	def test_purchase_order_warns_or_blocks_per_settings(self):
		po = make_purchase_order(self.other_supplier, self.groups["steel"])
		frappe.clear_messages()
		po.insert()
		self.assertIn("not qualified", str(frappe.message_log))
		frappe.db.set_single_value("CRM Ext Settings", "po_qualification_check", "Block")
		with self.assertRaises(frappe.ValidationError) as ctx:
			po.submit()
		self.assertIn("not qualified", str(ctx.exception))
		self.assertEqual(frappe.db.get_value("Purchase Order", po.name, "docstatus"), 0)

	def test_purchase_order_for_qualified_supplier_passes_the_check(self):
		frappe.db.set_single_value("CRM Ext Settings", "po_qualification_check", "Block")
		po = make_purchase_order(self.qualified_supplier, self.groups["steel"])
		frappe.clear_messages()
		po.insert()
		self.assertNotIn("not qualified", str(frappe.message_log))


def make_purchase_order(supplier: str, item_group: str):
	company = frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
	item_code = "_SQ Steel Sheet"
	if not frappe.db.exists("Item", item_code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item_code,
				"item_group": item_group,
				"stock_uom": "Nos",
				"is_stock_item": 1,
			}
		).insert(ignore_permissions=True)
	warehouse = frappe.get_all(
		"Warehouse", filters={"company": company, "is_group": 0}, pluck="name", limit=1
	)[0]
	return frappe.get_doc(
		{
			"doctype": "Purchase Order",
			"company": company,
			"supplier": supplier,
			"transaction_date": nowdate(),
			"schedule_date": add_days(nowdate(), 7),
			"items": [
				{
					"item_code": item_code,
					"qty": 1,
					"rate": 100,
					"warehouse": warehouse,
					"schedule_date": add_days(nowdate(), 7),
				}
			],
		}
	)
