"""Tier 2: the supply side's invariants under concurrent requests, kept by the database.

Real threads send real HTTP requests at once (each request its own site init, database connection
and transaction, as web workers would): one supplier asking for its bid eight times at once gets
one bid; fifty offers of three suppliers on one auction neither deadlock nor get lost or reordered,
and the log still verifies.
"""

import json
import threading
from decimal import Decimal

import frappe
from frappe.utils import get_datetime, get_test_client

from crm_ext.access_matrix.http import Answer
from crm_ext.logic.tender.auction import MinStep, check_auction_offer
from crm_ext.logic.tender.errors import TenderError
from crm_ext.supply import tender_log
from crm_ext.supply.test_http_base import SUPPLIER_A, SUPPLIER_B, SUPPLIER_C, SupplyHTTPCase, method

PORTAL = "crm_ext.supply.tender_portal."


def concurrently(requests: list[tuple[str, str, str, dict]]) -> list[Answer]:
	"""Send every (auth, verb, path, json body) at the same moment, each from its own thread."""
	barrier = threading.Barrier(len(requests))
	answers: list[Answer | None] = [None] * len(requests)
	site = frappe.local.site

	def send(index: int, auth: str, verb: str, path: str, body: dict):
		client = get_test_client(use_cookies=False)
		headers = {"X-Frappe-Site-Name": site, "Accept": "application/json", "Authorization": f"token {auth}"}
		barrier.wait()
		response = client.open(path, method=verb, headers=headers, json=body)
		text = response.get_data(as_text=True)
		try:
			parsed = json.loads(text)
		except ValueError:
			parsed = None
		answers[index] = Answer(response.status_code, parsed, text)

	threads = [threading.Thread(target=send, args=(i, *r)) for i, r in enumerate(requests)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	frappe.db.rollback()  # see what the requests committed
	return answers


class TestSupplyConcurrency(SupplyHTTPCase):
	def test_one_bid_per_supplier_when_eight_requests_ask_at_once(self):
		tender = self.published_tender("Eight at once")
		path = method(PORTAL + "get_or_create_bid")
		answers = concurrently([(self.auth["supplier_a"], "POST", path, {"tender": tender})] * 8)
		self.assertEqual(
			[a.status for a in answers], [200] * 8, [a.text[:300] for a in answers if a.status != 200]
		)
		bids = frappe.get_all("Tender Bid", filters={"tender": tender, "supplier": SUPPLIER_A}, pluck="name")
		self.assertEqual(len(bids), 1)
		self.assertEqual({a.message for a in answers}, set(bids))

	def test_the_database_refuses_a_second_bid_whatever_the_door(self):
		tender = self.published_tender("Key")
		self.bid("supplier_b", tender, submit=False)
		twin = frappe.get_doc(
			{
				"doctype": "Tender Bid",
				"name": "_HT-TWIN",
				"tender": tender,
				"supplier": SUPPLIER_B,
				"currency": "USD",
			}
		)
		with self.assertRaises(frappe.UniqueValidationError):  # past every check of the controller
			twin.db_insert()

	def test_fifty_concurrent_offers_neither_deadlock_nor_get_lost(self):
		tender = self.auction("Fifty offers", min_step=0.01, invited=(SUPPLIER_A, SUPPLIER_B, SUPPLIER_C))
		suppliers = {"supplier_a": SUPPLIER_A, "supplier_b": SUPPLIER_B, "supplier_c": SUPPLIER_C}
		# first bids each lower than the one before: 5720, 5610, 5500
		bids = {
			who: self.bid(who, tender, [(12 - i, 100, 5), (452 - i, 10, 30)])
			for i, who in enumerate(suppliers)
		}
		before = len(tender_log.stored_entries(tender))
		requests = []
		for k in range(17):
			for i, who in enumerate(suppliers):
				total = 5000 - 40 * k - 7 * i  # each supplier lower every time, interleaved with the others
				requests.append(
					(
						self.auth[who],
						"POST",
						method(PORTAL + "post_offer"),
						{"name": bids[who], "total": total},
					)
				)
		answers = concurrently(requests)

		statuses = [a.status for a in answers]
		self.assertNotIn(500, statuses, [a.text[:400] for a in answers if a.status >= 500][:3])
		self.assertTrue(set(statuses) <= {200, 417}, statuses)
		for answer in answers:
			if answer.status == 417:  # refused by the auction's rule, not lost to a stale read or a lock
				exception = answer.body.get("exception", "")
				self.assertEqual(answer.body.get("exc_type"), "ValidationError", exception[:300])
				self.assertIn("offer", exception.split(":", 1)[-1], exception[:300])
		accepted = sum(1 for s in statuses if s == 200)
		self.assertGreater(accepted, 0)

		entries = tender_log.stored_entries(tender)
		offers = [e for e in entries[before:] if e["event"] == "Auction Offer"]
		self.assertEqual(len(offers), accepted)  # none lost, none logged twice
		self.assertEqual([e["seq"] for e in entries], list(range(1, len(entries) + 1)))
		self.assertTrue(tender_log.verify(tender)["ok"])
		# replayed in log order, every accepted offer was acceptable when it was made
		doc = frappe.get_doc("Tender", tender)
		best, own = None, {}
		for entry in [e for e in entries if e["event"] in ("Bid Submitted", "Auction Offer")]:
			total = Decimal(entry["payload"]["total"])
			try:
				check_auction_offer(
					total,
					own.get(entry["supplier"]),
					best,
					MinStep(Decimal("0.01"), "amount"),
					entry["logged_at"],
					get_datetime(doc.opening_date),
					get_datetime("2999-01-01"),
				)
			except TenderError as e:
				self.fail(f"entry {entry['seq']} was accepted against the rules: {e.message}")
			own[entry["supplier"]] = total
			best = total if best is None else min(best, total)
		# each bid holds its last logged offer
		for who, supplier in suppliers.items():
			stored = Decimal(str(frappe.db.get_value("Tender Bid", bids[who], "total")))
			self.assertEqual(stored.quantize(Decimal("0.01")), own[supplier].quantize(Decimal("0.01")), who)
