"""Proposals and contracts from the card.

- **Commercial Proposal**: the card's Quotation (``crm_ext.accounts.make.make_quotation``) printed
  with the *Commercial Proposal* print format: a cover letter from a template (CRM Ext Settings >
  Proposal Cover Letter, else ``templates/proposal/cover_letter.html``) with the card's and the
  customer's data, the items, the terms and the validity. :func:`send_proposal` e-mails it from the
  card: the Communication is the card's (its timeline, replies land on the card), linked to the
  quotation too, with the proposal's print attached.
- **Contract**: :func:`make_contract` makes an ERPNext Contract for the card's customer from a
  Contract Template (rendered by ERPNext's own ``get_contract_template``) and the accepted
  quotation's terms (:func:`crm_ext.logic.proposals.accepted_quotation`), linked to that quotation
  and to the card. Every change of a contract of the card keeps the card's ``contract``,
  ``contract_signed`` and ``contract_signed_on`` (server fields): a stage that lists
  ``contract_signed`` in its Required Fields is entered only with a signed contract.
- **Acceptance**: the customer's portal user accepts a submitted quotation on ERPNext's quotation
  page (``/quotations/<name>``, button *Accept Proposal*: :func:`accept_proposal`), or a Sales Order
  is submitted from it (the shopping cart or the desk): the card is told on its timeline and moves
  forward to its pipeline's *Proposal Accepted* stage, if it has one.

Rights, checked first: write on the card as stored (``crm_ext.sales.access``) and Frappe's own
right on the document (e-mail a Quotation, create a Contract); POST only.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import DocType
from frappe.utils import escape_html, getdate, now_datetime, nowdate, split_emails, validate_email_address

from crm_ext.accounts.links import leads_of
from crm_ext.accounts.make import require_post
from crm_ext.logic.errors import LogicError
from crm_ext.logic.proposals import (
	QuotationRow,
	accepted_quotation,
	check_acceptable,
	should_move_on_acceptance,
)
from crm_ext.sales.timeline import log_on_lead
from crm_ext.utils import throw
from crm_ext.utils.documents import procedure

PROPOSAL_FORMAT = "Commercial Proposal"
COVER_LETTER_TEMPLATE = "crm_ext/templates/proposal/cover_letter.html"
Quotation = DocType("Quotation")
Contract = DocType("Contract")


# --- the proposal ------------------------------------------------------------------------------


def proposal_cover_letter(doc) -> str:
	"""The cover letter of a quotation's proposal (Jinja method of the print format): the settings'
	template, else the app's, rendered with the quotation, its card and customer."""
	lead = None
	if doc.get("sales_lead"):
		lead = frappe.db.get_value(
			"Sales Lead", doc.sales_lead, ["lead_name", "organization", "job_title"], as_dict=True
		)
	context = {
		"doc": doc,
		"lead": lead or frappe._dict(),
		"customer": doc.get("customer_name") or doc.get("party_name"),
		"company": doc.get("company"),
		"valid_till": doc.get("valid_till"),
	}
	template = frappe.db.get_single_value("CRM Ext Settings", "proposal_cover_letter", cache=False)
	if template and template.strip():
		return frappe.render_template(template, context)
	return frappe.render_template(COVER_LETTER_TEMPLATE, context)


@frappe.whitelist(methods=["POST"])
def send_proposal(
	quotation: str, recipients: str | None = None, subject: str | None = None, message: str | None = None
) -> dict:
	"""E-mail a submitted quotation of a card as a commercial proposal, from the card."""
	frappe.has_permission("Quotation", "email", throw=True)
	stored = frappe.db.get_value("Quotation", quotation, ["sales_lead", "docstatus"], as_dict=True)
	if not stored:
		frappe.throw(_("Quotation {0} not found.").format(frappe.bold(quotation)), frappe.DoesNotExistError)
	if not stored.sales_lead:
		frappe.throw(
			_("Quotation {0} belongs to no Sales Lead: send it from its own form.").format(
				frappe.bold(quotation)
			),
			title=_("Not a Proposal"),
		)
	frappe.has_permission("Sales Lead", "write", stored.sales_lead, throw=True)
	frappe.has_permission("Quotation", "email", quotation, throw=True)
	if stored.docstatus != 1:
		frappe.throw(
			_("Submit Quotation {0} before sending it as a proposal.").format(frappe.bold(quotation)),
			title=_("Not Submitted"),
		)
	recipients = checked_recipients(recipients or card_email(stored.sales_lead))
	doc = frappe.get_doc("Quotation", quotation)
	attachment = frappe.attach_print(
		"Quotation", quotation, print_format=PROPOSAL_FORMAT, lang=doc.get("language") or None
	)
	from frappe.core.doctype.communication.email import _make

	sent = _make(
		doctype="Sales Lead",
		name=stored.sales_lead,
		subject=subject or _("Commercial Proposal {0}").format(quotation),
		content=escape_html(message) if message else proposal_cover_letter(doc),
		recipients=recipients,
		send_email=True,
		attachments=[attachment],
		communication_type="Communication",
	)
	communication = frappe.get_doc("Communication", sent["name"])
	communication.add_link("Quotation", quotation)
	communication.save(ignore_permissions=True)
	return {"communication": communication.name, "recipients": recipients}


def card_email(lead: str) -> str:
	email, contact = frappe.db.get_value("Sales Lead", lead, ["email", "contact"])
	if not email and contact:
		email = frappe.db.get_value("Contact", contact, "email_id")
	return email or ""


def checked_recipients(recipients: str) -> str:
	addresses = split_emails(recipients or "")
	if not addresses:
		frappe.throw(
			_("Recipients: the card has no e-mail address; enter one."), title=_("Missing Recipient")
		)
	for address in addresses:
		if not validate_email_address(address):
			frappe.throw(
				_("Recipients: {0} is not a valid e-mail address.").format(frappe.bold(escape_html(address))),
				frappe.InvalidEmailAddressError,
				title=_("Invalid Recipient"),
			)
	return ", ".join(addresses)


# --- the contract ------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def make_contract(
	source_name: str, target_doc: str | None = None, contract_template: str | None = None
) -> Document:
	"""An unsaved Contract for the card (the desk's Create > Contract opens it to be checked and saved)."""
	require_post()
	frappe.has_permission("Sales Lead", "write", source_name, throw=True)
	frappe.has_permission("Contract", "create", throw=True)
	template = contract_template or (frappe.flags.args or {}).get("contract_template")
	if template:
		frappe.has_permission("Contract Template", "read", template, throw=True)
	lead = frappe.get_doc("Sales Lead", source_name)
	if not lead.customer:
		from crm_ext.sales.conversion import convert_to_customer

		convert_to_customer(lead.name)
		lead.reload()
	quotation = card_accepted_quotation(lead.name)
	contract = frappe.new_doc("Contract")
	contract.update(
		{
			"party_type": "Customer",
			"party_name": lead.customer,
			"start_date": nowdate(),
			"sales_lead": lead.name,
			"document_type": "Quotation" if quotation else "",
			"document_name": quotation,
		}
	)
	terms = []
	if template:
		from erpnext.crm.doctype.contract_template.contract_template import get_contract_template

		rendered = get_contract_template(template, contract.as_dict())
		contract.contract_template = template
		contract.requires_fulfilment = rendered["contract_template"].requires_fulfilment
		for row in rendered["contract_template"].fulfilment_terms:
			contract.append("fulfilment_terms", {"requirement": row.requirement})
		terms.append(rendered["contract_terms"] or "")
	if quotation:
		terms.append(frappe.db.get_value("Quotation", quotation, "terms") or "")
	contract.contract_terms = "\n".join(t for t in terms if t)
	return contract


def card_accepted_quotation(lead: str) -> str | None:
	rows = (
		frappe.qb.from_(Quotation)
		.select(
			Quotation.name,
			Quotation.status,
			Quotation.docstatus,
			Quotation.transaction_date,
			Quotation.creation,
		)
		.where(Quotation.sales_lead == lead)
		.where(Quotation.docstatus == 1)
		.run(as_dict=True)
	)
	return accepted_quotation(
		[QuotationRow(r.name, r.status, r.docstatus, r.transaction_date, str(r.creation)) for r in rows]
	)


# --- doc_events of Contract ---------------------------------------------------------------------


def contract_validate(doc, method=None):
	"""A contract hangs on a card only by who may write the card, and only for the card's customer."""
	from crm_ext.accounts.links import check_lead_customer, check_lead_link

	if doc.get("party_type") == "Customer":
		check_lead_customer(doc, doc.party_name)
	elif doc.get("sales_lead"):
		frappe.throw(_("A contract of a Sales Lead is made with its Customer."), title=_("Invalid Party"))
	check_lead_link(doc)


def contract_on_change(doc, method=None):
	before = doc.get_doc_before_save()
	for lead in {doc.get("sales_lead"), before.get("sales_lead") if before else None} - {None, ""}:
		sync_contract_state(lead)


def contract_on_trash(doc, method=None):
	if doc.get("sales_lead"):
		sync_contract_state(doc.sales_lead, leaving=doc.name)


def sync_contract_state(lead: str, leaving: str | None = None) -> None:
	"""The card's contract (the latest signed one, else the latest) and whether one is signed, from
	its contracts as they are now (never incremented); a newly signed contract is noted on the card."""
	if not frappe.db.exists("Sales Lead", lead):
		return
	query = (
		frappe.qb.from_(Contract)
		.select(Contract.name, Contract.is_signed, Contract.signed_on)
		.where(Contract.sales_lead == lead)
		.where(Contract.docstatus < 2)
		.orderby(Contract.creation, order=frappe.qb.desc)
	)
	if leaving:
		query = query.where(Contract.name != leaving)
	rows = query.run(as_dict=True)
	signed = [r for r in rows if r.is_signed]
	current = signed[0] if signed else (rows[0] if rows else None)
	was_signed = frappe.db.get_value("Sales Lead", lead, "contract_signed")
	frappe.db.set_value(
		"Sales Lead",
		lead,
		{
			"contract": current.name if current else None,
			"contract_signed": 1 if signed else 0,
			"contract_signed_on": (signed[0].signed_on or now_datetime()) if signed else None,
		},
		update_modified=False,
	)
	if signed and not was_signed:
		log_on_lead(lead, _("Contract {0} signed.").format(frappe.bold(signed[0].name)))


# --- acceptance ------------------------------------------------------------------------------------

PortalUser = DocType("Portal User")


@frappe.whitelist(methods=["POST"])
def accept_proposal(quotation: str) -> dict:
	"""The customer accepts a proposal on the portal: only a portal user of the quotation's customer
	(a foreign or unknown quotation answers the same 403), only a submitted one still on offer and
	valid. Accepting twice is answered with the first acceptance."""
	user = frappe.session.user
	if user == "Guest" or "Customer" not in frappe.get_roles(user):
		frappe.throw(_("Only the customer may accept a proposal."), frappe.PermissionError)
	stored = frappe.db.get_value(
		"Quotation",
		quotation,
		["quotation_to", "party_name", "docstatus", "status", "valid_till", "sales_lead", "crm_accepted_on"],
		as_dict=True,
	)
	if not stored or stored.quotation_to != "Customer" or stored.party_name not in portal_customers(user):
		frappe.throw(_("Not permitted to accept this proposal."), frappe.PermissionError)
	if stored.crm_accepted_on:
		return {"accepted_on": stored.crm_accepted_on}
	try:
		check_acceptable(
			stored.docstatus,
			stored.status,
			getdate(stored.valid_till) if stored.valid_till else None,
			getdate(),
		)
	except LogicError as error:
		throw(error, title=_("Cannot Accept"))
	accepted_on = now_datetime()
	frappe.db.set_value(
		"Quotation",
		quotation,
		{"crm_accepted_on": accepted_on, "crm_accepted_by": user},
		update_modified=False,
	)
	if stored.sales_lead:
		with procedure():
			log_on_lead(
				stored.sales_lead,
				_("Proposal {0} accepted by the customer ({1}) on the portal.").format(
					frappe.bold(quotation), escape_html(user)
				),
			)
			move_to_accepted_stage(stored.sales_lead)
	return {"accepted_on": accepted_on}


def portal_customers(user: str) -> list[str]:
	"""The customers ``user`` is a portal user of (Customer > Portal Users)."""
	return (
		frappe.qb.from_(PortalUser)
		.select(PortalUser.parent)
		.where((PortalUser.parenttype == "Customer") & (PortalUser.user == user))
		.run(pluck=True)
	)


def on_sales_order_submit(doc, method=None):
	"""A Sales Order made from a card's quotation: the customer accepted the proposal."""
	quotations = {row.prevdoc_docname for row in doc.items if row.get("prevdoc_docname")}
	for lead in sorted(set(filter(None, leads_of("Quotation", quotations)))):
		move_to_accepted_stage(lead)


def move_to_accepted_stage(lead: str) -> None:
	from crm_ext.sales.pipeline import move_card

	card = frappe.db.get_value("Sales Lead", lead, ["stage", "pipeline", "stage_kind"], as_dict=True)
	target = frappe.db.get_value(
		"Pipeline Stage",
		{"pipeline": card.pipeline, "is_accepted_stage": 1},
		["name", "stage_order"],
		as_dict=True,
	)
	current_order = frappe.db.get_value("Pipeline Stage", card.stage, "stage_order") or 0
	if not target or not should_move_on_acceptance(
		card.stage_kind, current_order, target.name, target.stage_order or 0, card.stage
	):
		return
	move_card(lead, target.name, _("Proposal accepted, but the card could not move to stage {0}: {1}"))
