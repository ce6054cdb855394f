"""Tier 1: is a query argument plain? (crm_ext.logic.query_args, the pure half of the guard)."""

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_ext.logic import query_args as q
from crm_ext.logic.query_args import NotPlain

# --- what the v15 desk sends (list, report, group-by, kanban, link fields, sidebar) ------------

DESK_FIELDS = [
	"name",
	"`tabSales Lead`.`name`",
	"`tabSales Lead`.`_assign`",
	"`tabQuotation Item`.`item_code`",
	"sales_lead.title as sales_lead_title",
	"count(*) as count",
	"count(`tabSales Lead`.`name`) AS _aggregate_column",
	"sum(`tabQuotation`.`grand_total`) as _aggregate_column",
	"count(distinct `tabSales Lead`.name) as total_count",
	"*",
	"`tabSales Lead`.`сумма`",
	"name as 'Item:name'".replace(":", ""),
]


@pytest.mark.parametrize("field", DESK_FIELDS)
def test_desk_fields_are_plain(field):
	assert q.fields([field])[0].column


def test_references_say_what_they_read():
	(ref,) = q.fields(["sales_lead.title as sales_lead_title"])
	assert (ref.link, ref.column, ref.alias, ref.table) == ("sales_lead", "title", "sales_lead_title", None)
	(ref,) = q.fields('["`tabTender Evaluation`.`bid_total`"]')
	assert (ref.table, ref.column) == ("Tender Evaluation", "bid_total")
	(ref,) = q.fields(["count(distinct `tabX`.name) as n"])
	assert (ref.function, ref.table, ref.column, ref.alias) == ("count", "X", "name", "n")
	assert [r.column for r in q.fields("name, title")] == ["name", "title"]


@pytest.mark.parametrize(
	"order_by",
	[
		"`tabSales Lead`.`modified` desc",
		"modified desc, name asc",
		"`tabSales Lead`.`_aggregate_column` desc",
		"_aggregate_column desc",
		"count desc",
		"idx desc, `tabSales Lead`.`modified` DESC",
		"KEEP_DEFAULT_ORDERING",
		"sum(amount) desc",
		"",
		None,
	],
)
def test_desk_order_by_is_plain(order_by):
	q.order_by(order_by)


@pytest.mark.parametrize("group_by", ["`tabSales Lead`.`source`", "source", "`tabX`.`a`, b", None])
def test_desk_group_by_is_plain(group_by):
	q.group_by(group_by)


@pytest.mark.parametrize(
	"filters",
	[
		[["Sales Lead", "pipeline", "=", "Retail"]],
		[["Sales Lead", "pipeline", "=", "Retail", False]],
		[["status", "in", ["Open", "Replied"]]],
		{"status": "Open", "expected_amount": [">", 100]},
		[{"status": "Open"}],
		'[["Sales Lead","name","like","%x%"]]',
		json.dumps(json.dumps({"name": "x"})),
		"CRM-LEAD-2026-00001",
		[["Sales Lead", "title", "like", "%1=1 or 1=1%"]],
		None,
		[],
		{},
	],
)
def test_desk_filters_are_plain(filters):
	q.filters(filters)


def test_filter_references_name_doctype_and_column():
	refs = q.filters([["Tender Bid Item", "amount", ">", 0], ["status", "=", "Open"], {"title": "x"}])
	assert [(r.on, r.column, r.is_filter) for r in refs] == [
		("Tender Bid Item", "amount", True),
		(None, "status", True),
		(None, "title", True),
	]


# --- what the audit sent -------------------------------------------------------------------

ATTACK_FIELDS = [
	"lower((select group_concat(supplier, ':', total) from `tabTender Bid` where tender='T'))",
	"ifnull((select max(total) from `tabTender Bid` where supplier='RIVAL'),'a.name.b')",
	"max((select title from `tabSales Lead` limit 1))",
	"length((select title from `tabSales Lead` where name = 'x'))",
	"name`, (select group_concat(title) from `tabSales Lead`) as `x",
	"(select 1)",
	"name/**/",
	"name/**/union/**/select/**/1",
	"name union select password from __Auth",
	"name, (select 1)",
	"name;drop table `tabSales Lead`",
	"name -- x",
	"if(1, sleep(5), 0)",
	"sleep(5)",
	"benchmark(10000000, md5(1))",
	"case when 1=1 then name else title end",
	"@@version",
	"`tabX`.`a` + 1",
	"0x61",
	"count(*) + (select 1)",
	"count((select 1))",
	"sum(`tabX`.`a` * 2)",
	"max(*)",
	"`tabX`.*",
	"name as x as y",
	"name as `x`, (select 1)",
	"name as 'x' union select 1",
	"`tab`Sales Lead``.x",
	"`tabX`.`a``b`",
	"title\uff08\uff09",  # fullwidth parentheses
	"name\u2028union",
	"a.b.c",
	"",
	"  ",
]


@pytest.mark.parametrize("field", [f for f in ATTACK_FIELDS if f.strip()])
def test_attack_fields_are_not_plain(field):
	with pytest.raises(NotPlain) as e:
		q.fields([field])
	assert e.value.field == "fields"


@pytest.mark.parametrize(
	"order_by",
	[
		"name desc, (select 1)",
		"(select title from `tabSales Lead` where name='x')",
		"if(1, name, title)",
		"field(name, 'a', 'b')",
		"name desc limit 1",
		"name desc; drop table x",
		"name desc/**/",
		"sleep(1)",
		"name desc, sleep(1)",
		"case when 1 then name end",
		"name collate utf8mb4_bin",
	],
)
def test_attack_order_by_is_not_plain(order_by):
	with pytest.raises(NotPlain):
		q.order_by(order_by)


@pytest.mark.parametrize(
	"group_by", ["name with rollup", "count(*)", "(select 1)", "name having 1=1", "date(creation)"]
)
def test_attack_group_by_is_not_plain(group_by):
	with pytest.raises(NotPlain):
		q.group_by(group_by)


@pytest.mark.parametrize(
	"filters",
	[
		[["name", "like", "%"], "1=1 or 1=1"],
		["1=1 or 1=1"],
		'[["name","like","%"],"1=1 or 1=1"]',
		json.dumps(json.dumps(["1=1"])),
		[["ifnull((select max(total) from `tabTender Bid`),'a.name.b')", "<", 1000]],
		{"ifnull((select 1),'a.name.b')": ["<", 1]},
		[["Sales Lead", "title`", "=", 1]],
		[["Sales Lead` where 1=1 or `x", "name", "=", 1]],
		[["name", "="]],
		[{"name; drop": 1}],
		["name", "title"],
	],
)
def test_attack_filters_are_not_plain(filters):
	with pytest.raises(NotPlain):
		q.filters(filters)


def test_arguments_by_method_and_the_argument_at_fault():
	with pytest.raises(NotPlain) as e:
		q.references(
			{"doctype": "Quotation", "fieldname": '["name", "(select 1)"]'}, "frappe.client.get_value"
		)
	assert e.value.field == "fieldname"
	# fieldname is a query part of get_value only
	assert q.references({"fieldname": "(anything)"}, "frappe.client.set_value") == []
	with pytest.raises(NotPlain) as e:
		q.references({"sort_field": "modified, (select 1)"}, "frappe.desk.form.utils.get_next")
	assert e.value.field == "sort_field"
	with pytest.raises(NotPlain):
		q.references({"sort_order": "desc, (select 1)"}, "frappe.desk.form.utils.get_next")
	with pytest.raises(NotPlain):
		q.references({"field_map": '{"start": "ifnull(x, 1)"}'}, "frappe.desk.calendar.get_events")
	chart = {"document_type": "Sales Lead", "value_based_on": "(select 1)", "filters_json": "[]"}
	with pytest.raises(NotPlain) as e:
		q.references({"chart": json.dumps(chart)}, "frappe.desk.doctype.dashboard_chart.dashboard_chart.get")
	assert e.value.field == "chart"
	card = {
		"document_type": "Sales Lead",
		"function": "Sum",
		"aggregate_function_based_on": "expected_amount",
	}
	(ref,) = q.references({"doc": card}, "frappe.desk.doctype.number_card.number_card.get_result")
	assert (ref.queried, ref.column) == ("Sales Lead", "expected_amount")
	refs = q.references({"aggregate_on_doctype": "Tender Bid Item", "aggregate_on_field": "amount"})
	assert {(r.on, r.column) for r in refs} == {(None, "amount"), ("Tender Bid Item", "name")}


@pytest.mark.parametrize(
	"value,truthy",
	[
		("1", True),
		("true", True),
		(1, True),
		("0", False),
		("", False),
		("false", False),
		(None, False),
		(0, False),
	],
)
def test_flags_read_as_frappe_reads_them(value, truthy):
	assert q.is_truthy(value) is truthy


# --- properties ----------------------------------------------------------------------------

names = st.from_regex(r"[a-z_][a-z0-9_]{0,20}", fullmatch=True)
doctypes = st.from_regex(r"[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8}){0,2}", fullmatch=True)


@st.composite
def plain_fields(draw):
	column = draw(names)
	qualifier = draw(st.sampled_from(["", "table", "link"]))
	ref = column if draw(st.booleans()) else f"`{column}`"
	if qualifier == "table":
		ref = f"`tab{draw(doctypes)}`.{ref}"
	elif qualifier == "link":
		ref = f"{draw(names)}.{ref}"
	function = draw(st.sampled_from(["", "count", "sum", "avg", "min", "max", "COUNT"]))
	if function:
		ref = f"{function}({ref})"
	if draw(st.booleans()):
		ref += f" as {draw(names)}"
	return ref, column


@given(plain_fields())
def test_every_plain_field_is_accepted_with_its_column(case):
	text, column = case
	(ref,) = q.fields([text])
	assert ref.column == column


SQL_SNIPPETS = [
	"(select 1)",
	" union select 1",
	"/**/",
	"-- ",
	";",
	"'",
	'"',
	"@@version",
	" or 1=1",
	"sleep(1)",
	"if(1,2,3)",
	"case when 1 then 2 end",
	"`",
	"\\",
	",",
	"+1",
	"()",
	"\u0000",
	"#",
]


@given(plain_fields(), st.sampled_from(SQL_SNIPPETS), st.data())
def test_sql_inserted_anywhere_into_a_plain_field_is_refused(case, snippet, data):
	text, _column = case
	at = data.draw(st.integers(min_value=0, max_value=len(text)))
	injected = text[:at] + snippet + text[at:]
	try:
		(ref,) = q.fields([injected])
	except NotPlain:
		return
	# accepted only when the snippet landed where it is harmless: inside a `tab<DocType>` quote
	# (an identifier, which must then name an existing DocType), or still nothing but names
	if ref.table and snippet.strip() in ref.table:
		return
	rebuilt = re.sub(r"[\w`.* ()]", "", injected)
	assert rebuilt == "", injected
	assert not re.search(
		r"\b(select|union|sleep|if|case|or)\b\s*[(\w]", injected.lower().replace(ref.column, "")
	)


@given(st.text(max_size=60))
def test_any_text_is_either_plain_or_refused_cleanly(text):
	for parse in (q.fields, q.order_by, q.group_by, q.filters):
		try:
			parse(text)
		except NotPlain:
			pass


@given(
	st.lists(
		st.one_of(
			st.lists(st.one_of(names, st.integers(), st.none()), min_size=3, max_size=5),
			st.text(min_size=1, max_size=20),
		),
		max_size=5,
	)
)
def test_a_string_among_conditions_is_always_refused(rows):
	has_text = any(isinstance(row, str) for row in rows)
	try:
		q.filters(rows)
	except NotPlain:
		return
	assert not has_text
