"""The world the access matrix is asked about: personas with API keys and one record of every kind.

Built once per run through the app's own procedures (as Administrator, or as the persona who would
do it), committed so that the HTTP requests (other threads, other connections) see it, and removed
at the end. Names carry ``_AM`` so a failed run's leftovers are recognisable and cleaned up next time.
"""

from dataclasses import dataclass, field

import frappe
from frappe.utils import add_to_date, now_datetime, nowdate

from crm_ext.access_matrix.spec import PERSONAS, RECORDS, ROWS
from crm_ext.supply.supplier_users import MASTER_SET, log

COMPANY = "Wind Power LLC"
PIPELINE = "_AM Pipeline"
GROUP = "_AM Parts"
ITEMS = ("_AM Bolt", "_AM Gear")
SUPPLIERS = {"supplier_a": "_AM Supplier A", "supplier_b": "_AM Supplier B"}
CUSTOMER = "_AM Customer"
TEMPLATE = "_AM Template"
FIXTURE_LOG = "_AM fixture"

CAMPAIGN = "_AM Campaign"


def email_of(persona: str) -> str:
	return f"am-{persona.replace('_', '-')}@example.com"


@dataclass
class World:
	auth: dict[str, str | None] = field(default_factory=dict)  # persona -> "key:secret" (guest: None)
	users: dict[str, str] = field(default_factory=dict)  # persona -> user
	records: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (doctype, name)
	rows: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # key -> (doctype, name, parent)
	files: dict[str, str] = field(default_factory=dict)  # record key -> private file URL
	extra: dict[str, str] = field(default_factory=dict)  # other names arguments refer to

	def arg(self, value):
		"""Arguments of a method call: "@key" is the name of the world's record, row or extra."""
		if isinstance(value, dict):
			return {k: self.arg(v) for k, v in value.items()}
		if isinstance(value, list):
			return [self.arg(v) for v in value]
		if isinstance(value, str) and value.startswith("@"):
			key = value[1:]
			return self.extra[key] if key in self.extra else self.name(key)
		return value

	def name(self, key: str) -> str:
		if key in self.records:
			return self.records[key][1]
		# a row is found again by its place (a save may give the parent's rows new names)
		doctype, first_name, parent_key = self.rows[key]
		parent_doctype, parent = self.records[parent_key]
		table = next(
			df.fieldname for df in frappe.get_meta(parent_doctype).get_table_fields() if df.options == doctype
		)
		names = frappe.get_all(
			doctype,
			filters={"parent": parent, "parenttype": parent_doctype, "parentfield": table},
			pluck="name",
			order_by="idx asc",
			limit=1,
		)
		return names[0] if names else first_name


# --- personas -----------------------------------------------------------------------------------


def make_persona(persona: str) -> tuple[str, str]:
	roles, user_type = PERSONAS[persona]
	email = email_of(persona)
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": persona,
				"send_welcome_email": 0,
				"user_type": user_type,
			}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.flags.ignore_permissions = True
	user.set("roles", [])
	user.add_roles(*roles)
	user = frappe.get_doc("User", email)
	user.api_key = frappe.generate_hash(length=15)
	secret = frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	frappe.db.set_value("Notification Settings", email, "enable_email_notifications", 0)
	return email, f"{user.api_key}:{secret}"


# --- the sales side ----------------------------------------------------------------------------


def make_pipeline() -> None:
	if not frappe.db.exists("Sales Pipeline", PIPELINE):
		frappe.get_doc({"doctype": "Sales Pipeline", "pipeline_name": PIPELINE}).insert()
	stages = [("New", "Open", 10), ("Quote", "Open", 50), ("Won", "Won", 100), ("Lost", "Lost", 0)]
	for order, (stage, kind, probability) in enumerate(stages, start=1):
		if not frappe.db.exists("Pipeline Stage", f"{PIPELINE}-{stage}"):
			frappe.get_doc(
				{
					"doctype": "Pipeline Stage",
					"pipeline": PIPELINE,
					"stage_name": stage,
					"stage_order": order,
					"kind": kind,
					"probability": probability,
					"required_fields": [{"fieldname": "expected_amount"}] if stage == "Quote" else [],
					"sequence_steps": [{"step_text": "Call back", "due_after_hours": 24}]
					if stage == "Quote"
					else [],
				}
			).insert()


def make_sales(world: World) -> None:
	make_pipeline()
	world.records["pipeline"] = ("Sales Pipeline", PIPELINE)
	world.records["stage_quote"] = ("Pipeline Stage", f"{PIPELINE}-Quote")
	stage = frappe.get_doc("Pipeline Stage", f"{PIPELINE}-Quote")
	world.rows["stage_field"] = ("Pipeline Stage Field", stage.required_fields[0].name, "stage_quote")
	world.rows["stage_step"] = ("Pipeline Stage Step", stage.sequence_steps[0].name, "stage_quote")
	if not frappe.db.exists("Sales Lead Lost Reason", "_AM Too expensive"):
		frappe.get_doc({"doctype": "Sales Lead Lost Reason", "lost_reason": "_AM Too expensive"}).insert()
	world.records["lost_reason"] = ("Sales Lead Lost Reason", "_AM Too expensive")
	world.records["settings"] = ("CRM Ext Settings", "CRM Ext Settings")
	if not frappe.db.exists("Customer", CUSTOMER):
		frappe.get_doc(
			{"doctype": "Customer", "customer_name": CUSTOMER, "customer_type": "Company"}
		).insert()

	for side in ("a", "b"):
		lead = frappe.get_doc(
			{
				"doctype": "Sales Lead",
				"lead_name": f"_AM Person {side.upper()}",
				"email": f"am-person-{side}-{frappe.generate_hash(length=6)}@example.com",
				"pipeline": PIPELINE,
				"lead_owner": world.users[f"sales_{side}"],
			}
		).insert()
		world.records[f"lead_{side}"] = ("Sales Lead", lead.name)
		key = frappe.get_all("Sales Lead Contact Key", filters={"sales_lead": lead.name}, pluck="name")
		if side == "a" and key:
			world.records["contact_key_a"] = ("Sales Lead Contact Key", key[0])
		log = frappe.get_all("Sales Lead Stage Log", filters={"sales_lead": lead.name}, pluck="name")[0]
		world.records[f"stage_log_{side}"] = ("Sales Lead Stage Log", log)
		interaction = frappe.get_doc(
			{
				"doctype": "Interaction",
				"interaction_type": "Note",
				"reference_doctype": "Sales Lead",
				"reference_name": lead.name,
				"summary": f"_AM note on {side}",
			}
		).insert()
		world.records[f"interaction_{side}"] = ("Interaction", interaction.name)
	request = frappe.get_doc(
		{
			"doctype": "Sales Request",
			"person_name": "_AM Person A",
			"email": frappe.db.get_value("Sales Lead", world.name("lead_a"), "email"),
			"message": "_AM again",
		}
	).insert()
	world.records["request_a"] = ("Sales Request", request.name)
	interaction = frappe.get_doc(
		{
			"doctype": "Interaction",
			"interaction_type": "Note",
			"reference_doctype": "Customer",
			"reference_name": CUSTOMER,
			"summary": "_AM note on the customer",
		}
	).insert()
	world.records["interaction_customer"] = ("Interaction", interaction.name)
	make_summaries(world)
	world.extra["customer"] = CUSTOMER
	make_items()
	quotation = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": CUSTOMER,
			"company": COMPANY,
			"sales_lead": world.name("lead_a"),
			"items": [{"item_code": ITEMS[0], "qty": 1, "rate": 10}],
		}
	).insert()
	world.extra["quotation_a"] = quotation.name
	for side in ("a", "b"):
		plan = frappe.get_doc(
			{
				"doctype": "Sales Plan",
				"sales_rep": world.users[f"sales_{side}"],
				"company": COMPANY,
				"period_type": "Month",
				"period_start": nowdate(),
				"pipeline": PIPELINE,
				"plan_amount": 1000,
			}
		).insert()
		world.records[f"plan_{side}"] = ("Sales Plan", plan.name)
	campaign = frappe.db.get_value("Campaign", {"campaign_name": CAMPAIGN}) or (
		frappe.get_doc({"doctype": "Campaign", "campaign_name": CAMPAIGN}).insert().name
	)
	send = frappe.get_doc(
		{
			"doctype": "Sales Campaign Send",
			"campaign": campaign,
			"channel": "E-mail",
			"segment_kind": "Cards",
			"pipeline": PIPELINE,
		}
	).insert()
	world.records["campaign_send"] = ("Sales Campaign Send", send.name)
	world.extra["intake_user"] = world.users["crm_intake"]
	world.extra["sales_a_user"] = world.users["sales_a"]


def make_summaries(world: World) -> None:
	"""A row of each analytics summary: those the app wrote for lead A and interaction A, and a stay
	row of sales A (lead A has not left a stage; the row is removed with the pipeline's)."""
	from crm_ext.analytics import summaries
	from crm_ext.logic.summaries import CREATED, interaction_rows, row_name, stay_days

	rep = world.users["sales_a"]
	stage_row = frappe.get_all(
		summaries.STAGE_SUMMARY,
		filters={"measure": CREATED, "pipeline": PIPELINE, "rep": rep},
		pluck="name",
		limit=1,
	)[0]
	world.records["stage_summary_a"] = (summaries.STAGE_SUMMARY, stage_row)
	key = (now_datetime().date().replace(day=1), PIPELINE, f"{PIPELINE}-New", stay_days(1), rep, COMPANY)
	summaries.apply(summaries.STAY, {key: 1})
	world.records["stage_stay_a"] = (summaries.STAY, row_name(key))
	values = frappe.db.get_value(
		"Interaction", world.name("interaction_a"), ("start_time", "handled_by", "interaction_type", "owner")
	)
	(interaction_key,) = interaction_rows(*values)
	world.records["interaction_summary_a"] = (summaries.INTERACTIONS, row_name(interaction_key))
	# lead A's funnel row counted for sales A, and the viewers recorded for lead A
	viewer_row = frappe.get_all(
		summaries.VIEWERS, filters={"viewer": rep, "pipeline": PIPELINE}, pluck="name", limit=1
	)[0]
	world.records["viewer_summary_a"] = (summaries.VIEWERS, viewer_row)
	world.records["lead_viewer_a"] = (summaries.CARD_VIEWERS, world.name("lead_a"))


# --- the supply side ---------------------------------------------------------------------------


def make_items() -> None:
	if not frappe.db.exists("Item Group", GROUP):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": GROUP, "parent_item_group": "All Item Groups"}
		).insert()
	for code in ITEMS:
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": code,
					"item_group": GROUP,
					"stock_uom": "Nos",
					"is_stock_item": 0,
				}
			).insert()


def make_suppliers(world: World) -> None:
	for persona, name in SUPPLIERS.items():
		world.extra[persona.replace("supplier", "supplier_name")] = name
		if not frappe.db.exists("Supplier", name):
			frappe.get_doc(
				{"doctype": "Supplier", "supplier_name": name, "supplier_group": "All Supplier Groups"}
			).insert()
		supplier = frappe.get_doc("Supplier", name)
		if world.users[persona] not in [row.user for row in supplier.get("portal_users")]:
			supplier.append("portal_users", {"user": world.users[persona]})
			supplier.save()
		# the persona is its supplier's master user, nobody chosen for its e-mails
		frappe.db.set_value(
			"Supplier",
			name,
			{
				"crm_master_user": world.users[persona],
				"crm_invitation_recipients": "",
				"crm_notice_recipients": "",
			},
		)
	world.records["supplier_a"] = ("Supplier", SUPPLIERS["supplier_a"])
	world.extra["supplier_a_user"] = world.users["supplier_a"]
	log(SUPPLIERS["supplier_a"], MASTER_SET, world.users["supplier_a"], FIXTURE_LOG)
	world.records["user_log_a"] = (
		"Supplier User Log",
		frappe.get_all(
			"Supplier User Log",
			filters={"supplier": SUPPLIERS["supplier_a"], "details": FIXTURE_LOG},
			pluck="name",
			limit=1,
		)[0],
	)


def make_template() -> str:
	make_items()
	if not frappe.db.exists("Qualification Template", TEMPLATE):
		frappe.get_doc(
			{
				"doctype": "Qualification Template",
				"template_name": TEMPLATE,
				"pass_score": 60,
				"validity_months": 12,
				"item_groups": [{"item_group": GROUP}],
				"criteria": [
					{
						"criterion": "ISO 9001 certified?",
						"answer_type": "Yes/No",
						"weight": 2,
						"knock_out": 1,
					},
					{
						"criterion": "Years in business",
						"answer_type": "Number",
						"weight": 1,
						"target_value": 10,
					},
				],
				"required_documents": [{"document_type": "Tax certificate", "expiry_required": 1}],
			}
		).insert()
	return TEMPLATE


def make_qualifications(world: World) -> None:
	template = make_template()
	doc = frappe.get_doc("Qualification Template", template)
	world.records["template"] = ("Qualification Template", template)
	world.rows["criterion"] = ("Qualification Criterion", doc.criteria[0].name, "template")
	world.rows["template_group"] = ("Qualification Item Group", doc.item_groups[0].name, "template")
	world.rows["required_document"] = (
		"Qualification Required Document",
		doc.required_documents[0].name,
		"template",
	)
	for side in ("a", "b"):
		supplier = SUPPLIERS[f"supplier_{side}"]
		existing = frappe.get_all(
			"Supplier Qualification",
			filters={"supplier": supplier, "template": template, "docstatus": 0},
			pluck="name",
		)
		for name in existing:
			frappe.delete_doc("Supplier Qualification", name, force=True)
		qualification = frappe.get_doc(
			{
				"doctype": "Supplier Qualification",
				"supplier": supplier,
				"template": template,
				"signatories": [
					{"full_name": f"Signer {side}", "designation": "CEO", "email": f"s-{side}@example.com"}
				],
				"contact_persons": [{"full_name": f"Contact {side}", "email": f"c-{side}@example.com"}],
			}
		).insert()
		world.records[f"qualification_{side}"] = ("Supplier Qualification", qualification.name)
		for key, table in (
			("answer", "answers"),
			("document", "documents"),
			("qualification_group", "item_groups"),
			("signatory", "signatories"),
			("contact", "contact_persons"),
		):
			row = qualification.get(table)[0]
			world.rows[f"{key}_{side}"] = (row.doctype, row.name, f"qualification_{side}")


def make_material_request() -> str:
	"""A submitted purchase request for both items (the sealed tender's lines come from it)."""
	warehouse = frappe.db.get_value("Warehouse", {"company": COMPANY, "is_group": 0}, "name")
	doc = frappe.get_doc(
		{
			"doctype": "Material Request",
			"material_request_type": "Purchase",
			"company": COMPANY,
			"transaction_date": now_datetime().date(),
			"schedule_date": add_to_date(now_datetime(), days=20).date(),
			"items": [
				{
					"item_code": code,
					"qty": qty,
					"uom": "Nos",
					"conversion_factor": 1,
					"schedule_date": add_to_date(now_datetime(), days=20).date(),
					"warehouse": warehouse,
				}
				for code, qty in zip(ITEMS, (100, 10), strict=True)
			],
		}
	).insert()
	doc.submit()
	return doc.name


def make_tender(title: str, suppliers: list[str], request: str | None = None) -> str:
	tender = frappe.get_doc(
		{
			"doctype": "Tender",
			"title": title,
			"company": COMPANY,
			"mode": "Sealed Bid",
			"deadline": add_to_date(now_datetime(), days=2),
			"incoterm": "DAP",
			"delivery_location": "Rotterdam",
			"currencies": [{"currency": "USD"}],
			"other_incoterms": [{"incoterm": "EXW", "freight_percent": 5}],
			"items": []
			if request
			else [
				{"item_code": ITEMS[0], "qty": 100, "uom": "Nos", "budget_unit_price": 12},
				{"item_code": ITEMS[1], "qty": 10, "uom": "Nos", "budget_unit_price": 500},
			],
			"questions": [{"question": "Warranty?", "mandatory": 1}],
			"suppliers": [{"supplier": s} for s in suppliers],
			"weight_price": 100,
		}
	).insert()
	from crm_ext.supply import tender_requests, tenders

	if request:
		tender_requests.add_material_requests(tender.name, [request])
	tenders.publish(tender.name)
	return tender.name


def bid(world: World, persona: str, tender: str, prices: list[float], submit: bool = True) -> str:
	from crm_ext.supply import tender_portal

	frappe.set_user(world.users[persona])
	try:
		name = tender_portal.get_or_create_bid(tender)
		doc = frappe.get_doc("Tender Bid", name)
		values = {
			"currency": "USD",
			"lines": {
				row.name: {"unit_price": p, "qty": row.requested_qty, "delivery_days": 7}
				for row, p in zip(doc.items, prices, strict=True)
			},
			"answers": {row.name: "24 months" for row in doc.answers},
		}
		tender_portal.save_bid(name, values, submit=int(submit))
		return name
	finally:
		frappe.set_user("Administrator")


def make_tenders(world: World) -> None:
	from crm_ext.supply import tenders

	make_items()
	frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", "Off")
	suppliers = list(SUPPLIERS.values())
	request = make_material_request()
	world.extra["material_request"] = request
	sealed = make_tender("_AM Sealed", suppliers, request)
	world.records["tender_sealed"] = ("Tender", sealed)
	world.records["bid_sealed_a"] = ("Tender Bid", bid(world, "supplier_a", sealed, [10, 450]))
	world.records["bid_sealed_b"] = ("Tender Bid", bid(world, "supplier_b", sealed, [11, 440]))

	cancelled = frappe.get_doc("Tender", make_tender("_AM Cancelled", suppliers))
	tenders.cancel(cancelled.name, "_AM fixture")
	world.extra["tender_cancelled"] = cancelled.name

	opened = make_tender("_AM Opened", suppliers)
	world.records["tender_opened"] = ("Tender", opened)
	world.records["bid_opened_a"] = ("Tender Bid", bid(world, "supplier_a", opened, [10, 450]))
	world.records["bid_opened_b"] = ("Tender Bid", bid(world, "supplier_b", opened, [9, 480]))
	# the deadline passes (a fixture's shortcut: the procedure would wait for it)
	frappe.db.set_value("Tender", opened, "deadline", add_to_date(now_datetime(), minutes=-5))
	frappe.set_user(world.users["purchase_manager"])
	try:
		tenders.open_bids(opened)
		tenders.evaluate(opened)
	finally:
		frappe.set_user("Administrator")

	for key in ("tender_sealed", "tender_opened"):
		doc = frappe.get_doc("Tender", world.name(key))
		suffix = key.split("_")[1]
		for row_key, table in (
			("tender_item", "items"),
			("tender_supplier", "suppliers"),
			("tender_currency", "currencies"),
			("tender_incoterm", "other_incoterms"),
			("tender_question", "questions"),
			("tender_request", "material_requests"),
			("tender_notification", "notifications"),
		):
			if not doc.get(table):
				continue
			world.rows[f"{row_key}_{suffix}"] = (doc.get(table)[0].doctype, doc.get(table)[0].name, key)
	opened_doc = frappe.get_doc("Tender", opened)
	world.rows["evaluation"] = ("Tender Evaluation", opened_doc.evaluations[0].name, "tender_opened")
	world.rows["award_line"] = ("Tender Award Line", opened_doc.awards[0].name, "tender_opened")
	for key in ("bid_sealed_a", "bid_opened_b"):
		doc = frappe.get_doc("Tender Bid", world.name(key))
		world.rows[f"bid_item_{key[4:]}"] = ("Tender Bid Item", doc.items[0].name, key)
		world.rows[f"bid_answer_{key[4:]}"] = ("Tender Bid Answer", doc.answers[0].name, key)
	for key, filters in (
		("log_published", {"tender": sealed, "event": "Published"}),
		("log_bid_sealed_a", {"tender": sealed, "bid": world.name("bid_sealed_a")}),
		("log_bid_opened_a", {"tender": opened, "bid": world.name("bid_opened_a")}),
	):
		world.records[key] = (
			"Tender Log",
			frappe.get_all("Tender Log", filters=filters, pluck="name", limit=1)[0],
		)


def attach_files(world: World) -> None:
	"""A private file on every record of the app: downloadable exactly where the record is readable."""
	for key, (doctype, name) in world.records.items():
		if frappe.get_meta(doctype).issingle:
			continue
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"am-{key}-{frappe.generate_hash(length=6)}.txt",
				"attached_to_doctype": doctype,
				"attached_to_name": name,
				"is_private": 1,
				"content": f"secret of {key}",
			}
		)
		file.flags.ignore_permissions = True
		file.insert()
		world.files[key] = file.file_url


# --- build and remove ----------------------------------------------------------------------------


def build() -> World:
	frappe.set_user("Administrator")
	remove()
	world = World()
	for persona in PERSONAS:
		if persona == "guest":
			world.auth[persona] = None
			continue
		world.users[persona], world.auth[persona] = make_persona(persona)
	make_suppliers(world)
	make_sales(world)
	make_qualifications(world)
	make_tenders(world)
	attach_files(world)
	missing = (set(RECORDS) - set(world.records)) | (set(ROWS) - set(world.rows))
	if missing:
		raise AssertionError(f"the world lacks {sorted(missing)}: build them or drop them from the spec")
	frappe.db.commit()
	return world


def remove() -> None:
	"""Everything a run (or a failed earlier run) made, children and logs included."""
	tenders = frappe.get_all("Tender", filters={"title": ("like", "_AM %")}, pluck="name")
	if tenders:
		requests = frappe.get_all(
			"Tender Material Request", filters={"parent": ("in", tenders)}, pluck="material_request"
		)
		for request in set(requests):
			frappe.db.delete("Material Request Item", {"parent": request})
			frappe.db.delete("Material Request", {"name": request})
		bids = frappe.get_all("Tender Bid", filters={"tender": ("in", tenders)}, pluck="name")
		for doctype, parent_names in (("Tender Bid", bids), ("Tender", tenders)):
			for child in {df.options for df in frappe.get_meta(doctype).get_table_fields()}:
				if parent_names:
					frappe.db.delete(child, {"parent": ("in", parent_names)})
			if parent_names:
				frappe.db.delete(doctype, {"name": ("in", parent_names)})
		frappe.db.delete("Tender Log", {"tender": ("in", tenders)})
		for po in frappe.get_all("Purchase Order", filters={"tender": ("in", tenders)}, pluck="name"):
			frappe.delete_doc("Purchase Order", po, force=True)
	for name in frappe.get_all("Supplier Qualification", filters={"template": TEMPLATE}, pluck="name"):
		frappe.db.delete("Supplier Qualification", name)
		for child in {df.options for df in frappe.get_meta("Supplier Qualification").get_table_fields()}:
			frappe.db.delete(child, {"parent": name})
	leads = frappe.get_all("Sales Lead", filters={"pipeline": PIPELINE}, pluck="name")
	if leads:
		for quotation in frappe.get_all("Quotation", filters={"sales_lead": ("in", leads)}, pluck="name"):
			frappe.delete_doc("Quotation", quotation, force=True, ignore_permissions=True)
	for lead in leads:
		frappe.delete_doc("Sales Lead", lead, force=True, ignore_permissions=True)
	frappe.db.delete("Sales Plan", {"pipeline": PIPELINE})
	frappe.db.delete("Sales Campaign Send", {"pipeline": PIPELINE})
	frappe.db.delete("Sales Request", {"person_name": ("like", "_AM %")})
	for name in frappe.get_all("Interaction", filters={"summary": ("like", "_AM %")}, pluck="name"):
		frappe.delete_doc("Interaction", name, force=True, ignore_permissions=True)  # with its summary
	frappe.db.delete("Sales Stage Stay", {"pipeline": PIPELINE})
	frappe.db.delete("File", {"file_name": ("like", "am-%")})
	frappe.db.delete("Supplier User Log", {"supplier": ("in", list(SUPPLIERS.values()))})
	frappe.db.commit()
