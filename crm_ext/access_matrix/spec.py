"""The expected answer of every cell of the access matrix: written down from the security model
(README, "Security model"), not read off the code. Pure data: tier 1 reads it too.

A record's readers see it through every door (REST GET and list, frappe.client.get_list / get_count /
get_value, report view, link search, print where the role may print, its private files); everyone
else gets a 403 or sees nothing. Its writers may change a plain field (200, or the business refusal
given); nobody changes a server-owned field. A child row is read exactly where its parent is, and is
never written, created or deleted on its own.
"""

# persona -> (roles, user type)
PERSONAS = {
	"guest": ((), "Website User"),
	"supplier_a": (("Supplier",), "Website User"),
	"supplier_b": (("Supplier",), "Website User"),
	"sales_a": (("Sales User",), "System User"),
	"sales_b": (("Sales User",), "System User"),
	"sales_manager": (("Sales Manager", "Sales User"), "System User"),
	"purchase_user": (("Purchase User",), "System User"),
	"purchase_manager": (("Purchase Manager", "Purchase User"), "System User"),
	"accounts_user": (("Accounts User",), "System User"),
	"crm_intake": (("CRM Intake",), "System User"),
}

SALES_SEE_ALL = frozenset({"sales_manager", "accounts_user"})
SALES_TEAM = frozenset({"sales_a", "sales_b", "sales_manager"})
BUYERS = frozenset({"purchase_user", "purchase_manager"})
NOBODY: frozenset[str] = frozenset()

# record key -> doctype
RECORDS = {
	"lead_a": "Sales Lead",
	"lead_b": "Sales Lead",
	"stage_log_a": "Sales Lead Stage Log",
	"stage_log_b": "Sales Lead Stage Log",
	"request_a": "Sales Request",
	"interaction_a": "Interaction",
	"interaction_b": "Interaction",
	"interaction_customer": "Interaction",
	"pipeline": "Sales Pipeline",
	"stage_quote": "Pipeline Stage",
	"lost_reason": "Sales Lead Lost Reason",
	"settings": "CRM Ext Settings",
	"template": "Qualification Template",
	"qualification_a": "Supplier Qualification",
	"qualification_b": "Supplier Qualification",
	"tender_sealed": "Tender",
	"tender_opened": "Tender",
	"bid_sealed_a": "Tender Bid",
	"bid_sealed_b": "Tender Bid",
	"bid_opened_a": "Tender Bid",
	"bid_opened_b": "Tender Bid",
	"log_published": "Tender Log",
	"log_bid_sealed_a": "Tender Log",
	"log_bid_opened_a": "Tender Log",
	"contact_key_a": "Sales Lead Contact Key",
	# the analytics summaries (counts per rep): nobody's to read; the reports read them with the
	# reader's own row rule applied
	"stage_summary_a": "Sales Stage Summary",
	"stage_stay_a": "Sales Stage Stay",
	"interaction_summary_a": "Interaction Summary",
	"viewer_summary_a": "Sales Viewer Summary",
	"lead_viewer_a": "Sales Lead Viewer",
	"plan_a": "Sales Plan",
	"plan_b": "Sales Plan",
	# ERPNext's Supplier carries the server-owned portal administration (master user, recipients);
	# its log is procurement's to read, nobody's to write
	"supplier_a": "Supplier",
	"user_log_a": "Supplier User Log",
	"campaign_send": "Sales Campaign Send",
}

# child row key -> (doctype, parent record key)
ROWS = {
	"stage_field": ("Pipeline Stage Field", "stage_quote"),
	"stage_step": ("Pipeline Stage Step", "stage_quote"),
	"criterion": ("Qualification Criterion", "template"),
	"template_group": ("Qualification Item Group", "template"),
	"required_document": ("Qualification Required Document", "template"),
	**{
		f"{key}_{side}": (doctype, f"qualification_{side}")
		for side in ("a", "b")
		for key, doctype in (
			("answer", "Supplier Qualification Answer"),
			("document", "Supplier Qualification Document"),
			("qualification_group", "Qualification Item Group"),
			("signatory", "Supplier Qualification Signatory"),
			("contact", "Supplier Qualification Contact"),
		)
	},
	**{
		f"{key}_{state}": (doctype, f"tender_{state}")
		for state in ("sealed", "opened")
		for key, doctype in (
			("tender_item", "Tender Item"),
			("tender_supplier", "Tender Supplier"),
			("tender_currency", "Tender Currency"),
			("tender_incoterm", "Tender Incoterm"),
			("tender_question", "Tender Question"),
			("tender_notification", "Tender Notification"),
		)
	},
	"tender_request_sealed": ("Tender Material Request", "tender_sealed"),
	"evaluation": ("Tender Evaluation", "tender_opened"),
	"award_line": ("Tender Award Line", "tender_opened"),
	"bid_item_sealed_a": ("Tender Bid Item", "bid_sealed_a"),
	"bid_answer_sealed_a": ("Tender Bid Answer", "bid_sealed_a"),
	"bid_item_opened_b": ("Tender Bid Item", "bid_opened_b"),
	"bid_answer_opened_b": ("Tender Bid Answer", "bid_opened_b"),
}

READERS = {
	"lead_a": SALES_SEE_ALL | {"sales_a"},
	"lead_b": SALES_SEE_ALL | {"sales_b"},
	"stage_log_a": frozenset({"sales_a", "sales_manager"}),
	"stage_log_b": frozenset({"sales_b", "sales_manager"}),
	"request_a": frozenset({"sales_a", "sales_manager"}),
	"interaction_a": SALES_SEE_ALL | {"sales_a"},
	"interaction_b": SALES_SEE_ALL | {"sales_b"},
	# an interaction on a customer: whoever may read customers (and interactions)
	"interaction_customer": SALES_TEAM | {"accounts_user"},
	"pipeline": SALES_TEAM | {"accounts_user"},
	"stage_quote": SALES_TEAM | {"accounts_user"},
	"lost_reason": SALES_TEAM | {"accounts_user"},
	"settings": SALES_TEAM | BUYERS | {"accounts_user"},
	"template": BUYERS,
	"qualification_a": BUYERS | {"supplier_a"},
	"qualification_b": BUYERS | {"supplier_b"},
	# suppliers reach tenders only through the portal pages, never the Tender document
	"tender_sealed": BUYERS,
	"tender_opened": BUYERS,
	# sealed until the opening: its supplier only
	"bid_sealed_a": frozenset({"supplier_a"}),
	"bid_sealed_b": frozenset({"supplier_b"}),
	"bid_opened_a": BUYERS | {"supplier_a"},
	"bid_opened_b": BUYERS | {"supplier_b"},
	"log_published": BUYERS,
	"log_bid_sealed_a": NOBODY,
	"log_bid_opened_a": BUYERS,
	# the database's record of which open card holds a phone / e-mail: nobody's to read
	"contact_key_a": NOBODY,
	"stage_summary_a": NOBODY,
	"stage_stay_a": NOBODY,
	"interaction_summary_a": NOBODY,
	"viewer_summary_a": NOBODY,
	"lead_viewer_a": NOBODY,
	# a rep's sales plan: the rep and whoever sees every card
	"plan_a": SALES_SEE_ALL | {"sales_a"},
	"plan_b": SALES_SEE_ALL | {"sales_b"},
	"supplier_a": BUYERS | {"accounts_user"},
	"user_log_a": BUYERS,
	# a campaign send: the head of sales' (reps never send, see or list campaign sends)
	"campaign_send": frozenset({"sales_manager"}),
}

# record key -> {persona: status of a plain change}; everyone else: 403
WRITERS = {
	"lead_a": {"sales_a": 200, "sales_manager": 200},
	"lead_b": {"sales_b": 200, "sales_manager": 200},
	"interaction_a": {"sales_a": 200, "sales_manager": 200},
	"interaction_b": {"sales_b": 200, "sales_manager": 200},
	"interaction_customer": {"sales_a": 200, "sales_b": 200, "sales_manager": 200},
	"pipeline": {"sales_manager": 200},
	"stage_quote": {"sales_manager": 200},
	"lost_reason": {"sales_manager": 200},
	"plan_a": {"sales_manager": 200},
	"plan_b": {"sales_manager": 200},
	"campaign_send": {"sales_manager": 200},
	"template": {"purchase_manager": 200},
	"qualification_a": {"supplier_a": 200, "purchase_user": 200, "purchase_manager": 200},
	"qualification_b": {"supplier_b": 200, "purchase_user": 200, "purchase_manager": 200},
	"tender_sealed": {"purchase_user": 200, "purchase_manager": 200},
	"tender_opened": {"purchase_user": 200, "purchase_manager": 200},
	"bid_sealed_a": {"supplier_a": 200},
	"bid_sealed_b": {"supplier_b": 200},
	# its supplier may not change it after the deadline: a business refusal, not a 403
	"bid_opened_a": {"supplier_a": 417},
	"bid_opened_b": {"supplier_b": 417},
	"supplier_a": {"purchase_manager": 200},
}

# doctype -> a plain field change (PUT body)
PLAIN_CHANGE = {
	"Sales Lead": {"job_title": "AM checked"},
	"Sales Lead Stage Log": {"days_in_from_stage": 3},
	"Sales Request": {"organization": "AM checked"},
	"Interaction": {"outcome": "AM checked"},
	"Sales Pipeline": {"description": "AM checked"},
	"Pipeline Stage": {"stale_after_days": 9},
	"Sales Lead Lost Reason": {"description": "AM checked"},
	"CRM Ext Settings": {"shipments_period_days": 91},
	"Qualification Template": {"description": "AM checked"},
	"Supplier Qualification": {"website": "https://am.example.com"},
	"Tender": {"title": "_AM checked"},
	"Tender Bid": {"notes": "AM checked"},
	"Tender Log": {"payload": "{}"},
	"Sales Lead Contact Key": {"sales_lead": "forged"},
	"Sales Stage Summary": {"number": 99},
	"Sales Stage Stay": {"number": 99},
	"Interaction Summary": {"number": 99},
	"Sales Viewer Summary": {"number": 99},
	"Sales Lead Viewer": {"viewers": '["Administrator"]'},
	"Sales Plan": {"plan_amount": 1234},
	"Supplier": {"website": "https://am.example.com"},
	"Supplier User Log": {"details": "AM checked"},
	"Sales Campaign Send": {"subject": "_AM checked"},
}

# doctype -> personas whose create passes the permission check (others: 403)
CREATORS = {
	"Sales Lead": SALES_TEAM,
	"Sales Lead Stage Log": NOBODY,
	"Sales Request": frozenset({"sales_manager", "crm_intake"}),
	"Interaction": SALES_TEAM | BUYERS,
	"Sales Pipeline": frozenset({"sales_manager"}),
	"Pipeline Stage": frozenset({"sales_manager"}),
	"Sales Lead Lost Reason": frozenset({"sales_manager"}),
	"Qualification Template": frozenset({"purchase_manager"}),
	"Supplier Qualification": BUYERS | {"supplier_a", "supplier_b"},
	"Tender": BUYERS,
	"Tender Bid": frozenset({"supplier_a", "supplier_b"}),
	"Tender Log": NOBODY,
	"Sales Lead Contact Key": NOBODY,
	"Sales Stage Summary": NOBODY,
	"Sales Stage Stay": NOBODY,
	"Interaction Summary": NOBODY,
	"Sales Viewer Summary": NOBODY,
	"Sales Lead Viewer": NOBODY,
	"Sales Plan": frozenset({"sales_manager"}),
	"Supplier": NOBODY,  # ERPNext: the Purchase Master Manager (none of the personas)
	"Supplier User Log": NOBODY,
	"Sales Campaign Send": frozenset({"sales_manager"}),
}

# record key -> personas whose delete passes the permission check (others: 403, nothing deleted)
DELETERS = {
	"lead_a": frozenset({"sales_manager"}),
	"lead_b": frozenset({"sales_manager"}),
	"interaction_a": frozenset({"sales_manager"}),
	"interaction_b": frozenset({"sales_manager"}),
	"interaction_customer": frozenset({"sales_manager"}),
	"pipeline": frozenset({"sales_manager"}),
	"stage_quote": frozenset({"sales_manager"}),
	"lost_reason": frozenset({"sales_manager"}),
	"plan_a": frozenset({"sales_manager"}),
	"plan_b": frozenset({"sales_manager"}),
	"campaign_send": frozenset({"sales_manager"}),
	"template": frozenset({"purchase_manager"}),
	"qualification_a": frozenset({"purchase_manager"}),
	"qualification_b": frozenset({"purchase_manager"}),
	"tender_sealed": frozenset({"purchase_manager"}),
	"tender_opened": frozenset({"purchase_manager"}),
}

# doctype -> roles whose readers may also print it (the print door is checked for these doctypes)
PRINTABLE = {
	"Sales Lead": SALES_SEE_ALL | SALES_TEAM,
	"Interaction": SALES_SEE_ALL | SALES_TEAM | BUYERS,
	"Supplier Qualification": BUYERS | {"supplier_a", "supplier_b"},
	"Tender": BUYERS,
	"Tender Bid": BUYERS | {"supplier_a", "supplier_b"},
}


def readers(key: str) -> frozenset[str]:
	"""Who reads a record or a child row (a row: exactly its parent's readers)."""
	if key in ROWS:
		return readers(ROWS[key][1])
	return frozenset(READERS[key])


def doctype_of(key: str) -> str:
	return ROWS[key][0] if key in ROWS else RECORDS[key]


# --- whitelisted methods --------------------------------------------------------------------------


class Call:
	"""Who may call a whitelisted method, with which verb, on which arguments ("@key": a name in the
	world). Every other persona gets a 403 from the right check, which comes first; a persona in
	``allowed`` gets ``status`` (None: neither a 403 nor a server error). Arguments are chosen so that
	an allowed call leaves the world as it is (it fails on the record's state after the right check,
	or is idempotent), or changes only what no later call depends on."""

	def __init__(self, verb: str, allowed, args: dict, status: int | None = None, guest: int = 403):
		self.verb = verb
		self.allowed = frozenset(allowed)
		self.args = args
		self.status = status
		self.guest = guest  # what the guest gets (the intake endpoints answer 401 without a token)


CARD_WRITERS_A = frozenset({"sales_a", "sales_manager"})
SUPPLIER_A = frozenset({"supplier_a"})
EVERY_SUPPLIER = frozenset({"supplier_a", "supplier_b"})
PDF = "data:text/plain;base64,QU0="

METHODS = {
	# --- sales
	"crm_ext.accounts.make.make_quotation": Call("POST", CARD_WRITERS_A, {"source_name": "@lead_a"}),
	"crm_ext.accounts.make.make_sales_order": Call("POST", CARD_WRITERS_A, {"source_name": "@lead_a"}),
	# needs create on Sales Invoice too: no persona here has both (a Sales Manager who is an Accounts User)
	"crm_ext.accounts.make.make_sales_invoice": Call("POST", NOBODY, {"source_name": "@lead_a"}),
	"crm_ext.accounts.receivables.get_customer_health": Call(
		"GET", SALES_TEAM | {"accounts_user"}, {"customer": "@customer"}
	),
	"crm_ext.analytics.cards.receivables_overdue_share": Call("GET", SALES_SEE_ALL, {}),
	# whoever may run Plan vs Fact: a rep gets their own row's %, the others the team's
	"crm_ext.analytics.cards.plan_done_this_month": Call("GET", SALES_TEAM | {"accounts_user"}, {}),
	# whoever may run Revenue Forecast: the Weighted Pipeline card (a rep's own cards)
	"crm_ext.analytics.cards.weighted_pipeline": Call("GET", SALES_TEAM | {"accounts_user"}, {}),
	"crm_ext.analytics.segments.tag_customers": Call(
		"POST", {"sales_manager"}, {"filters": {"company": "_AM no such company"}}
	),
	"crm_ext.api.intake.submit_request": Call(
		"POST",
		{"sales_manager", "crm_intake"},
		{"email": "am-intake@example.com", "name": "_AM Intake"},
		guest=401,
	),
	"crm_ext.api.telephony.record_call": Call(
		"POST",
		{"sales_manager", "crm_intake"},
		{"phone": "+49 30 5559999", "direction": "Incoming"},
		guest=401,
	),
	"crm_ext.sales.conversion.convert_to_customer": Call("POST", CARD_WRITERS_A, {"sales_lead": "@lead_a"}),
	"crm_ext.sales.handover.handover": Call(
		"POST", {"sales_manager"}, {"from_user": "@intake_user", "to_users": "@sales_a_user"}
	),
	"crm_ext.sales.interactions.log_interaction": Call(
		"POST",
		CARD_WRITERS_A,
		{
			"reference_doctype": "Sales Lead",
			"reference_name": "@lead_a",
			"interaction_type": "Note",
			"summary": "_AM",
		},
	),
	"crm_ext.sales.kanban.stage_entry": Call(
		"GET", CARD_WRITERS_A, {"sales_lead": "@lead_a", "stage": "@stage_quote"}
	),
	"crm_ext.sales.merge.merge_leads": Call(
		"POST", {"sales_manager"}, {"source": "@lead_a", "target": "@lead_a"}
	),
	"crm_ext.sales.pipeline.recreate_default_pipeline": Call("POST", {"sales_manager"}, {}),
	# a draft quotation of card A: its card's writers pass the rights and get "submit it first"
	"crm_ext.sales.proposals.send_proposal": Call(
		"POST", CARD_WRITERS_A, {"quotation": "@quotation_a"}, status=417
	),
	# only a portal user of the quotation's customer (none of the personas is one)
	"crm_ext.sales.proposals.accept_proposal": Call("POST", NOBODY, {"quotation": "@quotation_a"}),
	# write on the card and ERPNext's create on Contract (the head of sales; reps have no Contract role)
	"crm_ext.sales.proposals.make_contract": Call("POST", {"sales_manager"}, {"source_name": "@lead_a"}),
	# the head of sales previews and sends campaigns; the world's send has no message: the send
	# answers "write the subject" after the right check (nothing is queued)
	"crm_ext.sales.campaigns.preview": Call("POST", {"sales_manager"}, {"name": "@campaign_send"}),
	"crm_ext.sales.campaigns.send": Call("POST", {"sales_manager"}, {"name": "@campaign_send"}, status=417),
	# --- supply: qualification
	"crm_ext.supply.eligibility.get_supplier_eligibility": Call(
		"GET", BUYERS, {"supplier": "@supplier_name_a", "item_groups": []}
	),
	# an accountant gets an empty list (no right on qualifications), not a 403
	"crm_ext.supply.eligibility.get_qualification_summary": Call(
		"GET", BUYERS | {"accounts_user"}, {"supplier": "@supplier_name_a"}
	),
	"crm_ext.supply.portal.start_qualification": Call("POST", EVERY_SUPPLIER, {"template": "@template"}),
	"crm_ext.supply.portal.register_company": Call("POST", NOBODY, {"template": "@template", "company": {}}),
	"crm_ext.supply.portal.save_answers": Call(
		"POST", SUPPLIER_A, {"name": "@qualification_a", "answers": {}}
	),
	"crm_ext.supply.portal.upload_file": Call(
		"POST",
		SUPPLIER_A,
		{"name": "@qualification_a", "row": "no-such-row", "filename": "a.txt", "filedata": PDF},
	),
	"crm_ext.supply.portal.submit_questionnaire": Call("POST", SUPPLIER_A, {"name": "@qualification_a"}),
	# --- supply: the supplier's master user (each persona is its supplier's first portal user)
	"crm_ext.supply.supplier_users.get_colleagues": Call("GET", EVERY_SUPPLIER, {}),
	"crm_ext.supply.supplier_users.invite_colleague": Call(
		"POST", EVERY_SUPPLIER, {"email": "not-an-address", "full_name": "_AM"}, status=417
	),
	# its own account: the master passes the right and is refused (it would lock its company out);
	# the master of B is refused the right (not its colleague)
	"crm_ext.supply.supplier_users.set_colleague_enabled": Call(
		"POST", SUPPLIER_A, {"user": "@supplier_a_user", "enabled": 0}, status=417
	),
	"crm_ext.supply.supplier_users.set_recipients": Call(
		"POST", EVERY_SUPPLIER, {"tender_emails": [], "qualification_notices": []}
	),
	# a buyer who may change the Supplier; the persona is already its master: nothing changes
	"crm_ext.supply.supplier_users.set_master_user": Call(
		"POST", {"purchase_manager"}, {"supplier": "@supplier_name_a", "user": "@supplier_a_user"}
	),
	# --- supply: tenders
	"crm_ext.supply.tender_auction.get_auction_status": Call(
		"GET", BUYERS | EVERY_SUPPLIER, {"tender": "@tender_sealed"}
	),
	"crm_ext.supply.tender_portal.get_or_create_bid": Call(
		"POST", EVERY_SUPPLIER, {"tender": "@tender_sealed"}
	),
	"crm_ext.supply.tender_portal.download_tender_file": Call(
		"GET", EVERY_SUPPLIER, {"tender": "@tender_sealed", "file": "no-such-file"}
	),
	"crm_ext.supply.tender_portal.save_bid": Call(
		"POST", SUPPLIER_A, {"name": "@bid_opened_a", "values": {}}
	),
	"crm_ext.supply.tender_portal.submit_bid": Call("POST", SUPPLIER_A, {"name": "@bid_opened_a"}),
	"crm_ext.supply.tender_portal.withdraw_bid": Call("POST", SUPPLIER_A, {"name": "@bid_opened_a"}),
	"crm_ext.supply.tender_portal.post_offer": Call(
		"POST", SUPPLIER_A, {"name": "@bid_opened_a", "total": 1}
	),
	# the bid's own supplier passes the right and hears that the tender is not an auction per line
	"crm_ext.supply.tender_portal.post_line_offer": Call(
		"POST", SUPPLIER_A, {"name": "@bid_opened_a", "line": "no-such-line", "unit_price": 1}, status=417
	),
	"crm_ext.supply.tender_portal.upload_bid_file": Call(
		"POST",
		SUPPLIER_A,
		{"name": "@bid_opened_a", "row": "no-such-row", "filename": "a.txt", "filedata": PDF},
	),
	# a published tender takes no more lines: a buyer gets the business refusal after the right check
	"crm_ext.supply.tender_requests.add_material_requests": Call(
		"POST", BUYERS, {"name": "@tender_sealed", "material_requests": ["@material_request"]}, status=417
	),
	"crm_ext.supply.tenders.publish": Call("POST", BUYERS, {"name": "@tender_sealed"}),
	"crm_ext.supply.tenders.extend_deadline": Call(
		"POST", BUYERS, {"name": "@tender_opened", "new_deadline": "2000-01-01 00:00:00"}
	),
	"crm_ext.supply.tenders.open_bids": Call("POST", BUYERS, {"name": "@tender_sealed"}),
	"crm_ext.supply.tenders.cancel": Call("POST", BUYERS, {"name": "@tender_cancelled", "reason": "_AM"}),
	"crm_ext.supply.tenders.verify_log": Call("GET", BUYERS, {"name": "@tender_sealed"}),
	"crm_ext.supply.tenders.get_bid_count": Call("GET", BUYERS, {"name": "@tender_sealed"}),
	# procurement may (re-)evaluate an opened tender; an unopened one answers 403 (sealed prices)
	"crm_ext.supply.tenders.evaluate": Call("POST", BUYERS, {"name": "@tender_opened"}),
	"crm_ext.supply.tenders.get_comparison": Call("GET", BUYERS, {"name": "@tender_opened"}),
	# a buyer passes the right and hears that the tender is not Evaluated (before or after the award)
	"crm_ext.supply.tenders.override_award": Call(
		"POST",
		BUYERS,
		{"name": "@tender_opened", "line": "no-such-line", "supplier": "@supplier_name_a", "reason": "_AM"},
		status=417,
	),
	# the first buyer awards the opened tender (this module's world), the second finds it awarded
	"crm_ext.supply.tenders.award": Call("POST", BUYERS, {"name": "@tender_opened"}),
}
