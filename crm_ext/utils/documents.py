"""Base classes of every controller of the app: what a client may not write, and child rows that are
reached only through their parent.

Frappe saves whatever a client sends through any door (a REST ``PUT``, ``frappe.client.save`` /
``set_value`` / ``submit``, a child row's own resource, the form): ``read_only`` only hides a field in
the form. So each controller declares what only the app's procedures may set, and the server keeps it:

- ``SERVER_FIELDS[doctype]``: fields of the document (status, opening, scores, money, stage kind,
  ...). On every save, submit and update after submit they are restored from the stored record (on a
  new record: reset to their default) unless the save runs as an app procedure (:func:`as_procedure`).
- ``SERVER_TABLES[doctype]``: ``{table fieldname: columns}`` restored per row (by row name; a new row
  gets the columns' defaults), or ``{table fieldname: ALL}``: the whole table restored (rows added,
  removed or changed by a client are undone).
- ``TRANSITION_FIELDS[doctype]``: a workflow state, not restored but checked by the controller as a
  transition allowed to the user.

The declarations live in the access module of each side (``crm_ext.sales.access``,
``crm_ext.supply.access``), beside the row rules, so the whole security model of a side reads on
one screen.
- The standard columns that decide access (``owner``, ``creation``, ``_assign``, ...) are restored on
  every save of an existing record, whoever saves it: Frappe would otherwise write back what was sent.

Child rows (:class:`AppRow`) are read with their parent's permission and never saved or deleted on their
own: ``PUT /api/resource/<child>/<row>`` or ``frappe.client.save`` of a row would skip the parent's
controller, so they are refused; rows change through their parent document.
"""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.model import numeric_fieldtypes
from frappe.model.document import Document

ALL = "*"
# Written back by Frappe from whatever the client sent; who created a record and who it is assigned
# to decide who may see it, so they never come from a client.
STANDARD_SERVER_FIELDS = ("owner", "creation", "_assign", "_liked_by", "_comments", "_user_tags", "_seen")
# Longest text the app stores in a ``longtext`` column (the column itself would take gigabytes).
LONGTEXT_CHARS = 1_000_000
TEXT_BYTES = 65_535  # a MariaDB ``text`` column
# A child row's right is its parent's: adding, changing or removing a row is writing the parent.
PARENT_PTYPE = {"create": "write", "delete": "write", "cancel": "write", "submit": "write", "amend": "write"}


def as_procedure(doc):
	"""Mark ``doc`` as being saved by an app procedure: its server fields are taken as they are."""
	doc.flags.server_action = True
	return doc


@contextmanager
def procedure():
	"""Run a block as the app's own procedure (intake, handover, assignment sync): what it does to
	other records (an assignment, say) is not judged by the session user's rights. Request-local;
	no client can set it."""
	previous = frappe.flags.crm_ext_procedure
	frappe.flags.crm_ext_procedure = True
	try:
		yield
	finally:
		frappe.flags.crm_ext_procedure = previous


def in_procedure() -> bool:
	return bool(frappe.flags.crm_ext_procedure)


def default_value(doc, fieldname: str):
	df = doc.meta.get_field(fieldname)
	if not df:
		return None
	if df.fieldtype in ("Int", "Long Int", "Check"):
		return frappe.utils.cint(df.default)
	if df.fieldtype in numeric_fieldtypes:
		return frappe.utils.flt(df.default)
	if df.default and not str(df.default).startswith(":") and df.default not in ("Today", "now", "__user"):
		return df.default
	return None


SIDES = ("crm_ext.sales.access", "crm_ext.supply.access")


def declared(doctype: str) -> tuple[tuple[str, ...], dict]:
	"""(server fields, server tables) of ``doctype`` from the access module of its side."""
	fields: tuple[str, ...] = ()
	tables: dict = {}
	for side in SIDES:
		module = frappe.get_module(side)
		fields += module.SERVER_FIELDS.get(doctype, ())
		tables.update(module.SERVER_TABLES.get(doctype, {}))
	return fields, tables


def restore_server_fields(doc, new: bool = False) -> None:
	"""Undo a client's changes to what only the app's procedures set (see the module docstring).

	A record being inserted (``new``) is reset when ``insert`` starts, before any controller method
	has run (they may set server fields themselves) — whatever its ``__islocal`` says: a document
	built from a client's dict is not "new" yet; a stored one when it is saved, before
	``validate``."""
	before = None if new or doc.is_new() else doc.get_doc_before_save()
	if before is not None:
		for fieldname in STANDARD_SERVER_FIELDS:
			if fieldname in before.__dict__:
				doc.set(fieldname, before.get(fieldname))
	if doc.flags.server_action:
		return
	fields, tables = declared(doc.doctype)
	for fieldname in fields:
		doc.set(fieldname, before.get(fieldname) if before is not None else default_value(doc, fieldname))
	for table, columns in tables.items():
		stored = list(before.get(table) or []) if before is not None else []
		if columns == ALL:
			doc.set(table, [row.as_dict() for row in stored])
			continue
		by_name = {row.name: row for row in stored}
		for row in doc.get(table) or []:
			previous = by_name.get(row.name)
			for column in columns:
				row.set(column, previous.get(column) if previous else default_value(row, column))


def column_limit(df) -> tuple[int, str] | None:
	"""(limit, unit) of the column behind ``df``: characters for varchar/longtext, bytes for text."""
	column, size = frappe.db.type_map.get(df.fieldtype, (None, None))
	if column == "varchar":
		return frappe.utils.cint(df.length) or frappe.utils.cint(size) or 140, "chars"
	if column == "text":
		return TEXT_BYTES, "bytes"
	if column == "longtext":
		return LONGTEXT_CHARS, "chars"
	return None


def check_text_lengths(doc) -> None:
	"""Refuse (417, naming the field, never echoing the value) a text longer than its column or
	than the app's own limit (``TEXT_LIMITS = {fieldname: characters}`` of the controller), before
	the database sees it: Frappe's own check quotes the whole value back, and a ``text`` column
	overflow is a 500."""
	for record in (doc, *doc.get_all_children()):
		limits = getattr(record, "TEXT_LIMITS", {})
		for df in record.meta.fields:
			value = record.get(df.fieldname)
			if not isinstance(value, str) or not value:
				continue
			most = limits.get(df.fieldname)
			limit = column_limit(df)
			if most is None and limit:
				size = len(value.encode("utf-8")) if limit[1] == "bytes" else len(value)
				if size > limit[0]:
					most = int(len(value) * limit[0] / size)
			if most is not None and len(value) > most:
				frappe.throw(
					_("{0}: the text is too long ({1} characters); shorten it to at most {2}.").format(
						_(df.label or df.fieldname), len(value), most
					),
					frappe.CharacterLengthExceededError,
					title=_("Text Too Long"),
				)


def accepts_guests(doctype: str) -> bool:
	"""A doctype the public may create (the web form's Sales Request), per the sides' access modules."""
	return any(doctype in getattr(frappe.get_module(side), "GUEST_INSERTS", ()) for side in SIDES)


def refuse_guest(doc) -> None:
	"""A guest changes nothing of the app's but what a side lets the public create; the app's own
	procedures (intake, registration) run as their own user or are marked."""
	if frappe.session.user != "Guest" or doc.flags.server_action or in_procedure():
		return
	if doc.is_new() and accepts_guests(doc.doctype):
		return
	frappe.throw(_("Log in first."), frappe.PermissionError, title=_("Not Permitted"))


class AppDocument(Document):
	"""A document of the app: its declared server fields are the server's alone."""

	# {fieldname: characters}: tighter limits than the column for text the public can fill
	TEXT_LIMITS: dict[str, int] = {}

	def insert(self, *args, **kwargs):
		refuse_guest(self)
		restore_server_fields(self, new=True)
		return super().insert(*args, **kwargs)

	def before_validate(self):
		refuse_guest(self)
		if not self.is_new():
			restore_server_fields(self)
		check_text_lengths(self)

	def before_update_after_submit(self):
		refuse_guest(self)
		restore_server_fields(self)
		check_text_lengths(self)


class AppRow(Document):
	"""A child row of the app: its parent's permission decides, and it changes only with its parent."""

	def has_permission(self, permtype="read", *, debug=False, user=None) -> bool:
		if self.flags.ignore_permissions:
			return True
		parent = self.stored_parent()
		if parent is None:
			return False
		return parent.has_permission(PARENT_PTYPE.get(permtype, permtype), debug=debug, user=user)

	def stored_parent(self):
		parent = self.parent_doc
		if isinstance(parent, Document):
			return parent
		if not (self.parenttype and self.parent) or not frappe.db.exists(self.parenttype, self.parent):
			return None
		return frappe.get_doc(self.parenttype, self.parent)

	def validate(self):
		self.refuse_alone(_("changed"))

	def on_trash(self):
		self.refuse_alone(_("deleted"))

	def refuse_alone(self, action: str):
		frappe.throw(
			_("A row of {0} cannot be {1} on its own: open {0} {2} and change it there.").format(
				_(self.parenttype or _("its document")), action, self.parent or ""
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
