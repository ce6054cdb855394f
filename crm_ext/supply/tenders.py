"""Tenders on Frappe documents: build the pure model, publish, extend, open, evaluate, award.

The rules live in ``crm_ext.logic.tender``; this module gathers values from the Tender and its
bids, calls the rules, and writes the results (status, log entries, evaluation and award tables,
Purchase Orders, e-mails). Every action is a whitelisted function taking the tender's name that
names the right it needs at its top (``crm_ext.supply.access.require_*``: procurement, and after
the opening for anything showing prices); the actions that change state take POST only.
"""

from collections.abc import Callable
from datetime import datetime

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.translate import print_language
from frappe.utils import add_days, cint, flt, get_datetime, getdate, now_datetime, nowdate

from crm_ext.logic import eligibility as eligibility_rules
from crm_ext.logic.tender import bid_rules, line_auction
from crm_ext.logic.tender.amounts import to_decimal
from crm_ext.logic.tender.award import (
	LineAward,
	award_per_line,
	award_whole_tender,
	cell_award,
	first_round_prices,
	savings,
)
from crm_ext.logic.tender.comparison import ComparisonMatrix, build_matrix
from crm_ext.logic.tender.currency import ExchangeRates
from crm_ext.logic.tender.errors import TenderError
from crm_ext.logic.tender.evaluated_price import CostAdder, EvaluationBasis
from crm_ext.logic.tender.model import Bid, BidLine, Question, Tender, TenderLine
from crm_ext.logic.tender.scoring import Weights, check_qualification, weighted_scores
from crm_ext.supply import (
	tender_agreements,
	tender_comparison,
	tender_log,
	tender_ranking,
	tender_requests,
	tender_tables,
)
from crm_ext.supply import tender_notifications as notices
from crm_ext.supply.access import buyer_may_see, forbid, is_internal, require_opened, require_tender
from crm_ext.supply.eligibility import (
	enforce,
	is_supplier_qualified,
	supplier_eligibility,
	tender_line_standings,
)
from crm_ext.supply.formatting import format_deadline
from crm_ext.utils import throw
from crm_ext.utils.documents import as_procedure

DRAFT, PUBLISHED, CLOSED, EVALUATED, AWARDED, CANCELLED = (
	"Draft",
	"Published",
	"Closed",
	"Evaluated",
	"Awarded",
	"Cancelled",
)
AUCTION = "Reverse Auction"
LIVE_BID = tender_comparison.LIVE_BID


# --- the pure model -----------------------------------------------------------------------------


def item_groups(tender) -> list[str]:
	return sorted({row.item_group for row in tender.items if row.item_group})


def qualified_for(tender, supplier: str, on_date=None) -> bool:
	"""Qualified (issue 6) for every item group of the tender's lines on ``on_date``."""
	groups = item_groups(tender)
	return bool(groups) and all(is_supplier_qualified(supplier, group, on_date) for group in groups)


def tender_model(tender, qualified: set[str] | frozenset[str] = frozenset()) -> Tender:
	return Tender(
		status=tender.status if tender.status != CLOSED else CLOSED,
		deadline=get_datetime(tender.deadline) if tender.deadline else datetime.min,
		currencies={row.currency for row in tender.currencies},
		incoterm=tender.incoterm or "",
		delivery_location=tender.delivery_location or "",
		lines=[
			TenderLine(row.name, flt(row.qty), row.item_code or "", flt(row.budget_unit_price))
			for row in tender.items
		],
		questions=[Question(row.name, bool(row.mandatory), row.question or "") for row in tender.questions],
		invited_suppliers={row.supplier for row in tender.suppliers},
		open_to_qualified=bool(tender.open_to_qualified),
		qualified_suppliers=qualified,
		allowed_incoterms={row.incoterm for row in tender.other_incoterms},
		allow_excess_qty=bool(tender.allow_excess_qty),
		allow_alternatives=bool(tender.allow_alternatives),
	)


def bid_model(bid) -> Bid:
	return Bid(
		supplier=bid.supplier or "",
		currency=bid.currency or "",
		lines=[
			BidLine(
				row.tender_item or "",
				flt(row.unit_price),
				flt(row.qty),
				cint(row.delivery_days) if row.delivery_days is not None else None,
				row.alternative_item or "",
				row.alternative_description or "",
			)
			for row in bid.items
		],
		answers={row.question_id: row.answer or "" for row in bid.answers},
		incoterm=bid.incoterm or "",
		incoterm_location=bid.incoterm_location or "",
		credit_days=cint(bid.credit_days),
		submitted_at=get_datetime(bid.submitted_on) if bid.submitted_on else None,
	)


def may_bid(tender, supplier: str) -> bool:
	"""Invited, or the tender is open to qualified suppliers and this one is."""
	if supplier in {row.supplier for row in tender.suppliers}:
		return True
	return bool(tender.open_to_qualified) and qualified_for(tender, supplier)


def is_opened(tender) -> bool:
	return bool(tender.opened_on)


def bid_count(tender_name: str) -> int:
	"""Submitted bids: all the buyer may know of a sealed tender before its opening."""
	return frappe.db.count("Tender Bid", {"tender": tender_name, "status": ("in", LIVE_BID)})


# --- checks and actions --------------------------------------------------------------------------


def require_status(tender, *statuses: str) -> None:
	if tender.status not in statuses:
		frappe.throw(
			_("Tender {0} is {1}: this needs it to be {2}.").format(
				tender.name, _(tender.status), " / ".join(_(s) for s in statuses)
			),
			title=_("Wrong Status"),
		)


@frappe.whitelist(methods=["POST"])
def publish(name: str) -> str:
	"""Draft -> Published: check the tender, the invited suppliers' eligibility; notify them.
	Right: an internal buyer with write on the tender."""
	tender = require_tender(name)
	require_status(tender, DRAFT)
	now = now_datetime()
	try:
		bid_rules.validate_tender(tender_model(tender), now)
	except TenderError as e:
		throw(e, tender, title=_("Cannot Publish"))
	check_invited_eligibility(tender)
	if tender.has_framework_lines():
		tender_agreements.check_agreement_validity(tender)
	# the procedure starts from a clean record: nothing opened, evaluated or awarded yet
	tender.update({"status": PUBLISHED, "opened_on": None, "opened_by": None, "exchange_rate_date": None})
	tender.set("evaluations", [])
	tender.set("awards", [])
	as_procedure(tender)
	tender.save()
	recipients = suppliers_to_notify(tender)
	tender_log.append(
		tender.name,
		"Published",
		{
			"deadline": get_datetime(tender.deadline),
			"mode": tender.mode,
			"invited": sorted(row.supplier for row in tender.suppliers),
			"open_to_qualified": cint(tender.open_to_qualified),
			"lines": [
				[row.name, row.item_code or row.description or "", flt(row.qty, 9)] for row in tender.items
			],
		},
	)
	rows = [
		notify_supplier(
			supplier,
			lambda: _("Invitation to tender: {0}").format(tender.title),
			lambda: _(
				"You are invited to bid on tender {0} ({1}). Bids are accepted until {2}. "
				"Open it on the supplier portal: {3}"
			).format(
				tender.name,
				tender.title,
				format_deadline(tender.deadline, local=False),
				portal_url(tender.name),
			),
			tender,
			notices.INVITATION,
		)
		for supplier in recipients
	]
	notices.report(
		rows,
		_(
			"Tender {0} is published and open for bids until {1}. Suppliers with a portal login see it at once on the portal: {2}"
		).format(tender.name, format_deadline(tender.deadline), portal_url(tender.name)),
	)
	return tender.status


def check_invited_eligibility(tender) -> None:
	"""Invited suppliers go through the one eligibility answer (Off / Warn / Block in settings)."""
	groups = item_groups(tender)
	for row in tender.suppliers:
		answer = supplier_eligibility(row.supplier, groups, nowdate(), eligibility_rules.TENDER)
		enforce(answer, title=_("Supplier {0} Not Eligible").format(row.supplier))


def suppliers_to_notify(tender) -> list[str]:
	"""Invited suppliers, and (open tender) every supplier qualified for all its item groups."""
	suppliers = [row.supplier for row in tender.suppliers]
	if tender.open_to_qualified:
		candidates = frappe.get_all(
			"Supplier Qualification",
			filters={"docstatus": 1, "status": "Qualified", "supplier": ("is", "set")},
			pluck="supplier",
			distinct=True,
		)
		suppliers += [s for s in sorted(set(candidates)) if s not in suppliers and qualified_for(tender, s)]
	return list(dict.fromkeys(suppliers))


def notify_supplier(supplier: str, subject: Callable[[], str], message: Callable[[], str], tender, kind: str):
	"""Queue an e-mail to the supplier (sent by the scheduler, never inside the request), or keep it
	on the tender until it can be sent (``crm_ext.supply.tender_notifications``). Returns its row.
	``subject`` and ``message`` are written in the supplier's language, not the buyer's."""
	with print_language(notices.supplier_language(supplier)):
		subject_text, message_text = subject(), message()
	return notices.notify(tender, supplier, kind, subject_text, message_text)


def portal_url(name: str) -> str:
	return frappe.utils.get_url(f"/tenders/{name}")


@frappe.whitelist(methods=["POST"])
def extend_deadline(name: str, new_deadline: str) -> str:
	"""Move the deadline later, only while it has not passed; logged and notified.
	Right: an internal buyer with write on the tender."""
	tender = require_tender(name)
	require_status(tender, PUBLISHED)
	tender_log.lock_tender(tender.name)
	old, new = get_datetime(tender.deadline), parse_datetime(new_deadline, _("New Deadline"))
	try:
		bid_rules.check_deadline_extension(old, new, now_datetime())
	except TenderError as e:
		throw(e, tender, title=_("Cannot Extend"))
	set_deadline(tender, new, "Deadline Extended")
	rows = [
		notify_supplier(
			supplier,
			lambda: _("Tender {0}: deadline extended").format(tender.title),
			lambda: _("The deadline of tender {0} ({1}) moved from {2} to {3}.").format(
				tender.name,
				tender.title,
				format_deadline(old, local=False),
				format_deadline(new, local=False),
			),
			tender,
			notices.DEADLINE_EXTENDED,
		)
		for supplier in suppliers_to_notify(tender)
	]
	notices.report(rows, _("The deadline is now {0}.").format(format_deadline(new)))
	return str(new)


def set_deadline(tender, new: datetime, event: str) -> None:
	old = get_datetime(tender.deadline)
	frappe.db.set_value("Tender", tender.name, "deadline", new)
	tender.deadline = new
	tender_log.append(tender.name, event, {"from": old, "to": new})


@frappe.whitelist(methods=["POST"])
def open_bids(name: str) -> dict:
	"""The formal opening: after the deadline, a named user opens the bids (logged).
	Right: an internal buyer with write on the tender."""
	tender = require_tender(name)
	require_status(tender, PUBLISHED, CLOSED)
	now = now_datetime()
	if now < get_datetime(tender.deadline):
		frappe.throw(
			_("The bids can be opened only after the deadline ({0}).").format(tender.deadline),
			title=_("Too Early"),
		)
	if is_opened(tender):
		frappe.throw(
			_("The bids were already opened by {0} on {1}.").format(tender.opened_by, tender.opened_on)
		)
	bids = frappe.get_all(
		"Tender Bid",
		filters={"tender": name, "status": ("in", LIVE_BID)},
		fields=["name", "supplier", "bid_digest"],
		order_by="name",
	)
	tender_log.append(
		name,
		"Opened",
		{"bids": [[b.name, b.supplier, b.bid_digest or ""] for b in bids], "opened_at": now},
	)
	frappe.db.set_value(
		"Tender", name, {"status": CLOSED, "opened_by": frappe.session.user, "opened_on": now}
	)
	if bids:
		frappe.enqueue(warm_ranking, queue="short", enqueue_after_commit=True, name=name)
	return {"bids": len(bids), "opened_by": frappe.session.user, "opened_on": str(now)}


def warm_ranking(name: str) -> None:
	"""Job queued by the opening: the ranking computed into the cache (``tender_ranking``), so that
	the buyer's first comparison and print read it. Nothing runs before the opening; a tender the
	ranking cannot be computed for (a missing exchange rate) is left to the buyer's own call, which
	says why."""
	tender = frappe.get_doc("Tender", name)
	if not is_opened(tender) or now_datetime() < get_datetime(tender.deadline):
		return
	try:
		ranked_comparison(tender)
	except frappe.ValidationError:
		frappe.clear_messages()


def close_expired() -> None:
	"""Scheduler: Published tenders whose deadline passed become Closed (awaiting the opening)."""
	for name in frappe.get_all(
		"Tender", filters={"status": PUBLISHED, "deadline": ("<=", now_datetime())}, pluck="name"
	):
		frappe.db.set_value("Tender", name, "status", CLOSED)


@frappe.whitelist(methods=["POST"])
def cancel(name: str, reason: str = "") -> str:
	"""Right: an internal buyer with write on the tender."""
	tender = require_tender(name)
	require_status(tender, DRAFT, PUBLISHED, CLOSED, EVALUATED)
	frappe.db.set_value("Tender", name, "status", CANCELLED)
	tender_requests.release(name)
	tender_log.append(name, "Cancelled", {"reason": reason or ""})
	return CANCELLED


@frappe.whitelist()
def verify_log(name: str) -> dict:
	"""Re-compute the hash chain; report the first broken entry. Right: an internal buyer."""
	require_tender(name, "read")
	return tender_log.verify(name)


@frappe.whitelist()
def get_bid_count(name: str) -> int:
	"""Right: an internal buyer (suppliers never learn how many compete)."""
	require_tender(name, "read")
	return bid_count(name)


# --- evaluation ----------------------------------------------------------------------------------


def company_currency(tender) -> str:
	return frappe.get_cached_value("Company", tender.company, "default_currency")


def exchange_rates(tender, currencies: set[str]) -> ExchangeRates:
	"""ERPNext Currency Exchange rates (for buying) on the deadline date, to company currency."""
	from erpnext.setup.utils import get_exchange_rate

	target = company_currency(tender)
	on = getdate(tender.deadline)
	rates = {}
	for currency in sorted(currencies - {target}):
		rate = flt(get_exchange_rate(currency, target, on, "for_buying"))
		if rate <= 0:
			frappe.throw(
				_(
					"There is no exchange rate from {0} to {1} on {2}: add a Currency Exchange record and evaluate again."
				).format(currency, target, on),
				title=_("Missing Exchange Rate"),
			)
		rates[currency] = rate
	return ExchangeRates(target, rates)


def evaluation_basis(tender, bids) -> EvaluationBasis:
	try:
		return EvaluationBasis(
			rates=exchange_rates(tender, {b.currency for b in bids}),
			incoterm_adders={
				row.incoterm: CostAdder(flt(row.freight_percent), flt(row.insurance_percent))
				for row in tender.other_incoterms
			},
			annual_interest_percent=flt(tender.annual_interest_percent),
		)
	except TenderError as e:
		throw(e, tender)


def weights(tender) -> Weights:
	try:
		return Weights(
			flt(tender.weight_price), flt(tender.weight_delivery), flt(tender.weight_qualification)
		)
	except TenderError as e:
		throw(e, tender)


def comparison(tender, qualifications: bool = True):
	"""(matrix, bids, basis, qualification scores) of the tender's live bids, loaded in set
	queries (``crm_ext.supply.tender_comparison``); the scores only when ``qualifications``."""
	bids = tender_comparison.live_bids(tender.name)
	if not bids:
		frappe.throw(
			_("Tender {0} has no submitted bid to evaluate.").format(tender.name), title=_("No Bids")
		)
	basis = evaluation_basis(tender, bids)
	models = tender_comparison.bid_models(tender.name, bids)
	try:
		matrix = build_matrix(tender_model(tender), models, basis)
	except TenderError as e:
		throw(e, tender)
	del models  # the matrix holds what is needed of the lines
	quals = (
		tender_comparison.qualification_scores([b.supplier for b in bids], tender.deadline)
		if qualifications
		else {}
	)
	return matrix, bids, basis, quals


def require_ended(tender) -> None:
	"""An auction is compared and evaluated once it ended (its bids are visible while it runs)."""
	if now_datetime() < get_datetime(tender.deadline):
		frappe.throw(
			_("The tender is still running until {0}.").format(tender.deadline), title=_("Too Early")
		)


@frappe.whitelist(methods=["POST"])
def evaluate(name: str) -> dict:
	"""Fill the evaluated bids (evaluated total, score, rank) and the proposed award; -> Evaluated.
	Right: an internal buyer with write on the tender, after the opening."""
	tender = require_tender(name)
	require_opened(tender)
	require_status(tender, CLOSED, EVALUATED)
	require_ended(tender)
	matrix, bids, basis, quals = comparison(tender)
	set_evaluations(tender, matrix, bids, basis, quals)
	set_awards(tender, matrix, bids, quals)
	del matrix
	# every value of the rows written here (bids, suppliers, currencies, items) was just read from
	# the database: the tables are written in bulk, not by a save of the whole tender
	tender_tables.replace_tables(
		tender,
		("evaluations", "awards"),
		{"status": EVALUATED, "exchange_rate_date": getdate(tender.deadline)},
	)
	tender_log.append(
		name,
		"Evaluated",
		{
			"method": tender.award_method,
			"ranking": [
				[row.supplier, row.rank, format(flt(row.score, 6), "f")] for row in tender.evaluations
			],
		},
	)
	return {"evaluations": len(tender.evaluations), "awards": len(tender.awards)}


def set_evaluations(tender, matrix, bids, basis, quals) -> None:
	# each of these walks every line of a bid: once per bid (200 bids x 500 lines)
	totals = {b.supplier: matrix.evaluated_total(b.supplier) for b in bids}
	complete = {b.supplier: matrix.is_complete(b.supplier) for b in bids}
	slowest = {b.supplier: matrix.max_delivery_days(b.supplier) or 0 for b in bids}
	ranked_bids = [b.supplier for b in bids if complete[b.supplier]]
	scores = dict(
		zip(
			ranked_bids,
			weighted_scores(
				[totals[s] for s in ranked_bids],
				[slowest[s] for s in ranked_bids],
				[check_qualification(quals[s]) for s in ranked_bids],
				weights(tender),
			)
			if ranked_bids
			else [],
			strict=True,
		)
	)
	ranked = sorted(scores, key=lambda s: (-scores[s].total, totals[s], matrix.tie_key(s)))
	rank = {supplier: position for position, supplier in enumerate(ranked, 1)}
	tender.set("evaluations", [])
	for bid in bids:
		score = scores.get(bid.supplier)
		tender.append(
			"evaluations",
			{
				"bid": bid.name,
				"supplier": bid.supplier,
				"currency": bid.currency,
				"exchange_rate": float(basis.rates.rate(bid.currency)),
				"bid_total": flt(bid.total),
				"evaluated_total": flt(totals[bid.supplier], 2),
				"complete": int(complete[bid.supplier]),
				"max_delivery_days": slowest[bid.supplier],
				"qualification_score": flt(quals[bid.supplier]),
				"score": flt(score.total, 4) if score else 0,
				"rank": rank[bid.supplier] if score else 0,
			},
		)


def line_awards(tender, matrix, quals) -> dict:
	"""The award of each line among the suppliers eligible for it (``crm_ext.logic.tender.award``);
	tells the buyer once which offers were left out and why."""
	standings, notes = tender_line_standings(tender, list(matrix.suppliers))
	show_award_notes(tender, matrix, notes)
	if tender.award_method == "Whole Tender":
		whole = award_whole_tender(matrix, weights(tender), quals, "best_score", standings)
		if whole is None:
			frappe.throw(
				_(
					"No bid from a supplier eligible for every line offers every line for the requested quantity: award per line instead."
				),
				title=_("No Complete Bid"),
			)
		return dict(whole.lines)
	return award_per_line(matrix, weights(tender), quals, standings)


def show_award_notes(tender, matrix, notes: list[tuple[str, str, str]]) -> None:
	"""One message listing the offers the award rules set aside (only offers, not silent bidders)."""
	rows = {row.name: row for row in tender.items}
	lines = [
		_("Line {0} ({1}): {2}").format(
			rows[line_id].idx, rows[line_id].item_code or rows[line_id].description or "", reason
		)
		for line_id, supplier, reason in notes
		if matrix.cell(line_id, supplier).offered
	]
	if lines:
		frappe.msgprint(
			_(
				"Offers from suppliers not eligible for a line do not compete for it; a supplier not qualified for the line's category gets it only when no qualified supplier offered it."
			)
			+ "<ul>"
			+ "".join(f"<li>{frappe.utils.escape_html(line)}</li>" for line in lines)
			+ "</ul>",
			title=_("Award Rules"),
			indicator="orange",
		)


def set_awards(tender, matrix, bids, quals) -> None:
	by_supplier = {b.supplier: b for b in bids}
	rows = {row.name: row for row in tender.items}
	tender.set("awards", [])
	for line_id, award in line_awards(tender, matrix, quals).items():
		if award is not None:
			tender.append("awards", award_values(rows[line_id], award, by_supplier[award.supplier].name))


def award_values(line, award: LineAward, bid: str) -> dict:
	"""The award table's row of tender line ``line`` awarded as ``award`` (the supplier's bid ``bid``)."""
	return {
		"tender_item": line.name,
		"item_code": award.alternative_item or line.item_code,
		"description": award.alternative_description or line.description or line.item_name,
		"supplier": award.supplier,
		"bid": bid,
		"qty": flt(award.qty),
		"requested_qty": flt(award.requested_qty),
		"currency": award.currency,
		"unit_price": flt(award.unit_price, 9),
		"converted_unit_price": flt(award.converted_unit_price, 9),
	}


@frappe.whitelist(methods=["POST"])
def override_award(name: str, line: str, supplier: str, reason: str = "") -> dict:
	"""Award line ``line`` of an evaluated tender to ``supplier`` at its offer instead of the
	proposed supplier, for a mandatory ``reason`` (logged, printed on the Bid Comparison). Refused
	for a supplier without a live offer on the line or not eligible for the line's category.
	Right: an internal buyer with write on the tender, after the opening."""
	tender = require_tender(name)
	require_opened(tender)
	tender_log.lock_tender(tender.name)
	tender = frappe.get_doc("Tender", name)  # as the last award action committed it
	require_status(tender, EVALUATED)
	line_row = (
		next((row for row in tender.items if row.name == line), None) if isinstance(line, str) else None
	)
	if line_row is None:
		frappe.throw(_("Line: {0} is not a line of tender {1}.").format(line, name), title=_("Invalid Value"))
	current = next((row for row in tender.awards if row.tender_item == line), None)
	proposed = current.supplier if current else None
	matrix, bids, _basis, _quals = comparison(tender, qualifications=False)
	offered = [cell.supplier for cell in matrix.offered_cells(line)]
	standings, _notes = tender_line_standings(tender, offered) if offered else ({line: {}}, [])
	try:
		text = line_auction.check_override(
			reason, supplier, proposed, offered, [s for s in offered if s in standings[line]]
		)
	except TenderError as e:
		throw(e, None, title=_("Award Not Changed"))
	bid = next(b.name for b in bids if b.supplier == supplier)
	values = award_values(line_row, cell_award(matrix, matrix.cell(line, supplier)), bid)
	values.update(
		proposed_supplier=(current.proposed_supplier or proposed) if current else None,
		override_reason=text,
		overridden_by=frappe.session.user,
	)
	if current:
		current.update(values)
	else:
		tender.append("awards", values)
	tender.awards.sort(key=lambda row: line_order(tender, row.tender_item))
	for idx, row in enumerate(tender.awards, start=1):
		row.idx = idx
	as_procedure(tender)
	tender.flags.ignore_links = True
	tender.save()
	tender_log.append(
		name,
		"Award Overridden",
		{"line": line, "from": proposed or "", "to": supplier, "reason": text},
		supplier=supplier,
		bid=bid,
	)
	return {"line": line, "supplier": supplier, "proposed_supplier": values["proposed_supplier"]}


def line_order(tender, line: str) -> int:
	return next((row.idx for row in tender.items if row.name == line), 0)


@frappe.whitelist()
def get_comparison(name: str, start: int = 0, page_length: int = tender_comparison.PAGE_LENGTH) -> dict:
	"""What the desk shows of the comparison: a page of lines x suppliers (best per line,
	not-offered marked), every supplier's evaluated total and the best supplier of every line.
	Right: an internal buyer, after the opening."""
	tender = require_tender(name, "read")
	require_opened(tender)
	require_ended(tender)
	start, page_length = tender_comparison.page_bounds(start, page_length, len(tender.items))
	source, bids, basis, model = ranked_comparison(tender)
	if isinstance(source, ComparisonMatrix):
		page = source
	else:
		try:
			page = tender_ranking.page_matrix(
				tender.name, model, bids, basis, source.line_ids[start : start + page_length]
			)
		except TenderError as e:
			throw(e, tender)
	return tender_comparison.desk_page(tender, source, page, start, page_length)


def ranked_comparison(tender):
	"""(ranking, bids, basis, model): each line's best offers (as many as the print shows) and
	each bid's figures computed by the database (``crm_ext.supply.tender_ranking``), cached once
	the bids are open; the whole matrix in place of the ranking for a bid with two rows for one
	line. Only after the caller's checks that the user may see the bids."""
	bids = tender_comparison.live_bids(tender.name)
	if not bids:
		frappe.throw(
			_("Tender {0} has no submitted bid to evaluate.").format(tender.name), title=_("No Bids")
		)
	basis = evaluation_basis(tender, bids)
	model = tender_model(tender)
	try:
		source = tender_ranking.cached_ranking(tender, model, bids, basis, tender_comparison.PRINT_OFFERS)
	except TenderError as e:
		throw(e, tender)
	if source is None:
		source, _bids, _basis, _quals = comparison(tender, qualifications=False)
	return source, bids, basis, model


# --- award ---------------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def award(name: str) -> list[str]:
	"""Create one Purchase Order per winning supplier (and one Blanket Order per winner of lines
	awarded as framework agreements); record the bids as Supplier Quotations when the tender says
	so; mark and notify every bidder; -> Awarded.
	Right: an internal buyer with write on the tender and the right to create Purchase Orders (and
	Supplier Quotations when they are recorded)."""
	tender = require_tender(name)
	require_opened(tender)
	require_status(tender, EVALUATED)
	frappe.has_permission("Purchase Order", "create", throw=True)
	if tender.supplier_quotations:
		frappe.has_permission(
			"Supplier Quotation",
			"submit" if tender.supplier_quotations == "Submitted" else "create",
			throw=True,
		)
	if not tender.awards:
		frappe.throw(_("No line could be awarded: no bid offers any line."), title=_("Nothing to Award"))
	direct, framework = tender_agreements.framework_rows(tender)
	groups: dict[str, list] = {}
	for row in direct:
		groups.setdefault(row.supplier, []).append(row)
	orders = {supplier: make_purchase_order(tender, rows) for supplier, rows in groups.items()}
	agreements = tender_agreements.make_blanket_orders(tender, framework) if framework else {}
	for row in direct:
		row.purchase_order = orders[row.supplier]
	for row in framework:
		row.blanket_order = agreements[row.supplier]
	matrix, bids, basis, _quals = comparison(tender, qualifications=False)
	quotations = (
		tender_agreements.make_supplier_quotations(tender, bids, basis.rates)
		if tender.supplier_quotations
		else []
	)
	tender.savings = flt(compute_savings(tender, matrix, bids), tender.precision("savings"))
	tender.status = AWARDED
	as_procedure(tender)
	tender.save()
	mark_bids(tender, bids, set(orders) | set(agreements), set(agreements) - set(orders))
	# a framework line's Material Request lines stay with it: the orders against the agreement take them
	tender_requests.release_unordered(
		tender, list(orders.values()), keep_lines={row.tender_item for row in framework}
	)
	tender_log.append(
		name,
		"Awarded",
		{
			"purchase_orders": sorted(orders.values()),
			"blanket_orders": sorted(agreements.values()),
			"supplier_quotations": sorted(quotations),
			"winners": sorted(set(orders) | set(agreements)),
		},
	)
	update_totals(name)
	return sorted(orders.values()) + sorted(agreements.values())


def make_purchase_order(tender, rows) -> str:
	"""A draft Purchase Order for one supplier's awarded lines, at the awarded prices."""
	from erpnext.setup.utils import get_exchange_rate
	from erpnext.stock.get_item_details import get_conversion_factor

	items = {row.name: row for row in tender.items}
	currency = rows[0].currency
	first = rows[0]
	schedule = [getdate(items[r.tender_item].required_by or add_days(nowdate(), 1)) for r in rows]
	po = frappe.new_doc("Purchase Order")
	po.update(
		{
			"supplier": first.supplier,
			"company": tender.company,
			"transaction_date": nowdate(),
			"schedule_date": min(schedule),
			"currency": currency,
			"conversion_rate": flt(
				get_exchange_rate(currency, company_currency(tender), nowdate(), "for_buying")
			)
			or 1,
			"tender": tender.name,
		}
	)
	if frappe.db.exists("Incoterm", tender.incoterm):
		po.incoterm = tender.incoterm
		po.named_place = tender.delivery_location
	for row, schedule_date in zip(rows, schedule, strict=True):
		line = items[row.tender_item]
		if not row.item_code:
			frappe.throw(
				_(
					"Items row {0}: the line has no Item; set the Item on the tender line before the award creates the Purchase Order."
				).format(line.idx),
				title=_("Missing Item"),
			)
		stock_uom = frappe.get_cached_value("Item", row.item_code, "stock_uom")
		factor = (
			1
			if line.uom == stock_uom
			else get_conversion_factor(row.item_code, line.uom).get("conversion_factor")
		)
		# split across the line's Material Request lines (one row when it has none)
		for part in tender_requests.purchase_order_rows(tender, line, row.item_code, row.qty, factor or 1):
			po.append(
				"items",
				{
					"item_code": row.item_code,
					"description": row.description or line.description or line.item_name or row.item_code,
					"uom": line.uom,
					"conversion_factor": factor or 1,
					"rate": row.unit_price,
					"schedule_date": schedule_date,
					**part,
				},
			)
	po.insert()
	return po.name


def compute_savings(tender, matrix, bids) -> float:
	"""Savings of the award table against budget, or else the best first-round price."""
	first = (
		auction_first_round(tender, matrix, bids) if tender.mode == AUCTION else first_round_prices(matrix)
	)
	awards = []
	for row in tender.awards:
		cell = matrix.cell(row.tender_item, row.supplier)
		awards.append(
			LineAward(
				line_id=row.tender_item,
				supplier=row.supplier,
				qty=to_decimal(flt(row.qty)),
				requested_qty=to_decimal(flt(row.requested_qty)),
				currency=row.currency,
				unit_price=cell.unit_price,
				converted_unit_price=cell.converted_unit_price,
				evaluated_unit_price=cell.evaluated_unit_price,
				score=to_decimal(0),
			)
		)
	return float(savings(tender_model(tender).lines, awards, first).total)


def auction_first_round(tender, matrix, bids) -> dict:
	"""Lowest converted unit price per line in the suppliers' first offers.

	An auction offer scales the bid's line prices; the first offer's prices are the current ones
	times (first total / current total), both read from the log.
	"""
	if tender.auction_scope == "Per Line":
		return line_auction_first_round(tender, matrix)
	firsts: dict[str, float] = {}
	for entry in tender_log.stored_entries(tender.name):
		if entry["event"] in ("Bid Submitted", "Auction Offer") and isinstance(entry["payload"], dict):
			firsts.setdefault(entry["supplier"], flt(entry["payload"].get("total")))
	prices: dict = {}
	for bid in bids:
		factor = (firsts.get(bid.supplier) or flt(bid.total)) / flt(bid.total) if flt(bid.total) else 1
		for line_id in matrix.line_ids:
			cell = matrix.cell(line_id, bid.supplier)
			if cell.offered:
				price = cell.converted_unit_price * to_decimal(factor)
				prices[line_id] = min(prices.get(line_id, price), price)
	return prices


def line_auction_first_round(tender, matrix) -> dict:
	"""Per line auction: the lowest converted unit price per line among each supplier's first
	offer on it (the current converted price scaled by first / current price, from the log)."""
	firsts: dict[tuple[str, str], float] = {}
	for entry in tender_log.stored_entries(tender.name):
		if entry["event"] in ("Bid Submitted", "Line Offer") and isinstance(entry["payload"], dict):
			for line_id, price in (entry["payload"].get("lines") or {}).items():
				firsts.setdefault((entry["supplier"], line_id), flt(price))
	prices: dict = {}
	for line_id in matrix.line_ids:
		for cell in matrix.offered_cells(line_id):
			first = firsts.get((cell.supplier, line_id)) or float(cell.unit_price)
			price = cell.converted_unit_price * to_decimal(first) / cell.unit_price
			prices[line_id] = min(prices.get(line_id, price), price)
	return prices


def mark_bids(tender, bids, winners: set[str], agreement_only: frozenset | set = frozenset()) -> None:
	"""Awarded / Not Awarded, and each bidder told (``agreement_only``: winners of framework
	agreements alone, whose orders come later)."""
	rows = []
	for bid in bids:
		won = bid.supplier in winners
		frappe.db.set_value("Tender Bid", bid.name, "status", "Awarded" if won else "Not Awarded")
		rows.append(
			notify_supplier(
				bid.supplier,
				lambda: _("Tender {0}: result").format(tender.title),
				lambda bid=bid, won=won: result_message(won, bid.supplier in agreement_only).format(
					bid.name, tender.name, tender.title
				),
				tender,
				notices.RESULT,
			)
		)
	notices.report(rows, _("Tender {0} is awarded; the Purchase Orders are drafts.").format(tender.name))


def result_message(won: bool, agreement_only: bool) -> str:
	"""What a bidder is told of the award, in the language of the moment (the bidder's)."""
	if not won:
		return _("Your bid {0} on tender {1} ({2}) was not awarded. Thank you for bidding.")
	if agreement_only:
		return _(
			"Your bid {0} on tender {1} ({2}) was awarded as a framework agreement (Blanket Order): orders against it follow."
		)
	return _("Your bid {0} on tender {1} ({2}) was awarded. A purchase order follows.")


# --- follow-through: ordered / invoiced / paid from the ledger ---------------------------------


def update_totals(tender: str) -> None:
	"""Recompute ordered, invoiced and paid (company currency) from submitted documents."""
	if not tender or not frappe.db.exists("Tender", tender):
		return
	po = frappe.qb.DocType("Purchase Order")
	pi = frappe.qb.DocType("Purchase Invoice")
	ple = frappe.qb.DocType("Payment Ledger Entry")
	ordered = (
		frappe.qb.from_(po)
		.select(Sum(po.base_grand_total))
		.where((po.tender == tender) & (po.docstatus == 1))
		.run()[0][0]
	)
	invoices = (
		frappe.qb.from_(pi)
		.select(pi.name, pi.base_grand_total)
		.where((pi.tender == tender) & (pi.docstatus == 1))
		.run(as_dict=True)
	)
	invoiced = sum(flt(i.base_grand_total) for i in invoices)
	outstanding = 0.0
	if invoices:
		# Payable ledger entries are credit - debit: the invoice posts +amount, payments against it
		# -amount; cancelled pairs are delinked. Their sum is what is still owed.
		outstanding = flt(
			frappe.qb.from_(ple)
			.select(Sum(ple.amount))
			.where(
				(ple.against_voucher_type == "Purchase Invoice")
				& (ple.against_voucher_no.isin([i.name for i in invoices]))
				& (ple.delinked == 0)
			)
			.run()[0][0]
		)
	precision = frappe.get_meta("Tender").get_field("paid_amount").precision or 2
	frappe.db.set_value(
		"Tender",
		tender,
		{
			"ordered_amount": flt(ordered, cint(precision)),
			"invoiced_amount": flt(invoiced, cint(precision)),
			"paid_amount": flt(invoiced - outstanding, cint(precision)),
		},
		update_modified=False,
	)


def on_purchase_document(doc, method: str | None = None) -> None:
	"""doc_events of Purchase Order / Purchase Invoice (submit, cancel)."""
	if doc.get("tender"):
		update_totals(doc.tender)
		if doc.doctype == "Purchase Order" and method == "on_cancel":
			tender_requests.release_cancelled(doc)


def set_payment_tender(doc, method: str | None = None) -> None:
	"""Payment Entry validate: the tender of the invoices / orders it pays, when they share one."""
	tenders = set()
	for ref in doc.get("references") or []:
		if ref.reference_doctype in ("Purchase Invoice", "Purchase Order") and ref.reference_name:
			tenders.add(frappe.db.get_value(ref.reference_doctype, ref.reference_name, "tender"))
	tenders.discard(None)
	tenders.discard("")
	doc.tender = tenders.pop() if len(tenders) == 1 else None


def on_payment(doc, method: str | None = None) -> None:
	"""Payment Entry submit / cancel: recompute the tenders of the invoices it pays."""
	tenders = set()
	for ref in doc.get("references") or []:
		if ref.reference_doctype in ("Purchase Invoice", "Purchase Order") and ref.reference_name:
			tenders.add(frappe.db.get_value(ref.reference_doctype, ref.reference_name, "tender"))
	for tender in sorted(t for t in tenders if t):
		update_totals(tender)


def get_tender_comparison(name: str) -> dict | None:
	"""For the Bid Comparison print format (a Jinja method): the matrix for an internal buyer after
	the opening, None while the bids are sealed; anyone else is refused (403)."""
	if not is_internal():
		forbid(_("Only procurement may print the bid comparison."))
	tender = require_tender(name, "read")
	if not buyer_may_see(tender.name) or now_datetime() < get_datetime(tender.deadline):
		return None
	if bid_count(tender.name) <= tender_comparison.PRINT_MATRIX_SUPPLIERS:
		matrix, _bids, _basis, _quals = comparison(tender, qualifications=False)
		return tender_comparison.print_matrix(tender, matrix)
	source, _bids, _basis, _model = ranked_comparison(tender)
	return tender_comparison.print_matrix(tender, source)


def parse_datetime(value: str, field: str) -> datetime:
	"""A date-time sent by a client, or a 417 naming the field."""
	try:
		parsed = get_datetime(value) if isinstance(value, str) and value.strip() else None
	except Exception:
		parsed = None
	if not parsed:
		frappe.throw(
			_("{0}: enter a date and time, e.g. 2030-12-31 17:00.").format(field), title=_("Invalid Value")
		)
	return parsed
