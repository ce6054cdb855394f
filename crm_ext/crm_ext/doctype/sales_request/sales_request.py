# Copyright (c) 2026, crm_ext developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint

from crm_ext.crm_ext.doctype.crm_ext_settings.crm_ext_settings import default_phone_region
from crm_ext.logic.contact_keys import normalize_email, normalize_phone
from crm_ext.logic.errors import LogicError
from crm_ext.sales.access import sees_all_leads
from crm_ext.sales.intake import receive
from crm_ext.utils import throw
from crm_ext.utils.documents import AppDocument

DATA_LENGTH = 140  # a Data column (varchar) unless the field sets its length


class SalesRequest(AppDocument):
	# the public fills it in (web form, intake endpoint): a message, not a document
	TEXT_LIMITS = {"message": 5000}

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		channel: DF.Literal[
			"",
			"Website",
			"Phone",
			"E-mail",
			"Messenger",
			"Walk-in",
			"Referral",
			"Social Media",
			"Advertising",
			"Exhibition",
			"Import",
			"Other",
		]
		email: DF.Data | None
		message: DF.SmallText | None
		organization: DF.Data | None
		outcome: DF.Literal["", "New Lead", "Added to Open Lead"]
		person_name: DF.Data | None
		phone: DF.Data | None
		received_on: DF.Datetime | None
		received_via: DF.Data | None
		sales_lead: DF.Link | None
		source: DF.Link | None
		utm_campaign: DF.Data | None
		utm_medium: DF.Data | None
		utm_source: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.check_short_texts()
		if not self.is_new():
			return
		self.normalise_contact_details()
		if not (self.phone or self.email):
			frappe.throw(
				_("Leave a phone number or an e-mail address so that we can answer you."),
				title=_("How Can We Reach You?"),
			)
		if not self.received_via:
			self.received_via = "Web Form" if frappe.flags.in_web_form else "Desk"

	def after_insert(self):
		receive(self)
		self.keep_outcome_private()

	def keep_outcome_private(self):
		"""Whoever sent the request (a guest on the web form, an integration user posting it through
		REST) gets this document back: it must not tell them whether the person was already known,
		nor which card took the request. The outcome stays stored for the sales team."""
		if not sees_all_leads(frappe.session.user):
			self.sales_lead = self.outcome = None

	def check_short_texts(self):
		"""The public fills the one-line fields: too long answers 417 naming the field, without
		sending the text back (Frappe's own check quotes it whole)."""
		for df in self.meta.fields:
			value = self.get(df.fieldname)
			most = cint(df.length) or DATA_LENGTH
			if df.fieldtype == "Data" and isinstance(value, str) and len(value) > most:
				frappe.throw(
					_("{0}: the text is too long ({1} characters); shorten it to at most {2}.").format(
						_(df.label), len(value), most
					),
					frappe.CharacterLengthExceededError,
					title=_("Text Too Long"),
				)

	def normalise_contact_details(self):
		fieldname = "phone"
		try:
			if self.phone:
				self.phone = normalize_phone(self.phone, default_phone_region())
			fieldname = "email"
			if self.email:
				self.email = normalize_email(self.email)
		except LogicError as e:
			e.field = fieldname
			throw(e, self)
