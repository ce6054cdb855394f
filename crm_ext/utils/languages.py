"""Texts written for one person (notifications, digests, e-mails) in that person's language, not
in the language of whoever or whatever (a scheduler job) caused them."""

from frappe.translate import get_user_lang, print_language


def in_language_of(user: str):
	"""Context manager: ``_()`` and Jinja speak ``user``'s language (User.language, else the site's)."""
	return print_language(get_user_lang(user))
