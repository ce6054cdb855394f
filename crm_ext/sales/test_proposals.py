"""Tier 2: proposals and contracts from the card, on real Quotations, Contracts and Sales Orders,
and from the attacker's side (a rep acting on a colleague's card)."""

from contextlib import contextmanager

import frappe
from erpnext.selling.doctype.quotation.quotation import make_sales_order
from frappe.utils import add_days, nowdate

from crm_ext.accounts.make import make_quotation
from crm_ext.analytics.testing import default_company, make_service_item
from crm_ext.sales.kanban import stage_entry
from crm_ext.sales.proposals import accept_proposal, make_contract, send_proposal
from crm_ext.testing import CRMTestCase, make_customer, make_pipeline, make_sales_lead, make_user

PIPELINE = "_Test Proposal Pipeline"
REP, OTHER_REP = "proposal-rep@example.com", "proposal-rep2@example.com"
MANAGER = "proposal-head@example.com"
TEMPLATE = "_Test Proposal Contract"
CLIENT, OTHER_CLIENT = "proposal-client@example.com", "proposal-client2@example.com"


def make_proposal_pipeline() -> str:
	make_pipeline(
		PIPELINE,
		[
			("New", "Open", 10, ()),
			("Quote", "Open", 50, ()),
			("Accepted", "Open", 70, ()),
			("Contract", "Open", 90, ("contract_signed",)),
			("Won", "Won", 100, ()),
			("Lost", "Lost", 0, ()),
		],
	)
	frappe.db.set_value("Pipeline Stage", f"{PIPELINE}-Accepted", "is_accepted_stage", 1)
	return PIPELINE


def make_template() -> str:
	if not frappe.db.exists("Contract Template", TEMPLATE):
		frappe.get_doc(
			{
				"doctype": "Contract Template",
				"title": TEMPLATE,
				"contract_terms": "<p>Contract for {{ party_name }}</p>",
				"requires_fulfilment": 1,
				"fulfilment_terms": [{"requirement": "Deliver"}],
			}
		).insert(ignore_permissions=True)
	return TEMPLATE


@contextmanager
def single_value(doctype: str, field: str, value):
	"""A Single's value for one block (restored: Frappe caches Singles beyond the rollback)."""
	before = frappe.db.get_single_value(doctype, field)
	frappe.db.set_single_value(doctype, field, value)
	try:
		yield
	finally:
		frappe.db.set_single_value(doctype, field, before)


class TestProposals(CRMTestCase):
	def setUp(self):
		super().setUp()
		make_proposal_pipeline()
		make_user(REP, "Sales User")
		make_user(OTHER_REP, "Sales User")
		make_user(MANAGER, "Sales Manager", "Sales User")
		self.customer = make_customer("_Test Proposal Customer")
		self.card = make_sales_lead(
			pipeline=PIPELINE,
			lead_name="Olena Proposal",
			organization="_Test Proposal Org",
			lead_owner=REP,
			customer=self.customer,
			company=default_company(),
		)

	def quotation(self, submit: bool = True, user: str = REP):
		frappe.set_user(user)
		try:
			doc = make_quotation(self.card.name)
			doc.items = []
			doc.append("items", {"item_code": make_service_item(), "qty": 2, "rate": 150})
			doc.valid_till = add_days(nowdate(), 14)
			doc.terms = "<p>Payment within 10 days.</p>"
			doc.insert()
			if submit:
				doc.submit()
			return doc
		finally:
			frappe.set_user("Administrator")

	def card_value(self, field):
		return frappe.db.get_value("Sales Lead", self.card.name, field)

	# --- the proposal ----------------------------------------------------------------------------

	def test_print_format_has_cover_letter_items_terms_and_validity(self):
		quotation = self.quotation()
		html = frappe.get_print("Quotation", quotation.name, "Commercial Proposal")
		for text in ("Dear Olena Proposal", "_Test Proposal Org", "Payment within 10 days", "Valid until"):
			self.assertIn(text, html)
		self.assertIn(frappe.db.get_value("Item", make_service_item(), "item_name"), html)
		frappe.db.set_single_value(
			"CRM Ext Settings",
			"proposal_cover_letter",
			"<p>{{ _('Hello') }} {{ lead.organization | e }}!</p>",
		)
		html = frappe.get_print("Quotation", quotation.name, "Commercial Proposal")
		self.assertIn("Hello _Test Proposal Org!", html)
		self.assertNotIn("Dear Olena", html)

	def test_sending_puts_the_email_and_the_proposal_on_the_card(self):
		quotation = self.quotation()
		frappe.db.set_value("Email Account", "_Test Email Account 1", "default_outgoing", 1)
		# this machine has no wkhtmltopdf: the same attach_print, as HTML instead of PDF
		with single_value("Print Settings", "send_print_as_pdf", 0):
			frappe.set_user(REP)
			sent = send_proposal(quotation.name, recipients="client@example.com")
			frappe.set_user("Administrator")
		communication = frappe.get_doc("Communication", sent["communication"])
		self.assertEqual(
			(communication.reference_doctype, communication.reference_name), ("Sales Lead", self.card.name)
		)
		self.assertIn("Dear Olena Proposal", communication.content)
		self.assertIn(
			("Quotation", quotation.name),
			[(link.link_doctype, link.link_name) for link in communication.timeline_links],
		)
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Communication", "attached_to_name": communication.name},
			fields=["name", "file_name"],
		)
		self.assertEqual(len(files), 1)
		self.assertIn(quotation.name, files[0].file_name)
		self.assertIn("Commercial Proposal", frappe.get_doc("File", files[0].name).get_content())
		self.assertTrue(
			frappe.db.exists(
				"Email Queue", {"reference_doctype": "Sales Lead", "reference_name": self.card.name}
			)
		)

	def test_only_a_submitted_quotation_goes_out_and_recipients_are_checked(self):
		draft = self.quotation(submit=False)
		frappe.set_user(REP)
		with self.assertRaisesRegex(frappe.ValidationError, "Submit"):
			send_proposal(draft.name, recipients="client@example.com")
		frappe.set_user("Administrator")
		submitted = self.quotation()
		frappe.set_user(REP)
		with self.assertRaisesRegex(frappe.InvalidEmailAddressError, "Recipients"):
			send_proposal(submitted.name, recipients="not-an-address")

	def test_a_rep_cannot_propose_or_send_from_a_colleagues_card(self):
		quotation = self.quotation()
		frappe.set_user(OTHER_REP)
		with self.assertRaises(frappe.PermissionError):
			make_quotation(self.card.name)
		with self.assertRaises(frappe.PermissionError):
			send_proposal(quotation.name, recipients="attacker@example.com")
		with self.assertRaises(frappe.PermissionError):
			make_contract(self.card.name)
		frappe.set_user("Administrator")
		self.assertFalse(
			frappe.db.exists(
				"Communication", {"reference_name": self.card.name, "recipients": "attacker@example.com"}
			)
		)

	# --- the contract ------------------------------------------------------------------------------

	def test_contract_takes_the_template_and_the_accepted_quotations_terms(self):
		quotation = self.quotation()
		frappe.set_user(MANAGER)
		contract = make_contract(self.card.name, contract_template=make_template())
		self.assertEqual((contract.party_type, contract.party_name), ("Customer", self.customer))
		self.assertEqual((contract.document_type, contract.document_name), ("Quotation", quotation.name))
		self.assertIn(f"Contract for {self.customer}", contract.contract_terms)
		self.assertIn("Payment within 10 days", contract.contract_terms)
		self.assertEqual([row.requirement for row in contract.fulfilment_terms], ["Deliver"])
		contract.insert()
		self.assertEqual(
			(self.card_value("contract"), self.card_value("contract_signed")), (contract.name, 0)
		)
		contract.is_signed = 1
		contract.signee = "Olena Proposal"
		contract.submit()
		frappe.set_user("Administrator")
		self.assertEqual(self.card_value("contract_signed"), 1)
		self.assertTrue(self.card_value("contract_signed_on"))
		self.assertTrue(
			frappe.db.exists(
				"Interaction",
				{"reference_name": self.card.name, "summary": ("like", f"%{contract.name}%signed%")},
			)
		)
		contract.cancel()
		self.assertEqual(self.card_value("contract_signed"), 0)

	def test_a_stage_can_require_a_signed_contract_and_no_door_forges_it(self):
		frappe.set_user(REP)
		card = frappe.get_doc("Sales Lead", self.card.name)
		card.stage = f"{PIPELINE}-Contract"
		with self.assertRaisesRegex(frappe.ValidationError, "Contract Signed"):
			card.save()
		frappe.set_user(REP)
		with self.assertRaises(frappe.ValidationError):
			frappe.client.set_value(
				"Sales Lead", self.card.name, {"contract_signed": 1, "stage": f"{PIPELINE}-Contract"}
			)
		frappe.set_user("Administrator")
		self.assertEqual(self.card_value("contract_signed"), 0)
		# the board asks for nothing it cannot take: the card itself needs the signed contract
		frappe.set_user(REP)
		entry = stage_entry(self.card.name, f"{PIPELINE}-Contract")
		self.assertEqual((entry["fields"], entry["on_form"]), ([], ["Contract Signed"]))
		frappe.set_user(MANAGER)
		contract = make_contract(self.card.name)
		contract.contract_terms = "Terms"
		contract.is_signed = 1
		contract.insert()
		frappe.set_user(REP)
		card = frappe.get_doc("Sales Lead", self.card.name)
		card.stage = f"{PIPELINE}-Contract"
		card.save()
		self.assertEqual(self.card_value("stage"), f"{PIPELINE}-Contract")

	def test_a_rep_cannot_hang_a_contract_on_a_colleagues_card(self):
		other_card = make_sales_lead(pipeline=PIPELINE, lead_owner=OTHER_REP, customer=self.customer)
		frappe.db.set_value("Sales Lead", other_card.name, "owner", OTHER_REP)
		make_user("proposal-head2@example.com", "Sales User")
		# a user with ERPNext's Contract rights but no right on the card
		user = frappe.get_doc("User", "proposal-head2@example.com")
		user.add_roles("Purchase Manager")
		frappe.set_user(user.name)
		contract = frappe.get_doc(
			{
				"doctype": "Contract",
				"party_type": "Customer",
				"party_name": self.customer,
				"contract_terms": "x",
				"sales_lead": other_card.name,
			}
		)
		with self.assertRaises(frappe.PermissionError):
			contract.insert()

	# --- acceptance --------------------------------------------------------------------------------

	def test_an_accepted_quotation_moves_the_card_forward_only(self):
		quotation = self.quotation()
		order = make_sales_order(quotation.name)
		order.delivery_date = add_days(nowdate(), 7)
		order.insert()
		order.submit()
		self.assertEqual(self.card_value("stage"), f"{PIPELINE}-Accepted")
		self.assertEqual(frappe.db.get_value("Quotation", quotation.name, "status"), "Ordered")
		# a card further on stays where it is
		frappe.db.set_value("Sales Lead", self.card.name, "stage", f"{PIPELINE}-Contract")
		second = self.quotation()
		order = make_sales_order(second.name)
		order.delivery_date = add_days(nowdate(), 7)
		order.insert()
		order.submit()
		self.assertEqual(self.card_value("stage"), f"{PIPELINE}-Contract")

	# --- acceptance on the portal --------------------------------------------------------------------

	def portal_user(self, email: str, customer: str) -> str:
		make_user(email, "Customer", user_type="Website User")
		doc = frappe.get_doc("Customer", make_customer(customer))
		if email not in [row.user for row in doc.portal_users]:
			doc.append("portal_users", {"user": email})
			doc.save(ignore_permissions=True)
		return email

	def test_the_customer_accepts_on_the_portal_and_the_card_moves(self):
		quotation = self.quotation()
		self.portal_user(CLIENT, self.customer)
		frappe.set_user(CLIENT)
		accepted = accept_proposal(quotation.name)
		self.assertEqual(accept_proposal(quotation.name)["accepted_on"], accepted["accepted_on"])  # once
		frappe.set_user("Administrator")
		self.assertEqual(self.card_value("stage"), f"{PIPELINE}-Accepted")
		self.assertEqual(frappe.db.get_value("Quotation", quotation.name, "crm_accepted_by"), CLIENT)
		self.assertTrue(
			frappe.db.exists(
				"Interaction",
				{"reference_name": self.card.name, "summary": ("like", f"%{quotation.name}%accepted%")},
			)
		)

	def test_only_the_customers_portal_user_accepts_a_valid_offer(self):
		quotation = self.quotation()
		self.portal_user(OTHER_CLIENT, "_Test Proposal Other Customer")
		for user in (OTHER_CLIENT, REP, MANAGER):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError, msg=user):
				accept_proposal(quotation.name)
		frappe.set_user(OTHER_CLIENT)
		with self.assertRaises(frappe.PermissionError):
			accept_proposal("no-such-quotation")  # the same answer as a foreign one
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.get_value("Quotation", quotation.name, "crm_accepted_on"))
		self.assertEqual(self.card_value("stage"), f"{PIPELINE}-New")
		self.portal_user(CLIENT, self.customer)
		frappe.db.set_value("Quotation", quotation.name, "valid_till", add_days(nowdate(), -1))
		frappe.set_user(CLIENT)
		with self.assertRaisesRegex(frappe.ValidationError, "valid until"):
			accept_proposal(quotation.name)
