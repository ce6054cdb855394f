"""Tier 2: sealed bids and auctions hold through every door, tried over real HTTP by a rival
supplier, a supplier on its own bid, a Purchase User before the opening and a Purchase Manager on
a supplier's bid."""

import frappe
from frappe.utils import add_to_date, now_datetime

from crm_ext.crm_ext.doctype.tender.test_tender import bid_as, make_tender
from crm_ext.supply import tender_log, tender_portal, tenders
from crm_ext.supply.test_http_base import (
	SUPPLIER_A,
	SUPPLIER_B,
	SUPPLIER_C,
	SupplyHTTPCase,
	method,
	resource,
)

PDF = "data:application/pdf;base64,JVBERi0xLjQK"
PRICES_A = [(10.37, 100, 5), (461.73, 10, 30)]
PRICES_B = [(9.25, 100, 5), (437.19, 10, 30)]
OWN_MARKER = "437.19"  # B's gear price: on B's own page, never in anyone else's answer
RIVAL_MARKERS = ("461.73", SUPPLIER_A, SUPPLIER_C)  # A's gear price and the other suppliers
PORTAL = "crm_ext.supply.tender_portal."
TENDERS = "crm_ext.supply.tenders."


def rows(answer) -> list:
	return answer.data if isinstance(answer.data, list) else answer.message or []


class TestTenderHTTP(SupplyHTTPCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		invited = (SUPPLIER_A, SUPPLIER_B, SUPPLIER_C)
		# sealed, still running: A (with a file) and B submitted, C keeps a Saved draft
		cls.sealed = cls.published_tender("Sealed", invited=invited)
		cls.sealed_a = cls.bid("supplier_a", cls.sealed, PRICES_A)
		cls.sealed_b = cls.bid("supplier_b", cls.sealed, PRICES_B)
		cls.sealed_c = cls.bid("supplier_c", cls.sealed, submit=False)
		frappe.set_user(cls.user["supplier_a"])
		answer = frappe.get_doc("Tender Bid", cls.sealed_a).answers[0].name
		cls.file_a = tender_portal.upload_bid_file(cls.sealed_a, answer, "offer.pdf", PDF)
		frappe.set_user("Administrator")
		frappe.db.commit()
		# sealed, formally opened after its deadline
		cls.opened = cls.published_tender("Opened", invited=invited)
		cls.opened_a = cls.bid("supplier_a", cls.opened, PRICES_A)
		cls.opened_b = cls.bid("supplier_b", cls.opened, PRICES_B)
		cls.opened_c = cls.bid("supplier_c", cls.opened, submit=False)
		cls.close_and_open(cls.opened)
		# a live auction of A and B
		cls.live = cls.auction("Auction")
		cls.live_a = cls.bid("supplier_a", cls.live, PRICES_A)
		cls.live_b = cls.bid("supplier_b", cls.live, PRICES_B)

	def assertNoRival(self, text: str):
		for marker in RIVAL_MARKERS:
			self.assertFalse(
				marker in text, f"{marker!r} leaked: ...{text[max(0, text.find(marker) - 300) :][:600]}"
			)

	# --- a rival supplier -------------------------------------------------------------------------

	def test_rival_supplier_gets_nothing_of_the_tender_or_other_bids_after_the_opening(self):
		b, tender = "supplier_b", self.opened
		for verb in ("GET", "POST"):
			self.assertStatus(
				self.call(b, verb, method(TENDERS + "get_comparison"), query={"name": tender}), 403
			)
			self.assertStatus(
				self.call(b, verb, method(TENDERS + "get_bid_count"), query={"name": tender}), 403
			)
			self.assertStatus(self.call(b, verb, method(TENDERS + "verify_log"), query={"name": tender}), 403)
		self.assertStatus(self.call(b, "GET", resource("Tender", tender)), 403)
		self.assertEqual(rows(self.call(b, "GET", resource("Tender"), query={"fields": ["name"]})), [])
		printed = self.call(
			b,
			"GET",
			method("frappe.www.printview.get_html_and_style"),
			query={"doc": "Tender", "name": tender, "print_format": "Bid Comparison"},
		)
		self.assertStatus(printed, 403)
		self.assertNoRival(printed.text)
		self.assertNoRival(
			self.call(b, "GET", f"/printview?doctype=Tender&name={tender}&format=Bid%20Comparison").text
		)
		for child in ("Tender Evaluation", "Tender Award Line", "Tender Supplier", "Tender Item"):
			answer = self.call(
				b,
				"GET",
				method("frappe.client.get_list"),
				query={"doctype": child, "parent": "Tender", "fields": ["*"], "filters": {"parent": tender}},
			)
			self.assertTrue(answer.status == 403 or rows(answer) == [], (child, answer.text[:500]))
			self.assertNoRival(answer.text)
		# the rival's bid: not by the resource API, frappe.client, report view, child rows, files
		self.assertStatus(self.call(b, "GET", resource("Tender Bid", self.opened_a)), 403)
		self.assertStatus(
			self.call(
				b, "GET", method("frappe.client.get"), query={"doctype": "Tender Bid", "name": self.opened_a}
			),
			403,
		)
		listed = self.call(
			b,
			"GET",
			resource("Tender Bid"),
			query={"fields": ["name", "supplier", "total"], "limit_page_length": 0},
		)
		self.assertEqual({r["supplier"] for r in rows(listed)}, {SUPPLIER_B})
		count = self.call(
			b,
			"GET",
			method("frappe.desk.reportview.get_count"),
			query={"doctype": "Tender Bid", "filters": {"tender": tender}},
		)
		self.assertEqual(count.message, 1)
		items = self.call(
			b,
			"GET",
			method("frappe.client.get_list"),
			query={
				"doctype": "Tender Bid Item",
				"parent": "Tender Bid",
				"fields": ["parent", "unit_price"],
				"filters": {"parent": self.opened_a},
			},
		)
		self.assertTrue(items.status == 403 or rows(items) == [], items.text[:500])
		report = self.call(
			b,
			"POST",
			method("frappe.desk.reportview.get"),
			{"doctype": "Tender Bid", "fields": ["`tabTender Bid`.`name`", "`tabTender Bid`.`supplier`"]},
		)
		self.assertNoRival(report.text)
		self.assertStatus(self.call("supplier_a", "GET", self.file_a), 200)  # its owner may
		self.assertStatus(self.call(b, "GET", self.file_a), 403)
		# the portal page shows its own bid, never the others or how many there are
		page = self.call(b, "GET", f"/tenders/{tender}")
		self.assertStatus(page, 200)
		self.assertIn(OWN_MARKER, page.text)
		self.assertNoRival(page.text)
		# the Jinja method of the Bid Comparison print refuses anyone but procurement
		frappe.set_user(self.user["supplier_b"])
		self.assertRaises(frappe.PermissionError, tenders.get_tender_comparison, tender)

	def test_client_get_count_counts_only_what_the_user_may_read(self):
		"""Frappe 15's frappe.client.get_count counts without permissions (fixed upstream in
		frappe#35657): the app overrides it (crm_ext.doors.counts)."""
		for filters in (
			{"tender": self.opened},
			{"tender": self.opened, "supplier": SUPPLIER_A},
			{"total": (">", 0)},
		):
			count = self.call(
				"supplier_b",
				"GET",
				method("frappe.client.get_count"),
				query={"doctype": "Tender Bid", "filters": filters},
			)
			# only its own bids: never one of supplier A's
			own = frappe.db.count("Tender Bid", {**filters, "supplier": SUPPLIER_B})
			self.assertEqual(count.message, 0 if "supplier" in filters else own, filters)

	def test_uninvited_supplier_sees_nothing_of_the_tender(self):
		c = "supplier_c"
		self.assertStatus(self.call(c, "GET", f"/tenders/{self.live}"), 403)
		self.assertStatus(
			self.call(c, "POST", method(PORTAL + "get_or_create_bid"), {"tender": self.live}), 403
		)
		self.assertStatus(
			self.call(
				c,
				"GET",
				method("crm_ext.supply.tender_auction.get_auction_status"),
				query={"tender": self.live},
			),
			403,
		)
		self.assertFalse(frappe.db.exists("Tender Bid", {"tender": self.live, "supplier": SUPPLIER_C}))

	def test_auction_status_shows_a_supplier_its_own_rank_only(self):
		status = self.call(
			"supplier_a",
			"GET",
			method("crm_ext.supply.tender_auction.get_auction_status"),
			query={"tender": self.live},
		)
		self.assertStatus(status, 200)
		self.assertEqual(status.message["rank"], 2)  # B's 5296.90 leads A's 5654.30
		for hidden in ("bidders", "standings", "best"):
			self.assertNotIn(hidden, status.message)
		self.assertNotIn(SUPPLIER_B, status.text)
		buyer = self.call(
			"buyer",
			"GET",
			method("crm_ext.supply.tender_auction.get_auction_status"),
			query={"tender": self.live},
		)
		self.assertEqual([s["supplier"] for s in buyer.message["standings"]], [SUPPLIER_B, SUPPLIER_A])

	# --- procurement before the opening ---------------------------------------------------------

	def test_purchase_user_reads_nothing_of_a_sealed_bid_before_the_opening(self):
		u, tender, bid = "buyer", self.sealed, self.sealed_a
		self.assertStatus(self.call(u, "GET", method(TENDERS + "get_bid_count"), query={"name": tender}), 200)
		self.assertStatus(self.call(u, "GET", resource("Tender Bid", bid)), 403)
		self.assertStatus(
			self.call(
				u, "GET", method("frappe.desk.form.load.getdoc"), query={"doctype": "Tender Bid", "name": bid}
			),
			403,
		)
		self.assertEqual(
			rows(self.call(u, "GET", resource("Tender Bid"), query={"filters": {"tender": tender}})), []
		)
		items = self.call(
			u,
			"GET",
			method("frappe.client.get_list"),
			query={
				"doctype": "Tender Bid Item",
				"parent": "Tender Bid",
				"fields": ["parent", "unit_price"],
				"filters": {"parent": bid},
			},
		)
		self.assertTrue(items.status == 403 or rows(items) == [], items.text[:500])
		for doctype, column in (
			("Version", "docname"),
			("File", "attached_to_name"),
			("Comment", "reference_name"),
		):
			answer = self.call(
				u, "GET", resource(doctype), query={"filters": {column: bid}, "fields": ["name"]}
			)
			self.assertTrue(answer.status == 403 or rows(answer) == [], (doctype, answer.text[:500]))
		self.assertStatus(self.call(u, "GET", self.file_a), 403)
		log = self.call(
			u,
			"GET",
			resource("Tender Log"),
			query={"filters": {"tender": tender}, "fields": ["event", "bid", "supplier"]},
		)
		self.assertEqual([r["event"] for r in rows(log)], ["Published"])
		self.assertStatus(
			self.call(u, "GET", method(TENDERS + "get_comparison"), query={"name": tender}), 403
		)
		printed = self.call(
			u,
			"GET",
			method("frappe.www.printview.get_html_and_style"),
			query={"doc": "Tender", "name": tender, "print_format": "Bid Comparison"},
		)
		self.assertStatus(printed, 200)
		self.assertNotIn("461.73", printed.text)
		self.assertIn("sealed", printed.text)

	def test_purchase_user_cannot_open_the_bids_by_writing_the_tender(self):
		u, tender = "manager", self.sealed
		before = frappe.db.get_value(
			"Tender", tender, ["status", "opened_on", "opened_by", "deadline"], as_dict=True
		)
		for body in (
			{"opened_on": "2020-01-01 00:00:00", "opened_by": self.user[u]},
			{"status": "Closed"},
			{"status": "Draft"},
		):
			self.call(u, "PUT", resource("Tender", tender), body)
			after = frappe.db.get_value(
				"Tender", tender, ["status", "opened_on", "opened_by", "deadline"], as_dict=True
			)
			self.assertEqual(after, before, body)
		self.assertStatus(
			self.call(
				u,
				"POST",
				method("frappe.client.set_value"),
				{"doctype": "Tender", "name": tender, "fieldname": "opened_on", "value": "2020-01-01"},
			),
			200,
			417,
		)
		self.assertIsNone(frappe.db.get_value("Tender", tender, "opened_on"))
		self.assertEqual(
			rows(self.call(u, "GET", resource("Tender Bid"), query={"filters": {"tender": tender}})), []
		)
		self.assertStatus(self.call(u, "POST", method(TENDERS + "open_bids"), {"name": tender}), 417)
		# a new tender cannot be born opened either
		answer = self.call(
			u,
			"POST",
			resource("Tender"),
			{
				**make_tender_values(),
				"status": "Published",
				"opened_on": "2020-01-01 00:00:00",
				"opened_by": self.user[u],
			},
		)
		if answer.status == 200:
			created = answer.data["name"]
			self.assertEqual(frappe.db.get_value("Tender", created, ["status", "opened_on"]), ("Draft", None))
		else:
			self.assertStatus(answer, 403, 417)

	def test_no_put_changes_the_procedures_fields_of_a_tender(self):
		tender = self.opened
		fields = [
			"status",
			"opened_on",
			"opened_by",
			"savings",
			"ordered_amount",
			"paid_amount",
			"log_head_hash",
		]
		before = frappe.db.get_value("Tender", tender, fields, as_dict=True)
		body = {
			"status": "Awarded",
			"opened_on": "2020-01-01 00:00:00",
			"opened_by": self.user["manager"],
			"savings": 1e6,
			"ordered_amount": 5,
			"paid_amount": 5,
			"log_head_hash": "0" * 64,
			"evaluations": [{"bid": self.opened_c, "supplier": SUPPLIER_C, "score": 100, "rank": 1}],
			"awards": [{"supplier": SUPPLIER_C, "bid": self.opened_c, "qty": 1, "unit_price": 1}],
		}
		self.call("manager", "PUT", resource("Tender", tender), body)
		self.assertEqual(frappe.db.get_value("Tender", tender, fields, as_dict=True), before)
		for child in ("Tender Evaluation", "Tender Award Line"):
			self.assertFalse(frappe.db.exists(child, {"parent": tender}), child)
		self.assertTrue(tender_log.verify(tender)["ok"])

	def test_procurement_never_sees_a_saved_draft_after_the_opening(self):
		listed = self.call(
			"buyer",
			"GET",
			resource("Tender Bid"),
			query={"filters": {"tender": self.opened}, "fields": ["name", "status"]},
		)
		self.assertEqual({r["name"] for r in rows(listed)}, {self.opened_a, self.opened_b})
		self.assertStatus(self.call("buyer", "GET", resource("Tender Bid", self.opened_c)), 403)
		self.assertStatus(self.call("buyer", "GET", resource("Tender Bid", self.opened_a)), 200)
		comparison = self.call(
			"buyer", "GET", method(TENDERS + "get_comparison"), query={"name": self.opened}
		)
		self.assertStatus(comparison, 200)
		self.assertEqual(set(comparison.message["suppliers"]), {SUPPLIER_A, SUPPLIER_B})

	def test_the_comparison_comes_a_page_at_a_time_and_refuses_bad_pages(self):
		def page(who: str, tender: str, **args):
			return self.call(who, "GET", method(TENDERS + "get_comparison"), query={"name": tender, **args})

		first = page("buyer", self.opened, start=0, page_length=1)
		self.assertStatus(first, 200)
		second = page("buyer", self.opened, start=1, page_length=1)
		self.assertStatus(second, 200)
		lines = [first.message["lines"], second.message["lines"]]
		self.assertEqual([len(x) for x in lines], [1, 1])
		self.assertEqual((first.message["line_count"], second.message["start"]), (2, 1))
		# every page carries the totals and the best of every line, whatever lines it holds
		for answer in (first, second):
			self.assertEqual(
				[b["line"] for b in answer.message["best"]], [lines[0][0]["line"], lines[1][0]["line"]]
			)
			self.assertEqual(answer.message["best"], first.message["best"])
			self.assertEqual(answer.message["totals"], first.message["totals"])
		self.assertEqual(lines[1][0]["cells"][SUPPLIER_B]["unit_price"], 437.19)
		self.assertEqual(first.message["best"][1]["best"], SUPPLIER_B)
		whole = page("buyer", self.opened)
		self.assertEqual(
			[x["line"] for x in whole.message["lines"]], [lines[0][0]["line"], lines[1][0]["line"]]
		)
		# a start past the end shows the last line; nonsense is a 417 naming the argument
		self.assertEqual(page("buyer", self.opened, start=99).message["start"], 1)
		for bad in ({"start": -1}, {"page_length": 0}, {"page_length": 101}, {"start": "x"}):
			answer = page("buyer", self.opened, **bad)
			self.assertStatus(answer, 417)
			self.assertIn(
				("Start" if "start" in bad else "Page Length").split()[0].lower(), answer.text.lower()
			)
		# paging opens nothing: sealed for the buyer before the opening, a rival never
		self.assertStatus(page("buyer", self.sealed, start=1, page_length=1), 403)
		self.assertStatus(page("supplier_b", self.opened, start=1, page_length=1), 403)

	def test_a_large_comparison_prints_the_best_offers_of_each_line_and_every_total(self):
		from crm_ext.supply import tender_comparison

		frappe.set_user(self.user["buyer"])
		full = frappe.get_print("Tender", self.opened, print_format="Bid Comparison")
		self.assertIn("461.73", full)  # two bids: every cell
		for name, value in (("PRINT_MATRIX_SUPPLIERS", 1), ("PRINT_OFFERS", 1)):
			self.addCleanup(setattr, tender_comparison, name, getattr(tender_comparison, name))
			setattr(tender_comparison, name, value)
		limited = frappe.get_print("Tender", self.opened, print_format="Bid Comparison")
		frappe.set_user("Administrator")
		for best, other in (("437.19", "461.73"), ("9.25", "10.37")):  # gear, bolt: B's offers win
			self.assertIn(f"$ {best}", limited)
			self.assertNotIn(other, limited)
		totals = limited.split("Evaluated totals")[1]
		for supplier, total in ((SUPPLIER_A, "5,654.30"), (SUPPLIER_B, "5,296.90")):
			self.assertIn(supplier, totals)
			self.assertIn(total, totals)

	# --- a Purchase Manager on a supplier's bid ---------------------------------------------------

	def test_purchase_manager_never_acts_on_a_suppliers_bid(self):
		m, bid = "manager", self.live_a
		before = frappe.db.get_value(
			"Tender Bid", bid, ["status", "total", "revision", "modified"], as_dict=True
		)
		entries = len(tender_log.stored_entries(self.live))
		row = frappe.get_doc("Tender Bid", bid).answers[0].name
		for path, body in (
			(PORTAL + "post_offer", {"name": bid, "total": 4000}),
			(PORTAL + "withdraw_bid", {"name": bid}),
			(PORTAL + "submit_bid", {"name": bid}),
			(PORTAL + "save_bid", {"name": bid, "values": {"credit_days": 90}, "submit": 1}),
			(PORTAL + "upload_bid_file", {"name": bid, "row": row, "filename": "x.pdf", "filedata": PDF}),
			(
				"frappe.client.set_value",
				{"doctype": "Tender Bid", "name": bid, "fieldname": "status", "value": "Withdrawn"},
			),
			("frappe.client.delete", {"doctype": "Tender Bid", "name": bid}),
		):
			self.assertStatus(self.call(m, "POST", method(path), body), 403)
		self.assertStatus(
			self.call(m, "PUT", resource("Tender Bid", bid), {"credit_days": 90, "status": "Withdrawn"}), 403
		)
		self.assertStatus(self.call(m, "DELETE", resource("Tender Bid", bid)), 403)
		self.assertStatus(
			self.call(
				m,
				"POST",
				resource("Tender Bid"),
				{"tender": self.live, "supplier": SUPPLIER_C, "currency": "USD"},
			),
			403,
		)
		self.assertEqual(
			frappe.db.get_value("Tender Bid", bid, ["status", "total", "revision", "modified"], as_dict=True),
			before,
		)
		self.assertEqual(len(tender_log.stored_entries(self.live)), entries)
		self.assertTrue(tender_log.verify(self.live)["ok"])
		# the supplier itself may, and the log names it
		offer = self.call("supplier_a", "POST", method(PORTAL + "post_offer"), {"name": bid, "total": 5200})
		self.assertStatus(offer, 200)
		last = tender_log.stored_entries(self.live)[-1]
		self.assertEqual(
			(last["event"], last["user"], last["supplier"]),
			("Auction Offer", self.user["supplier_a"], SUPPLIER_A),
		)

	# --- a supplier on its own bid ---------------------------------------------------------------

	def test_supplier_cannot_write_the_procedures_fields_of_its_own_bid(self):
		c, bid = "supplier_c", self.sealed_c
		before = frappe.db.get_value(
			"Tender Bid", bid, ["status", "total", "revision", "submitted_on", "bid_digest"], as_dict=True
		)
		answer = self.call(
			c,
			"PUT",
			resource("Tender Bid", bid),
			{
				"status": "Awarded",
				"total": 1,
				"revision": 9,
				"submitted_on": "2020-01-01 00:00:00",
				"bid_digest": "x",
			},
		)
		self.assertStatus(answer, 200)
		self.assertEqual(
			frappe.db.get_value(
				"Tender Bid", bid, ["status", "total", "revision", "submitted_on", "bid_digest"], as_dict=True
			),
			before,
		)
		moved = self.call(c, "PUT", resource("Tender Bid", bid), {"supplier": SUPPLIER_A})
		self.assertStatus(moved, 403, 417)
		self.assertEqual(frappe.db.get_value("Tender Bid", bid, "supplier"), SUPPLIER_C)
		second = self.call(
			c,
			"POST",
			resource("Tender Bid"),
			{"tender": self.sealed, "supplier": SUPPLIER_C, "currency": "USD"},
		)
		self.assertStatus(second, 409, 417)
		for other in (SUPPLIER_A, SUPPLIER_B):
			forged = self.call(
				c,
				"POST",
				resource("Tender Bid"),
				{"tender": self.sealed, "supplier": other, "currency": "USD"},
			)
			self.assertStatus(forged, 403, 409, 417)
		self.assertEqual(frappe.db.count("Tender Bid", {"tender": self.sealed}), 3)
		self.assertTrue(tender_log.verify(self.sealed)["ok"])

	def test_bad_input_to_bid_methods_is_4xx_naming_the_field(self):
		c, bid = "supplier_c", self.sealed_c
		row = frappe.get_doc("Tender Bid", bid).items[0].name
		for body, field in (
			({"name": bid, "values": "not json"}, "values"),
			({"name": bid, "values": {"lines": {row: {"unit_price": "ten"}}}}, "unit_price"),
			({"name": bid, "values": {"credit_days": "soon"}}, "credit_days"),
		):
			answer = self.call(c, "POST", method(PORTAL + "save_bid"), body)
			self.assertStatus(answer, 417)
			self.assertIn(field, answer.text)
		upload = self.call(
			c,
			"POST",
			method(PORTAL + "upload_bid_file"),
			{"name": bid, "row": "nope", "filename": "a.pdf", "filedata": PDF},
		)
		self.assertStatus(upload, 417)
		self.assertIn("row", upload.text)
		big = self.call(
			c,
			"POST",
			method(PORTAL + "upload_bid_file"),
			{
				"name": bid,
				"row": frappe.get_doc("Tender Bid", bid).answers[0].name,
				"filename": "big.pdf",
				"filedata": "A" * (14 * 1024 * 1024),
			},
		)
		self.assertStatus(big, 413, 417)

	# --- every door that changes state takes POST --------------------------------------------------

	def test_state_changing_methods_refuse_get(self):
		for who, path, query in (
			("supplier_c", PORTAL + "get_or_create_bid", {"tender": self.sealed}),
			("supplier_c", PORTAL + "submit_bid", {"name": self.sealed_c}),
			("supplier_c", PORTAL + "save_bid", {"name": self.sealed_c, "values": {}}),
			("supplier_a", PORTAL + "withdraw_bid", {"name": self.sealed_a}),
			("supplier_a", PORTAL + "post_offer", {"name": self.live_a, "total": 1000}),
			(
				"supplier_a",
				PORTAL + "upload_bid_file",
				{"name": self.sealed_a, "row": "x", "filename": "a", "filedata": PDF},
			),
			("manager", TENDERS + "publish", {"name": self.sealed}),
			(
				"manager",
				TENDERS + "extend_deadline",
				{"name": self.sealed, "new_deadline": "2099-01-01 00:00:00"},
			),
			("manager", TENDERS + "open_bids", {"name": self.sealed}),
			("manager", TENDERS + "cancel", {"name": self.sealed}),
			("manager", TENDERS + "evaluate", {"name": self.opened}),
			("manager", TENDERS + "award", {"name": self.opened}),
		):
			self.assertStatus(self.call(who, "GET", method(path), query=query), 403)
		self.assertEqual(frappe.db.get_value("Tender", self.sealed, "status"), "Published")
		self.assertEqual(frappe.db.get_value("Tender Bid", self.sealed_c, "status"), "Saved")
		self.assertEqual(frappe.db.get_value("Tender Bid", self.sealed_a, "status"), "Submitted")


def make_tender_values() -> dict:
	"""The body of a new tender as a client would POST it."""
	return {
		"title": "_HT Posted",
		"company": "Wind Power LLC",
		"mode": "Sealed Bid",
		"deadline": str(add_to_date(now_datetime(), days=2)),
		"incoterm": "DAP",
		"delivery_location": "Warehouse",
		"currencies": [{"currency": "USD"}],
		"items": [{"item_code": "_Test Tender Bolt", "qty": 1, "uom": "Nos"}],
		"weight_price": 100,
	}


class TestVerifyLog(SupplyHTTPCase):
	"""In-process: the log is verified against a bid's stored status too."""

	def test_a_status_changed_behind_the_procedures_back_is_reported(self):
		tender = make_tender(
			title="_HT Verify",
			currencies=[{"currency": "USD"}],
			other_incoterms=[],
			suppliers=[{"supplier": SUPPLIER_A}, {"supplier": SUPPLIER_B}],
		)
		frappe.set_user(self.user["buyer"])
		tenders.publish(tender.name)
		frappe.set_user("Administrator")
		a = bid_as(self.user["supplier_a"], tender.name, [(10, 100, 5), (450, 10, 30)], currency="USD")
		b = bid_as(
			self.user["supplier_b"], tender.name, [(11, 100, 5), (460, 10, 30)], currency="USD", submit=False
		)
		self.assertTrue(tender_log.verify(tender.name)["ok"])
		for bid, status in (
			(a, "Withdrawn"),
			(a, "Awarded"),
			(a, "Saved"),
			(b, "Submitted"),
			(b, "Not Awarded"),
		):
			stored = frappe.db.get_value("Tender Bid", bid, "status")
			frappe.db.set_value("Tender Bid", bid, "status", status, update_modified=False)
			result = tender_log.verify(tender.name)
			self.assertFalse(result["ok"], (bid, status))
			self.assertIn(bid, result["message"])
			frappe.db.set_value("Tender Bid", bid, "status", stored, update_modified=False)
		self.assertTrue(tender_log.verify(tender.name)["ok"])
		frappe.set_user(self.user["supplier_a"])
		tender_portal.withdraw_bid(a)
		frappe.set_user("Administrator")
		self.assertTrue(tender_log.verify(tender.name)["ok"])
