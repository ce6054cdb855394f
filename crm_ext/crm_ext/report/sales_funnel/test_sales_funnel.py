import frappe

from crm_ext.analytics.filters import as_filters
from crm_ext.analytics.testing import lead_through, make_analytics_pipeline, make_lost_reason
from crm_ext.crm_ext.report.sales_funnel.sales_funnel import execute, lost_counts
from crm_ext.testing import CRMTestCase, make_user

PIPELINE = "_Test Funnel Pipeline"


class TestSalesFunnel(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_analytics_pipeline(PIPELINE)
		self.rep = make_user("funnel.rep@example.com", "Sales User")
		# six cards, counted by hand:
		#   L1 New | L2 New>Quote | L3 New>Quote>Won | L4 New>Won (skips Quote)
		#   L5 New>Lost (Price) | L6 New>Quote>Lost (Timing)
		lead_through(PIPELINE, lead_owner=self.rep)
		lead_through(PIPELINE, "Quote", lead_owner=self.rep)
		lead_through(PIPELINE, "Quote", "Won")
		lead_through(PIPELINE, "Won")
		lead_through(PIPELINE, "Lost", lost_reason=make_lost_reason("_Test Price"))
		lead_through(PIPELINE, "Quote", "Lost", lost_reason=make_lost_reason("_Test Timing"))

	def rows(self, **filters):
		columns, data, _message, chart, summary = execute({"pipeline": PIPELINE, **filters})
		return {row["stage"]: row for row in data}, chart, summary

	def test_reached_conversion_and_lost_per_stage(self):
		rows, chart, summary = self.rows()
		new, quote, won = rows[f"{PIPELINE}-New"], rows[f"{PIPELINE}-Quote"], rows[f"{PIPELINE}-Won"]
		# reached: New all 6; Quote L2, L3, L4 (skipped past it), L6 = 4; Won L3, L4 = 2
		self.assertEqual((new["reached"], quote["reached"], won["reached"]), (6, 4, 2))
		self.assertEqual((new["to_next"], quote["to_next"], won["to_next"]), (66.7, 50.0, None))
		self.assertEqual((new["overall"], quote["overall"], won["overall"]), (100.0, 66.7, 33.3))
		self.assertEqual((new["lost"], quote["lost"], won["lost"]), (1, 1, 0))
		self.assertEqual(new["lost_reasons"], "_Test Price: 1")
		self.assertEqual(quote["lost_reasons"], "_Test Timing: 1")
		self.assertEqual(quote["lost_share"], 25.0)
		self.assertNotIn(f"{PIPELINE}-Lost", rows)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [6, 4, 2])
		self.assertEqual([s["value"] for s in summary], [6, 2, 2, 33.3])

	def test_cohort_columns_split_by_creation_month(self):
		rows, _chart, _summary = self.rows(cohort_by_month=1)
		month = frappe.utils.nowdate()[:7].replace("-", "_")
		self.assertEqual(rows[f"{PIPELINE}-Quote"][f"c_{month}"], 4)
		self.assertEqual(rows[f"{PIPELINE}-Won"][f"c_{month}_pct"], 33.3)

	def test_filters_narrow_the_cards(self):
		rows, _chart, _summary = self.rows(lead_owner=self.rep)
		self.assertEqual(rows[f"{PIPELINE}-New"]["reached"], 2)
		rows, _chart, _summary = self.rows(from_date="2000-01-01", to_date="2000-12-31")
		self.assertEqual(rows[f"{PIPELINE}-New"]["reached"], 0)

	def test_sales_user_sees_only_own_cards(self):
		frappe.set_user(self.rep)
		rows, _chart, summary = self.rows()
		self.assertEqual(
			[rows[f"{PIPELINE}-{s}"]["reached"] for s in ("New", "Quote", "Won")],
			[2, 1, 0],
		)
		self.assertEqual(rows[f"{PIPELINE}-New"]["lost"], 0)

	def test_lost_cards_are_the_same_from_the_cards_or_from_the_log(self):
		"""Lost counts start from the cards when a period or a card filter narrows them, else from the
		pipeline's lost moves: both ways count the same cards."""
		today = frappe.utils.nowdate()
		by_hand = {f"{PIPELINE}-New": {"_Test Price": 1}, f"{PIPELINE}-Quote": {"_Test Timing": 1}}
		self.assertEqual(lost_counts(PIPELINE, as_filters({})), by_hand)
		self.assertEqual(lost_counts(PIPELINE, as_filters({"from_date": today, "to_date": today})), by_hand)
		self.assertEqual(
			lost_counts(PIPELINE, as_filters({"from_date": "2000-01-01", "to_date": "2000-12-31"})), {}
		)
		lead_through(PIPELINE, "Lost", lead_owner=self.rep, lost_reason=make_lost_reason("_Test Price"))
		frappe.set_user(self.rep)
		self.assertEqual(lost_counts(PIPELINE, as_filters({})), {f"{PIPELINE}-New": {"_Test Price": 1}})
		self.assertEqual(
			lost_counts(PIPELINE, as_filters({"from_date": today})), {f"{PIPELINE}-New": {"_Test Price": 1}}
		)
