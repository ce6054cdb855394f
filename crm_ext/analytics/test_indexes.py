import frappe

from crm_ext.analytics.indexes import INDEXES, ensure_indexes
from crm_ext.testing import CRMTestCase


def columns_of(doctype: str, index: str) -> list[str]:
	rows = frappe.db.sql(f"show index from `tab{doctype}` where Key_name = %s", (index,), as_dict=True)
	return [row.Column_name for row in sorted(rows, key=lambda row: row.Seq_in_index)]


class TestAnalyticsIndexes(CRMTestCase):
	def test_every_index_is_made_with_its_columns_once(self):
		ensure_indexes()
		ensure_indexes()  # a second migrate changes nothing
		for doctype, indexes in INDEXES.items():
			for name, fields in indexes.items():
				self.assertEqual(columns_of(doctype, name), fields, f"{doctype}: {name}")
