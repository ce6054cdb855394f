"""Tier 2: Receivables Health per rep credits each invoice (its balance, payments, ageing and
shipment) to the Responsible of the card it belongs to, not the whole customer to the rep of its
latest card; what belongs to no card goes to the customer's rep."""

from frappe.utils import add_days, getdate

from crm_ext.accounts.test_accounting_links import company, make_fresh_customer, make_invoice, pay
from crm_ext.crm_ext.report.receivables_health.receivables_health import execute
from crm_ext.testing import CRMTestCase, make_sales_lead, make_user


class TestReceivablesPerRep(CRMTestCase):
	def per_rep(self, customer: str) -> dict:
		today = getdate()
		_columns, rows = execute(
			{
				"company": company(),
				"report_date": today,
				"from_date": add_days(today, -30),
				"group_by": "Sales Rep",
				"customer": customer,
			}
		)
		return {row.sales_rep: row for row in rows}

	def test_each_invoice_counts_for_the_rep_of_its_card(self):
		first = make_user("receivables.first@example.com", "Sales User")
		later = make_user("receivables.later@example.com", "Sales User")
		customer = make_fresh_customer()
		old_deal = make_sales_lead(customer=customer, company=company(), lead_owner=first)
		new_deal = make_sales_lead(customer=customer, company=company(), lead_owner=later)
		invoice = make_invoice(old_deal, 1000)
		pay(invoice.name, 100)
		make_invoice(new_deal, 300)
		without_card = make_invoice(new_deal, 50, submit=False)
		without_card.sales_lead = None
		without_card.save()
		without_card.submit()

		rows = self.per_rep(customer)
		self.assertEqual(set(rows), {first, later})
		self.assertEqual((rows[first].receivable, rows[first].shipments), (900, 1000))
		# the later card's invoice, and the one made without a card (the customer's rep: latest card)
		self.assertEqual((rows[later].receivable, rows[later].shipments), (350, 350))
		self.assertEqual((rows[first].customers, rows[later].customers), (1, 1))
		self.assertEqual(self.per_rep(customer)[first].overdue, 0)

	def test_per_customer_the_rep_is_the_responsible_of_the_latest_card(self):
		reps = [make_user(f"receivables.rep{i}@example.com", "Sales User") for i in range(3)]
		customers = [make_fresh_customer() for _ in range(2)]
		for i, rep in enumerate(reps):  # customer 0: reps 0, 1, 2 in turn; customer 1: rep 2, 1, 0
			make_invoice(make_sales_lead(customer=customers[0], company=company(), lead_owner=rep), 10)
			make_invoice(
				make_sales_lead(customer=customers[1], company=company(), lead_owner=reps[2 - i]), 10
			)
		today = getdate()
		_columns, rows = execute(
			{"company": company(), "report_date": today, "from_date": add_days(today, -30)}
		)
		rep_of = {row.customer: row.sales_rep for row in rows if row.customer in customers}
		self.assertEqual(rep_of, {customers[0]: reps[2], customers[1]: reps[0]})
