"""Tier 2: the demo builds the whole product through the app's procedures, twice, without twins,
and shows every state a newcomer should see. Nothing is committed (``commit=False``): the test
rolls it all back and checks that nothing stayed."""

from collections import Counter

import frappe
from frappe.utils import getdate, nowdate
from frappe.utils.password import check_password

from crm_ext.demo import DEMO_PASSWORD, make_demo_data
from crm_ext.demo.people import ACCOUNTANT, BUYER, HEAD_OF_SALES, LOGINS, PROCUREMENT_MANAGER, REPS
from crm_ext.demo.plan import PAYMENT_STATES, SCRIPT
from crm_ext.demo.suppliers import COLLEAGUE, REGISTRANT, SUPPLIERS
from crm_ext.demo.tenders import AUCTION, AWARDED, LOTS, SEALED
from crm_ext.supply import tender_log
from crm_ext.supply.access import suppliers_of_user
from crm_ext.testing import IntegrationTestCase

SEED = 42
QUALIFICATION_STATES = {"Draft", "Submitted", "Under Review", "Qualified", "Rejected", "Expired"}
COUNTED = (
	"Sales Lead",
	"Sales Request",
	"Interaction",
	"ToDo",
	"Quotation",
	"Sales Order",
	"Sales Invoice",
	"Payment Entry",
	"Customer",
	"Supplier",
	"Supplier Qualification",
	"Sales Plan",
	"Tender",
	"Tender Bid",
	"Tender Log",
	"Purchase Order",
	"Purchase Receipt",
	"Purchase Invoice",
	"GL Entry",
	"User",
)


def counts() -> dict[str, int]:
	return {doctype: frappe.db.count(doctype) for doctype in COUNTED}


class TestDemo(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.started = frappe.utils.now_datetime()

	def tearDown(self):
		# uploads are files on disk too: remove the ones this test made before rolling back
		made = {"creation": (">=", self.started), "is_folder": 0, "attached_to_doctype": ("is", "set")}
		for name in frappe.get_all("File", filters=made, pluck="name"):
			frappe.delete_doc("File", name, force=True, ignore_permissions=True)
		frappe.db.rollback()
		frappe.set_user("Administrator")

	def test_twice_without_twins_and_every_state(self):
		before = counts()
		first = make_demo_data(leads=len(SCRIPT), seed=SEED, commit=False, verbose=False)
		after_first = counts()
		second = make_demo_data(leads=len(SCRIPT), seed=SEED, commit=False, verbose=False)
		self.assertEqual(counts(), after_first, "the second run made more records")
		self.assertEqual(second["sales cards made"], 0)
		self.assertEqual(second["qualifications made"], 0)
		self.assertEqual(first["sales cards made"] + before["Sales Lead"], after_first["Sales Lead"])

		self.assertNoTwins()
		self.assertSalesStates()
		self.assertPlansShow()
		self.assertOverdueWorkShows()
		self.assertSupplyStates(made_now=bool(first.get("awarded tender")))
		self.assertLogins()

		frappe.db.rollback()
		self.assertEqual(counts(), before, "the demo committed part of its work")

	def demo_cards(self) -> list[dict]:
		return frappe.get_all(
			"Sales Lead",
			filters={"email": ("like", f"%.{SEED}.%@example.com")},
			fields=["name", "email", "phone", "stage_kind", "payment_status", "next_step_status"],
		)

	def assertNoTwins(self):
		cards = self.demo_cards()
		self.assertGreaterEqual(len(cards), len(SCRIPT) - 1)  # a phone card gets its e-mail later
		for field in ("email", "phone"):
			values = Counter(c[field] for c in cards if c[field])
			self.assertEqual([v for v, n in values.items() if n > 1], [], f"twin cards by {field}")
		repeat = frappe.get_all(
			"Sales Request",
			filters={"outcome": "Added to Open Lead", "email": ("like", f"%.{SEED}.%@example.com")},
			pluck="sales_lead",
		)
		self.assertTrue(repeat, "a repeat request joins the open card")

	def assertSalesStates(self):
		cards = self.demo_cards()
		won = {c.payment_status for c in cards if c.stage_kind == "Won"}
		self.assertEqual(won, set(PAYMENT_STATES))
		self.assertIn("Lost", {c.stage_kind for c in cards})
		self.assertTrue({"OK", "Overdue", "Missing"} <= {c.next_step_status for c in cards})
		names = [c.name for c in cards]
		for doctype in ("Quotation", "Sales Order", "Sales Invoice", "Payment Entry"):
			self.assertTrue(frappe.db.exists(doctype, {"sales_lead": ("in", names), "docstatus": 1}), doctype)
		invoices = frappe.get_all("Sales Invoice", filters={"sales_lead": ("in", names)}, pluck="name")
		self.assertTrue(frappe.db.exists("GL Entry", {"voucher_no": ("in", invoices), "is_cancelled": 0}))
		follow_ups = frappe.get_all(
			"ToDo",
			filters={"crm_follow_up": 1, "status": "Open", "reference_name": ("in", names)},
			fields=["date", "crm_carried_over"],
		)
		today = getdate(nowdate())
		self.assertTrue(any(getdate(f.date) < today and not f.crm_carried_over for f in follow_ups))
		self.assertTrue(any(getdate(f.date) < today and f.crm_carried_over for f in follow_ups))
		self.assertTrue(any(getdate(f.date) >= today for f in follow_ups))
		self.assertTrue(
			frappe.db.exists("Interaction", {"reference_name": ("in", names), "interaction_type": "Visit"})
			or frappe.db.exists(
				"Interaction", {"reference_name": ("in", names), "interaction_type": "Meeting"}
			)
		)

	def assertPlansShow(self):
		"""Each rep has this month's plan, and the head of sales sees them all against the fact."""
		from frappe.desk.query_report import run

		month = frappe.utils.get_first_day(nowdate())
		for rep in REPS:
			self.assertTrue(
				frappe.db.exists(
					"Sales Plan", {"sales_rep": rep, "period_type": "Month", "period_start": month}
				)
			)
		frappe.set_user(HEAD_OF_SALES)
		try:
			rows = run("Plan vs Fact", {"date": nowdate(), "period_type": "Month"})["result"]
		finally:
			frappe.set_user("Administrator")
		shown = {row.get("sales_rep") for row in rows if isinstance(row, dict) and row.get("plan")}
		self.assertTrue(set(REPS) <= shown, shown)

	def assertOverdueWorkShows(self):
		"""The workspace's "Overdue Follow-ups" counts the follow-ups its user may read (their own):
		the rep README.md names and the head of sales both see overdue work, one of it carried over."""
		overdue = {"crm_follow_up": 1, "status": "Open", "crm_original_date": ("<", nowdate())}
		rep = LOGINS[0][1]
		for user in (rep, HEAD_OF_SALES):
			frappe.set_user(user)
			rows = frappe.get_list("ToDo", filters=overdue, fields=["allocated_to", "crm_carried_over"])
			frappe.set_user("Administrator")
			self.assertIn(user, {row.allocated_to for row in rows}, f"no overdue follow-up for {user}")
			if user == rep:
				self.assertTrue(any(row.crm_carried_over for row in rows), "no carried-over one")

	def assertSupplyStates(self, made_now: bool):
		statuses = set(
			frappe.get_all(
				"Supplier Qualification",
				filters={"supplier": ("in", [s.name for s in SUPPLIERS])},
				pluck="status",
			)
		)
		registration = frappe.db.get_value(
			"Supplier Qualification", {"registration_user": REGISTRANT[0]}, "status"
		)
		self.assertEqual(statuses | {registration}, QUALIFICATION_STATES)
		decided = frappe.get_all(
			"Supplier Qualification",
			filters={
				"status": ("in", ("Qualified", "Rejected")),
				"supplier": ("in", [s.name for s in SUPPLIERS]),
			},
			fields=["owner", "reviewed_by", "approved_by"],
		)
		for row in decided:  # four eyes: reviewed by the buyer, decided by another manager
			self.assertEqual((row.reviewed_by, row.approved_by), (BUYER, PROCUREMENT_MANAGER))
		for supplier in SUPPLIERS:
			users = frappe.get_all(
				"Portal User", filters={"parenttype": "Supplier", "parent": supplier.name}, pluck="user"
			)
			self.assertIn(supplier.user, users)
			self.assertIn("Supplier", frappe.get_roles(supplier.user))
		# the first supplier's master user invited a colleague (a portal user of the same supplier)
		first = SUPPLIERS[0]
		self.assertEqual(frappe.db.get_value("Supplier", first.name, "crm_master_user"), first.user)
		self.assertEqual(suppliers_of_user(COLLEAGUE[0]), [first.name])
		self.assertTrue(frappe.db.exists("Supplier User Log", {"supplier": first.name, "user": COLLEAGUE[0]}))

		sealed = frappe.get_doc("Tender", {"title": SEALED})
		self.assertEqual((sealed.status, sealed.mode), ("Published", "Sealed Bid"))
		bids = Counter(frappe.get_all("Tender Bid", filters={"tender": sealed.name}, pluck="status"))
		self.assertGreaterEqual(bids["Submitted"], 2)
		self.assertIsNone(sealed.opened_on)

		awarded = frappe.get_doc("Tender", {"title": AWARDED})
		self.assertEqual(awarded.status, "Awarded")
		orders = frappe.get_all(
			"Purchase Order", filters={"tender": awarded.name, "docstatus": 1}, pluck="name"
		)
		self.assertGreaterEqual(len(orders), 1)
		self.assertTrue(frappe.db.exists("Purchase Receipt Item", {"purchase_order": ("in", orders)}))
		self.assertTrue(frappe.db.exists("Purchase Invoice", {"tender": awarded.name, "docstatus": 1}))
		self.assertGreater(awarded.paid_amount, 0)
		if made_now:  # (a site may keep the tender of an older demo)
			self.assertGreater(awarded.savings, 0)
			self.assertEqual(len(orders), 2)

		auction = frappe.get_doc("Tender", {"title": AUCTION})
		self.assertEqual((auction.status, auction.mode), ("Published", "Reverse Auction"))
		offers = frappe.db.count("Tender Log", {"tender": auction.name, "event": "Auction Offer"})
		self.assertGreaterEqual(offers, 3)
		lots = frappe.get_doc("Tender", {"title": LOTS})
		self.assertEqual((lots.status, lots.auction_scope), ("Published", "Per Line"))
		self.assertGreaterEqual(
			frappe.db.count("Tender Log", {"tender": lots.name, "event": "Line Offer"}), 6
		)
		self.assertTrue(tender_log.verify(lots.name)["ok"])

	def assertLogins(self):
		for user in (*REPS, HEAD_OF_SALES, BUYER, PROCUREMENT_MANAGER, ACCOUNTANT, SUPPLIERS[0].user):
			self.assertEqual(check_password(user, DEMO_PASSWORD), user)
