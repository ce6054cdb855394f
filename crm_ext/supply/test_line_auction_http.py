"""Tier 2: the reverse auction per line (lot) and the award override, from the attacker's side.

Real HTTP requests (``SupplyHTTPCase``: each its own thread, connection and commit): suppliers
offer on lines with their own step, see only their own rank and last offer per line (and the best
price when the tender shows it), and cannot offer on a line they are not eligible for, a line of
another tender, below the step, after the close, or read others' offers; a buyer overrides a
line's proposed award only with a reason, never to a supplier not eligible for the line, and the
reason is in the log and the Bid Comparison print. Fifty suppliers offering on one line at the same
moment: none lost, none reordered, no deadlock, the log verifies.
"""

from decimal import Decimal

import frappe
from frappe.utils import add_to_date, get_datetime, now_datetime

from crm_ext.crm_ext.doctype.tender.test_tender import ensure_item
from crm_ext.logic.tender.auction import MinStep, check_auction_offer
from crm_ext.logic.tender.errors import TenderError
from crm_ext.supply import tender_log, tender_portal, tenders
from crm_ext.supply.sample_data import make_supplier
from crm_ext.supply.test_concurrency import concurrently
from crm_ext.supply.test_http_base import (
	PREFIX,
	SUPPLIER_A,
	SUPPLIER_B,
	SUPPLIER_C,
	SupplyHTTPCase,
	method,
	persona,
	resource,
)

PORTAL = "crm_ext.supply.tender_portal."
STATUS = method("crm_ext.supply.tender_auction.get_auction_status")
OVERRIDE = method("crm_ext.supply.tenders.override_award")
CROWD = 50
REASON = "Supplier B holds the framework warranty for this line"


def lot_items() -> list[dict]:
	"""Line 1: an item of a product category (step 1); line 2: a service without one (step 50)."""
	return [
		{"item_code": ensure_item("_Test Tender Bolt"), "qty": 100, "uom": "Nos", "min_step": 1},
		{"description": "Installation service", "qty": 10, "uom": "Nos", "min_step": 50},
	]


class TestLineAuctionHTTP(SupplyHTTPCase):
	@classmethod
	def lot_auction(cls, title: str, invited=(SUPPLIER_A, SUPPLIER_B), **kwargs) -> tuple[str, list[str]]:
		values = {"auction_scope": "Per Line", "items": lot_items(), "questions": [], "show_best_price": 1}
		values.update(kwargs)
		name = cls.auction(title, invited=invited, **values)
		return name, [row.name for row in frappe.get_doc("Tender", name).items]

	def offer(self, who: str, bid: str, line: str, price) -> object:
		return self.call(
			who, "POST", method(PORTAL + "post_line_offer"), {"name": bid, "line": line, "unit_price": price}
		)

	def set_check(self, mode: str) -> None:
		frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", mode)
		frappe.db.commit()

	# --- offers, ranks and what a supplier sees -----------------------------------------------------

	def test_each_line_has_its_own_step_best_and_rank_and_a_supplier_sees_only_its_own(self):
		tender, (l1, l2) = self.lot_auction("Lots")
		bid_a = self.bid("supplier_a", tender, [(10, 100, 5), (450, 10, 30)])
		bid_b = self.bid("supplier_b", tender, [(9, 100, 5), (0, 0, 0)])  # beats line 1 by its step
		refused = self.offer("supplier_b", bid_b, l2, 420)  # line 2's step is 50: 450 - 420 < 50
		self.assertStatus(refused, 417)
		self.assertIn("Line 2", refused.text)
		self.assertNotIn("450", refused.body.get("exception", ""))  # the step is named, not the best price
		self.assertStatus(self.offer("supplier_b", bid_b, l2, 400), 200)
		self.assertStatus(self.offer("supplier_b", bid_b, l2, 390), 417)  # its own offer is the best now
		self.assertStatus(self.offer("supplier_a", bid_a, l2, 350), 200)
		self.assertIn("previous", self.offer("supplier_a", bid_a, l2, 360).text)

		mine = self.call("supplier_a", "GET", STATUS, query={"tender": tender})
		self.assertStatus(mine, 200)
		lines = {line["line"]: line for line in mine.message["lines"]}
		self.assertEqual((lines[l1]["rank"], lines[l1]["my_last"], lines[l1]["best"]), (2, 10, 9))
		self.assertEqual((lines[l2]["rank"], lines[l2]["my_last"], lines[l2]["best"]), (1, 350, 350))
		self.assertNotIn("standings", lines[l1])
		self.assertNotIn(SUPPLIER_B, mine.text)
		shown = [value for line in lines.values() for value in line.values()]
		self.assertNotIn(400, shown)  # B's own offer on line 2 is not A's to know
		theirs = self.call("supplier_b", "GET", STATUS, query={"tender": tender})
		self.assertEqual([line["rank"] for line in theirs.message["lines"]], [1, 2])
		buyer = self.call("buyer", "GET", STATUS, query={"tender": tender})
		self.assertEqual(
			[s["supplier"] for s in buyer.message["lines"][1]["standings"]], [SUPPLIER_A, SUPPLIER_B]
		)

		page = self.call("supplier_a", "GET", f"/tenders/{tender}")
		self.assertStatus(page, 200)
		self.assertIn("line-auction", page.text)  # the per-line table, filled from get_auction_status
		self.assertNotIn(SUPPLIER_B, page.text)

		# a rank-only tender: no best price
		frappe.db.set_value("Tender", tender, "show_best_price", 0)
		frappe.db.commit()
		hidden = self.call("supplier_a", "GET", STATUS, query={"tender": tender})
		self.assertNotIn("best", hidden.message["lines"][0])
		self.assertNotIn("best_text", hidden.text)

		entries = tender_log.stored_entries(tender)
		self.assertEqual([e["event"] for e in entries].count("Line Offer"), 2)
		self.assertTrue(tender_log.verify(tender)["ok"])
		self.assertEqual(
			Decimal(
				str(
					frappe.db.get_value("Tender Bid Item", {"parent": bid_a, "tender_item": l2}, "unit_price")
				)
			),
			Decimal(350),
		)

	def test_a_supplier_reads_no_other_offer_through_any_door(self):
		tender, (l1, _l2) = self.lot_auction("Lots read")
		self.bid("supplier_a", tender, [(10, 100, 5), (450, 10, 30)])
		bid_b = self.bid("supplier_b", tender, [(9, 100, 5), (400, 10, 30)])
		for door in (
			self.call("supplier_a", "GET", resource("Tender Bid", bid_b)),
			self.call("supplier_a", "GET", resource("Tender", tender)),
		):
			self.assertStatus(door, 403, 404)
		for doctype in ("Tender Log", "Tender Bid"):
			listed = self.call(
				"supplier_a", "GET", resource(doctype), query={"fields": ["name"], "limit_page_length": 100}
			)
			self.assertNotIn(bid_b, listed.text)
		status = self.call("supplier_c", "GET", STATUS, query={"tender": tender})  # not invited
		self.assertStatus(status, 403)

	# --- attacks on the offer ----------------------------------------------------------------------

	def test_offers_refused_outside_the_rules_change_nothing(self):
		tender, (l1, l2) = self.lot_auction("Lots attacks")
		other, (o1, _o2) = self.lot_auction("Lots other")
		bid_a = self.bid("supplier_a", tender, [(10, 100, 5), (450, 10, 30)])
		before = len(tender_log.stored_entries(tender))
		# a line of another tender, and a supplier on a bid that is not its own
		wrong_line = self.offer("supplier_a", bid_a, o1, 5)
		self.assertStatus(wrong_line, 417)
		self.assertIn("Line", wrong_line.text)
		self.assertStatus(self.offer("supplier_b", bid_a, l1, 5), 403)
		self.assertStatus(self.offer("supplier_c", bid_a, l1, 5), 403)
		self.assertStatus(self.offer(None, bid_a, l1, 5), 403)
		# bad input names the field; the whole-bid offer is not this auction's
		bad = self.offer("supplier_a", bid_a, l1, "cheap")
		self.assertStatus(bad, 417)
		self.assertIn("unit_price", bad.text)
		self.assertStatus(self.offer("supplier_a", bid_a, l1, 0), 417)
		total = self.call("supplier_a", "POST", method(PORTAL + "post_offer"), {"name": bid_a, "total": 1000})
		self.assertStatus(total, 417)
		self.assertStatus(
			self.call("supplier_a", "GET", method(PORTAL + "post_line_offer"), {"name": bid_a}), 403, 405
		)
		# after the close
		frappe.db.set_value("Tender", tender, "deadline", add_to_date(now_datetime(), minutes=-1))
		frappe.db.commit()
		late = self.offer("supplier_a", bid_a, l1, 5)
		self.assertStatus(late, 417)
		self.assertEqual(len(tender_log.stored_entries(tender)), before)  # nothing logged
		self.assertEqual(
			frappe.db.get_value("Tender Bid Item", {"parent": bid_a, "tender_item": l1}, "unit_price"), 10
		)
		self.assertTrue(tender_log.verify(tender)["ok"])

	def test_no_offer_on_a_line_the_supplier_is_not_eligible_for(self):
		tender, (l1, l2) = self.lot_auction("Lots eligibility")
		bid_a = self.bid("supplier_a", tender, [(0, 0, 0), (450, 10, 30)])
		self.set_check("Block")  # A is qualified for no category: line 1 (a category) is not its own
		try:
			refused = self.offer("supplier_a", bid_a, l1, 9)
			self.assertStatus(refused, 417)
			self.assertIn("Line 1", refused.text)
			self.assertIn("eligible", refused.text)
			self.assertStatus(self.offer("supplier_a", bid_a, l2, 400), 200)  # line 2 has no category
		finally:
			self.set_check("Off")
		self.assertEqual(
			frappe.db.get_value("Tender Bid Item", {"parent": bid_a, "tender_item": l1}, "unit_price"), 0
		)

	# --- the award override -----------------------------------------------------------------------

	def test_a_buyer_overrides_a_lines_award_only_with_a_reason_and_to_an_eligible_supplier(self):
		tender, (l1, l2) = self.lot_auction("Lots override", min_step=0.01)
		self.bid("supplier_a", tender, [(10, 100, 5), (400, 10, 30)])
		self.bid("supplier_b", tender, [(9, 100, 5), (0, 0, 0)])
		bid_b = frappe.db.get_value("Tender Bid", {"tender": tender, "supplier": SUPPLIER_B})
		self.assertStatus(self.offer("supplier_b", bid_b, l2, 420), 417)  # must beat A's 400
		self.assertStatus(self.offer("supplier_b", bid_b, l2, 350), 200)
		self.assertStatus(
			self.call(
				"buyer",
				"POST",
				OVERRIDE,
				{"name": tender, "line": l2, "supplier": SUPPLIER_A, "reason": REASON},
			),
			417,
		)  # not evaluated
		frappe.db.set_value(
			"Tender", tender, {"deadline": add_to_date(now_datetime(), minutes=-1), "status": "Closed"}
		)
		frappe.db.commit()
		frappe.set_user(self.user["buyer"])
		tenders.evaluate(tender)
		frappe.set_user("Administrator")
		frappe.db.commit()
		proposed = {row.tender_item: row.supplier for row in frappe.get_doc("Tender", tender).awards}
		self.assertEqual(proposed, {l1: SUPPLIER_B, l2: SUPPLIER_B})

		body = {"name": tender, "line": l2, "supplier": SUPPLIER_A}
		for reason in (None, "", "   ", "cheaper"):
			answer = self.call(
				"manager", "POST", OVERRIDE, {**body, "reason": reason} if reason is not None else body
			)
			self.assertIn(answer.status, (417, 400), answer.text[:500])
			self.assertIn("eason", answer.text)  # Reason / reason: the field is named
		for who in ("supplier_a", "sales", None):
			self.assertStatus(self.call(who, "POST", OVERRIDE, {**body, "reason": REASON}), 403)
		self.assertStatus(
			self.call("manager", "POST", OVERRIDE, {**body, "supplier": SUPPLIER_C, "reason": REASON}), 417
		)
		self.set_check("Block")  # nobody is qualified for line 1's category now
		try:
			ineligible = self.call("manager", "POST", OVERRIDE, {**body, "line": l1, "reason": REASON})
			self.assertStatus(ineligible, 417)
			self.assertIn("eligible", ineligible.text)
			done = self.call("manager", "POST", OVERRIDE, {**body, "reason": f"  {REASON} "})
			self.assertStatus(done, 200)
		finally:
			self.set_check("Off")
		doc = frappe.get_doc("Tender", tender)
		row = next(r for r in doc.awards if r.tender_item == l2)
		self.assertEqual(
			(row.supplier, row.proposed_supplier, row.override_reason, row.overridden_by, row.unit_price),
			(SUPPLIER_A, SUPPLIER_B, REASON, self.user["manager"], 400),
		)
		self.assertEqual(next(r for r in doc.awards if r.tender_item == l1).supplier, SUPPLIER_B)
		logged = [e for e in tender_log.stored_entries(tender) if e["event"] == "Award Overridden"]
		self.assertEqual(len(logged), 1)
		self.assertEqual(
			logged[0]["payload"], {"line": l2, "from": SUPPLIER_B, "to": SUPPLIER_A, "reason": REASON}
		)
		self.assertEqual(logged[0]["user"], self.user["manager"])
		self.assertTrue(tender_log.verify(tender)["ok"])
		# a client cannot write the award table (server-owned) to fake an override
		put = self.call(
			"manager",
			"PUT",
			resource("Tender", tender),
			{
				"awards": [
					{"name": row.name, "tender_item": l2, "supplier": SUPPLIER_B, "override_reason": "x"}
				]
			},
		)
		self.assertIn(put.status, (200, 403, 417), put.text[:300])
		self.assertEqual(
			frappe.db.get_value("Tender Award Line", row.name, ["supplier", "override_reason"]),
			(SUPPLIER_A, REASON),
		)
		frappe.set_user(self.user["buyer"])
		printed = frappe.get_print("Tender", tender, print_format="Bid Comparison")
		frappe.set_user("Administrator")
		self.assertIn(REASON, printed)
		self.assertIn(SUPPLIER_B, printed.split(REASON)[0][-300:])

	# --- fifty suppliers on one line at once ------------------------------------------------------

	def make_crowd(self) -> dict[str, tuple[str, str]]:
		"""Supplier -> (its portal user, the user's API auth), for CROWD suppliers. Frappe refuses
		more than 60 new users an hour ("Throttled") unless importing: the users are made under its
		import flag and removed afterwards, so that tests creating users later are not throttled."""
		emails = [f"ht-lot-{i:02d}@example.com" for i in range(CROWD)]
		suppliers = [f"{PREFIX} Lot Supplier {i:02d}" for i in range(CROWD)]
		self.addCleanup(self.remove_crowd, emails, suppliers)
		importing = frappe.flags.in_import
		frappe.flags.in_import = True
		try:
			auths = [persona(email, "Website User", ("Supplier",)) for email in emails]
		finally:
			frappe.flags.in_import = importing
		for email in emails:  # an import sets no defaults: enabled (a disabled user never authenticates)
			frappe.db.set_value("User", email, "enabled", 1)
		# the suppliers outside the flag: an import sets no defaults (supplier_type)
		crowd = {
			make_supplier(supplier, portal_user=email): (email, auth)
			for supplier, email, auth in zip(suppliers, emails, auths, strict=True)
		}
		frappe.db.commit()
		return crowd

	def remove_crowd(self, emails: list[str], suppliers: list[str]) -> None:
		frappe.db.rollback()
		frappe.set_user("Administrator")
		self.remove_test_data()  # the tenders, bids and logs that name them
		for supplier in suppliers:
			if frappe.db.exists("Supplier", supplier):
				frappe.delete_doc("Supplier", supplier, force=True, ignore_permissions=True)
		for email in emails:
			if frappe.db.exists("User", email):
				frappe.delete_doc("User", email, force=True, ignore_permissions=True)
		frappe.db.commit()

	def test_fifty_suppliers_offering_on_one_line_at_once_are_neither_lost_nor_reordered(self):
		crowd = self.make_crowd()
		tender, (l1, _l2) = self.lot_auction("Lots crowd", invited=tuple(crowd))
		bids = {}
		for supplier, (email, _auth) in crowd.items():
			frappe.set_user(email)
			bids[supplier] = tender_portal.get_or_create_bid(tender)  # a Saved draft, no price yet
		frappe.set_user("Administrator")
		frappe.db.commit()
		prices = {supplier: 1000 - 3 * i for i, supplier in enumerate(crowd)}  # all distinct
		answers = concurrently(
			[
				(
					auth,
					"POST",
					method(PORTAL + "post_line_offer"),
					{"name": bids[s], "line": l1, "unit_price": prices[s]},
				)
				for s, (_email, auth) in crowd.items()
			]
		)
		statuses = [a.status for a in answers]
		self.assertNotIn(500, statuses, [a.text[:400] for a in answers if a.status >= 500][:3])
		self.assertTrue(set(statuses) <= {200, 417}, statuses)
		for answer in answers:
			if answer.status == 417:  # refused by the line's rule, not by a lock or a stale read
				self.assertEqual(answer.body.get("exc_type"), "ValidationError", answer.text[:300])
				self.assertIn("offer", answer.body.get("exception", ""))
		accepted = {s for s, a in zip(crowd, answers, strict=True) if a.status == 200}
		self.assertTrue(accepted)

		entries = tender_log.stored_entries(tender)
		self.assertEqual([e["seq"] for e in entries], list(range(1, len(entries) + 1)))
		times = [e["logged_at"] for e in entries]
		self.assertEqual(times, sorted(times))
		offers = [e for e in entries if e["event"] == "Bid Submitted"]
		self.assertEqual({e["supplier"] for e in offers}, accepted)  # none lost
		self.assertEqual(len(offers), len(accepted))  # none logged twice
		self.assertTrue(tender_log.verify(tender)["ok"])
		# replayed in log order, every accepted offer beat the best by the line's step when it was made
		best = None
		deadline = get_datetime(frappe.db.get_value("Tender", tender, "deadline"))
		start = get_datetime(frappe.db.get_value("Tender", tender, "opening_date"))
		for entry in offers:
			price = Decimal(entry["payload"]["lines"][l1])
			self.assertEqual(price, prices[entry["supplier"]])
			try:
				check_auction_offer(price, None, best, MinStep(1), entry["logged_at"], start, deadline)
			except TenderError as e:
				self.fail(f"entry {entry['seq']} was accepted against the rules: {e.message}")
			best = price
		# a refused offer left its bid as it was: a Saved draft without a price
		for supplier in set(crowd) - accepted:
			self.assertEqual(frappe.db.get_value("Tender Bid", bids[supplier], "status"), "Saved")
			self.assertEqual(
				frappe.db.get_value(
					"Tender Bid Item", {"parent": bids[supplier], "tender_item": l1}, "unit_price"
				),
				0,
			)
		for supplier in accepted:
			self.assertEqual(frappe.db.get_value("Tender Bid", bids[supplier], "status"), "Submitted")
