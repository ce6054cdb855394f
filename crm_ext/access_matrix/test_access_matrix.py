"""Tier 2: every doctype of the app x every persona x every door, over HTTP (see spec.py).

Each test walks its doors for every cell and fails once with the table of the cells that answered
otherwise than the spec says, so one run shows the whole picture.
"""

import json

import frappe

from crm_ext.access_matrix import spec
from crm_ext.access_matrix.http import request
from crm_ext.access_matrix.world import World, build, remove
from crm_ext.testing import IntegrationTestCase
from crm_ext.utils.documents import ALL, declared

PERSONAS = tuple(spec.PERSONAS)


def resource(doctype: str, name: str | None = None) -> str:
	path = f"/api/resource/{doctype}"
	return f"{path}/{name}" if name else path


def method(path: str) -> str:
	return f"/api/method/{path}"


class AccessMatrixCase(IntegrationTestCase):
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

	def setUp(self):
		self.wrong: list[str] = []

	def tearDown(self):
		frappe.db.rollback()

	def call(self, persona: str, verb: str, path: str, payload=None, query=None):
		return request(self.world.auth[persona], verb, path, payload, query)

	def expect(self, ok: bool, cell: str, answer) -> None:
		if not ok:
			self.wrong.append(f"{cell}: got {answer.summary}")

	def report(self) -> None:
		if self.wrong:
			self.fail(f"{len(self.wrong)} cells differ from the spec:\n" + "\n".join(self.wrong))

	def parent_doctype(self, key: str) -> str | None:
		return spec.RECORDS[spec.ROWS[key][1]] if key in spec.ROWS else None

	def stored(self, key: str, fieldname: str):
		doctype = spec.doctype_of(key)
		frappe.db.rollback()  # see what the requests committed
		return frappe.db.get_value(doctype, self.world.name(key), fieldname)


class TestReadDoors(AccessMatrixCase):
	def test_get_document(self):
		"""GET /api/resource/<doctype>/<name>: 200 for its readers, 403 for everyone else."""
		for key in (*spec.RECORDS, *spec.ROWS):
			doctype, name = spec.doctype_of(key), self.world.name(key)
			for persona in PERSONAS:
				answer = self.call(persona, "GET", resource(doctype, name))
				allowed = persona in spec.readers(key)
				self.expect(answer.status == (200 if allowed else 403), f"GET {key} as {persona}", answer)
		self.report()

	def test_lists(self):
		"""REST list, frappe.client.get_count / get_value and the report view show exactly the
		records a persona reads (a closed door, 403, is also an answer where nothing is expected)."""
		# a row type serving several parents is listed once per parent
		groups: dict[tuple, list[str]] = {}
		for key in (*spec.RECORDS, *spec.ROWS):
			groups.setdefault((spec.doctype_of(key), self.parent_doctype(key)), []).append(key)
		for (doctype, parent), keys in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or "")):
			if frappe.get_meta(doctype).issingle:
				continue
			names = {self.world.name(k): k for k in keys}
			filters = json.dumps([[doctype, "name", "in", list(names)]])
			for persona in PERSONAS:
				expected = {n for n, k in names.items() if persona in spec.readers(k)}
				query = {"fields": '["name"]', "filters": filters, "limit_page_length": "0"}
				if parent:
					query["parent"] = parent
				answer = self.call(persona, "GET", resource(doctype), query=query)
				got = {row["name"] for row in answer.data or []} if answer.status == 200 else None
				closed_ok = not expected and answer.status == 403
				self.expect(
					got == expected or closed_ok,
					f"list {doctype} as {persona} (expected {sorted(expected)})",
					answer,
				)

				if not parent:
					answer = self.call(
						persona,
						"GET",
						method("frappe.client.get_count"),
						query={"doctype": doctype, "filters": filters},
					)
					self.expect(
						answer.status == 403 or answer.message == len(expected),
						f"get_count {doctype} as {persona} (expected {len(expected)})",
						answer,
					)
					answer = self.call(
						persona,
						"POST",
						method("frappe.desk.reportview.get"),
						{
							"doctype": doctype,
							"fields": [f"`tab{doctype}`.`name`"],
							"filters": json.loads(filters),
						},
					)
					values = (answer.message or {}).get("values") if answer.status == 200 else None
					got = {row[0] for row in values} if values is not None else set()
					self.expect(
						answer.status == 403 or got == expected,
						f"reportview {doctype} as {persona} (expected {sorted(expected)})",
						answer,
					)
				for name, key in names.items():
					query = {"doctype": doctype, "fieldname": "name", "filters": json.dumps({"name": name})}
					if parent:
						query["parent"] = parent
					answer = self.call(persona, "GET", method("frappe.client.get_value"), query=query)
					value = (answer.message or {}).get("name") if isinstance(answer.message, dict) else None
					if persona in spec.readers(key):
						self.expect(
							answer.status == 200 and value == name, f"get_value {key} as {persona}", answer
						)
					else:
						self.expect(
							answer.status == 403 or not value, f"get_value {key} as {persona}", answer
						)
		self.report()

	def test_link_search(self):
		"""frappe.desk.search.search_link offers a record only to its readers."""
		for key, doctype in spec.RECORDS.items():
			if frappe.get_meta(doctype).issingle:
				continue
			name = self.world.name(key)
			for persona in PERSONAS:
				answer = self.call(
					persona,
					"GET",
					method("frappe.desk.search.search_link"),
					query={"doctype": doctype, "txt": name, "page_length": "50"},
				)
				found = (
					name in {r.get("value") for r in answer.message or []} if answer.status == 200 else False
				)
				self.expect(
					found == (persona in spec.readers(key)), f"search_link {key} as {persona}", answer
				)
		self.report()

	def test_print(self):
		"""The print view answers only readers whose role may print."""
		for key, doctype in spec.RECORDS.items():
			if doctype not in spec.PRINTABLE:
				continue
			for persona in PERSONAS:
				answer = self.call(
					persona,
					"GET",
					method("frappe.www.printview.get_html_and_style"),
					query={"doc": doctype, "name": self.world.name(key), "print_format": "Standard"},
				)
				allowed = persona in spec.readers(key) and persona in spec.PRINTABLE[doctype]
				self.expect(answer.status == (200 if allowed else 403), f"print {key} as {persona}", answer)
		self.report()

	def test_private_files(self):
		"""A private file on a record downloads for the record's readers only."""
		for key, url in self.world.files.items():
			for persona in PERSONAS:
				answer = self.call(persona, "GET", url)
				allowed = persona in spec.readers(key)
				self.expect(answer.status == (200 if allowed else 403), f"file of {key} as {persona}", answer)
		self.report()


class TestWriteDoors(AccessMatrixCase):
	def test_plain_change(self):
		"""PUT and frappe.client.set_value of a plain field: the writers' answer, 403 for the rest,
		and nothing changes where the answer is not 200."""
		for key, doctype in spec.RECORDS.items():
			name = self.world.name(key)
			(fieldname, value) = next(iter(spec.PLAIN_CHANGE[doctype].items()))
			for persona in PERSONAS:
				expected = spec.WRITERS.get(key, {}).get(persona, 403)
				before = self.stored(key, fieldname)
				answer = self.call(persona, "PUT", resource(doctype, name), {fieldname: value})
				self.expect(answer.status == expected, f"PUT {key}.{fieldname} as {persona}", answer)
				if answer.status != 200:
					self.expect(
						self.stored(key, fieldname) == before, f"PUT {key} as {persona} changed it", answer
					)
				answer = self.call(
					persona,
					"POST",
					method("frappe.client.set_value"),
					{"doctype": doctype, "name": name, "fieldname": fieldname, "value": value},
				)
				self.expect(answer.status == expected, f"set_value {key}.{fieldname} as {persona}", answer)
		self.report()

	def test_server_fields_never_move(self):
		"""Whoever may write a record, no door changes what only the app's procedures set."""
		for key, doctype in spec.RECORDS.items():
			fields, tables = declared(doctype)
			writers = [p for p, status in spec.WRITERS.get(key, {}).items() if status == 200]
			if not writers or not (fields or tables):
				continue
			name = self.world.name(key)
			meta = frappe.get_meta(doctype)
			for persona in writers:
				for fieldname in fields:
					before = self.stored(key, fieldname)
					forged = forge(meta.get_field(fieldname), before, self.world.users[persona])
					answer = self.call(persona, "PUT", resource(doctype, name), {fieldname: forged})
					self.expect(
						self.stored(key, fieldname) == before,
						f"PUT {key}.{fieldname}={forged!r} as {persona} moved it",
						answer,
					)
				for table, columns in tables.items():
					frappe.db.rollback()
					doc = frappe.get_doc(doctype, name)
					rows = [row.as_dict() for row in doc.get(table)]
					if columns == ALL:
						changed = []
					elif rows:
						child_meta = frappe.get_meta(rows[0]["doctype"])
						changed = [dict(row) for row in rows]
						for column in columns:
							changed[0][column] = forge(
								child_meta.get_field(column), rows[0].get(column), None
							)
					else:
						continue
					answer = self.call(persona, "PUT", resource(doctype, name), {table: json_safe(changed)})
					frappe.db.rollback()
					after = [row.as_dict() for row in frappe.get_doc(doctype, name).get(table)]
					columns_seen = columns if columns != ALL else ("name",)
					self.expect(
						[[r.get(c) for c in columns_seen] for r in after]
						== [[r.get(c) for c in columns_seen] for r in rows],
						f"PUT {key}.{table} rows as {persona} moved them",
						answer,
					)
		self.report()

	def test_rows_change_only_through_their_parent(self):
		"""A child row is never changed, added or deleted through its own resource, by anyone."""
		for key, (doctype, parent_key) in spec.ROWS.items():
			name = self.world.name(key)
			parent = spec.RECORDS[parent_key]
			parent_name = self.world.name(parent_key)
			table = next(
				df.fieldname for df in frappe.get_meta(parent).get_table_fields() if df.options == doctype
			)
			before = frappe.get_doc(doctype, name).as_dict()
			for persona in PERSONAS:
				answer = self.call(persona, "PUT", resource(doctype, name), {"idx": 99})
				self.expect(answer.status == 403, f"PUT row {key} as {persona}", answer)
				answer = self.call(
					persona,
					"POST",
					resource(doctype),
					{"parent": parent_name, "parenttype": parent, "parentfield": table, "idx": 98},
				)
				self.expect(answer.status == 403, f"POST row of {parent_key} as {persona}", answer)
				answer = self.call(persona, "DELETE", resource(doctype, name))
				self.expect(answer.status == 403, f"DELETE row {key} as {persona}", answer)
			frappe.db.rollback()
			self.assertTrue(frappe.db.exists(doctype, name), f"row {key} was deleted")
			self.assertEqual(frappe.db.get_value(doctype, name, "idx"), before.idx, f"row {key} was changed")
			self.assertFalse(
				frappe.db.exists(doctype, {"parent": parent_name, "idx": 98}),
				f"a row was added to {parent_key}",
			)
		self.report()

	def test_create(self):
		"""POST /api/resource/<doctype>: 403 for everyone who may not create one."""
		for doctype, creators in spec.CREATORS.items():
			for persona in PERSONAS:
				if persona in creators:
					continue
				answer = self.call(persona, "POST", resource(doctype), {})
				self.expect(answer.status == 403, f"POST {doctype} as {persona}", answer)
		self.report()

	def test_delete(self):
		"""DELETE /api/resource/<doctype>/<name>: 403 for everyone who may not delete it; it stays."""
		for key, doctype in spec.RECORDS.items():
			if frappe.get_meta(doctype).issingle:
				continue
			for persona in PERSONAS:
				if persona in spec.DELETERS.get(key, ()):
					continue
				answer = self.call(persona, "DELETE", resource(doctype, self.world.name(key)))
				self.expect(answer.status == 403, f"DELETE {key} as {persona}", answer)
			frappe.db.rollback()
			self.assertTrue(frappe.db.exists(doctype, self.world.name(key)), f"{key} was deleted")
		self.report()


def forge(df, current, user: str | None):
	"""A value a forger would send for ``df`` (different from ``current``)."""
	if df is None:
		return "forged"
	if df.fieldtype == "Check":
		return 0 if current else 1
	if df.fieldtype in ("Int", "Float", "Currency", "Percent"):
		return 987
	if df.fieldtype == "Datetime":
		return "2020-01-01 10:00:00"
	if df.fieldtype == "Date":
		return "2020-01-01"
	if df.fieldtype == "Select":
		options = [o for o in (df.options or "").split("\n") if o and o != current]
		return options[-1] if options else "forged"
	if df.fieldtype == "Link" and df.options == "User":
		return user or "Administrator"
	return "forged"


def json_safe(rows: list[dict]) -> list[dict]:
	return json.loads(frappe.as_json(rows))
