"""Tier 1: every whitelisted method of the app has its row in the access matrix, with its verb."""

from crm_ext.access_matrix import spec
from crm_ext.access_matrix.scan import whitelisted_methods


def test_every_whitelisted_method_has_a_row():
	found = {m.path: m for m in whitelisted_methods()}
	assert sorted(set(found) - set(spec.METHODS)) == [], "add a row to crm_ext/access_matrix/spec.py METHODS"
	assert sorted(set(spec.METHODS) - set(found)) == [], "remove rows of methods that are gone"


def test_methods_that_change_state_take_post_only():
	for method in whitelisted_methods():
		row = spec.METHODS[method.path]
		if row.verb == "POST":
			assert method.verbs == {"POST"}, f"{method.source}: @frappe.whitelist(methods=['POST'])"
		else:
			assert "GET" in method.verbs, f"{method.source}: a read must answer GET"


def test_only_the_intake_endpoints_admit_guests():
	guests = sorted(m.path for m in whitelisted_methods() if m.allow_guest)
	assert guests == ["crm_ext.api.intake.submit_request", "crm_ext.api.telephony.record_call"]


def test_every_persona_of_a_row_exists():
	for path, row in spec.METHODS.items():
		assert row.allowed <= set(spec.PERSONAS), path
