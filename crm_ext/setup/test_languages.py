"""Tier 2: Frappe's own loaders read crm_ext's Russian and Ukrainian translations, and the two files
they read (CSV at run time, the PO that ``bench build`` compiles to MO) say the same. The tier-1
check (tests/i18n) covers what is in them; this covers that Frappe finds them."""

import io

import frappe
from babel.messages.mofile import read_mo, write_mo
from frappe.gettext.translate import get_catalog, get_locales
from frappe.translate import get_translations_from_csv

from crm_ext.testing import CRMTestCase

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
			"uk": ("Лід", "Рядок", "Сповіщення щодо тендера", "Ваше місце: 3"),
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
