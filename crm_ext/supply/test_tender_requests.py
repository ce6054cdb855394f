"""Tier 2: from need to tender (issue 14, part 1) on real Material Requests, tender, award and
Purchase Orders; the rights of "Get Items From > Material Request" over HTTP; two buyers taking the
same Material Request line at once."""

import threading

import frappe
from frappe.utils import add_days, add_to_date, flt, now_datetime, nowdate

from crm_ext.crm_ext.doctype.tender.test_tender import bid_as, ensure_item, make_tender
from crm_ext.supply import tender_requests, tenders
from crm_ext.supply.test_concurrency import concurrently
from crm_ext.supply.test_http_base import PREFIX, SUPPLIER_A, SUPPLIER_B, SupplyHTTPCase, method

COMPANY = "Wind Power LLC"
BOLT, GEAR = "_Test Tender Bolt", "_Test Tender Gear"
ADD = method("crm_ext.supply.tender_requests.add_material_requests")


def make_material_request(lines, company: str = COMPANY, kind: str = "Purchase", submit: bool = True):
	"""A Material Request of [(item, qty, days from today), ...]."""
	warehouse = frappe.db.get_value("Warehouse", {"company": company, "is_group": 0}, "name")
	doc = frappe.get_doc(
		{
			"doctype": "Material Request",
			"material_request_type": kind,
			"company": company,
			"transaction_date": nowdate(),
			"schedule_date": add_days(nowdate(), 10),
			"items": [
				{
					"item_code": ensure_item(item),
					"qty": qty,
					"uom": "Nos",
					"conversion_factor": 1,
					"schedule_date": add_days(nowdate(), days),
					"warehouse": warehouse,
				}
				for item, qty, days in lines
			],
		}
	).insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def draft_tender(title: str):
	return make_tender(
		title=f"{PREFIX} {title}",
		currencies=[{"currency": "USD"}],
		other_incoterms=[],
		items=[],
		suppliers=[{"supplier": SUPPLIER_A}, {"supplier": SUPPLIER_B}],
	)


class RequestsCase(SupplyHTTPCase):
	"""Removes the Material Requests the tests' tenders took (besides what SupplyHTTPCase removes)."""

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		cls.remove_requests()
		super().tearDownClass()

	@classmethod
	def remove_requests(cls):
		tenders_ = frappe.get_all("Tender", filters={"title": ("like", f"{PREFIX} %")}, pluck="name")
		requests = frappe.get_all(
			"Tender Material Request", filters={"parent": ("in", tenders_ or [""])}, pluck="material_request"
		)
		for request in set(requests):
			frappe.db.delete("Material Request Item", {"parent": request})
			frappe.db.delete("Material Request", {"name": request})
		frappe.db.delete("Tender Material Request", {"parent": ("in", tenders_ or [""])})
		frappe.db.commit()

	def as_buyer(self, fn, *args):
		frappe.set_user(self.user["buyer"])
		try:
			return fn(*args)
		finally:
			frappe.set_user("Administrator")


class TestTenderRequests(RequestsCase):
	# --- the whole way: need -> tender -> award -> ordered ------------------------------------------

	def test_material_requests_become_tender_lines_and_the_award_orders_them(self):
		mr1 = make_material_request([(BOLT, 60, 10), (GEAR, 4, 10)])
		mr2 = make_material_request([(BOLT, 40, 10), (BOLT, 10, 20)])
		tender = draft_tender("From need")
		result = self.as_buyer(tender_requests.add_material_requests, tender.name, [mr1.name, mr2.name])
		self.assertEqual(result["lines"], 3)
		tender.reload()
		# bolts of one date merged across both requests; each line keeps its source rows
		lines = [(r.item_code, r.qty, str(r.required_by)) for r in tender.items]
		self.assertEqual(
			lines,
			[
				(BOLT, 100, add_days(nowdate(), 10)),
				(GEAR, 4, add_days(nowdate(), 10)),
				(BOLT, 10, add_days(nowdate(), 20)),
			],
		)
		sources = {(s.material_request_item, s.tender_item, s.stock_qty) for s in tender.material_requests}
		bolt, gear, late_bolt = tender.items
		self.assertEqual(
			sources,
			{
				(mr1.items[0].name, bolt.name, 60),
				(mr2.items[0].name, bolt.name, 40),
				(mr1.items[1].name, gear.name, 4),
				(mr2.items[1].name, late_bolt.name, 10),
			},
		)
		# a line held by a live tender is not offered again
		other = draft_tender("Other")
		with self.assertRaises(frappe.ValidationError):
			self.as_buyer(tender_requests.add_material_requests, other.name, [mr1.name])
		# a client cannot forge or drop the source rows (server-owned), nor take them after publishing
		frappe.set_user(self.user["buyer"])
		doc = frappe.get_doc("Tender", tender.name)
		doc.material_requests[0].stock_qty = 999
		doc.append("material_requests", {"material_request_item": "forged", "claim": "forged"})
		doc.save()
		frappe.set_user("Administrator")
		self.assertEqual(
			{
				(s.material_request_item, s.stock_qty)
				for s in frappe.get_doc("Tender", tender.name).material_requests
			},
			{(m, q) for m, _t, q in sources},
		)

		self.as_buyer(tenders.publish, tender.name)
		with self.assertRaises(frappe.ValidationError):
			self.as_buyer(tender_requests.add_material_requests, tender.name, [mr2.name])
		# A offers everything but the late bolts; B is cheaper on bolts but offers only 70
		bid_as(self.user["supplier_a"], tender.name, [(10, 100, 5), (450, 4, 30), (0, 0, None)])
		bid_as(self.user["supplier_b"], tender.name, [(9, 70, 5), (0, 0, None), (0, 0, None)])
		frappe.db.set_value("Tender", tender.name, "deadline", add_to_date(now_datetime(), minutes=-1))
		self.as_buyer(tenders.open_bids, tender.name)
		self.as_buyer(tenders.evaluate, tender.name)
		frappe.set_user(self.user["manager"])
		try:
			orders = tenders.award(tender.name)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(len(orders), 2)

		po_b = frappe.get_doc("Purchase Order", {"tender": tender.name, "supplier": SUPPLIER_B})
		# 70 bolts: the first request's 60, then 10 of the second's 40
		self.assertEqual(
			[(r.item_code, r.qty, r.material_request, r.material_request_item) for r in po_b.items],
			[
				(BOLT, 60, mr1.name, mr1.items[0].name),
				(BOLT, 10, mr2.name, mr2.items[0].name),
			],
		)
		self.assertEqual([r.rate for r in po_b.items], [9, 9])
		po_a = frappe.get_doc("Purchase Order", {"tender": tender.name, "supplier": SUPPLIER_A})
		self.assertEqual(
			[(r.item_code, r.qty, r.material_request_item) for r in po_a.items],
			[(GEAR, 4, mr1.items[1].name)],
		)
		po_a.submit()
		po_b.submit()
		# ERPNext's own status updater moved the requests
		mr1.reload()
		mr2.reload()
		self.assertEqual((flt(mr1.per_ordered), mr1.status), (100, "Ordered"))
		self.assertEqual([flt(r.ordered_qty) for r in mr2.items], [10, 0])
		self.assertEqual((flt(mr2.per_ordered), mr2.status), (20, "Partially Ordered"))
		self.assertEqual(flt(frappe.db.get_value("Tender", tender.name, "ordered_amount")), 70 * 9 + 4 * 450)
		# the late bolts got no offer: released, so a new tender may take them; the rest stays held
		held = dict(
			frappe.get_all(
				"Tender Material Request",
				filters={"parent": tender.name},
				fields=["material_request_item", "claim"],
				as_list=True,
			)
		)
		self.assertIsNone(held[mr2.items[1].name])
		self.assertEqual(held[mr2.items[0].name], mr2.items[0].name)
		again = self.as_buyer(tender_requests.add_material_requests, other.name, [mr2.name])
		self.assertEqual(again["added"], [mr2.items[1].name])
		self.assertEqual(again["skipped"], [(mr2.items[0].name, tender.name)])
		# B's order cancelled: its request lines are free again (and ordered no more)
		po_b.reload()
		po_b.cancel()
		self.assertEqual(
			tender_requests.held_rows([mr1.items[0].name, mr2.items[0].name, mr1.items[1].name]),
			{mr1.items[1].name: tender.name},
		)
		mr1.reload()
		self.assertEqual(flt(mr1.items[0].ordered_qty), 0)

	def test_excess_quantity_is_ordered_beyond_the_requests(self):
		mr = make_material_request([(BOLT, 30, 10), (BOLT, 20, 10)])
		tender = draft_tender("Excess")
		self.as_buyer(tender_requests.add_material_requests, tender.name, [mr.name])
		tender.reload()
		self.assertEqual([(r.item_code, r.qty) for r in tender.items], [(BOLT, 50)])
		# a supplier delivers more than asked: the requests take what they need, the rest has no request
		tender.reload()
		line = tender.items[0]
		rows = tender_requests.purchase_order_rows(tender, line, BOLT, 55, 1)
		self.assertEqual(
			[(r["qty"], r.get("material_request_item")) for r in rows],
			[(30, mr.items[0].name), (20, mr.items[1].name), (5, None)],
		)
		# an alternative item orders no Material Request line
		rows = tender_requests.purchase_order_rows(tender, line, GEAR, 50, 1)
		self.assertEqual([(r["qty"], r.get("material_request_item")) for r in rows], [(50, None)])

	def test_cancelling_or_removing_a_line_releases_its_requests(self):
		mr = make_material_request([(BOLT, 5, 10), (GEAR, 1, 10)])
		tender = draft_tender("Release")
		self.as_buyer(tender_requests.add_material_requests, tender.name, [mr.name])
		# the buyer removes the gear line of the Draft: its request line is free again
		frappe.set_user(self.user["buyer"])
		doc = frappe.get_doc("Tender", tender.name)
		doc.items = [r for r in doc.items if r.item_code == BOLT]
		doc.save()
		frappe.set_user("Administrator")
		self.assertEqual(
			tender_requests.held_rows([r.name for r in mr.items]), {mr.items[0].name: tender.name}
		)
		self.as_buyer(tenders.cancel, tender.name, "test")
		self.assertEqual(tender_requests.held_rows([r.name for r in mr.items]), {})

	def test_only_open_purchase_requests_of_the_tenders_company(self):
		tender = draft_tender("Checks")
		for request in (
			make_material_request([(BOLT, 1, 10)], submit=False),
			make_material_request([(BOLT, 1, 10)], kind="Material Transfer"),
			make_material_request([(BOLT, 1, 10)], company="_Test Company"),
		):
			with self.assertRaises(frappe.ValidationError):
				self.as_buyer(tender_requests.add_material_requests, tender.name, [request.name])
		for bad in ([], "", ["x"] * 51, [1], {"a": 1}):
			with self.assertRaises((frappe.ValidationError, TypeError)):
				self.as_buyer(tender_requests.add_material_requests, tender.name, bad)
		self.assertEqual(frappe.get_doc("Tender", tender.name).items, [])

	# --- through the door --------------------------------------------------------------------------

	def test_suppliers_and_sales_are_refused_and_a_get_changes_nothing(self):
		mr = make_material_request([(BOLT, 3, 10)])
		tender = draft_tender("Door")
		frappe.db.commit()
		body = {"name": tender.name, "material_requests": [mr.name]}
		for who in ("supplier_a", "sales", None):
			self.assertStatus(self.call(who, "POST", ADD, body), 403)
		self.assertStatus(self.call("buyer", "GET", ADD, query=body), 403)
		self.assertEqual(frappe.get_all("Tender Material Request", filters={"parent": tender.name}), [])
		self.assertStatus(self.call("buyer", "POST", ADD, body), 200)
		self.assertEqual(
			frappe.get_all("Tender Material Request", filters={"parent": tender.name}, pluck="claim"),
			[mr.items[0].name],
		)

	def test_two_buyers_taking_the_same_line_at_once_one_wins(self):
		mr = make_material_request([(BOLT, 7, 10), (GEAR, 2, 10)])
		first, second = draft_tender("Race 1"), draft_tender("Race 2")
		frappe.db.commit()
		answers = concurrently(
			[
				(self.auth["buyer"], "POST", ADD, {"name": first.name, "material_requests": [mr.name]}),
				(self.auth["manager"], "POST", ADD, {"name": second.name, "material_requests": [mr.name]}),
			]
		)
		statuses = sorted(a.status for a in answers)
		self.assertEqual(statuses, [200, 417], [a.summary for a in answers])
		held = frappe.get_all(
			"Tender Material Request", filters={"claim": ("in", [r.name for r in mr.items])}, pluck="parent"
		)
		self.assertEqual(len(held), 2)
		self.assertEqual(len(set(held)), 1)  # both lines in the winner's tender, none in the other
		loser = second.name if held[0] == first.name else first.name
		self.assertEqual(frappe.get_all("Tender Item", filters={"parent": loser}), [])

	def test_the_database_refuses_a_line_in_two_live_tenders_whatever_the_door(self):
		mr = make_material_request([(BOLT, 9, 10)])
		first, second = draft_tender("Key 1"), draft_tender("Key 2")
		self.as_buyer(tender_requests.add_material_requests, first.name, [mr.name])
		twin = frappe.get_doc(
			{
				"doctype": "Tender Material Request",
				"parent": second.name,
				"parenttype": "Tender",
				"parentfield": "material_requests",
				"material_request": mr.name,
				"material_request_item": mr.items[0].name,
				"claim": mr.items[0].name,
			}
		)
		with self.assertRaises(frappe.UniqueValidationError):  # past every check of the procedure
			twin.db_insert()

	def test_a_buyer_who_read_before_the_other_committed_is_refused_by_the_key(self):
		"""The second buyer's transaction read the claims before the first committed (its snapshot
		shows the line free): it waits on the Material Request's lock, and its insert fails on the
		key once the first commits; nothing of its request stays."""
		mr = make_material_request([(BOLT, 9, 10)])
		first, second = draft_tender("Stale 1"), draft_tender("Stale 2")
		frappe.db.commit()
		site, taken, outcome = frappe.local.site, threading.Event(), {}

		def buyer(name: str, user: str, hold: bool):
			frappe.init(site=site)
			frappe.connect()
			try:
				frappe.set_user(user)
				if not hold:
					self.assertEqual(tender_requests.held_rows([mr.items[0].name]), {})  # the snapshot
					taken.wait(30)
				tender_requests.add_material_requests(name, [mr.name])
				if hold:
					taken.set()
					threading.Event().wait(2)  # the other buyer runs into the lock meanwhile
				frappe.db.commit()
				outcome[name] = "added"
			except frappe.ValidationError as e:
				frappe.db.rollback()
				outcome[name] = type(e).__name__
			finally:
				taken.set()
				frappe.destroy()

		threads = [
			threading.Thread(target=buyer, args=(first.name, self.user["buyer"], True)),
			threading.Thread(target=buyer, args=(second.name, self.user["manager"], False)),
		]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join()
		frappe.db.rollback()
		self.assertEqual(outcome, {first.name: "added", second.name: "UniqueValidationError"})
		self.assertEqual(tender_requests.held_rows([mr.items[0].name]), {mr.items[0].name: first.name})
		self.assertEqual(frappe.get_all("Tender Item", filters={"parent": second.name}), [])
