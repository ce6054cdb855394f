"""Tier 2: award to a framework agreement (issue 14, part 2) on real documents: a line awarded as a
Blanket Order, later Purchase Orders against it at its rates and within its quantities, the
tender's ordered / invoiced figures across them, the Material Requests ordered through them, and
every evaluated bid recorded as a Supplier Quotation."""

import frappe
from frappe.utils import add_days, add_to_date, flt, now_datetime, nowdate

from crm_ext.crm_ext.doctype.tender.test_tender import bid_as
from crm_ext.supply import tender_notifications as notices
from crm_ext.supply import tender_requests, tenders
from crm_ext.supply.test_http_base import SUPPLIER_A, SUPPLIER_B
from crm_ext.supply.test_tender_requests import (
	BOLT,
	GEAR,
	RequestsCase,
	draft_tender,
	make_material_request,
)


class TestTenderAgreements(RequestsCase):
	@classmethod
	def remove_requests(cls):
		tenders_ = frappe.get_all("Tender", filters={"title": ("like", "_HT %")}, pluck="name")
		for doctype in ("Blanket Order", "Supplier Quotation"):
			for name in frappe.get_all(doctype, filters={"tender": ("in", tenders_ or [""])}, pluck="name"):
				frappe.db.delete(f"{doctype} Item", {"parent": name})
				frappe.db.delete(doctype, {"name": name})
		super().remove_requests()

	def awarded(self, title: str, quotations: str = "Submitted"):
		"""Bolts (100) as a framework agreement, gears (4) as a Purchase Order, from one request;
		B is cheaper on bolts and offers no gears."""
		request = make_material_request([(BOLT, 100, 10), (GEAR, 4, 10)])
		tender = draft_tender(title)
		self.as_buyer(tender_requests.add_material_requests, tender.name, [request.name])
		frappe.set_user(self.user["buyer"])
		doc = frappe.get_doc("Tender", tender.name)
		doc.items[0].award_as = "Blanket Order"
		doc.supplier_quotations = quotations
		self.assertRaises(frappe.ValidationError, doc.save)  # the agreement needs its validity
		doc.reload()
		doc.items[0].award_as = "Blanket Order"
		doc.supplier_quotations = quotations
		doc.agreement_from, doc.agreement_to = nowdate(), add_days(nowdate(), 365)
		doc.save()
		frappe.set_user("Administrator")
		self.as_buyer(tenders.publish, tender.name)
		# what bidders price is frozen: the kind of award of a line, the agreement's validity
		frappe.set_user(self.user["buyer"])
		for change in ({"agreement_to": add_days(nowdate(), 30)}, {"award_as": "Purchase Order"}):
			doc = frappe.get_doc("Tender", tender.name)
			(doc.items[0] if "award_as" in change else doc).update(change)
			self.assertRaises(frappe.ValidationError, doc.save)
		frappe.set_user("Administrator")
		bid_as(self.user["supplier_a"], tender.name, [(10, 100, 5), (450, 4, 30)])
		bid_as(self.user["supplier_b"], tender.name, [(9, 100, 5), (0, 0, None)])
		frappe.db.set_value("Tender", tender.name, "deadline", add_to_date(now_datetime(), minutes=-1))
		self.as_buyer(tenders.open_bids, tender.name)
		self.as_buyer(tenders.evaluate, tender.name)
		frappe.set_user(self.user["manager"])
		try:
			documents = tenders.award(tender.name)
		finally:
			frappe.set_user("Administrator")
		return request, frappe.get_doc("Tender", tender.name), documents

	def test_a_line_awarded_as_a_framework_agreement_is_ordered_against_it(self):
		from erpnext.buying.doctype.purchase_order.purchase_order import make_purchase_invoice
		from erpnext.manufacturing.doctype.blanket_order.blanket_order import make_order

		request, tender, documents = self.awarded("Framework")
		# bidders were told which lines are framework agreements, and for how long
		from crm_ext.supply.tender_portal import tender_for_portal

		shown = tender_for_portal(tender.name)
		self.assertEqual([row.framework for row in shown["items"]], [True, False])
		self.assertEqual(str(shown.agreement_to), add_days(nowdate(), 365))
		# and each winner hears what it won
		told = {row.supplier: row.message for row in tender.notifications if row.kind == notices.RESULT}
		self.assertIn("framework agreement", told[SUPPLIER_B])
		self.assertIn("purchase order follows", told[SUPPLIER_A])
		agreement = frappe.get_doc("Blanket Order", {"tender": tender.name})
		self.assertEqual(
			(agreement.supplier, agreement.blanket_order_type, agreement.docstatus),
			(SUPPLIER_B, "Purchasing", 1),
		)
		self.assertEqual(
			(str(agreement.from_date), str(agreement.to_date)), (nowdate(), add_days(nowdate(), 365))
		)
		self.assertEqual([(r.item_code, r.qty, r.rate) for r in agreement.items], [(BOLT, 100, 9)])
		awards = {row.item_code: row for row in tender.awards}
		self.assertEqual((awards[BOLT].blanket_order, awards[BOLT].purchase_order), (agreement.name, None))
		po_a = frappe.get_doc("Purchase Order", awards[GEAR].purchase_order)
		self.assertEqual(sorted(documents), sorted([po_a.name, agreement.name]))
		self.assertEqual(
			[(r.item_code, r.material_request_item) for r in po_a.items], [(GEAR, request.items[1].name)]
		)
		po_a.submit()

		# ERPNext's "Create > Purchase Order" on the agreement: its rate, the tender, the request line
		frappe.flags.args = frappe._dict(doctype="Purchase Order")
		first = make_order(agreement.name)
		first.schedule_date = add_days(nowdate(), 10)
		first.items[0].qty = 60
		first.items[0].schedule_date = add_days(nowdate(), 10)
		first.insert()
		self.assertEqual(first.tender, tender.name)
		self.assertEqual(
			[(r.item_code, r.qty, r.rate, r.material_request_item) for r in first.items],
			[(BOLT, 60, 9, request.items[0].name)],
		)
		first.submit()
		# an order made by hand against the agreement, without a rate, takes the agreed one
		second = frappe.get_doc(
			{
				"doctype": "Purchase Order",
				"supplier": SUPPLIER_B,
				"company": tender.company,
				"transaction_date": nowdate(),
				"schedule_date": add_days(nowdate(), 10),
				"items": [
					{
						"item_code": BOLT,
						"qty": 40,
						"schedule_date": add_days(nowdate(), 10),
						"blanket_order": agreement.name,
						"against_blanket_order": 1,
					}
				],
			}
		).insert()
		self.assertEqual((second.tender, second.items[0].rate), (tender.name, 9))
		second.submit()
		# only its supplier orders against the agreement, and only while it is valid
		stranger = frappe.copy_doc(second)
		stranger.supplier = SUPPLIER_A
		self.assertRaises(frappe.ValidationError, stranger.insert)
		late = frappe.copy_doc(second)
		late.transaction_date = add_days(nowdate(), 400)
		late.schedule_date = late.items[0].schedule_date = add_days(nowdate(), 401)
		self.assertRaises(frappe.ValidationError, late.insert)
		# ERPNext keeps the orders within the agreed quantity
		third = frappe.copy_doc(second)
		third.items[0].qty = 1
		self.assertRaises(frappe.ValidationError, third.insert)

		request.reload()
		self.assertEqual((flt(request.per_ordered), request.status), (100, "Ordered"))
		agreement.reload()
		self.assertEqual(flt(agreement.items[0].ordered_qty), 100)
		self.assertEqual(flt(frappe.db.get_value("Tender", tender.name, "ordered_amount")), 4 * 450 + 100 * 9)
		invoice = make_purchase_invoice(first.name)
		self.assertEqual(invoice.tender, tender.name)
		invoice.insert()
		invoice.submit()
		self.assertEqual(flt(frappe.db.get_value("Tender", tender.name, "invoiced_amount")), 60 * 9)
		# an order against the agreement cancelled: the agreement keeps its request line for the next
		second.reload()
		second.cancel()
		self.assertEqual(
			tender_requests.held_rows([request.items[0].name]), {request.items[0].name: tender.name}
		)

	def test_every_evaluated_bid_becomes_a_supplier_quotation(self):
		_request, tender, _documents = self.awarded("Quotations", quotations="Draft")
		quotations = frappe.get_all(
			"Supplier Quotation",
			filters={"tender": tender.name},
			fields=["name", "supplier", "docstatus", "currency"],
			order_by="supplier",
		)
		self.assertEqual(
			[(q.supplier, q.docstatus, q.currency) for q in quotations],
			[(SUPPLIER_A, 0, "USD"), (SUPPLIER_B, 0, "USD")],
		)
		rows = {
			q.supplier: [
				(r.item_code, r.qty, r.rate) for r in frappe.get_doc("Supplier Quotation", q.name).items
			]
			for q in quotations
		}
		self.assertEqual(rows, {SUPPLIER_A: [(BOLT, 100, 10), (GEAR, 4, 450)], SUPPLIER_B: [(BOLT, 100, 9)]})

	def test_submitted_quotations_feed_erpnexts_comparison_report(self):
		from erpnext.buying.report.supplier_quotation_comparison.supplier_quotation_comparison import execute

		_request, tender, _documents = self.awarded("Report")
		self.assertEqual(
			set(frappe.get_all("Supplier Quotation", filters={"tender": tender.name}, pluck="docstatus")), {1}
		)
		names = frappe.get_all("Supplier Quotation", filters={"tender": tender.name}, pluck="name")
		_columns, data, *_rest = execute(
			frappe._dict(
				company=tender.company,
				from_date=add_days(nowdate(), -1),
				to_date=add_days(nowdate(), 1),
				item_code=BOLT,
				group_by="Group by Item",
			)
		)
		prices = {row["supplier_name"]: row["price_per_unit"] for row in data if row["quotation"] in names}
		self.assertEqual(prices, {SUPPLIER_A: 10, SUPPLIER_B: 9})
		# the cheapest is marked as ERPNext marks it
		self.assertEqual(
			[row["supplier_name"] for row in data if row["quotation"] in names and row.get("min")],
			[SUPPLIER_B],
		)

	def test_an_agreement_needs_one_price_per_item(self):
		from crm_ext.supply import tender_agreements

		tender = draft_tender("Two prices")
		tender.agreement_from, tender.agreement_to = nowdate(), add_days(nowdate(), 30)
		rows = [
			frappe._dict(
				name=f"r{i}", supplier=SUPPLIER_B, item_code=BOLT, qty=1, unit_price=p, currency="USD"
			)
			for i, p in enumerate((9, 9.5))
		]
		self.assertRaises(frappe.ValidationError, tender_agreements.make_blanket_orders, tender, rows)
		tender.agreement_to = add_days(nowdate(), -1)
		self.assertRaises(frappe.ValidationError, tender_agreements.make_blanket_orders, tender, rows[:1])
		self.assertEqual(frappe.get_all("Blanket Order", filters={"tender": tender.name}), [])
