"""Tier 2, over HTTP: a campaign link to the contact form keeps its utm_* through Frappe's redirect
to the form, and the card made from the request carries them."""

import json
from urllib.parse import parse_qs, urlsplit

import frappe

from crm_ext.sales.test_http_base import SalesHTTPCase

CAMPAIGN = {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "spring-sale"}


class TestCampaignLinks(SalesHTTPCase):
	def visit(self, query: str = ""):
		return self.get(f"{self.site_url}/contact-sales{query}")

	def test_campaign_link_keeps_utm_through_the_redirect_and_onto_the_card(self):
		response = self.visit("?utm_source=newsletter&utm_medium=email&utm_campaign=spring-sale&ref=x")
		self.assertIn(response.status_code, (301, 302, 303, 307, 308))
		location = urlsplit(response.headers["Location"])
		self.assertEqual(location.path, "/contact-sales/new")
		self.assertEqual(parse_qs(location.query), {k: [v] for k, v in CAMPAIGN.items()})
		page = self.get(f"{self.site_url}{location.path}?{location.query}")
		self.assertEqual(page.status_code, 200)
		# the form's script copies the address's utm_* into its hidden fields and posts them
		self.assertIn("utm_campaign", page.get_data(as_text=True))
		email = self.new_email("utm")
		answer = self.post(
			self.method("frappe.website.doctype.web_form.web_form.accept"),
			{
				"web_form": "sales-request",
				"data": json.dumps(
					{"doctype": "Sales Request", "person_name": "Ann", "email": email, **CAMPAIGN}
				),
			},
		)
		self.assertEqual(answer.status_code, 200, answer.get_data(as_text=True)[:300])
		frappe.db.rollback()
		card = frappe.db.get_value("Sales Lead", {"email": email}, list(CAMPAIGN), as_dict=True)
		self.assertEqual(card, CAMPAIGN)

	def test_plain_visits_and_other_parameters_are_left_alone(self):
		for query in ("", "?ref=x", "?utm_source="):
			response = self.visit(query)
			self.assertIn(response.status_code, (301, 302, 303, 307, 308), query)
			self.assertEqual(response.headers["Location"], "/contact-sales/new", query)
		long_source = "x" * 500
		location = urlsplit(self.visit(f"?utm_source={long_source}").headers["Location"])
		self.assertEqual(parse_qs(location.query), {"utm_source": ["x" * 140]})  # what the form's field holds
