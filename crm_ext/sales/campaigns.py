"""Campaigns to segments: the head of sales sends an e-mail or SMS to a segment of customers or cards.

Built on Frappe and ERPNext: the segment fills an *Email Group* (one per send), a *Newsletter* sends it
(Frappe's Email Queue, its unsubscribe link and ``/unsubscribe`` page), SMS go through Frappe's *SMS
Settings* (``send_sms``). The send (:func:`send`) only checks and queues; the job (:func:`run_send`)
resolves the segment in SQL, skips who has no consent, no address or unsubscribed
(:func:`crm_ext.logic.campaigns.pick_recipients`), sends, and writes one outgoing Interaction per
recipient on the card or customer it went to, in batches (one INSERT per batch, the Interaction
Summary kept in the same transaction). Every link carries ``utm_campaign`` = the Campaign's name: a
request it brings becomes a card of that campaign (:func:`campaign_of_request`). A reply by e-mail
lands on the card (:func:`on_communication`). Sales KPIs counts per campaign.

Only the head of sales sends: the doctype's role permissions (Sales Manager, CRM Manager, System
Manager) are checked before anything is read.
"""

import hashlib
from collections import Counter

import frappe
from frappe import _
from frappe.model.naming import parse_naming_series
from frappe.query_builder import DocType
from frappe.query_builder.functions import Coalesce, NullIf
from frappe.utils import add_days, getdate, now_datetime, nowdate
from pypika.terms import Criterion, CustomFunction, LiteralValue

from crm_ext.analytics import summaries
from crm_ext.logic import campaigns as rules
from crm_ext.logic.errors import LogicError
from crm_ext.logic.summaries import interaction_rows
from crm_ext.sales.access import own_leads_condition, sees_all_leads
from crm_ext.utils import throw
from crm_ext.utils.documents import as_procedure, procedure

SEND = "Sales Campaign Send"
BATCH = 500
REPLY_DAYS = 60  # a reply counts for the campaign it answers within this many days
Month = CustomFunction("MONTH", ["date"])
DayOfMonth = CustomFunction("DAYOFMONTH", ["date"])
Lead = DocType("Sales Lead")
Customer = DocType("Customer")
Contact = DocType("Contact")


# --- the segment ------------------------------------------------------------------------------


def segment_of(doc) -> rules.Segment:
	return rules.Segment(
		kind=doc.segment_kind or "",
		abc_class=doc.abc_class or "",
		rfm_pattern=(doc.rfm_pattern or "").strip(),
		pipeline=doc.pipeline or "",
		stage=doc.stage or "",
		source=doc.source or "",
		days=int(doc.days_without_contact or 0),
	)


def check_segment(doc) -> rules.Segment:
	segment = segment_of(doc)
	try:
		rules.check_segment(segment)
	except LogicError as error:
		throw(error, doc, title=_("Invalid Segment"))
	return segment


def candidates(segment: rules.Segment, user: str) -> list[rules.Candidate]:
	"""The cards or customers of the segment, in SQL, as ``user`` may see them."""
	if segment.kind in rules.CUSTOMER_KINDS:
		return customer_candidates(segment)
	return card_candidates(segment, user)


def customer_candidates(segment: rules.Segment) -> list[rules.Candidate]:
	"""Customers tagged by Customer Segments; their address is the primary contact's."""
	query = (
		frappe.qb.from_(Customer)
		.left_join(Contact)
		.on(Contact.name == Customer.customer_primary_contact)
		.select(
			Customer.name,
			Coalesce(NullIf(Contact.email_id, ""), Customer.email_id).as_("email"),
			Coalesce(NullIf(Contact.mobile_no, ""), Customer.mobile_no).as_("mobile"),
			Customer.crm_marketing_consent.as_("consent"),
			Contact.unsubscribed.as_("unsubscribed"),
		)
		.where(Customer.disabled == 0)
		.orderby(Customer.name)
	)
	if segment.kind == rules.ABC:
		query = query.where(Customer.crm_segment == segment.abc_class)
	else:
		query = query.where(Customer.crm_rfm.like(rules.rfm_like(segment.rfm_pattern)))
	return [
		rules.Candidate(
			"Customer",
			row.name,
			row.email or "",
			row.mobile or "",
			bool(row.consent and not row.unsubscribed),
		)
		for row in query.run(as_dict=True)
	]


def card_candidates(segment: rules.Segment, user: str) -> list[rules.Candidate]:
	"""Cards of the segment; the address is the card's, else its customer's primary contact's. A user
	who does not see every card (no such user may send, but the rule holds anyway) gets their own."""
	query = (
		frappe.qb.from_(Lead)
		.left_join(Customer)
		.on(Customer.name == Lead.customer)
		.left_join(Contact)
		.on(Contact.name == Customer.customer_primary_contact)
		.select(
			Lead.name,
			Coalesce(NullIf(Lead.email, ""), NullIf(Contact.email_id, ""), Customer.email_id).as_("email"),
			Coalesce(NullIf(Lead.mobile_no, ""), NullIf(Lead.phone, ""), Contact.mobile_no).as_("mobile"),
			Lead.marketing_consent.as_("consent"),
		)
		.orderby(Lead.creation)
	)
	for field in ("pipeline", "stage", "source"):
		if getattr(segment, field):
			query = query.where(Lead[field] == getattr(segment, field))
	if segment.kind == rules.NOT_CONTACTED:
		since = rules.not_contacted_since(now_datetime(), segment.days)
		query = query.where(Lead.stage_kind == "Open").where(
			Coalesce(Lead.last_contact_on, Lead.creation) < since
		)
	elif segment.kind == rules.BIRTHDAYS:
		days = rules.birthday_days(getdate(nowdate()))
		query = query.where(
			Criterion.any(
				(Month(Lead.birthday) == month) & (DayOfMonth(Lead.birthday) == day) for month, day in days
			)
		)
	if not sees_all_leads(user):
		query = query.where(LiteralValue(own_leads_condition(user)))
	return [
		rules.Candidate("Sales Lead", row.name, row.email or "", row.mobile or "", bool(row.consent))
		for row in query.run(as_dict=True)
	]


def unsubscribed() -> set[str]:
	"""E-mail addresses that unsubscribed: Frappe's Email Unsubscribe (from all e-mail or from a
	newsletter / group) and every Email Group Member marked unsubscribed (the ``/unsubscribe`` page)."""
	rows = frappe.db.sql(
		"""select email from `tabEmail Unsubscribe`
		union select email from `tabEmail Group Member` where unsubscribed = 1"""
	)
	return {rules.normalise_email(email) for (email,) in rows}


def choose(doc, user: str) -> rules.Choice:
	return rules.pick_recipients(candidates(check_segment(doc), user), doc.channel, unsubscribed())


# --- preview and send (whitelisted) -----------------------------------------------------------


def check_right(name: str) -> None:
	"""Only who may change campaign sends (the head of sales) previews or sends them."""
	if not frappe.has_permission(SEND, "write", doc=name):
		frappe.throw(
			_("Only the head of sales can send campaigns."), frappe.PermissionError, title=_("Not Permitted")
		)


@frappe.whitelist(methods=["POST"])
def preview(name: str) -> dict:
	"""How many the send would reach, and why the others are skipped."""
	check_right(name)
	doc = frappe.get_doc(SEND, name)
	choice = choose(doc, frappe.session.user)
	return {
		"recipients": len(choice.recipients),
		**choice.skipped,
		"sent_today": bool(sent_today(doc)),
	}


@frappe.whitelist(methods=["POST"])
def send(name: str, confirm: int | str | None = 0) -> dict:
	"""Queue the send (the job sends). A second send of the same segment and channel today asks for
	``confirm=1``: ``{"needs_confirmation": ...}`` and nothing queued."""
	check_right(name)
	# the send's row lock: two clicks on Send queue it once
	frappe.db.sql(f"select name from `tab{SEND}` where name = %s for update", name)
	doc = frappe.get_doc(SEND, name)
	if doc.status != "Draft":
		frappe.throw(_("This campaign was already sent ({0}).").format(_(doc.status)), title=_("Sent"))
	check_segment(doc)
	check_message(doc)
	hold_segment(rules.segment_key(segment_of(doc), doc.channel))
	earlier = sent_today(doc, for_update=True)
	if earlier and not frappe.utils.cint(confirm):
		return {
			"needs_confirmation": True,
			"message": _("{0} already went to this segment today. Send again?").format(earlier),
		}
	as_procedure(doc)
	doc.status = "Queued"
	doc.queued_on = now_datetime()
	doc.segment_key = rules.segment_key(segment_of(doc), doc.channel)
	doc.save()
	frappe.enqueue(
		"crm_ext.sales.campaigns.run_send",
		queue="long",
		timeout=3600,
		job_id=job_id(name),
		enqueue_after_commit=True,
		name=name,
	)
	return {"queued": True}


def hold_segment(key: str) -> None:
	"""Two sends of one segment at the same moment: the second waits here until the first has
	committed (a named database lock, released with the transaction), then finds it sent today."""
	lock = "crm_ext_campaign:" + hashlib.sha1(key.encode()).hexdigest()[:40]
	if not frappe.db.sql("select get_lock(%s, 30)", lock)[0][0]:
		frappe.throw(_("Another send of this segment is in progress; try again."), title=_("Busy"))

	def release() -> None:
		frappe.db.sql("select release_lock(%s)", lock)

	frappe.db.after_commit.add(release)
	frappe.db.after_rollback.add(release)


def job_id(name: str) -> str:
	return f"crm_ext_campaign_send::{name}"


def check_message(doc) -> None:
	if doc.channel == "SMS":
		if not (doc.sms_text or "").strip():
			frappe.throw(_("Write the SMS Text."), title=_("Missing Message"))
		if not frappe.db.get_single_value("SMS Settings", "sms_gateway_url"):
			frappe.throw(
				_("Set up SMS Settings (the gateway) before sending SMS."), title=_("No SMS Gateway")
			)
	elif not (doc.subject or "").strip() or not frappe.utils.strip_html(doc.message or "").strip():
		frappe.throw(_("Write the Subject and the Message."), title=_("Missing Message"))
	elif not frappe.db.exists("DocType", "Newsletter", cache=True):
		# Frappe v16 moved the Newsletter doctypes into their own app
		frappe.throw(
			_("E-mail campaigns are sent as a Newsletter: install Frappe's Newsletter app on this site."),
			title=_("No Newsletter"),
		)


def sent_today(doc, for_update: bool = False) -> str | None:
	"""Another send of the same segment and channel queued or sent today (its name). ``for_update``:
	a locking read, which sees what committed after this transaction began."""
	key = rules.segment_key(segment_of(doc), doc.channel)
	today = getdate(nowdate())
	return frappe.db.get_value(
		SEND,
		{
			"name": ("!=", doc.name),
			"segment_key": key,
			"status": ("in", ("Queued", "Sent")),
			"queued_on": (">=", today),  # (never in the future)
		},
		"name",
		for_update=for_update,
	)


# --- the job ------------------------------------------------------------------------------------


def run_send(name: str) -> None:
	"""Background job: resolve, send, log. A failure marks the send Failed with the error."""
	doc = frappe.get_doc(SEND, name)
	if doc.status != "Queued":
		return
	try:
		choice = choose(doc, doc.owner if frappe.session.user == "Administrator" else frappe.session.user)
		with procedure():
			deliver(doc, choice)
			log_interactions(doc, choice)
		finish(doc, choice)
	except Exception:
		frappe.db.rollback()
		frappe.db.set_value(
			SEND, name, {"status": "Failed", "error": frappe.get_traceback()[-1000:]}, update_modified=False
		)
		raise


def deliver(doc, choice: rules.Choice) -> None:
	addresses = [address for _candidate, address in choice.recipients]
	if not addresses:
		return
	if doc.channel == "SMS":
		from frappe.core.doctype.sms_settings.sms_settings import send_sms

		text = rules.with_utm(doc.sms_text, doc.campaign, "sms", html=False)
		for batch in rules.batches(addresses, BATCH):
			send_sms(batch, text, success_msg=False)
		return
	group = fill_email_group(doc, addresses)
	newsletter = frappe.get_doc(
		{
			"doctype": "Newsletter",
			"subject": doc.subject,
			"content_type": "Rich Text",
			"message": rules.with_utm(doc.message, doc.campaign, "email"),
			"sender_email": sender_email(),
			"sender_name": frappe.utils.get_fullname(doc.owner),
			"send_unsubscribe_link": 1,
			"email_group": [{"email_group": group}],
		}
	)
	newsletter.flags.ignore_permissions = True
	newsletter.insert()
	newsletter.queue_all()
	doc.db_set({"email_group": group, "newsletter": newsletter.name}, update_modified=False)


def fill_email_group(doc, addresses: list[str]) -> str:
	"""An Email Group of this send (title: the send's name), its members written in batches."""
	group = frappe.get_doc({"doctype": "Email Group", "title": doc.name})
	group.insert(ignore_permissions=True)
	now, user = now_datetime(), frappe.session.user
	for batch in rules.batches(addresses, BATCH):
		frappe.db.bulk_insert(
			"Email Group Member",
			["name", "creation", "modified", "owner", "modified_by", "email_group", "email", "unsubscribed"],
			[(frappe.generate_hash(length=12), now, now, user, user, group.name, a, 0) for a in batch],
		)
	frappe.db.set_value("Email Group", group.name, "total_subscribers", len(addresses), update_modified=False)
	return group.name


def sender_email() -> str:
	account = frappe.db.get_value(
		"Email Account", {"default_outgoing": 1, "enable_outgoing": 1}, "email_id"
	) or frappe.db.get_value("Email Account", {"enable_outgoing": 1}, "email_id")
	return account or frappe.db.get_value("User", frappe.session.user, "email") or "admin@example.com"


def log_interactions(doc, choice: rules.Choice) -> None:
	"""One outgoing Interaction per recipient on its card or customer: one INSERT per batch, the
	Interaction Summary moved by the same rows (:mod:`crm_ext.analytics.summary_events` counts a
	saved Interaction the same way)."""
	user = frappe.session.user
	now = now_datetime()
	kind = "E-mail" if doc.channel == "E-mail" else "Message"
	direction = "Outgoing"
	summary = frappe.utils.escape_html(doc.subject if kind == "E-mail" else doc.sms_text)
	for batch in rules.batches(choice.recipients, BATCH):
		names = interaction_names(len(batch), now)
		titles = reference_titles(batch)
		rows = []
		for name, (candidate, address) in zip(names, batch, strict=True):
			title = (
				titles.get((candidate.reference_doctype, candidate.reference_name))
				or candidate.reference_name
			)
			rows.append(
				(
					name,
					now,
					now,
					user,
					user,
					kind,
					direction,
					now,
					now,
					candidate.reference_doctype,
					candidate.reference_name,
					title,
					user,
					doc.campaign,
					doc.name,
					address,
					_("Campaign {0}").format(doc.campaign) + ": " + (summary or ""),
					_("{0}: {1}").format(_(kind), title)[:140],
				)
			)
		frappe.db.bulk_insert(
			"Interaction",
			[
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"interaction_type",
				"direction",
				"start_time",
				"end_time",
				"reference_doctype",
				"reference_name",
				"reference_title",
				"handled_by",
				"campaign",
				"campaign_send",
				"recipient",
				"summary",
				"subject",
			],
			rows,
		)
		counted = Counter()
		for _row in rows:
			counted.update(interaction_rows(now, user, kind, user))
		summaries.apply(summaries.INTERACTIONS, dict(counted))


def interaction_names(count: int, now) -> list[str]:
	"""``count`` names of the Interaction naming rule (``format:CRM-INT-{YYYY}-{#####}``), reserved in
	one step on the counter Frappe's naming takes them from (the same ``tabSeries`` row, under its
	row lock, with the key Frappe's ``{#####}`` uses)."""
	keys = []
	parse_naming_series(["#####"], number_generator=lambda key, digits: keys.append(key) or "")
	key = keys[0]
	series = DocType("Series")
	stored = frappe.qb.from_(series).where(series.name == key).for_update().select("current").run()
	current = int(stored[0][0] or 0) if stored else 0
	if stored:
		frappe.qb.update(series).set(series.current, current + count).where(series.name == key).run()
	else:
		frappe.qb.into(series).columns("name", "current").insert(key, count).run()
	prefix = f"CRM-INT-{now:%Y}-"
	return [f"{prefix}{number:05d}" for number in range(current + 1, current + count + 1)]


def reference_titles(batch) -> dict:
	titles = {}
	for doctype, field in (("Sales Lead", "title"), ("Customer", "customer_name")):
		names = [c.reference_name for c, _a in batch if c.reference_doctype == doctype]
		if names:
			for name, title in frappe.get_all(
				doctype, filters={"name": ("in", names)}, fields=["name", field], as_list=True
			):
				titles[(doctype, name)] = title
	return titles


def finish(doc, choice: rules.Choice) -> None:
	doc.db_set(
		{
			"status": "Sent",
			"sent_on": now_datetime(),
			"recipients": len(choice.recipients),
			"skipped_no_consent": choice.skipped[rules.NO_CONSENT],
			"skipped_unsubscribed": choice.skipped[rules.UNSUBSCRIBED],
			"skipped_no_address": choice.skipped[rules.NO_ADDRESS],
		},
		update_modified=False,
	)


# --- what the campaign brings back ---------------------------------------------------------------


def campaign_of_request(values: dict) -> str | None:
	"""The Campaign of a new card from a request: its own, else the one its ``utm_campaign`` names."""
	if values.get("campaign"):
		return values["campaign"]
	utm = (values.get("utm_campaign") or "").strip()
	return utm if utm and frappe.db.exists("Campaign", utm) else None


def on_communication(communication, method=None) -> None:
	"""``after_insert`` of Communication: an e-mail received from an address a campaign went to
	(within :data:`REPLY_DAYS`) lands on that card or customer (the Newsletter it answers, or nothing,
	was its reference) and is logged there as an incoming Interaction of the campaign, once per send."""
	if communication.sent_or_received != "Received" or communication.communication_type != "Communication":
		return
	sender = rules.normalise_email(communication.sender)
	if not sender:
		return
	sent = frappe.get_all(
		"Interaction",
		filters={
			"recipient": sender,
			"campaign_send": ("is", "set"),
			"interaction_type": "E-mail",
			"direction": "Outgoing",
			"start_time": (">=", add_days(now_datetime(), -REPLY_DAYS)),
		},
		fields=["reference_doctype", "reference_name", "campaign", "campaign_send", "handled_by"],
		order_by="start_time desc",
		limit=1,
	)
	if not sent:
		return
	sent = sent[0]
	if communication.reference_doctype in (None, "", "Newsletter"):
		communication.db_set(
			{"reference_doctype": sent.reference_doctype, "reference_name": sent.reference_name},
			update_modified=False,
		)
	elif (communication.reference_doctype, communication.reference_name) != (
		sent.reference_doctype,
		sent.reference_name,
	):
		return  # a reply about something else
	if frappe.db.exists(
		"Interaction",
		{"campaign_send": sent.campaign_send, "direction": "Incoming", "recipient": sender},
	):
		return
	reply = frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": "E-mail",
			"direction": "Incoming",
			"start_time": communication.communication_date or now_datetime(),
			"reference_doctype": sent.reference_doctype,
			"reference_name": sent.reference_name,
			"handled_by": sent.handled_by,
			"summary": frappe.utils.escape_html(communication.subject or ""),
			"campaign": sent.campaign,
			"campaign_send": sent.campaign_send,
			"recipient": sender,
		}
	)
	as_procedure(reply)
	with procedure():
		reply.insert(ignore_permissions=True)
