"""The demo's campaign: the customers are tagged (Customer Segments), the head of sales sends a spring offer
to the A-class customers who agreed to marketing, and one of them answers. The send runs its job in
place (as the demo runs the scheduler's jobs), so the Interactions, the Newsletter and the Sales KPIs
by campaign are there when the demo is done. A second run finds the send and adds nothing."""

import frappe

from crm_ext.analytics.segments import tag_customers
from crm_ext.demo.base import acting_as, company
from crm_ext.demo.people import HEAD_OF_SALES
from crm_ext.sales import campaigns

CAMPAIGN = "Spring Offer to A Customers"
SUBJECT = "Spring offer for our best customers"
MESSAGE = (
	"<p>Dear customer,</p><p>this spring our best customers get 10% off every order: "
	'<a href="{url}/contact-sales">ask us for an offer</a>.</p>'
)


def send_spring_offer() -> dict:
	if frappe.db.exists("Campaign", {"campaign_name": CAMPAIGN}):
		return {"campaign sent": CAMPAIGN}
	campaign = (
		frappe.get_doc({"doctype": "Campaign", "campaign_name": CAMPAIGN, "crm_spend": 500})
		.insert(ignore_permissions=True)
		.name
	)
	# the demo's customers (those of its cards) agreed to marketing when they became customers
	frappe.db.sql(
		"""update `tabCustomer` set crm_marketing_consent = 1
		where name in (select customer from `tabSales Lead` where customer is not null)"""
	)
	# the administrator runs Customer Segments > Tag Customers (it writes customers: a Sales Master
	# Manager's right, which the head of sales has not)
	tagged = tag_customers({"company": company()})
	with acting_as(HEAD_OF_SALES):
		send = frappe.get_doc(
			{
				"doctype": "Sales Campaign Send",
				"campaign": campaign,
				"channel": "E-mail",
				"segment_kind": "ABC Class",
				"abc_class": "A",
				"subject": SUBJECT,
				"message": MESSAGE.format(url=frappe.utils.get_url()),
				"cost": 150,
			}
		).insert()
		answer = campaigns.send(send.name)
		if answer.get("queued"):
			campaigns.run_send(send.name)  # the job, in place
	replied = answer_one(send.name)
	return {"campaign sent": CAMPAIGN, "customers tagged": tagged["tagged"], "campaign replies": replied}


def answer_one(send: str) -> int:
	"""The first recipient answers the newsletter by e-mail."""
	first = frappe.get_all(
		"Interaction",
		filters={"campaign_send": send, "direction": "Outgoing"},
		fields=["recipient"],
		order_by="name asc",
		limit=1,
	)
	newsletter = frappe.db.get_value("Sales Campaign Send", send, "newsletter")
	if not first or not newsletter:
		return 0
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": first[0].recipient,
			"subject": f"Re: {SUBJECT}",
			"content": "Interesting. Please send us an offer for 200 units.",
			"reference_doctype": "Newsletter",
			"reference_name": newsletter,
		}
	).insert(ignore_permissions=True)
	return 1
