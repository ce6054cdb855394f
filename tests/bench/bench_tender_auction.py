"""Benchmark (not a test): a reverse auction with N suppliers posting offers concurrently.

Runs against a real site (each thread has its own Frappe context and database connection, as
concurrent web requests do):

    cd /root/frappe-bench/sites
    PYTHONPATH=/work/wt-7 ../env/bin/python /work/wt-7/tests/bench/bench_tender_auction.py wt7.localhost [50] [5]

Every supplier submits an initial bid, then tries to beat the best price it sees
(``get_auction_status`` with "show the best price") a few times. Refused offers (someone else
was faster) are retried with the new best. At the end it checks that no accepted offer was lost or
reordered: the log holds exactly the accepted offers, its chain verifies, and every accepted offer
beat the best before it by the minimum step. Prints throughput. Leaves its data on the site.
"""

import itertools
import sys
import threading
import time

import frappe

SITE = sys.argv[1] if len(sys.argv) > 1 else "wt7.localhost"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 50
OFFERS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
STEP = 1.0


def setup() -> tuple[str, list[tuple[str, str]]]:
	from unittest.mock import patch

	from frappe.utils import add_to_date, now_datetime

	from crm_ext.supply import tenders

	frappe.set_user("Administrator")
	run = frappe.generate_hash(length=6)
	if not frappe.db.exists("Item", "_Bench Auction Item"):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": "_Bench Auction Item",
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert()
	users = []
	suppliers = []
	for i in range(N):
		email = f"bench-auction-{i}@example.com"
		if not frappe.db.exists("User", email):
			frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": f"bench{i}",
					"user_type": "Website User",
					"send_welcome_email": 0,
					"roles": [{"role": "Supplier"}],
				}
			).insert()
		name = f"_Bench Auction Supplier {run} {i}"
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": name,
				"supplier_group": "All Supplier Groups",
				"portal_users": [{"user": email}],
			}
		).insert()
		users.append(email)
		suppliers.append(name)
	frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", "Off")
	tender = frappe.get_doc(
		{
			"doctype": "Tender",
			"title": f"Bench auction {run}",
			"company": frappe.db.get_value("Company", {}, "name"),
			"mode": "Reverse Auction",
			"opening_date": add_to_date(now_datetime(), minutes=-1),
			"deadline": add_to_date(now_datetime(), hours=2),
			"incoterm": "DAP",
			"delivery_location": "Bench",
			"currencies": [{"currency": frappe.db.get_value("Company", {}, "default_currency")}],
			"items": [{"item_code": "_Bench Auction Item", "qty": 1, "uom": "Nos"}],
			"suppliers": [{"supplier": s} for s in suppliers],
			"min_step": STEP,
			"show_best_price": 1,
			"sniping_window_minutes": 0,
			"extension_minutes": 0,
		}
	).insert()
	with patch.object(tenders.frappe, "sendmail"):
		tenders.publish(tender.name)
	frappe.db.commit()
	return tender.name, list(zip(users, suppliers, strict=True))


def bidder(tender: str, user: str, supplier: str, stats: dict, lock: threading.Lock) -> None:
	from crm_ext.supply import tender_auction, tender_portal

	frappe.init(site=SITE, sites_path=".")
	frappe.connect()
	frappe.set_user(user)
	accepted = refused = 0
	try:
		name = tender_portal.get_or_create_bid(tender, supplier)
		frappe.db.commit()
		bid = frappe.get_doc("Tender Bid", name)
		row = bid.items[0].name
		posted = 0
		first = True
		while posted < OFFERS + 1:
			best = tender_auction.get_auction_status(tender).get("best") or 100000.0
			total = best - STEP - (hash((user, posted)) % 5)
			try:
				if first:
					tender_portal.save_bid(
						name, {"lines": {row: {"unit_price": total, "qty": 1, "delivery_days": 1}}}, submit=1
					)
					first = False
				else:
					tender_portal.post_offer(name, total)
				frappe.db.commit()
				accepted += 1
				posted += 1
			except (frappe.ValidationError, frappe.QueryDeadlockError):
				frappe.db.rollback()
				frappe.clear_messages()
				refused += 1
	finally:
		with lock:
			stats["accepted"] += accepted
			stats["refused"] += refused
		frappe.destroy()


def main():
	frappe.init(site=SITE, sites_path=".")
	frappe.connect()
	tender, users = setup()
	stats = {"accepted": 0, "refused": 0}
	lock = threading.Lock()
	threads = [threading.Thread(target=bidder, args=(tender, u, s, stats, lock)) for u, s in users]
	started = time.perf_counter()
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	elapsed = time.perf_counter() - started

	from crm_ext.supply import tender_log

	frappe.db.rollback()  # a fresh snapshot of what the threads committed
	entries = tender_log.stored_entries(tender)
	offers = [e for e in entries if e["event"] in ("Bid Submitted", "Auction Offer")]
	totals = [float(e["payload"]["total"]) for e in offers]
	in_order = all(b <= a - STEP + 1e-9 for a, b in itertools.pairwise(totals))
	seqs = [e["seq"] for e in entries]
	result = tender_log.verify(tender)
	print(f"tender {tender}: {N} suppliers x {OFFERS + 1} offers each, in {elapsed:.2f} s")
	print(
		f"  accepted offers: {stats['accepted']}, logged offers: {len(offers)} (lost: {stats['accepted'] - len(offers)})"
	)
	print(f"  refused (beaten meanwhile or deadlock, retried): {stats['refused']}")
	print(
		f"  throughput: {stats['accepted'] / elapsed:.1f} accepted offers/s, {(stats['accepted'] + stats['refused']) / elapsed:.1f} attempts/s"
	)
	print(
		f"  log sequence gap-free: {seqs == list(range(1, len(seqs) + 1))}; each offer beat the previous best by the step: {in_order}"
	)
	print(f"  log verifies: {result['ok']} ({result['message']})")
	frappe.destroy()


if __name__ == "__main__":
	main()
