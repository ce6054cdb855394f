"""Turn qualification documents' child rows into the plain values of ``crm_ext.logic.qualification``."""

from frappe.utils import cint, flt, getdate

from crm_ext.logic.qualification import (
	LINEAR,
	Answer,
	Criterion,
	ProvidedDocument,
	RequiredDocument,
	parse_choice_options,
)


def criterion_from_row(row, label_field: str) -> Criterion:
	"""A criterion from a Qualification Criterion row (``label_field`` "criterion") or from its
	copy on a Supplier Qualification Answer row ("question"); raises QualificationError for
	unreadable choice options."""
	label = row.get(label_field) or ""
	return Criterion(
		key=row.name or str(row.idx),
		answer_type=row.answer_type,
		weight=flt(row.weight),
		knock_out=bool(cint(row.knock_out)),
		target=flt(row.target_value),
		zero_value=flt(row.zero_value),
		curve=row.scoring_curve or LINEAR,
		options=parse_choice_options(row.choice_options, label),
		label=label,
	)


def criterion_from_template_row(row) -> Criterion:
	return criterion_from_row(row, "criterion")


def criterion_from_answer_row(row) -> Criterion:
	return criterion_from_row(row, "question")


def answer_from_row(row) -> Answer:
	return Answer(value=(row.answer or "").strip(), has_file=bool(row.attachment))


def required_documents(rows) -> list[RequiredDocument]:
	return [RequiredDocument(r.document_type, bool(cint(r.expiry_required))) for r in rows]


def provided_documents(rows) -> list[ProvidedDocument]:
	return [
		ProvidedDocument(
			r.document_type or "",
			bool(r.attachment),
			getdate(r.expiry_date) if r.expiry_date else None,
		)
		for r in rows
	]
