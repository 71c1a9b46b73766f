"""Self-checks and supervision inspections: open, answer, submit, review, reopen."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from communities.acting import members_acting_in, organisations_acting_for
from communities.models import Compound, Organisation, OrganisationKind
from communities.notifications import notify
from inspections import errors as e
from inspections import notices as N
from inspections.errors import WorkflowError
from inspections.models import (
    ANSWER_COUNT_MAX,
    MSG_COUNT_RANGE,
    Answer,
    AnswerType,
    ChecklistItem,
    ChecklistTemplate,
    Evidence,
    Inspection,
    InspectionAction,
    InspectionEvent,
    InspectionKind,
    InspectionStatus,
)
from inspections.models.templates import validate_count
from inspections.scoring import answer_is_given, evidence_missing, score_answers

from .common import previous_month, require

S = InspectionStatus
A = InspectionAction


def _event(
    inspection, action: InspectionAction, actor, from_status: str, note: str = ""
) -> InspectionEvent:
    return InspectionEvent.objects.create(
        inspection=inspection,
        action=action,
        from_status=from_status,
        to_status=inspection.status,
        actor=actor,
        note=note,
    )


def _lock(inspection: Inspection) -> Inspection:
    """Re-read the row under a lock so two requests cannot both move it."""
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


def _require_status(inspection: Inspection, *allowed: str) -> None:
    if inspection.status not in allowed:
        raise WorkflowError(e.MSG_WRONG_STATE.format(status=inspection.get_status_display()))


def _items(template: ChecklistTemplate):
    return list(ChecklistItem.objects.filter(section__template=template).select_related("section"))


def _company_organisation(compound: Compound) -> Organisation | None:
    """The company that runs the compound today, as an organisation (it does the self-check)."""
    return organisations_acting_for(compound, (OrganisationKind.PROPERTY_COMPANY,)).first()


def _prefill(inspection: Inspection) -> None:
    """A self-check starts from last month's self-check of the compound, matched by item code
    (no evidence); a supervision starts blank — the inspector judges for themself."""
    if inspection.kind != InspectionKind.SELF_CHECK:
        Answer.objects.bulk_create(
            [Answer(inspection=inspection, item=item) for item in _items(inspection.template)]
        )
        return
    last = (
        Inspection.objects.filter(
            compound=inspection.compound,
            kind=InspectionKind.SELF_CHECK,
            period=previous_month(inspection.period),
        )
        .exclude(pk=inspection.pk)
        .first()
    )
    previous = {}
    if last is not None:
        previous = {a.item.code: a for a in last.answers.select_related("item")}
    answers = []
    for item in _items(inspection.template):
        old = previous.get(item.code)
        answer = Answer(inspection=inspection, item=item)
        if old is not None and old.item.answer_type == item.answer_type:
            for field in ("not_applicable", "value_bool", "value_score", "value_number"):
                setattr(answer, field, getattr(old, field))
            answer.value_text, answer.comment = old.value_text, old.comment
        answers.append(answer)
    Answer.objects.bulk_create(answers)


@transaction.atomic
def inspection_open(
    *, compound: Compound, period: datetime.date, actor=None, kind: str = InspectionKind.SELF_CHECK
) -> Inspection:
    """Open a draft (self-check by default) for the compound and month, prefilled."""
    period = period.replace(day=1)
    if kind == InspectionKind.SELF_CHECK:
        require(actor, "inspections.add_inspection", compound)
        organisation = _company_organisation(compound)
        if organisation is None:
            raise WorkflowError(e.MSG_NO_COMPANY)
    else:
        require(actor, "inspections.supervise_inspection", compound)
        organisation = _actor_organisation(actor)
    template = ChecklistTemplate.objects.current()
    if template is None:
        raise WorkflowError(e.MSG_NO_TEMPLATE)
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                compound=compound,
                template=template,
                period=period,
                kind=kind,
                organisation=organisation,
                created_by=actor,
            )
    except IntegrityError:
        raise WorkflowError(e.MSG_ALREADY_OPEN.format(period=f"{period:%Y-%m}")) from None
    _prefill(inspection)
    inspection_rescore(inspection=inspection)
    _event(inspection, A.OPEN, actor, "")
    return inspection


def _actor_organisation(actor) -> Organisation | None:
    if actor is None:
        return None
    membership = (
        actor.memberships.select_related("organisation")
        .exclude(organisation__kind=OrganisationKind.PROPERTY_COMPANY)
        .first()
    )
    return membership.organisation if membership else None


def supervision_open(*, compound: Compound, period: datetime.date, actor) -> Inspection:
    """A supervision inspection (督导检查) by a street office or bureau inspector."""
    return inspection_open(
        compound=compound, period=period, actor=actor, kind=InspectionKind.SUPERVISION
    )


def self_checks_open_month(*, period: datetime.date) -> int:
    """Open the month's draft self-check for every compound run by a company; idempotent."""
    compounds = (
        Compound.objects.managed_by(
            Organisation.objects.filter(kind=OrganisationKind.PROPERTY_COMPANY).values(
                "property_company_id"
            ),
            on=period,
        )
        .exclude(inspections__kind=InspectionKind.SELF_CHECK, inspections__period=period)
        .order_by("pk")
    )
    opened = 0
    for compound in compounds:
        try:
            inspection = inspection_open(compound=compound, period=period, actor=None)
        except WorkflowError:
            continue  # opened meanwhile, or no company organisation: nothing to do
        opened += 1
        _notify_company(
            inspection, N.CHECK_DUE, key=f"check_due:{inspection.pk}", text=N.CHECK_OPENED
        )
    return opened


def _notify_company(inspection: Inspection, kind: str, *, key: str, text: str = "") -> None:
    """Tell the members of the company that does the self-check."""
    if inspection.organisation is None:
        return
    notify(
        users=members_acting_in([inspection.organisation]),
        kind=kind,
        text=text,
        params={"month": f"{inspection.period:%Y-%m}", "compound": inspection.compound.name},
        url=reverse("inspections:inspection_detail", args=[inspection.pk]),
        dedup_key=key,
    )


def _editable(inspection: Inspection, actor) -> None:
    perm = (
        "inspections.change_inspection"
        if inspection.kind == InspectionKind.SELF_CHECK
        else "inspections.supervise_inspection"
    )
    require(actor, perm, inspection.compound)
    if inspection.status not in (S.DRAFT, S.RETURNED):
        raise WorkflowError(e.MSG_LOCKED)


def answer_count_check(value) -> None:
    """A number item's answer is a count: whole, from 0 to ``ANSWER_COUNT_MAX`` (forms call
    this too)."""
    try:
        validate_count(value)
    except (ValidationError, InvalidOperation, TypeError, ValueError):
        raise WorkflowError(MSG_COUNT_RANGE % {"max": ANSWER_COUNT_MAX}) from None


def _clean_value(item: ChecklistItem, raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    if item.answer_type == AnswerType.NUMBER:
        answer_count_check(str(raw))
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise WorkflowError(e.MSG_SCORE_RANGE.format(points=item.points)) from None
    if item.answer_type == AnswerType.SCORE and not (
        value.is_finite() and 0 <= value <= item.points
    ):
        raise WorkflowError(e.MSG_SCORE_RANGE.format(points=item.points))
    return value


@transaction.atomic
def answer_save(
    *,
    answer: Answer,
    actor,
    not_applicable: bool = False,
    value_bool: bool | None = None,
    value_score=None,
    value_number=None,
    value_text: str = "",
    comment: str = "",
) -> Answer:
    """Save one item's answer on a draft or returned inspection and rescore it."""
    inspection = _lock(answer.inspection)
    _editable(inspection, actor)
    item = answer.item
    answer.not_applicable = not_applicable
    answer.value_bool = value_bool if item.answer_type == AnswerType.YES_NO else None
    answer.value_score = (
        _clean_value(item, value_score) if item.answer_type == AnswerType.SCORE else None
    )
    answer.value_number = (
        _clean_value(item, value_number) if item.answer_type == AnswerType.NUMBER else None
    )
    answer.value_text = value_text if item.answer_type == AnswerType.TEXT else ""
    answer.comment = comment
    answer.save()
    inspection_rescore(inspection=inspection)
    return answer


@transaction.atomic
def evidence_add(*, answer: Answer, actor, upload, content_type: str) -> Evidence:
    """Attach a checked upload (see communities.uploads) to an answer."""
    inspection = _lock(answer.inspection)
    _editable(inspection, actor)
    from communities.uploads import make_thumbnail, store_upload

    evidence = Evidence(
        answer=answer,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    content_type = store_upload(evidence.file, upload, stem="evidence")
    thumbnail = make_thumbnail(evidence.file, content_type)
    if thumbnail is not None:
        evidence.thumbnail.save("thumbnail.jpg", thumbnail, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> None:
    inspection = _lock(evidence.answer.inspection)
    _editable(inspection, actor)
    files = [f for f in (evidence.file, evidence.thumbnail) if f]
    evidence.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


def inspection_rescore(*, inspection: Inspection) -> Inspection:
    """Recompute and store the score and result from the answers (the one scoring service)."""
    answers = {a.item_id: a for a in inspection.answers.select_related("item")}
    score = score_answers(inspection.template, _items(inspection.template), answers)
    Inspection.objects.filter(pk=inspection.pk).update(score=score.percent, result=score.result)
    inspection.score, inspection.result = score.percent, score.result
    return inspection


def _submission_blockers(inspection: Inspection) -> tuple[list[Answer], list[Answer]]:
    """The answers that stop a submission: unanswered ones, then those missing evidence."""
    answers = list(
        inspection.answers.select_related("item")
        .prefetch_related("evidence")
        .order_by("item__section__order", "item__order")
    )
    unanswered = [a for a in answers if not answer_is_given(a)]
    missing_evidence = [a for a in answers if evidence_missing(a)]
    return unanswered, missing_evidence


def submission_problems(inspection: Inspection) -> list[str]:
    """What stops a submission: unanswered items, then missing evidence (empty: none)."""
    return _problems_text(*_submission_blockers(inspection))


def _problems_text(unanswered: list[Answer], missing_evidence: list[Answer]) -> list[str]:
    problems = []
    if unanswered:
        codes = "、".join(a.item.code for a in unanswered)
        problems.append(str(e.MSG_MISSING.format(items=codes)))
    if missing_evidence:
        codes = "、".join(a.item.code for a in missing_evidence)
        problems.append(str(e.MSG_EVIDENCE_MISSING.format(items=codes)))
    return problems


def inspection_submit_precheck(*, inspection: Inspection, actor) -> None:
    """Refuse as ``inspection_submit`` would, writing nothing: the page asks this before it
    asks the user to confirm. A refusal for missing answers or evidence is a
    ``SubmissionBlocked`` naming the answers."""
    _editable(inspection, actor)
    unanswered, missing_evidence = _submission_blockers(inspection)
    if unanswered or missing_evidence:
        raise e.SubmissionBlocked(
            " ".join(_problems_text(unanswered, missing_evidence)),
            unanswered=unanswered,
            missing_evidence=missing_evidence,
        )


@transaction.atomic
def inspection_submit(*, inspection: Inspection, actor) -> Inspection:
    """Submit a draft or returned check. A supervision inspection is final when submitted."""
    inspection = _lock(inspection)
    inspection_submit_precheck(inspection=inspection, actor=actor)
    before = inspection.status
    inspection_rescore(inspection=inspection)
    now = timezone.now()
    inspection.submitted_at, inspection.submitted_by = now, actor
    if inspection.kind == InspectionKind.SUPERVISION:
        inspection.status = S.APPROVED
        inspection.reviewed_at, inspection.reviewed_by = now, actor
    else:
        inspection.status = S.SUBMITTED
    inspection.save()
    _event(inspection, A.SUBMIT, actor, before)
    return inspection


def _require_reviewer(inspection: Inspection, actor) -> None:
    require(actor, "inspections.review_inspection", inspection.compound)
    if inspection.kind != InspectionKind.SELF_CHECK:
        raise WorkflowError(e.MSG_NOT_ALLOWED)
    if actor is not None and inspection.submitted_by_id == actor.pk:
        raise WorkflowError(e.MSG_OWN_REVIEW)
    _require_status(inspection, S.SUBMITTED)


@transaction.atomic
def inspection_approve(*, inspection: Inspection, actor, comment: str = "") -> Inspection:
    inspection = _lock(inspection)
    _require_reviewer(inspection, actor)
    inspection.status = S.APPROVED
    inspection.reviewed_at, inspection.reviewed_by = timezone.now(), actor
    inspection.review_comment = comment
    inspection.save()
    _event(inspection, A.APPROVE, actor, S.SUBMITTED, comment)
    return inspection


@transaction.atomic
def inspection_return(
    *, inspection: Inspection, actor, item_comments: dict[int, str], comment: str = ""
) -> Inspection:
    """Send a submitted self-check back, with a comment on each item that needs changing."""
    inspection = _lock(inspection)
    _require_reviewer(inspection, actor)
    own = set(inspection.answers.values_list("pk", flat=True))
    item_comments = {
        pk: text.strip() for pk, text in item_comments.items() if pk in own and text.strip()
    }
    if not item_comments:
        raise WorkflowError(e.MSG_RETURN_NEEDS_COMMENT)
    inspection.answers.update(review_comment="")
    for answer in inspection.answers.filter(pk__in=item_comments):
        answer.review_comment = item_comments[answer.pk]
        answer.save(update_fields=["review_comment"])
    inspection.status = S.RETURNED
    inspection.reviewed_at, inspection.reviewed_by = timezone.now(), actor
    inspection.review_comment = comment
    inspection.save()
    event = _event(inspection, A.RETURN, actor, S.SUBMITTED, comment)
    _notify_company(inspection, N.CHECK_RETURNED, key=f"check_returned:{event.pk}")
    return inspection


@transaction.atomic
def inspection_reopen(*, inspection: Inspection, actor, reason: str) -> Inspection:
    """Reopen an approved inspection (back to returned), with a recorded reason."""
    inspection = _lock(inspection)
    require(actor, "inspections.reopen_inspection", inspection.compound)
    _require_status(inspection, S.APPROVED)
    if not reason.strip():
        raise WorkflowError(e.MSG_REASON_REQUIRED)
    inspection.status = S.RETURNED if inspection.kind == InspectionKind.SELF_CHECK else S.DRAFT
    inspection.save()
    _event(inspection, A.REOPEN, actor, S.APPROVED, reason.strip())
    return inspection
