"""Supplier qualification rules: templates, answers, scoring, documents and validity dates.

A Qualification Template is a list of criteria. Each criterion has an answer type, a weight and
a knock-out flag:

- ``Yes/No``: "Yes" earns the full points, "No" none.
- ``Number``: a curve between the *zero-points value* (earns 0) and the *target* (earns all);
  "Linear" interpolates between them, "Step" gives all or nothing at the target. The target may
  lie above the zero-points value (higher is better, e.g. years in business) or below it (lower
  is better, e.g. lead time in days).
- ``Choice``: one of the options, each worth points; normalised by the best option.
- ``Document``: an uploaded file earns the full points.
- ``Text``: a non-empty answer earns the full points (give it weight 0 to collect information).

Each criterion earns a fraction 0..1 of its weight; the score is the weighted mean, normalised to
0..100. A knock-out criterion must be answered and must earn some points: one failed knock-out
fails the qualification whatever the score.
"""

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from crm_ext.logic.errors import LogicError, _

YES_NO = "Yes/No"
NUMBER = "Number"
CHOICE = "Choice"
DOCUMENT = "Document"
TEXT = "Text"
ANSWER_TYPES = (YES_NO, NUMBER, CHOICE, DOCUMENT, TEXT)

LINEAR = "Linear"
STEP = "Step"
CURVES = (LINEAR, STEP)

YES = "Yes"
NO = "No"

# Workflow states of a Supplier Qualification, in the order of the happy path.
DRAFT = "Draft"
SUBMITTED = "Submitted"
UNDER_REVIEW = "Under Review"
QUALIFIED = "Qualified"
REJECTED = "Rejected"
EXPIRED = "Expired"
STATUSES = (DRAFT, SUBMITTED, UNDER_REVIEW, QUALIFIED, REJECTED, EXPIRED)
OPEN_STATUSES = (DRAFT, SUBMITTED, UNDER_REVIEW)

EXPIRY_NOTICE_DAYS = 30


class QualificationError(LogicError):
	"""A template, answer or document that breaks a qualification rule."""


@dataclass(frozen=True)
class Criterion:
	"""One question of a template (or its copy on a qualification)."""

	key: str
	answer_type: str
	weight: float = 1.0
	knock_out: bool = False
	target: float | None = None
	zero_value: float | None = None
	curve: str = LINEAR
	options: tuple[tuple[str, float], ...] = ()
	label: str = ""

	@property
	def title(self) -> str:
		return self.label or self.key


@dataclass(frozen=True)
class Answer:
	"""What the supplier answered: the text (Yes/No, a number, a choice, free text) or a file."""

	value: str = ""
	has_file: bool = False


@dataclass(frozen=True)
class ScoreResult:
	score: float
	passed: bool
	failed_knock_outs: tuple[str, ...] = field(default_factory=tuple)
	points: dict = field(default_factory=dict)


# --- choice options ---------------------------------------------------------------------------

_OPTION_RE = re.compile(r"^(?P<label>.+?)\s*\|\s*(?P<points>[-+]?\d+(?:[.,]\d+)?)\s*$")


def parse_choice_options(text: str | None, criterion: str = "") -> tuple[tuple[str, float], ...]:
	"""``"ISO 9001 | 10"`` lines into ``(("ISO 9001", 10.0), ...)``; raises QualificationError."""
	options: list[tuple[str, float]] = []
	seen: set[str] = set()
	for raw in (text or "").splitlines():
		line = raw.strip()
		if not line:
			continue
		match = _OPTION_RE.match(line)
		if not match:
			raise QualificationError(
				_('Criterion "{0}": option "{1}" must be written as "label | points", e.g. "ISO 9001 | 10".'),
				criterion,
				line,
				field="criteria",
			)
		label, points = match["label"].strip(), float(match["points"].replace(",", "."))
		if points < 0:
			raise QualificationError(
				_('Criterion "{0}": option "{1}" has negative points; use 0 or more.'),
				criterion,
				label,
				field="criteria",
			)
		if label.casefold() in seen:
			raise QualificationError(
				_('Criterion "{0}": option "{1}" is listed twice.'), criterion, label, field="criteria"
			)
		seen.add(label.casefold())
		options.append((label, points))
	return tuple(options)


# --- templates --------------------------------------------------------------------------------


def check_template(
	criteria: list[Criterion],
	pass_score: float,
	validity_months: int,
	document_types: list[str],
	item_groups: list[str],
) -> None:
	"""Raise QualificationError for the first template setting that cannot work."""
	if not criteria:
		raise QualificationError(_("Add at least one criterion."), field="criteria")
	if not 0 <= pass_score <= 100:
		raise QualificationError(_("The pass score is a percentage between 0 and 100."), field="pass_score")
	if validity_months is None or validity_months < 1:
		raise QualificationError(
			_("A qualification must stay valid for at least 1 month."), field="validity_months"
		)
	if not item_groups:
		raise QualificationError(
			_("Add at least one product category (Item Group) the template qualifies for."),
			field="item_groups",
		)
	for criterion in criteria:
		check_criterion(criterion)
	if sum(c.weight for c in criteria) <= 0:
		raise QualificationError(
			_("At least one criterion needs a weight above 0, otherwise nothing can be scored."),
			field="criteria",
		)
	seen: set[str] = set()
	for doc_type in document_types:
		key = (doc_type or "").strip().casefold()
		if not key:
			raise QualificationError(
				_("Every required document needs a document type."), field="required_documents"
			)
		if key in seen:
			raise QualificationError(
				_('Required document "{0}" is listed twice.'), doc_type, field="required_documents"
			)
		seen.add(key)


def check_criterion(criterion: Criterion) -> None:
	name = criterion.title
	if criterion.answer_type not in ANSWER_TYPES:
		raise QualificationError(
			_('Criterion "{0}": answer type must be one of {1}.'),
			name,
			", ".join(ANSWER_TYPES),
			field="criteria",
		)
	if criterion.weight is None or criterion.weight < 0:
		raise QualificationError(_('Criterion "{0}": the weight must be 0 or more.'), name, field="criteria")
	if criterion.answer_type == NUMBER:
		if criterion.target is None or criterion.zero_value is None:
			raise QualificationError(
				_('Criterion "{0}": a number criterion needs a target and a zero-points value.'),
				name,
				field="criteria",
			)
		if criterion.target == criterion.zero_value:
			raise QualificationError(
				_('Criterion "{0}": the target and the zero-points value must differ.'),
				name,
				field="criteria",
			)
		if criterion.curve not in CURVES:
			raise QualificationError(
				_('Criterion "{0}": the scoring curve must be Linear or Step.'), name, field="criteria"
			)
	if criterion.answer_type == CHOICE:
		if not criterion.options:
			raise QualificationError(
				_('Criterion "{0}": a choice criterion needs options, one "label | points" per line.'),
				name,
				field="criteria",
			)
		if max(points for _label, points in criterion.options) <= 0:
			raise QualificationError(
				_('Criterion "{0}": at least one option must be worth more than 0 points.'),
				name,
				field="criteria",
			)


# --- answers and scoring ----------------------------------------------------------------------


def parse_number(value: str) -> float | None:
	text = (value or "").strip().replace(" ", "").replace(",", ".")
	if not text:
		return None
	try:
		number = float(text)
	except ValueError:
		return None
	return number if number == number and abs(number) != float("inf") else None


def is_answered(criterion: Criterion, answer: Answer | None) -> bool:
	if answer is None:
		return False
	if criterion.answer_type == DOCUMENT:
		return answer.has_file
	return bool((answer.value or "").strip())


def check_answer(criterion: Criterion, answer: Answer | None) -> None:
	"""Raise QualificationError when an answer given cannot be read for its criterion."""
	if not is_answered(criterion, answer) or answer is None:
		return
	value = answer.value.strip()
	if criterion.answer_type == YES_NO and value not in (YES, NO):
		raise QualificationError(
			_('"{0}": answer Yes or No (not "{1}").'), criterion.title, value, field="answers"
		)
	if criterion.answer_type == NUMBER and parse_number(value) is None:
		raise QualificationError(
			_('"{0}": the answer must be a number (not "{1}").'), criterion.title, value, field="answers"
		)
	if criterion.answer_type == CHOICE and value.casefold() not in {
		label.casefold() for label, _points in criterion.options
	}:
		raise QualificationError(
			_('"{0}": choose one of: {1}.'),
			criterion.title,
			", ".join(label for label, _points in criterion.options),
			field="answers",
		)


def check_answers(criteria: list[Criterion], answers: dict[str, Answer], for_submission: bool) -> None:
	"""Every answer readable; on submission also every knock-out (mandatory) criterion answered."""
	for criterion in criteria:
		check_answer(criterion, answers.get(criterion.key))
	if for_submission:
		missing = [c.title for c in criteria if c.knock_out and not is_answered(c, answers.get(c.key))]
		if missing:
			raise QualificationError(
				_("Answer the mandatory questions before submitting: {0}."),
				"; ".join(missing),
				field="answers",
			)


def criterion_points(criterion: Criterion, answer: Answer | None) -> float:
	"""The fraction 0..1 of the criterion's weight earned by the answer (0 when unanswered)."""
	if not is_answered(criterion, answer) or answer is None:
		return 0.0
	value = answer.value.strip()
	kind = criterion.answer_type
	if kind == YES_NO:
		return 1.0 if value == YES else 0.0
	if kind in (DOCUMENT, TEXT):
		return 1.0
	if kind == CHOICE:
		best = max((points for _label, points in criterion.options), default=0.0)
		chosen = next(
			(points for label, points in criterion.options if label.casefold() == value.casefold()), 0.0
		)
		return min(1.0, max(0.0, chosen / best)) if best > 0 else 0.0
	if kind == NUMBER:
		number = parse_number(value)
		if number is None or criterion.target is None or criterion.zero_value is None:
			return 0.0
		return number_points(number, criterion.target, criterion.zero_value, criterion.curve)
	return 0.0


def number_points(value: float, target: float, zero_value: float, curve: str = LINEAR) -> float:
	"""0 at (or beyond) the zero-points value, 1 at (or beyond) the target."""
	if target == zero_value:
		return 1.0 if value == target else 0.0
	progress = (value - zero_value) / (target - zero_value)
	if curve == STEP:
		return 1.0 if progress >= 1 else 0.0
	return min(1.0, max(0.0, progress))


def knock_out_passed(criterion: Criterion, answer: Answer | None) -> bool:
	return is_answered(criterion, answer) and criterion_points(criterion, answer) > 0


def score(criteria: list[Criterion], answers: dict[str, Answer], pass_score: float) -> ScoreResult:
	"""Weighted score 0..100 and the verdict (knock-outs first, then the pass score)."""
	points = {c.key: criterion_points(c, answers.get(c.key)) for c in criteria}
	total_weight = sum(max(0.0, c.weight) for c in criteria)
	if total_weight > 0:
		earned = sum(max(0.0, c.weight) * points[c.key] for c in criteria)
		value = round(min(100.0, max(0.0, 100.0 * earned / total_weight)), 2)
	else:
		value = 0.0
	failed = tuple(c.title for c in criteria if c.knock_out and not knock_out_passed(c, answers.get(c.key)))
	return ScoreResult(
		score=value, passed=not failed and value >= pass_score, failed_knock_outs=failed, points=points
	)


# --- documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequiredDocument:
	document_type: str
	expiry_required: bool = False


@dataclass(frozen=True)
class ProvidedDocument:
	document_type: str
	has_file: bool
	expiry_date: date | None = None


def check_documents(
	required: list[RequiredDocument],
	provided: list[ProvidedDocument],
	on_date: date,
	for_submission: bool,
) -> None:
	"""Documents that need an expiry date have one; on submission all are there and none expired."""
	needs_expiry = {r.document_type.casefold() for r in required if r.expiry_required}
	for doc in provided:
		if doc.has_file and doc.document_type.casefold() in needs_expiry and not doc.expiry_date:
			raise QualificationError(
				_('Document "{0}" needs its expiry date: enter the date printed on the document.'),
				doc.document_type,
				field="documents",
			)
	if not for_submission:
		return
	uploaded = {d.document_type.casefold() for d in provided if d.has_file}
	missing = [r.document_type for r in required if r.document_type.casefold() not in uploaded]
	if missing:
		raise QualificationError(
			_("Upload the required documents before submitting: {0}."), ", ".join(missing), field="documents"
		)
	for doc in provided:
		if doc.has_file and doc.expiry_date and doc.expiry_date < on_date:
			raise QualificationError(
				_('Document "{0}" expired on {1}; upload the current one.'),
				doc.document_type,
				doc.expiry_date.isoformat(),
				field="documents",
			)


# --- validity dates ---------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
	"""``start`` moved by whole months, clamped to the last day of a shorter month."""
	month_index = start.month - 1 + months
	year, month = start.year + month_index // 12, month_index % 12 + 1
	return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def validity_end(qualified_on: date, validity_months: int) -> date:
	"""Last day a qualification granted on ``qualified_on`` is valid (inclusive)."""
	return add_months(qualified_on, validity_months) - timedelta(days=1)


def valid_until(qualified_on: date, validity_months: int, document_expiries: list[date | None]) -> date:
	"""Validity end, cut short by the earliest expiry date of the documents."""
	end = validity_end(qualified_on, validity_months)
	expiries = [d for d in document_expiries if d]
	return min([end, *expiries])


def is_expired(until: date | None, on_date: date) -> bool:
	return until is not None and on_date > until


def expiry_notice_due(until: date | None, on_date: date, days: int = EXPIRY_NOTICE_DAYS) -> bool:
	"""True from ``days`` days before the last valid day until that day."""
	return until is not None and until - timedelta(days=days) <= on_date <= until


# --- product categories -----------------------------------------------------------------------


def categories_outside(groups: list[str], allowed: list[str], ancestors: dict[str, list[str]]) -> list[str]:
	"""The groups not equal to, nor below (in the Item Group tree), one of ``allowed``."""
	allowed_set = set(allowed)
	return [g for g in dict.fromkeys(groups) if not allowed_set & {g, *ancestors.get(g, [])}]


# --- rules copied from the template -----------------------------------------------------------

# What an answer row takes from its template criterion (label column, then the rule columns).
RULE_COLUMNS = (
	"answer_type",
	"knock_out",
	"weight",
	"help_text",
	"choice_options",
	"target_value",
	"zero_value",
	"scoring_curve",
)
# What the supplier (or the reviewer, on its own rows' comments) writes on a row.
ANSWER_COLUMNS = ("answer", "attachment", "reviewer_comment")
DOCUMENT_COLUMNS = ("attachment", "expiry_date", "reviewer_comment")


def answers_from_template(criteria: Sequence[Mapping], rows: Sequence[Mapping]) -> list[dict]:
	"""The answer rows of an open questionnaire, derived again from its template.

	``criteria``: the template's criteria (``name``, ``criterion``, rule columns), in order;
	``rows``: the answer rows as they are now (``criterion_key`` and the supplier's columns).
	One row per criterion, in the template's order, with the criterion's label and rules; what was
	answered is kept by criterion key (the first row with that key); rows of no criterion are
	dropped. Each result names in ``continues`` the index of the row it continues (None: new).
	"""
	first: dict[str, int] = {}
	for index, row in enumerate(rows):
		key = row.get("criterion_key")
		if key and key not in first:
			first[key] = index
	result = []
	for criterion in criteria:
		index = first.get(criterion["name"])
		values = {
			"criterion_key": criterion["name"],
			"question": criterion.get("criterion"),
			**{column: criterion.get(column) for column in RULE_COLUMNS},
			**{column: rows[index].get(column) if index is not None else None for column in ANSWER_COLUMNS},
			"continues": index,
		}
		result.append(values)
	return result


def documents_from_template(required: Sequence[RequiredDocument], rows: Sequence[Mapping]) -> list[dict]:
	"""The document rows of an open questionnaire: every required document of the template (in its
	order, ``expiry_required`` from the template), continuing the first row of the same type
	(case-insensitive); then the supplier's other documents, which require nothing."""
	first: dict[str, int] = {}
	for index, row in enumerate(rows):
		kind = (row.get("document_type") or "").casefold()
		if kind and kind not in first:
			first[kind] = index
	result, used = [], set()
	for document in required:
		index = first.get(document.document_type.casefold())
		used.add(index)
		result.append(
			{
				"document_type": document.document_type,
				"expiry_required": int(document.expiry_required),
				**{c: rows[index].get(c) if index is not None else None for c in DOCUMENT_COLUMNS},
				"continues": index,
			}
		)
	for index, row in enumerate(rows):
		if index not in used and (row.get("document_type") or "").strip():
			result.append(
				{
					"document_type": row.get("document_type"),
					"expiry_required": 0,
					**{c: row.get(c) for c in DOCUMENT_COLUMNS},
					"continues": index,
				}
			)
	return result
