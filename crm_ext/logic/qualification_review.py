"""The review workflow of a Supplier Qualification: which state may follow which, for whom.

One table (:data:`TRANSITIONS`) is the whole workflow. The controller checks every change of the
stored status against it, whatever door the change came through (Frappe's ``apply_workflow``,
``frappe.client.submit`` / ``set_value``, a REST ``PUT``, the portal), and Frappe's own Workflow
(``crm_ext.setup.workflow``) is built from the same table for the desk's action buttons.

- Actors: a role (``Purchase User``, ``Purchase Manager``) or :data:`PARTY`, the record's own
  supplier (its portal users) or registrant: a relation to the record, not a role (a registrant
  holds no role until its registration is approved).
- Each state has one docstatus (:data:`DOCSTATUS`): a decided qualification is a submitted
  document, an open one is not.
- A decision (Approve / Reject) is taken by a Purchase Manager who neither created the record, nor
  submitted it for review, nor reviewed it (four eyes, whoever holds which roles).
"""

from dataclasses import dataclass

from crm_ext.logic.errors import LogicError, _
from crm_ext.logic.qualification import DRAFT, EXPIRED, QUALIFIED, REJECTED, SUBMITTED, UNDER_REVIEW

PARTY = "party"
PURCHASE_USER = "Purchase User"
PURCHASE_MANAGER = "Purchase Manager"

SUBMIT = "Submit for Review"
START_REVIEW = "Start Review"
RETURN = "Return to Supplier"
APPROVE = "Approve"
REJECT = "Reject"
EXPIRE = "Expire"

INITIAL = DRAFT
DOCSTATUS = {DRAFT: 0, SUBMITTED: 0, UNDER_REVIEW: 0, QUALIFIED: 1, REJECTED: 1, EXPIRED: 1}


@dataclass(frozen=True)
class Transition:
	state: str
	action: str
	next_state: str
	actor: str
	decision: bool = False


def _for(state: str, action: str, next_state: str, *actors: str, decision: bool = False):
	return tuple(Transition(state, action, next_state, actor, decision) for actor in actors)


TRANSITIONS: tuple[Transition, ...] = (
	*_for(DRAFT, SUBMIT, SUBMITTED, PARTY, PURCHASE_USER, PURCHASE_MANAGER),
	*_for(SUBMITTED, START_REVIEW, UNDER_REVIEW, PURCHASE_USER, PURCHASE_MANAGER),
	*_for(SUBMITTED, RETURN, DRAFT, PURCHASE_USER, PURCHASE_MANAGER),
	*_for(UNDER_REVIEW, RETURN, DRAFT, PURCHASE_USER, PURCHASE_MANAGER),
	*_for(UNDER_REVIEW, APPROVE, QUALIFIED, PURCHASE_MANAGER, decision=True),
	*_for(UNDER_REVIEW, REJECT, REJECTED, PURCHASE_MANAGER, decision=True),
	*_for(QUALIFIED, EXPIRE, EXPIRED, PURCHASE_MANAGER),
)


class ReviewError(LogicError):
	"""A status change the workflow does not allow. ``forbidden``: the change exists but not for
	this user (a 403); otherwise the change itself is not a step of the workflow."""

	def __init__(self, template: str, *args, forbidden: bool = False):
		self.forbidden = forbidden
		super().__init__(template, *args, field="status")


@dataclass(frozen=True)
class Actor:
	"""Who changes the status: the user, its roles, and whether it is the record's own party."""

	user: str
	roles: frozenset[str]
	is_party: bool = False


@dataclass(frozen=True)
class Steps:
	"""Who did what to the record so far, as stored."""

	owner: str = ""
	submitted_by: str = ""
	reviewed_by: str = ""


NO_STEPS = Steps()


def may_take(transition: Transition, actor: Actor) -> bool:
	if transition.actor == PARTY:
		return actor.is_party
	return transition.actor in actor.roles


def check_change(
	old: str | None, new: str, docstatus: int, actor: Actor, steps: Steps = NO_STEPS
) -> Transition | None:
	"""The transition that moves a record from ``old`` (None: a new record) to ``new`` with
	``docstatus``; None when the status does not change. Raises :class:`ReviewError`."""
	if new not in DOCSTATUS:
		raise ReviewError(_("{0} is not a state of the review workflow."), new)
	if DOCSTATUS[new] != docstatus:
		raise ReviewError(
			_(
				"A qualification in state {0} cannot have document status {1}: move it with its workflow action."
			),
			new,
			docstatus,
		)
	if old is None:
		if new != INITIAL:
			raise ReviewError(_("A qualification starts as {0}, not {1}."), INITIAL, new)
		return None
	if old == new:
		return None
	candidates = [t for t in TRANSITIONS if t.state == old and t.next_state == new]
	if not candidates:
		raise ReviewError(_("A qualification cannot move from {0} to {1}."), old, new)
	allowed = [t for t in candidates if may_take(t, actor)]
	if not allowed:
		raise ReviewError(
			_("{0} cannot move a qualification from {1} to {2} ({3})."),
			actor.user,
			old,
			new,
			candidates[0].action,
			forbidden=True,
		)
	transition = allowed[0]
	if transition.decision:
		check_four_eyes(actor, steps)
	return transition


FOUR_EYES = (
	("owner", _("{0} created this qualification and cannot also decide it: another Purchase Manager does.")),
	(
		"submitted_by",
		_(
			"{0} submitted this qualification for review and cannot also decide it: another Purchase Manager does."
		),
	),
	(
		"reviewed_by",
		_("{0} reviewed this qualification and cannot also decide it: another Purchase Manager does."),
	),
)


def check_four_eyes(actor: Actor, steps: Steps) -> None:
	"""The decision is not the creator's, the submitter's or the reviewer's."""
	for step, template in FOUR_EYES:
		if getattr(steps, step) and getattr(steps, step) == actor.user:
			raise ReviewError(template, actor.user, forbidden=True)


def actions(state: str, actor: Actor, steps: Steps = NO_STEPS) -> list[str]:
	"""The actions ``actor`` may take on a record in ``state`` (in table order, once each)."""
	found: list[str] = []
	for t in TRANSITIONS:
		if t.state != state or not may_take(t, actor) or t.action in found:
			continue
		if t.decision:
			try:
				check_four_eyes(actor, steps)
			except ReviewError:
				continue
		found.append(t.action)
	return found
