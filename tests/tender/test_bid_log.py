"""Tier 1: the status the tender log gives each bid."""

from crm_ext.logic.tender.bid_log import logged_status


def entry(event, bid="", payload=None):
	return {"event": event, "bid": bid, "payload": payload or {}}


LOG = [
	entry("Published"),
	entry("Bid Submitted", "B1"),
	entry("Bid Submitted", "B2"),
	entry("Bid Submitted", "B3"),
	entry("Bid Revised", "B1"),
	entry("Bid Withdrawn", "B3"),
	entry("Opened"),
	entry("Awarded", payload={"winners": ["S1"], "purchase_orders": ["PO-1"]}),
]


def test_each_bid_ends_where_the_log_says():
	assert logged_status(LOG, "B1", "S1") == "Awarded"
	assert logged_status(LOG, "B2", "S2") == "Not Awarded"
	assert logged_status(LOG, "B3", "S3") == "Withdrawn"
	assert logged_status(LOG, "B4", "S4") == "Saved"  # never submitted


def test_before_the_award_submitted_and_withdrawn_bids():
	assert logged_status(LOG[:5], "B1", "S1") == "Submitted"
	assert logged_status(LOG[:5], "B3", "S3") == "Submitted"
	assert logged_status(LOG[:6], "B3", "S3") == "Withdrawn"
	resubmitted = [*LOG[:6], entry("Bid Revised", "B3")]
	assert logged_status(resubmitted, "B3", "S3") == "Submitted"


def test_auction_offers_count_as_submissions():
	log = [entry("Bid Submitted", "B1"), entry("Auction Offer", "B1"), entry("Auction Offer", "B1")]
	assert logged_status(log, "B1", "S1") == "Submitted"
