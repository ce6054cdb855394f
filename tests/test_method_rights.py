"""Tier 1: every whitelisted method of the app has its row in the access matrix, with its verb."""

from crm_ext.access_matrix import spec
from crm_ext.access_matrix.scan import overrides, whitelisted_methods

# Frappe methods a guest may call (the app's replacement keeps that, and refuses the app's records)
GUEST_OVERRIDES = {"crm_ext.doors.realtime.can_subscribe_doctype", "crm_ext.doors.records.add_comment"}


def app_methods():
	"""The app's own methods (the replacements of Frappe's are rowed by their hooks entry)."""
	replacements = set(overrides().values())
	return [m for m in whitelisted_methods() if m.path not in replacements]


def test_every_whitelisted_method_has_a_row():
	found = {m.path for m in app_methods()}
	assert sorted(found - set(spec.METHODS)) == [], "add a row to crm_ext/access_matrix/spec.py METHODS"
	assert sorted(set(spec.METHODS) - found) == [], "remove rows of methods that are gone"


def test_every_replacement_exists():
	found = {m.path for m in whitelisted_methods()}
	assert sorted(set(overrides().values()) - found) == [], "override_whitelisted_methods names no method"


def test_methods_that_change_state_take_post_only():
	for method in app_methods():
		row = spec.METHODS[method.path]
		if row.verb == "POST":
			assert method.verbs == {"POST"}, f"{method.source}: @frappe.whitelist(methods=['POST'])"
		else:
			assert "GET" in method.verbs, f"{method.source}: a read must answer GET"


def test_only_the_intake_endpoints_admit_guests():
	guests = sorted(m.path for m in whitelisted_methods() if m.allow_guest and m.path not in GUEST_OVERRIDES)
	assert guests == ["crm_ext.api.intake.submit_request", "crm_ext.api.telephony.record_call"]


def test_every_persona_of_a_row_exists():
	for path, row in spec.METHODS.items():
		assert row.allowed <= set(spec.PERSONAS), path
