import frappe

from crm_ext.analytics.indexes import INDEXES, RETIRED, ensure_indexes
from crm_ext.testing import CRMTestCase


def columns_of(doctype: str, index: str) -> list[str]:
	rows = frappe.db.sql(f"show index from `tab{doctype}` where Key_name = %s", (index,), as_dict=True)
	return [row.Column_name for row in sorted(rows, key=lambda row: row.Seq_in_index)]


class TestAnalyticsIndexes(CRMTestCase):
	def test_every_index_is_made_with_its_columns_and_retired_ones_are_dropped(self):
		if not frappe.db.has_index("tabSales Lead", "creation_index"):  # as an earlier version left it
			frappe.db.commit()
			frappe.db.sql("alter table `tabSales Lead` add index `creation_index` (creation)")
		self.assertEqual(columns_of("Sales Lead", "creation_index"), ["creation"])
		ensure_indexes()
		for doctype, indexes in INDEXES.items():
			for name, fields in indexes.items():
				self.assertEqual(columns_of(doctype, name), fields, f"{doctype}: {name}")
		for doctype, names in RETIRED.items():
			for name in names:
				self.assertEqual(columns_of(doctype, name), [], f"{doctype}: {name} is retired")
		ensure_indexes()  # a second migrate changes nothing
		self.assertEqual(
			columns_of("Sales Lead", "period_cards_index"), INDEXES["Sales Lead"]["period_cards_index"]
		)
