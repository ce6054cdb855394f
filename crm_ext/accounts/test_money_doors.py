"""Tier 2: every door by which a change reaches the ledger moves the card's money at once.

Real submitted documents, run as ERPNext runs them (Payment Reconciliation's ``reconcile``, the
Unreconcile button's ``create_unreconcile_doc_for_selection``, ``frappe.client.set_value`` on a
submitted invoice, Frappe's rename-with-merge); after each step the card's figures are compared with
ERPNext's own: the invoices' ``outstanding_amount`` and ``status`` (which ERPNext keeps from its
Payment Ledger), never with the app's query.
"""

import json

import frappe
from erpnext.accounts.doctype.unreconcile_payment.unreconcile_payment import (
	create_unreconcile_doc_for_selection,
)
from erpnext.accounts.party import get_party_account
from frappe.query_builder import DocType
from frappe.utils import add_days, flt, nowdate

from crm_ext.accounts.events import refresh_open_receivables
from crm_ext.accounts.make import make_quotation, make_sales_invoice
from crm_ext.accounts.test_accounting_links import company, make_fresh_customer, make_item, pay
from crm_ext.sales.merge import merge_leads
from crm_ext.testing import CRMTestCase, make_sales_lead, make_user

OWED = ("Unpaid", "Partly Paid", "Overdue")


def make_invoice(lead, rate, company_name=None, posting_date=None, due_days=30, schedule=None):
	"""A submitted invoice of ``lead``'s customer on the card; ``schedule``: [(days after posting,
	portion %), ...] instalments."""
	posting_date = posting_date or nowdate()
	si = frappe.new_doc("Sales Invoice")
	si.update(
		{
			"customer": lead.customer,
			"company": company_name or lead.company,
			"sales_lead": lead.name,
			"set_posting_time": 1,
			"posting_date": posting_date,
			"due_date": add_days(posting_date, due_days),
			"disable_rounded_total": 1,
		}
	)
	if company_name:
		currency = frappe.get_cached_value("Company", company_name, "default_currency")
		si.update({"currency": currency, "conversion_rate": 1, "price_list_currency": currency})
	for days, portion in schedule or ():
		si.append("payment_schedule", {"due_date": add_days(posting_date, days), "invoice_portion": portion})
	si.append("items", {"item_code": make_item(), "qty": 1, "rate": rate})
	si.insert()
	si.submit()
	return si


def advance(customer: str, company_name: str, amount: float):
	"""A submitted payment from ``customer`` allocated to nothing (an advance)."""
	pe = frappe.new_doc("Payment Entry")
	pe.update(
		{
			"payment_type": "Receive",
			"company": company_name,
			"party_type": "Customer",
			"party": customer,
			"paid_from": get_party_account("Customer", customer, company_name),
			"paid_to": frappe.get_cached_value("Company", company_name, "default_cash_account"),
			"paid_amount": amount,
			"received_amount": amount,
			"reference_no": frappe.generate_hash(length=8),
			"reference_date": nowdate(),
		}
	)
	pe.setup_party_account_field()
	pe.set_missing_values()
	pe.insert()
	pe.submit()
	return pe


def other_company(currency_of: str) -> str:
	"""A company whose currency is not ``currency_of``'s."""
	currency = frappe.get_cached_value("Company", currency_of, "default_currency")
	for name, other_currency in frappe.get_all("Company", fields=["name", "default_currency"], as_list=True):
		if other_currency != currency and frappe.db.get_value("Company", name, "default_receivable_account"):
			return name
	return (
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": "_Test CRM Other Co",
				"abbr": "_TCRMO",
				"default_currency": "EUR" if currency != "EUR" else "USD",
				"country": "Germany",
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		)
		.insert()
		.name
	)


class MoneyTestCase(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.company = company()
		self.customer = make_fresh_customer()
		self.lead = self.card()

	def card(self, customer=None, **kwargs):
		customer = customer or self.customer
		return make_sales_lead(organization=customer, customer=customer, company=self.company, **kwargs)

	def erpnext_figures(self, lead: str) -> tuple[float, float, list[str]]:
		"""(invoiced, outstanding, statuses) of the card's invoices of its company, as ERPNext keeps
		them on the invoices."""
		invoices = frappe.get_all(
			"Sales Invoice",
			filters={"sales_lead": lead, "docstatus": 1, "company": self.company},
			fields=["base_grand_total", "outstanding_amount", "status"],
		)
		invoiced = flt(sum(flt(i.base_grand_total) for i in invoices), 2)
		outstanding = flt(sum(flt(i.outstanding_amount) for i in invoices), 2)
		return invoiced, outstanding, [i.status for i in invoices]

	def assertCard(self, lead: str, status: str, overdue: float | None = None):
		card = frappe.db.get_value(
			"Sales Lead",
			lead,
			["invoiced_amount", "paid_amount", "outstanding_amount", "overdue_amount", "payment_status"],
			as_dict=True,
		)
		invoiced, outstanding, _statuses = self.erpnext_figures(lead)
		self.assertEqual(flt(card.invoiced_amount, 2), invoiced)
		self.assertEqual(flt(card.outstanding_amount, 2), outstanding)
		self.assertEqual(flt(card.paid_amount, 2), flt(invoiced - outstanding, 2))
		self.assertEqual(card.payment_status, status)
		if overdue is not None:
			self.assertEqual(flt(card.overdue_amount, 2), overdue)
		return card


class TestMoneyDoors(MoneyTestCase):
	# --- merge ----------------------------------------------------------------------------------

	def test_merge_moves_the_money_to_the_kept_card(self):
		source = self.card()
		si = make_invoice(source, 400)
		pay(si.name, 100)
		self.assertCard(source.name, "Partly paid")
		self.assertCard(self.lead.name, "Not invoiced")

		merge_leads(source.name, self.lead.name)

		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "sales_lead"), self.lead.name)
		self.assertCard(self.lead.name, "Partly paid")

	def test_merge_across_customers_is_refused(self):
		other = self.card(customer=make_fresh_customer())
		make_invoice(other, 300)
		with self.assertRaises(frappe.ValidationError) as caught:
			merge_leads(other.name, self.lead.name)
		self.assertIn(other.customer, str(caught.exception))
		self.assertTrue(frappe.db.exists("Sales Lead", other.name))
		self.assertCard(other.name, "Unpaid")

		# a card not converted yet, holding a document of another customer, is that customer's too
		bare = make_sales_lead(company=self.company)
		quotation = make_quotation(other.name)
		quotation.sales_lead = bare.name
		quotation.append("items", {"item_code": make_item(), "qty": 1, "rate": 10})
		quotation.insert()
		self.assertRaises(frappe.ValidationError, merge_leads, bare.name, self.lead.name)

	# --- Unreconcile Payment -------------------------------------------------------------------

	def test_unreconcile_makes_a_paid_card_owe_again_at_once(self):
		si = make_invoice(self.lead, 250)
		pe = pay(si.name, 250)
		self.assertEqual(frappe.db.get_value("Payment Entry", pe.name, "sales_lead"), self.lead.name)
		self.assertCard(self.lead.name, "Paid")

		# the Unreconcile button of the payment's form
		create_unreconcile_doc_for_selection(
			json.dumps(
				[
					{
						"company": self.company,
						"voucher_type": "Payment Entry",
						"voucher_no": pe.name,
						"against_voucher_type": "Sales Invoice",
						"against_voucher_no": si.name,
					}
				]
			)
		)

		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "status"), "Unpaid")
		self.assertCard(self.lead.name, "Unpaid")
		self.assertIsNone(frappe.db.get_value("Payment Entry", pe.name, "sales_lead"))
		self.assertTrue(
			frappe.db.exists(
				"Interaction",
				{"reference_name": self.lead.name, "summary": ("like", f"%{pe.name}%unreconciled%")},
			)
		)

	# --- Payment Reconciliation ------------------------------------------------------------------

	def reconcile(self, invoice: str, payment: str):
		"""Payment Reconciliation as its form runs it: fetch, allocate, reconcile."""
		pr = frappe.new_doc("Payment Reconciliation")
		pr.company = self.company
		pr.party_type = "Customer"
		pr.party = self.customer
		pr.receivable_payable_account = get_party_account("Customer", self.customer, self.company)
		pr.get_unreconciled_entries()
		invoices = [row.as_dict() for row in pr.invoices if row.invoice_number == invoice]
		payments = [row.as_dict() for row in pr.payments if row.reference_name == payment]
		self.assertTrue(invoices and payments)
		pr.allocate_entries(frappe._dict({"invoices": invoices, "payments": payments}))
		pr.reconcile()

	def test_payment_reconciliation_shows_at_once_on_every_card(self):
		first, second = self.lead, self.card()
		x = make_invoice(first, 100)
		y = make_invoice(second, 200)
		pe = advance(self.customer, self.company, 250)
		self.assertCard(second.name, "Unpaid")

		self.reconcile(x.name, pe.name)
		self.assertCard(first.name, "Paid")
		self.assertEqual(frappe.db.get_value("Payment Entry", pe.name, "sales_lead"), first.name)

		# the rest of the payment goes to the second card's invoice; the first card keeps its payment
		self.reconcile(y.name, pe.name)
		self.assertCard(second.name, "Partly paid")
		self.assertCard(first.name, "Paid")
		self.assertIsNone(frappe.db.get_value("Payment Entry", pe.name, "sales_lead"))  # pays two cards
		self.assertTrue(
			frappe.db.exists(
				"Interaction",
				{"reference_name": second.name, "summary": ("like", f"%{pe.name}%reconciled%")},
			)
		)

	# --- re-linking a submitted invoice ----------------------------------------------------------

	def test_relinking_to_a_card_of_another_customer_is_refused(self):
		si = make_invoice(self.lead, 120)
		stranger = self.card(customer=make_fresh_customer())
		self.assertRaises(
			frappe.ValidationError,
			frappe.client.set_value,
			"Sales Invoice",
			si.name,
			"sales_lead",
			stranger.name,
		)
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "sales_lead"), self.lead.name)

	def test_relinking_needs_write_on_both_cards(self):
		"""Only accounts roles update invoices; the Accounts User's right on cards is read: it may
		not move an invoice between them. A head of sales who also keeps the books may."""
		accountant = make_user("crm-money-accountant@example.com", "Accounts User")
		head = make_user("crm-money-head@example.com", "Sales Manager", "Accounts User")
		first, second = self.card(), self.card()
		si = make_invoice(first, 120)

		frappe.set_user(accountant)
		with self.assertRaises(frappe.PermissionError):
			frappe.client.set_value("Sales Invoice", si.name, "sales_lead", second.name)
		with self.assertRaises(frappe.PermissionError):  # nor take it off its card
			frappe.client.set_value("Sales Invoice", si.name, "sales_lead", None)
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "sales_lead"), first.name)
		frappe.set_user(head)
		frappe.client.set_value("Sales Invoice", si.name, "sales_lead", second.name)
		frappe.set_user("Administrator")

		self.assertCard(first.name, "Not invoiced")
		self.assertCard(second.name, "Unpaid")

	def test_an_accountant_invoices_an_order_of_any_card(self):
		"""The card an invoice inherits from its order needs no right on the card."""
		from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice as invoice_order

		accountant = make_user("crm-money-accountant@example.com", "Accounts User")
		so = frappe.new_doc("Sales Order")
		so.update({"customer": self.customer, "company": self.company, "sales_lead": self.lead.name})
		so.delivery_date = add_days(nowdate(), 7)
		so.append("items", {"item_code": make_item(), "qty": 1, "rate": 60})
		so.insert()
		so.submit()

		frappe.set_user(accountant)
		si = invoice_order(so.name)
		si.insert()
		si.submit()
		frappe.set_user("Administrator")
		self.assertEqual(si.sales_lead, self.lead.name)
		self.assertCard(self.lead.name, "Unpaid")

	def test_a_payments_card_is_derived_whatever_a_client_sends(self):
		si = make_invoice(self.lead, 50)
		pe = pay(si.name, 50)
		other = self.card()
		frappe.client.set_value("Payment Entry", pe.name, "sales_lead", other.name)
		self.assertEqual(frappe.db.get_value("Payment Entry", pe.name, "sales_lead"), self.lead.name)

	def test_a_rep_cannot_hang_a_document_on_a_colleagues_card(self):
		rep = make_user("crm-money-rep-b@example.com", "Sales User")
		colleague = make_user("crm-money-colleague-b@example.com", "Sales User")
		theirs, own = self.card(lead_owner=colleague), self.card(lead_owner=rep)

		def quotation(card: str) -> dict:
			return {
				"doctype": "Quotation",
				"quotation_to": "Customer",
				"party_name": self.customer,
				"company": self.company,
				"sales_lead": card,
				"items": [{"item_code": make_item(), "qty": 1, "rate": 10}],
			}

		frappe.set_user(rep)
		self.assertRaises(frappe.PermissionError, frappe.client.insert, quotation(theirs.name))
		mine = frappe.client.insert(quotation(own.name))
		with self.assertRaises(frappe.PermissionError):  # nor move one there
			frappe.client.set_value("Quotation", mine["name"], "sales_lead", theirs.name)
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("Quotation", {"sales_lead": theirs.name}))

	# --- company and currency --------------------------------------------------------------------

	def test_an_invoice_of_another_company_does_not_count(self):
		foreign = other_company(self.company)
		make_invoice(self.lead, 100)
		si = make_invoice(self.lead, 5000, company_name=foreign)
		self.assertNotEqual(si.currency, frappe.get_cached_value("Company", self.company, "default_currency"))
		card = self.assertCard(self.lead.name, "Unpaid")
		self.assertEqual(flt(card.invoiced_amount), 100)

	# --- instalments -----------------------------------------------------------------------------

	def test_overdue_follows_the_instalments_as_erpnext(self):
		posted = add_days(nowdate(), -40)
		si = make_invoice(self.lead, 1000, posting_date=posted, due_days=60, schedule=[(30, 40), (60, 60)])
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "status"), "Overdue")
		self.assertCard(self.lead.name, "Overdue", overdue=400)

		pay(si.name, 150)
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "status"), "Overdue")
		self.assertCard(self.lead.name, "Overdue", overdue=250)

		pay(si.name, 250)  # the first instalment is paid; the second is not due yet
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "status"), "Partly Paid")
		self.assertCard(self.lead.name, "Partly paid", overdue=0)

	# --- daily refresh ---------------------------------------------------------------------------

	def test_daily_refresh_covers_paid_and_not_invoiced_cards(self):
		paid, blank = self.lead, self.card()
		si = make_invoice(paid, 300)
		pe = pay(si.name, 300)
		self.assertCard(paid.name, "Paid")
		stray = make_invoice(paid, 70)
		# two ledger changes by doors no event watches: the payment delinked, an invoice moved by SQL
		ple = DocType("Payment Ledger Entry")
		frappe.qb.update(ple).set(ple.delinked, 1).where(ple.voucher_no == pe.name).run()
		frappe.db.set_value("Sales Invoice", stray.name, "sales_lead", blank.name, update_modified=False)
		frappe.db.set_value("Sales Lead", blank.name, "payment_status", "Not invoiced")

		refresh_open_receivables()

		self.assertEqual(
			frappe.db.get_value("Sales Lead", paid.name, ["payment_status", "outstanding_amount"]),
			("Unpaid", 300),
		)
		self.assertEqual(
			frappe.db.get_value("Sales Lead", blank.name, ["payment_status", "outstanding_amount"]),
			("Unpaid", 70),
		)


class TestMoneyMethods(MoneyTestCase):
	"""The whitelisted methods of the accounts side name their right before loading anything."""

	def test_make_needs_write_on_the_card_and_create_on_the_target(self):
		rep = make_user("crm-money-maker@example.com", "Sales User")
		colleague = make_user("crm-money-maker-b@example.com", "Sales User")
		accountant = make_user("crm-money-accountant@example.com", "Accounts User")
		own, theirs = self.card(lead_owner=rep), self.card(lead_owner=colleague)

		frappe.set_user(rep)
		self.assertEqual(make_quotation(own.name).sales_lead, own.name)
		self.assertRaises(frappe.PermissionError, make_quotation, theirs.name)
		self.assertRaises(frappe.PermissionError, make_sales_invoice, own.name)  # no create on invoices
		frappe.set_user(accountant)
		self.assertRaises(frappe.PermissionError, make_sales_invoice, own.name)  # reads cards only

	def test_customer_health_needs_read_on_the_customer(self):
		from crm_ext.accounts.receivables import get_customer_health

		buyer = make_user("crm-money-buyer@example.com", "Purchase User")
		make_invoice(self.lead, 90)
		self.assertEqual(flt(get_customer_health(self.customer, self.company)["receivable"]), 90)
		frappe.set_user(buyer)
		self.assertRaises(frappe.PermissionError, get_customer_health, self.customer, self.company)
