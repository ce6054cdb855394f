# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt
"""Tier 2: the whole tender procedure on real documents with three suppliers."""

import frappe
from frappe.utils import add_days, add_to_date, flt, get_datetime, now_datetime, nowdate

from crm_ext.supply import tender_auction, tender_log, tender_portal, tenders
from crm_ext.supply import tender_notifications as notices
from crm_ext.testing import CRMTestCase, make_user

COMPANY = "Wind Power LLC"
GROUP = "_Test Tender Group"
SUPPLIERS = ("_Test Tender Supplier A", "_Test Tender Supplier B", "_Test Tender Supplier C")


def told_since(tender: str, since) -> list[str]:
	"""Addresses the procedure told about ``tender`` since ``since``: e-mails it queued, or, on a
	site without an outgoing e-mail account, the addresses of the e-mails waiting on the tender."""
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Tender", "reference_name": tender, "creation": (">=", since)},
		pluck="name",
	)
	told = frappe.get_all(
		"Email Queue Recipient", filters={"parent": ("in", queued or [""])}, pluck="recipient"
	)
	for recipients in frappe.get_all(
		"Tender Notification",
		filters={
			"parenttype": "Tender",
			"parent": tender,
			"created_on": (">=", since),
			"status": notices.NO_ACCOUNT,
		},
		pluck="recipients",
	):
		told.extend(recipients.split("\n"))
	return told


def ensure_item(code: str) -> str:
	if not frappe.db.exists("Item Group", GROUP):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": GROUP, "parent_item_group": "All Item Groups"}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": code,
				"item_group": GROUP,
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
	return code


def ensure_supplier(name: str, user: str) -> str:
	if not frappe.db.exists("Supplier", name):
		frappe.get_doc(
			{"doctype": "Supplier", "supplier_name": name, "supplier_group": "All Supplier Groups"}
		).insert(ignore_permissions=True)
	supplier = frappe.get_doc("Supplier", name)
	if user not in [row.user for row in supplier.get("portal_users")]:
		supplier.append("portal_users", {"user": user})
		supplier.save(ignore_permissions=True)
	return name


def make_tender(**kwargs):
	deadline = kwargs.pop("deadline", add_to_date(now_datetime(), days=2))
	values = {
		"doctype": "Tender",
		"title": "Wind turbine spare parts",
		"company": COMPANY,
		"mode": "Sealed Bid",
		"deadline": deadline,
		"incoterm": "DAP",
		"delivery_location": "Warehouse Rotterdam",
		"currencies": [{"currency": "USD"}, {"currency": "EUR"}],
		"other_incoterms": [{"incoterm": "EXW", "freight_percent": 8, "insurance_percent": 1}],
		"items": [
			{
				"item_code": ensure_item("_Test Tender Bolt"),
				"qty": 100,
				"uom": "Nos",
				"budget_unit_price": 12,
			},
			{
				"item_code": ensure_item("_Test Tender Gear"),
				"qty": 10,
				"uom": "Nos",
				"budget_unit_price": 500,
			},
		],
		"questions": [
			{"question": "Warranty period?", "mandatory": 1},
			{"question": "Comments", "mandatory": 0},
		],
		"suppliers": [{"supplier": s} for s in SUPPLIERS],
		"weight_price": 100,
	}
	values.update(kwargs)
	return frappe.get_doc(values).insert()


def bid_as(user: str, tender: str, prices, submit=True, currency="USD", **values) -> str:
	"""Bid as a portal user: prices = [(unit_price, qty, days), ...] per tender line."""
	frappe.set_user(user)
	try:
		name = tender_portal.get_or_create_bid(tender)
		bid = frappe.get_doc("Tender Bid", name)
		data = {"currency": currency, "lines": {}, "answers": {}}
		data.update(values)
		for row, (price, qty, days) in zip(bid.items, prices, strict=True):
			data["lines"][row.name] = {"unit_price": price, "qty": qty, "delivery_days": days}
		for row in bid.answers:
			data["answers"][row.name] = "24 months" if row.mandatory else ""
		tender_portal.save_bid(name, data, submit=int(submit))
		return name
	finally:
		frappe.set_user("Administrator")


class TestTender(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.users = [
			make_user(f"tender-{c}@example.com", "Supplier", user_type="Website User") for c in "abc"
		]
		for supplier, user in zip(SUPPLIERS, self.users, strict=True):
			ensure_supplier(supplier, user)
		self.buyer = make_user(
			"tender-buyer@example.com", "Purchase Manager", "Purchase User", "Accounts User"
		)
		frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", "Off")
		if not frappe.db.exists("Currency Exchange", {"from_currency": "EUR", "to_currency": "USD"}):
			frappe.get_doc(
				{
					"doctype": "Currency Exchange",
					"date": add_days(nowdate(), -1),
					"from_currency": "EUR",
					"to_currency": "USD",
					"exchange_rate": 1.1,
					"for_buying": 1,
					"for_selling": 1,
				}
			).insert(ignore_permissions=True)

	def publish(self, tender):
		frappe.set_user(self.buyer)
		started = now_datetime()
		tenders.publish(tender.name)
		self.told = told_since(tender.name, started)
		frappe.set_user("Administrator")
		return frappe.get_doc("Tender", tender.name)

	def test_publish_requires_incoterm_location_and_future_deadline(self):
		tender = make_tender(deadline=add_to_date(now_datetime(), hours=-1))
		self.assertRaises(frappe.ValidationError, tenders.publish, tender.name)
		tender.reload()
		self.assertEqual(tender.status, "Draft")

	def test_full_sealed_procedure(self):
		tender = self.publish(make_tender())
		self.assertEqual(tender.status, "Published")
		# every invited supplier's invitation is queued, or waits on the tender for an e-mail account
		invitations = {row.supplier: row for row in tender.notifications}
		self.assertEqual(set(invitations), set(SUPPLIERS))
		for row in tender.suppliers:
			status = invitations[row.supplier].status
			self.assertIn(status, (notices.QUEUED, notices.NO_ACCOUNT), row.supplier)
			self.assertEqual(bool(row.notified_on), status == notices.QUEUED, row.supplier)
		self.assertEqual(sorted(self.told), sorted(self.users))
		invitation = frappe.get_print("Tender", tender.name, print_format="Tender Invitation")
		self.assertIn("_Test Tender Bolt", invitation)
		self.assertNotIn("500.00", invitation)  # budget prices stay internal
		sealed = frappe.get_print("Tender", tender.name, print_format="Bid Comparison")
		self.assertIn("sealed", sealed)

		a, b, c = self.users
		bid_a = bid_as(a, tender.name, [(10, 100, 5), (450, 10, 30)])
		bid_b = bid_as(b, tender.name, [(8, 100, 10), (0, 0, 0)], currency="EUR")  # 8.8 USD; gear not offered
		# a bid without the mandatory answer is refused, nothing saved as Submitted
		frappe.set_user(c)
		name_c = tender_portal.get_or_create_bid(tender.name)
		bid_c = frappe.get_doc("Tender Bid", name_c)
		data = {
			"currency": "USD",
			"lines": {r.name: {"unit_price": 9, "qty": 100, "delivery_days": 3} for r in bid_c.items},
		}
		self.assertRaises(frappe.ValidationError, tender_portal.save_bid, name_c, data, 1)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Tender Bid", name_c, "status"), "Saved")

		# sealed: the buyer sees the count only, through no path the prices
		frappe.set_user(self.buyer)
		self.assertEqual(tenders.get_bid_count(tender.name), 2)
		self.assertFalse(frappe.has_permission("Tender Bid", "read", doc=frappe.get_doc("Tender Bid", bid_a)))
		self.assertEqual(frappe.get_list("Tender Bid", filters={"tender": tender.name}), [])
		self.assertRaises(frappe.PermissionError, frappe.client.get, "Tender Bid", bid_a)
		self.assertEqual(
			frappe.get_list(
				"Tender Bid Item",
				parent_doctype="Tender Bid",
				fields=["unit_price"],
				filters={"parent": bid_a},
			),
			[],
		)
		self.assertRaises(frappe.ValidationError, tenders.open_bids, tender.name)  # before the deadline
		frappe.set_user("Administrator")

		# supplier B never sees A's bid: get_doc permission, get_list, REST, report view, child rows
		frappe.set_user(b)
		self.assertFalse(frappe.has_permission("Tender Bid", "read", doc=frappe.get_doc("Tender Bid", bid_a)))
		self.assertEqual([r.name for r in frappe.get_list("Tender Bid")], [bid_b])
		self.assertRaises(frappe.PermissionError, frappe.client.get, "Tender Bid", bid_a)
		from frappe.desk.reportview import get as report_get

		frappe.local.form_dict = frappe._dict(doctype="Tender Bid", fields=["name", "total"], filters=[])
		rows = report_get()
		self.assertNotIn(bid_a, str(rows))
		self.assertEqual(
			frappe.get_list(
				"Tender Bid Item",
				parent_doctype="Tender Bid",
				fields=["parent", "unit_price"],
				filters={"parent": bid_a},
			),
			[],
		)
		self.assertRaises(frappe.PermissionError, tender_portal.save_bid, bid_a, {})
		frappe.set_user("Administrator")

		# a re-submission replaces the bid, and the log keeps both
		bid_as(a, tender.name, [(9.5, 100, 5), (450, 10, 30)])
		self.assertEqual(frappe.db.get_value("Tender Bid", bid_a, "revision"), 2)
		events = [e["event"] for e in tender_log.stored_entries(tender.name)]
		self.assertEqual(events, ["Published", "Bid Submitted", "Bid Submitted", "Bid Revised"])

		deadline = get_datetime(tender.deadline)
		with self.freeze_time(add_to_date(deadline, minutes=1)):
			# late bid refused; the deadline cannot be extended any more
			self.assertRaises(frappe.ValidationError, bid_as, c, tender.name, [(7, 100, 3), (400, 10, 3)])
			frappe.set_user(self.buyer)
			self.assertRaises(
				frappe.ValidationError,
				tenders.extend_deadline,
				tender.name,
				str(add_to_date(deadline, days=1)),
			)
			opening = tenders.open_bids(tender.name)
			self.assertEqual(opening["bids"], 2)
			self.assertTrue(
				frappe.has_permission("Tender Bid", "read", doc=frappe.get_doc("Tender Bid", bid_a))
			)
			self.assertEqual(len(frappe.get_list("Tender Bid", filters={"tender": tender.name})), 2)

			matrix = tenders.get_comparison(tender.name)
			bolt, gear = matrix["lines"]
			self.assertEqual(bolt["best"], SUPPLIERS[1])  # 8 EUR = 8.8 USD < 9.5 USD
			self.assertEqual(bolt["cells"][SUPPLIERS[1]]["converted"], 8.8)
			self.assertFalse(gear["cells"][SUPPLIERS[1]]["offered"])
			self.assertEqual(gear["best"], SUPPLIERS[0])

			tenders.evaluate(tender.name)
			tender.reload()
			self.assertEqual(tender.status, "Evaluated")
			printed = frappe.get_print("Tender", tender.name, print_format="Bid Comparison")
			self.assertIn(SUPPLIERS[0], printed)
			self.assertIn(SUPPLIERS[1], printed)
			self.assertIn("Evaluated total", printed)
			awards = {row.item_code: row for row in tender.awards}
			self.assertEqual(awards["_Test Tender Bolt"].supplier, SUPPLIERS[1])
			self.assertEqual(awards["_Test Tender Gear"].supplier, SUPPLIERS[0])

			started = now_datetime()
			orders = tenders.award(tender.name)
			# every bidder hears its result (C never submitted: not a bidder)
			self.assertEqual(len(told_since(tender.name, started)), 2)
			self.assertEqual(len(orders), 2)
			frappe.set_user("Administrator")
		tender.reload()
		self.assertEqual(tender.status, "Awarded")
		# savings: bolt (12 - 8.8) x 100 + gear (500 - 450) x 10 = 320 + 500
		self.assertAlmostEqual(flt(tender.savings), 820, places=2)
		po_b = frappe.get_doc("Purchase Order", {"tender": tender.name, "supplier": SUPPLIERS[1]})
		self.assertEqual(po_b.currency, "EUR")
		self.assertEqual([(r.item_code, r.qty, r.rate) for r in po_b.items], [("_Test Tender Bolt", 100, 8)])
		po_a = frappe.get_doc("Purchase Order", {"tender": tender.name, "supplier": SUPPLIERS[0]})
		self.assertEqual([(r.item_code, r.qty, r.rate) for r in po_a.items], [("_Test Tender Gear", 10, 450)])
		statuses = dict(
			frappe.get_all(
				"Tender Bid", filters={"tender": tender.name}, fields=["supplier", "status"], as_list=True
			)
		)
		self.assertEqual(statuses[SUPPLIERS[0]], "Awarded")
		self.assertEqual(statuses[SUPPLIERS[1]], "Awarded")
		self.assertEqual(statuses[SUPPLIERS[2]], "Saved")
		self.assertTrue(tender_log.verify(tender.name)["ok"])

		# follow-through: ordered, invoiced, paid from the ledger
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
		from erpnext.buying.doctype.purchase_order.purchase_order import make_purchase_invoice

		po_a.submit()
		self.assertEqual(flt(frappe.db.get_value("Tender", tender.name, "ordered_amount")), 4500)
		pi = make_purchase_invoice(po_a.name)
		self.assertEqual(pi.tender, tender.name)
		pi.insert()
		pi.submit()
		self.assertEqual(flt(frappe.db.get_value("Tender", tender.name, "invoiced_amount")), 4500)
		pe = get_payment_entry("Purchase Invoice", pi.name)
		pe.reference_no = "T-1"
		pe.reference_date = nowdate()
		pe.insert()
		self.assertEqual(pe.tender, tender.name)
		pe.submit()
		self.assertEqual(flt(frappe.db.get_value("Tender", tender.name, "paid_amount")), 4500)
		pe.cancel()
		self.assertEqual(flt(frappe.db.get_value("Tender", tender.name, "paid_amount")), 0)

	def test_log_detects_tampering(self):
		tender = self.publish(make_tender())
		bid = bid_as(self.users[0], tender.name, [(10, 100, 5), (450, 10, 30)])
		bid_as(self.users[1], tender.name, [(11, 100, 5), (460, 10, 30)])
		self.assertTrue(tender_log.verify(tender.name)["ok"])
		# a bid price edited behind the procedure's back
		row = frappe.get_all("Tender Bid Item", filters={"parent": bid}, pluck="name", order_by="idx")[0]
		frappe.db.set_value("Tender Bid Item", row, "unit_price", 1, update_modified=False)
		result = tender_log.verify(tender.name)
		self.assertFalse(result["ok"])
		self.assertIn(bid, result["message"])
		frappe.db.set_value("Tender Bid Item", row, "unit_price", 10, update_modified=False)
		self.assertTrue(tender_log.verify(tender.name)["ok"])
		# a log entry edited: reported at its sequence number
		entry = frappe.get_all("Tender Log", filters={"tender": tender.name, "seq": 2}, pluck="name")[0]
		frappe.db.set_value("Tender Log", entry, "payload", '{"digest":"0","revision":1}')
		result = tender_log.verify(tender.name)
		self.assertFalse(result["ok"])
		self.assertEqual(result["broken_at"], 2)

	def test_deadline_extension_logged_and_frozen_fields(self):
		tender = self.publish(make_tender())
		new = add_to_date(get_datetime(tender.deadline), days=1)
		frappe.set_user(self.buyer)
		tenders.extend_deadline(tender.name, str(new))
		self.assertRaises(
			frappe.ValidationError, tenders.extend_deadline, tender.name, str(add_to_date(new, days=-2))
		)
		doc = frappe.get_doc("Tender", tender.name)
		doc.items[0].qty = 5
		self.assertRaises(frappe.ValidationError, doc.save)
		frappe.set_user("Administrator")
		self.assertEqual(get_datetime(frappe.db.get_value("Tender", tender.name, "deadline")), new)
		self.assertEqual(tender_log.stored_entries(tender.name)[-1]["event"], "Deadline Extended")

	def test_supplier_cannot_tamper_status_or_bid_for_others(self):
		tender = self.publish(make_tender())
		name = bid_as(self.users[0], tender.name, [(10, 100, 5), (450, 10, 30)], submit=False)
		frappe.set_user(self.users[0])
		bid = frappe.get_doc("Tender Bid", name)
		bid.status = "Awarded"
		bid.save()
		self.assertEqual(bid.status, "Saved")
		other = frappe.get_doc({"doctype": "Tender Bid", "tender": tender.name, "supplier": SUPPLIERS[1]})
		self.assertRaises(frappe.PermissionError, other.insert)
		frappe.set_user("Administrator")

	def test_reverse_auction(self):
		start = now_datetime()
		tender = self.publish(
			make_tender(
				mode="Reverse Auction",
				currencies=[{"currency": "USD"}],
				opening_date=add_to_date(start, minutes=-1),
				deadline=add_to_date(start, hours=1),
				min_step=10,
				min_step_kind="Amount",
				sniping_window_minutes=5,
				extension_minutes=5,
				show_best_price=0,
			)
		)
		a, b, c = self.users
		bid_a = bid_as(a, tender.name, [(10, 100, 5), (450, 10, 30)])  # 5500
		self.assertRaises(frappe.ValidationError, bid_as, b, tender.name, [(10, 100, 5), (449.5, 10, 30)])
		bid_as(b, tender.name, [(10, 100, 5), (440, 10, 30)])  # 5400: beats by 100 >= 10
		frappe.set_user(a)
		self.assertRaises(frappe.ValidationError, tender_portal.post_offer, bid_a, 5395)  # step not met
		tender_portal.post_offer(bid_a, 5300)
		status = tender_auction.get_auction_status(tender.name)
		self.assertEqual(status["rank"], 1)
		self.assertNotIn("best", status)
		self.assertNotIn("standings", status)
		frappe.set_user(b)
		self.assertEqual(tender_auction.get_auction_status(tender.name)["rank"], 2)
		frappe.set_user("Administrator")
		# an offer in the last 5 minutes moves the end to now + 5 minutes
		end = get_datetime(frappe.db.get_value("Tender", tender.name, "deadline"))
		with self.freeze_time(add_to_date(end, minutes=-2)):
			frappe.set_user(b)
			tender_portal.post_offer(
				frappe.db.get_value("Tender Bid", {"tender": tender.name, "supplier": SUPPLIERS[1]}), 5200
			)
			frappe.set_user("Administrator")
			new_end = get_datetime(frappe.db.get_value("Tender", tender.name, "deadline"))
			self.assertEqual(new_end, add_to_date(end, minutes=3))
		events = [e["event"] for e in tender_log.stored_entries(tender.name)]
		self.assertEqual(events.count("Auction Offer"), 2)
		self.assertIn("Auction Extended", events)
		self.assertTrue(tender_log.verify(tender.name)["ok"])
		with self.freeze_time(add_to_date(new_end, minutes=1)):
			frappe.set_user(a)
			self.assertRaises(frappe.ValidationError, tender_portal.post_offer, bid_a, 5000)
			frappe.set_user(self.buyer)
			tenders.close_expired()
			tenders.evaluate(tender.name)
			frappe.set_user("Administrator")
		tender.reload()
		self.assertEqual({row.supplier for row in tender.awards}, {SUPPLIERS[1]})
