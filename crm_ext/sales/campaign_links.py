"""Campaign links to the contact form keep their campaign.

An advert links to ``/contact-sales?utm_source=...&utm_medium=...&utm_campaign=...``; Frappe answers
a web form's route with a redirect to ``/contact-sales/new`` that drops the query string, so the
form (which copies the ``utm_*`` parameters of its address into its hidden fields, see
``web_form/sales_request/sales_request.js``) never saw them and the card's UTM fields stayed empty.
This ``after_request`` hook puts the campaign parameters back on that redirect, and nothing else.
"""

from urllib.parse import urlencode, urlsplit, urlunsplit

import frappe

WEB_FORM = "sales-request"
CAMPAIGN_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_LENGTH = 140  # the form's fields (Data)


def keep_campaign_on_redirect(response=None, request=None) -> None:
	"""``after_request``: the contact form's redirect to its new-request page keeps ``utm_*``."""
	if response is None or request is None or response.status_code not in REDIRECTS:
		return
	if request.method not in ("GET", "HEAD") or not request.args:
		return
	route = frappe.get_cached_value("Web Form", WEB_FORM, "route")
	location = urlsplit(response.headers.get("Location") or "")
	if not route or request.path.strip("/") != route.strip("/"):
		return
	if location.path.strip("/") != f"{route.strip('/')}/new" or location.query:
		return
	campaign = [
		(key, value[:MAX_LENGTH])
		for key in CAMPAIGN_PARAMETERS
		for value in request.args.getlist(key)[:1]
		if value
	]
	if campaign:
		response.headers["Location"] = urlunsplit(location._replace(query=urlencode(campaign)))
