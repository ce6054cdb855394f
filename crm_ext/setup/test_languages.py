"""Tier 2: Frappe's own loaders read crm_ext's Russian and Ukrainian translations, and the two files
they read (CSV at run time, the PO that ``bench build`` compiles to MO) say the same. The tier-1
check (tests/i18n) covers what is in them; this covers that Frappe finds them."""

import io

import frappe
from babel.messages.mofile import read_mo, write_mo
from frappe.gettext.translate import get_catalog, get_locales
from frappe.translate import get_translations_from_csv, print_language

from crm_ext.crm_ext.doctype.tender.test_tender import SUPPLIERS, ensure_supplier, make_tender
from crm_ext.sales.first_contact import notify_late_first_contact
from crm_ext.supply import tenders
from crm_ext.supply.test_tender_ux import remove_outgoing_accounts, restore_config
from crm_ext.testing import CRMTestCase, make_user

LANGS = ("ru", "uk")


def keyed(messages) -> dict[str, str]:
	"""``msgid[:context]`` -> translation, the keys frappe.translate builds from an MO file."""
	out = {}
	for m in messages:
		if m.id and m.string:
			context = m.context.decode() if isinstance(m.context, bytes) else m.context
			out[m.id + (f":{context}" if context else "")] = m.string
	return out


class TestLanguages(CRMTestCase):
	def tearDown(self):
		frappe.local.lang = "en"
		frappe.translate.clear_cache()
		super().tearDown()

	def test_the_csv_and_the_compiled_po_give_frappe_the_same_translations(self):
		self.assertEqual(set(LANGS), set(get_locales("crm_ext")))
		for lang in LANGS:
			from_csv = get_translations_from_csv(lang, "crm_ext")
			self.assertGreater(len(from_csv), 1000, lang)
			mo = io.BytesIO()
			write_mo(mo, get_catalog("crm_ext", lang))  # what bench build / compile-po-to-mo write
			mo.seek(0)
			self.assertEqual(keyed(read_mo(mo)), from_csv, lang)

	def test_a_russian_or_ukrainian_reader_gets_the_app_in_their_language(self):
		expected = {
			"ru": ("Лид", "Строка", "Уведомление по тендеру", "Ваше место: 3"),
			"uk": ("Лід", "Рядок", "Сповіщення щодо тендеру", "Ваше місце: 3"),
		}
		for lang, (lead, line, notification, rank) in expected.items():
			frappe.local.lang = lang
			frappe.translate.clear_cache()
			self.assertEqual(frappe._("Sales Lead"), lead)
			self.assertEqual(frappe._("Line", context="Tender"), line)
			self.assertEqual(
				frappe.translate.get_messages_for_boot().get("Tender Notification"), notification
			)
			self.assertEqual(frappe.render_template('{{ _("Your rank: {0}").format(3) }}', {}), rank)


class TestSupplierEmailLanguage(CRMTestCase):
	"""A buyer reading Russian publishes a tender: each supplier is written to in its own language."""

	def setUp(self):
		super().setUp()
		self.addCleanup(restore_config, remove_outgoing_accounts())
		users = [make_user(f"tender-{c}@example.com", "Supplier", user_type="Website User") for c in "abc"]
		for supplier, user in zip(SUPPLIERS, users, strict=True):
			ensure_supplier(supplier, user)
		self.buyer = make_user("ux-buyer@example.com", "Purchase Manager", "Purchase User")
		frappe.db.set_single_value("CRM Ext Settings", "tender_qualification_check", "Off")

	def tearDown(self):
		frappe.local.lang = "en"
		super().tearDown()

	def portal_users(self, supplier: str) -> list[str]:
		return frappe.get_all(
			"Portal User", filters={"parenttype": "Supplier", "parent": supplier}, pluck="user"
		)

	def test_invitations_are_written_in_each_suppliers_language(self):
		a, b, c = SUPPLIERS
		frappe.db.set_value("Supplier", a, "language", "uk")  # Print Language
		frappe.db.set_value("Supplier", (b, c), "language", None)
		for user in self.portal_users(b):
			frappe.db.set_value("User", user, "language", "ru")
		for user in self.portal_users(c):
			frappe.db.set_value("User", user, "language", None)
		tender = make_tender(title="Wind parts", suppliers=[{"supplier": s} for s in SUPPLIERS])
		frappe.local.lang = "ru"
		frappe.local.message_log = []
		frappe.set_user(self.buyer)
		tenders.publish(tender.name)
		frappe.set_user("Administrator")
		with print_language(frappe.db.get_default("lang") or "en"):
			site_language = frappe._("Invitation to tender: {0}").format("Wind parts")
		subjects = {row.supplier: row.subject for row in frappe.get_doc("Tender", tender.name).notifications}
		self.assertEqual(
			subjects,
			{
				a: "Запрошення на тендер: Wind parts",
				b: "Приглашение на тендер: Wind parts",
				c: site_language,
			},
		)
		self.assertEqual(frappe.local.lang, "ru")  # the buyer's language is back
		self.assertIn("опубликован", frappe.local.message_log[0]["message"])


class TestNotificationLanguage(CRMTestCase):
	def tearDown(self):
		frappe.local.lang = "en"
		super().tearDown()

	def test_a_scheduler_alert_reaches_each_person_in_their_language(self):
		rep = make_user("i18n-rep-uk@example.com", "Sales User")
		head = make_user("i18n-head-ru@example.com", "Sales Manager")
		frappe.db.set_value("User", rep, "language", "uk")
		frappe.db.set_value("User", head, "language", "ru")
		frappe.clear_cache(user=rep)
		frappe.clear_cache(user=head)
		frappe.local.lang = "en"  # the scheduler's
		row = frappe._dict(
			name="CRM-LEAD-I18N", title="Acme", lead_owner=rep, first_contact_due=frappe.utils.now_datetime()
		)
		notify_late_first_contact(row, head)
		subjects = {
			n.for_user: n.subject
			for n in frappe.get_all(
				"Notification Log", filters={"document_name": row.name}, fields=["for_user", "subject"]
			)
		}
		self.assertTrue(subjects[rep].startswith("З лідом Acme не зв'язалися вчасно"), subjects)
		self.assertTrue(subjects[head].startswith("С лидом Acme не связались вовремя"), subjects)
		self.assertEqual(frappe.local.lang, "en")
