"""Reserve the phones and e-mails of the open cards that exist already (Sales Lead Contact Key).

The most recently changed open card of a person gets the keys (the one intake joins). Twins made
before the key table existed do not fail the migrate: each gets a comment on its timeline naming
the card that holds the key, so that the sales team merges them, and the migrate prints them.
"""

import frappe
from frappe import _

from crm_ext.sales.contact_keys import card_keys, claim
from crm_ext.sales.dedupe import EMAIL_FIELDS, PHONE_FIELDS

SHOWN = 50


def execute():
	twins: dict[str, tuple[str, str]] = {}
	cards = frappe.get_all(
		"Sales Lead",
		filters={"stage_kind": "Open"},
		fields=["name", "stage_kind", *PHONE_FIELDS, *EMAIL_FIELDS],
		order_by="modified desc, name desc",
	)
	for card in cards:
		for key in card_keys(card):
			holder = claim(key, card.name)
			if holder and card.name not in twins:
				twins[card.name] = (holder, key.split(":", 1)[-1])
	for twin, (holder, value) in twins.items():
		frappe.get_doc("Sales Lead", twin).add_comment(
			"Comment",
			_("This open card shares {0} with open card {1}: merge the two cards.").format(
				frappe.bold(value), frappe.utils.get_link_to_form("Sales Lead", holder)
			),
		)
	if twins:
		print(f"Sales Lead twins to merge ({len(twins)}; a comment is on each):")
		for twin, (holder, value) in list(twins.items())[:SHOWN]:
			print(f"  {twin} shares {value} with {holder}")
