"""Tier 2: every whitelisted method of the app x every persona x its verb, over HTTP (spec.METHODS).

The method list is found by reading the code (``scan.py``): a new method without its row fails here
(and in tier 1). Each persona calls each method with the verb it must take and arguments from the
world: the right check comes first, so everyone outside ``allowed`` gets a 403 whatever the
arguments; a POST method answers 403 to a GET from anyone.
"""

import frappe

from crm_ext.access_matrix import spec
from crm_ext.access_matrix.http import request
from crm_ext.access_matrix.scan import overrides, whitelisted_methods
from crm_ext.access_matrix.world import World, build, remove
from crm_ext.testing import IntegrationTestCase


class TestWhitelistedMethods(IntegrationTestCase):
	world: World

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.world = build()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		remove()
		super().tearDownClass()

	def test_every_method_has_its_row(self):
		replacements = set(overrides().values())
		found = {m.path for m in whitelisted_methods() if m.path not in replacements}
		self.assertEqual(
			sorted(found - set(spec.METHODS)), [], "whitelisted methods without a row in spec.METHODS"
		)
		self.assertEqual(sorted(set(spec.METHODS) - found), [], "rows of methods that no longer exist")

	def test_rights_and_verbs(self):
		wrong = []
		for path, call in sorted(spec.METHODS.items()):
			args = self.world.arg(call.args)
			for persona in spec.PERSONAS:
				answer = request(self.world.auth[persona], call.verb, f"/api/method/{path}", payload=args)
				if persona == "guest":
					ok = answer.status == call.guest
				elif persona in call.allowed:
					ok = answer.status == call.status if call.status else answer.status not in (403, 500)
				else:
					ok = answer.status == 403
				if not ok:
					wrong.append(f"{path} as {persona}: got {answer.summary}")
				frappe.db.rollback()
			if call.verb == "POST":
				persona = next(iter(sorted(call.allowed)), "sales_manager")
				answer = request(self.world.auth[persona], "GET", f"/api/method/{path}", query=args)
				if answer.status != 403:
					wrong.append(f"{path} by GET as {persona}: got {answer.summary} (a POST method)")
		if wrong:
			self.fail(f"{len(wrong)} calls differ from spec.METHODS:\n" + "\n".join(wrong))

	def test_replacements_of_frappe_methods_refuse_guests_and_wrong_verbs(self):
		"""The app's replacements of Frappe's methods (crm_ext.doors) are reached under Frappe's
		paths; what they answer per persona is asked by the doctype matrix (counts, lists, search,
		print, ...). Here: a guest is refused where Frappe's method wants a login, a POST one
		refuses GET."""
		by_path = {m.path: m for m in whitelisted_methods()}
		wrong = []
		for frappe_path, replacement in sorted(overrides().items()):
			method = by_path[replacement]
			if not method.allow_guest:
				answer = request(
					None, "POST", f"/api/method/{frappe_path}", payload={"doctype": "Sales Lead"}
				)
				if answer.status != 403:
					wrong.append(f"{frappe_path} as guest: got {answer.summary}")
			if method.verbs == {"POST"}:
				answer = request(self.world.auth["sales_manager"], "GET", f"/api/method/{frappe_path}")
				if answer.status != 403:
					wrong.append(f"{frappe_path} by GET: got {answer.summary} (a POST method)")
		if wrong:
			self.fail("\n".join(wrong))
