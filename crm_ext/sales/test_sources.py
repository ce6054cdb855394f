"""Where the Source links point: Lead Source on ERPNext v15, UTM Source once ERPNext v16 removed it."""

from unittest.mock import patch

import frappe

from crm_ext.sales import sources
from crm_ext.sales.sources import LEAD_SOURCE, SOURCE_LINKS, UTM_SOURCE, WORKSPACE
from crm_ext.testing import CRMTestCase, make_sales_lead


def link_options() -> dict:
	for parent, _field in SOURCE_LINKS:
		frappe.clear_cache(doctype=parent)
	return {parent: frappe.get_meta(parent).get_field(field).options for parent, field in SOURCE_LINKS}


def workspace_links() -> set:
	return set(
		frappe.get_all(
			"Workspace Link",
			filters={"parent": WORKSPACE, "link_to": ("in", [LEAD_SOURCE, UTM_SOURCE])},
			pluck="link_to",
		)
	)


class TestSourceDoctype(CRMTestCase):
	def test_this_site_keeps_lead_source(self):
		self.assertTrue(frappe.db.exists("DocType", LEAD_SOURCE))
		self.assertEqual(sources.source_doctype(), LEAD_SOURCE)
		sources.ensure_source_links()
		self.assertEqual(set(link_options().values()), {LEAD_SOURCE})
		self.assertFalse(
			frappe.db.exists("Property Setter", {"doc_type": "Sales Lead", "field_name": "source"})
		)
		self.assertEqual(workspace_links(), {LEAD_SOURCE})
		boot = frappe._dict()
		sources.boot_session(boot)
		self.assertEqual(boot.crm_ext_source_doctype, LEAD_SOURCE)

	def test_a_site_without_lead_source_links_utm_source_and_back(self):
		# ERPNext v16 deletes Lead Source: what the migrate hook then does (the doctype itself cannot
		# be deleted here; the answer of source_doctype stands in for it)
		with patch.object(sources, "source_doctype", return_value=UTM_SOURCE):
			sources.ensure_source_links()
			self.assertEqual(set(link_options().values()), {UTM_SOURCE})
			self.assertEqual(workspace_links(), {UTM_SOURCE})
			sources.ensure_source_links()  # idempotent: one setter per field
			self.assertEqual(
				frappe.db.count("Property Setter", {"doc_type": "Sales Lead", "field_name": "source"}), 1
			)
		# back on a site with Lead Source (a restored backup): the setters go, the cards link it again
		sources.ensure_source_links()
		self.assertEqual(set(link_options().values()), {LEAD_SOURCE})
		self.assertEqual(workspace_links(), {LEAD_SOURCE})
		card = make_sales_lead(source=sources.ensure_source("_Test Source Link"))
		self.assertEqual(frappe.db.get_value("Sales Lead", card.name, "source"), "_Test Source Link")
