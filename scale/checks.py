"""The inspections' share of ``seed_scale``: monthly self-checks with answers, their photos
and timelines, the bureau's supervision inspections, and hazards with theirs."""

from __future__ import annotations

import datetime
import io
import random

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from communities.models import Organisation, OrganisationKind
from communities.months import month_moments
from inspections.models import (
    Answer,
    AnswerType,
    ChecklistItem,
    ChecklistTemplate,
    Evidence,
    Hazard,
    HazardAction,
    HazardEvent,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionAction,
    InspectionEvent,
    InspectionKind,
    InspectionStatus,
    KeyManagement,
    Severity,
)
from inspections.scoring import score_answers

from .plan import BATCH, HAZARD_CATEGORY_WEIGHTS, HAZARD_TEXT, Run, with_ids


class _Answer:
    """An answer in memory, as ``inspections.scoring`` reads one (no model instance: cheap)."""

    __slots__ = (
        "item",
        "not_applicable",
        "value_bool",
        "value_number",
        "value_score",
        "value_text",
    )

    def __init__(self, item):
        self.item = item
        self.not_applicable = False
        self.value_bool = self.value_score = self.value_number = None
        self.value_text = ""


def _answers(rng: random.Random, items, quality: float) -> list[_Answer]:
    critical = [i for i in items if i.critical]
    failing = rng.choice(critical).pk if critical and rng.random() < 0.02 else None
    answers = []
    for item in items:
        a = _Answer(item)
        if item.answer_type == AnswerType.YES_NO:
            a.value_bool = item.pk != failing and rng.random() < quality + 0.08
        elif item.answer_type == AnswerType.SCORE:
            share = rng.uniform(0.2, 0.5) if item.pk == failing else rng.gauss(quality, 0.07)
            a.value_score = round(float(item.points) * min(1.0, max(0.0, share)))
        elif item.answer_type == AnswerType.NUMBER:
            a.value_number = rng.randint(1, 2) if item.pk == failing else 0
        else:
            a.value_text = "无"
        answers.append(a)
    return answers


def self_checks_seed(run: Run) -> None:
    template = ChecklistTemplate.objects.current()
    if template is None:
        return
    items = _items(template)
    places = [p for p in run.places if p.company_id]
    quality = {p.pk: min(0.99, max(0.6, run.rng.gauss(0.9, 0.06))) for p in places}
    last = max(run.plan.check_months)
    for month in run.plan.check_months:
        for start in range(0, len(places), BATCH):  # a batch's answers stay in memory
            batch = places[start : start + BATCH]
            _month_checks(run, template, items, batch, quality, month, month == last)


def _check_status(rng: random.Random, last: bool) -> list[str]:
    """The check's steps: drafts, submitted, returned, approved (some returned once)."""
    roll = rng.random()
    if last and roll < 0.04:
        return []
    if last and roll < 0.2:
        return ["submit"]
    if last and roll < 0.23:
        return ["submit", "return"]
    if rng.random() < 0.05:
        return ["submit", "return", "submit", "approve"]
    return ["submit", "approve"]


TO_STATUS = {
    "open": InspectionStatus.DRAFT,
    "submit": InspectionStatus.SUBMITTED,
    "return": InspectionStatus.RETURNED,
    "approve": InspectionStatus.APPROVED,
}
ACTIONS = {
    "open": InspectionAction.OPEN,
    "submit": InspectionAction.SUBMIT,
    "return": InspectionAction.RETURN,
    "approve": InspectionAction.APPROVE,
}


def _items(template) -> list:
    return list(
        ChecklistItem.objects.filter(section__template=template).order_by(
            "section__order", "order", "pk"
        )
    )


def _answer_row(inspection_id: int, answer: _Answer, at: datetime.datetime) -> dict:
    return {
        "inspection_id": inspection_id,
        "item_id": answer.item.pk,
        "value_bool": answer.value_bool,
        "value_score": answer.value_score,
        "value_number": answer.value_number,
        "value_text": answer.value_text,
        "updated_at": at,
    }


def _event_rows(inspection_id: int, steps) -> list[dict]:
    """The timeline of a check taking ``steps`` ((step, moment) pairs) in turn."""
    rows, before = [], ""
    for step, at in steps:
        rows.append(
            {
                "inspection_id": inspection_id,
                "action": ACTIONS[step],
                "from_status": before,
                "to_status": TO_STATUS[step],
                "at": at,
            }
        )
        before = TO_STATUS[step]
    return rows


def _check_times(run: Run, month: datetime.date, steps: list[str]) -> list[datetime.datetime]:
    rng = run.rng
    start, _end = month_moments(month)
    opened = start + datetime.timedelta(hours=1, minutes=rng.randrange(60))
    times = [opened]
    due = settings.INSPECTION_DUE_DAY
    moment = opened
    for step in steps:
        if step == "submit" and moment == opened:
            days = rng.randint(0, due - 1) if rng.random() < 0.85 else rng.randint(due, due + 12)
            moment = opened + datetime.timedelta(days=days, hours=rng.randint(1, 12))
        else:
            moment += datetime.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 6))
        times.append(moment)
    return times


def _month_checks(run, template, items, places, quality, month, last: bool) -> None:
    rng, now = run.rng, run.plan.now
    inspections, answers, events = (
        run.writer(Inspection),
        run.writer(Answer),
        run.writer(InspectionEvent),
    )
    pk = inspections.ids(len(places))
    check_rows, answer_rows, event_rows = [], [], []
    photo_rows = []  # the answers that need a photo (evidence_required_for)
    for i, place in enumerate(places):
        steps = ["open", *_check_status(rng, last)]
        times = _check_times(run, month, steps[1:])
        while times[-1] > now:  # a step not yet taken
            steps.pop()
            times.pop()
        row = {
            "id": pk + i,
            "compound_id": place.pk,
            "template_id": template.pk,
            "period": month,
            "kind": InspectionKind.SELF_CHECK,
            "status": TO_STATUS[steps[-1]],
            "organisation_id": place.organisation_id,
            "created_at": times[0],
            "updated_at": times[-1],
        }
        if len(steps) > 1:
            given = _answers(rng, items, rng.gauss(quality[place.pk], 0.03))
            score = score_answers(template, items, {a.item.pk: a for a in given})
            row["score"], row["result"] = score.percent, score.result
            submits = [t for s, t in zip(steps, times, strict=True) if s == "submit"]
            row["submitted_at"] = submits[-1]
            if steps[-1] in ("return", "approve"):
                row["reviewed_at"] = times[-1]
            if steps[-1] == "return":
                row["review_comment"] = "请补充整改说明。"
            for a in given:
                answer_rows.append(_answer_row(pk + i, a, row["submitted_at"]))
                if a.item.evidence_required and (a.value_bool or a.value_score):
                    photo_rows.append(answer_rows[-1])
        check_rows.append(row)
        event_rows += _event_rows(pk + i, zip(steps, times, strict=True))
    inspections.write(check_rows)
    with_ids(answers, answer_rows)
    with_ids(events, event_rows)
    _evidence(run, photo_rows)


# --- evidence -------------------------------------------------------------------------------

#: The one photo every generated evidence row names (written once into the media folder):
#: 700,000 photos of a province would be gigabytes of invented pictures.
EVIDENCE_PHOTO = "inspections/evidence/scale/现场照片.jpg"
EVIDENCE_SHARE = 0.97  # of the answers that need a photo, with one (the rest show as missing)


def _evidence(run: Run, answers: list[dict]) -> None:
    """A photo for most answers that need one, uploaded when the check was submitted."""
    size = _evidence_photo()
    rows = [
        {
            "answer_id": answer["id"],
            "file": EVIDENCE_PHOTO,
            "thumbnail": "",
            "original_name": "现场照片.jpg",
            "content_type": "image/jpeg",
            "size": size,
            "uploaded_at": answer["updated_at"],
        }
        for answer in answers
        if run.rng.random() < EVIDENCE_SHARE
    ]
    with_ids(run.writer(Evidence), rows)


def _evidence_photo() -> int:
    """Write the shared photo if it is not there; its size in bytes."""
    if not default_storage.exists(EVIDENCE_PHOTO):
        image = Image.new("RGB", (64, 48), (96, 128, 96))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG")
        default_storage.save(EVIDENCE_PHOTO, ContentFile(buffer.getvalue()))
    return default_storage.size(EVIDENCE_PHOTO)


# --- supervisions ---------------------------------------------------------------------------

SUPERVISION_SHARE = 0.03  # of the compounds, a supervision by the bureau each month


def supervisions_seed(run: Run) -> None:
    """The bureau's supervision inspections (督导检查): a few compounds a month, answered by the
    inspector a little more strictly than the company's own check, final once submitted (the
    current month's last ones still drafts)."""
    template = ChecklistTemplate.objects.current()
    bureau = Organisation.objects.filter(kind=OrganisationKind.BUREAU).order_by("pk").first()
    if template is None or bureau is None:
        return
    items = _items(template)
    rng, now = run.rng, run.plan.now
    last = max(run.plan.check_months)
    n = min(len(run.places), max(1, round(len(run.places) * SUPERVISION_SHARE)))
    chosen = [(m, place) for m in run.plan.check_months for place in rng.sample(run.places, n)]
    inspections, answers, events = (
        run.writer(Inspection),
        run.writer(Answer),
        run.writer(InspectionEvent),
    )
    pk = inspections.ids(len(chosen))
    rows, answer_rows, event_rows = [], [], []
    for i, (month, place) in enumerate(chosen):
        start, _end = month_moments(month)
        opened = start + datetime.timedelta(days=rng.randint(2, 20), hours=rng.randint(1, 8))
        submitted = opened + datetime.timedelta(hours=rng.randint(1, 4))
        done = submitted <= now and not (month == last and rng.random() < 0.2)
        row = {
            "id": pk + i,
            "compound_id": place.pk,
            "template_id": template.pk,
            "period": month,
            "kind": InspectionKind.SUPERVISION,
            "status": InspectionStatus.SUBMITTED if done else InspectionStatus.DRAFT,
            "organisation_id": bureau.pk,
            "created_at": opened,
            "updated_at": submitted if done else opened,
        }
        steps = [("open", opened)] + ([("submit", submitted)] if done else [])
        if done:
            given = _answers(rng, items, rng.gauss(0.85, 0.06))
            score = score_answers(template, items, {a.item.pk: a for a in given})
            row["score"], row["result"] = score.percent, score.result
            row["submitted_at"] = submitted
            answer_rows += [_answer_row(pk + i, a, submitted) for a in given]
        rows.append(row)
        event_rows += _event_rows(pk + i, steps)
    inspections.write(rows)
    with_ids(answers, answer_rows)
    with_ids(events, event_rows)


# --- hazards --------------------------------------------------------------------------------


HAZARD_STEPS = [
    (HazardAction.RAISE, HazardStatus.OPEN),
    (HazardAction.START, HazardStatus.RECTIFYING),
    (HazardAction.RECTIFY, HazardStatus.RECTIFIED),
    (HazardAction.VERIFY, HazardStatus.VERIFIED),
]


def hazards_seed(run: Run) -> None:
    """Raised evenly from the first generated month to now; each moves on at its own pace (a
    slow few stay open past their deadline), so old ones are mostly verified, recent ones open."""
    plan = run.plan
    n = plan.size("hazards")
    span_start = plan.history_start
    raised = sorted(run.moment_between(span_start, plan.now) for _ in range(n))
    for start in range(0, n, BATCH):
        _hazard_batch(run, raised[start : start + BATCH])


def _hazard_batch(run: Run, raised: list[datetime.datetime]) -> None:
    rng, plan = run.rng, run.plan
    hazards, events = run.writer(Hazard), run.writer(HazardEvent)
    pk = hazards.ids(len(raised))
    rows, event_rows = [], []
    categories = list(HAZARD_CATEGORY_WEIGHTS)
    weights = list(HAZARD_CATEGORY_WEIGHTS.values())
    for i, at in enumerate(raised):
        place = rng.choice(run.places)
        category = rng.choices(categories, weights=weights)[0]
        deadline = timezone.localdate(at) + datetime.timedelta(days=rng.choice((7, 15, 30)))
        slow = rng.random() < 0.08
        times, moment = [at], at
        for _ in HAZARD_STEPS[1:]:
            gap = rng.randint(8, 40) if slow else rng.randint(1, 8)
            moment = moment + datetime.timedelta(days=gap, hours=rng.randint(0, 8))
            if moment > plan.now:
                break
            times.append(moment)
        status = HAZARD_STEPS[len(times) - 1][1]
        row = {
            "id": pk + i,
            "compound_id": place.pk,
            "source": rng.choice([HazardSource.PATROL, HazardSource.OTHER]),
            "category": category,
            "severity": rng.choices(
                [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.MAJOR],
                weights=[35, 45, 17, 3],
            )[0],
            "description": HAZARD_TEXT[category],
            "responsible_party": place.company_name or "社区居民委员会",
            "deadline": deadline,
            "status": status,
            "created_at": at,
            "updated_at": times[-1],
        }
        if len(times) > 2:
            row["rectified_at"] = times[2]
            row["rectification_note"] = "已按要求整改完毕。"
        if len(times) > 3:
            row["verified_at"] = times[3]
        rows.append(row)
        before = ""
        for (step_action, step_status), moment in zip(HAZARD_STEPS, times, strict=False):
            event_rows.append(
                {
                    "hazard_id": pk + i,
                    "action": step_action,
                    "from_status": before,
                    "to_status": step_status,
                    "at": moment,
                    "deadline": deadline,
                }
            )
            before = step_status
    hazards.write(rows)
    with_ids(events, event_rows)


KEY_MANAGED_SHARE = 0.03  # of the new compounds, a spell of key management in the last year
KEY_LEFT_SHARE = 0.6  # of those spells, ended since
KEY_START_REASONS = (
    "连续两个月自查不达标。",
    "重大隐患逾期未整改。",
    "矛盾纠纷多发，群众反映强烈。",
)
KEY_END_REASONS = ("连续三个月自查达标。", "隐患已全部整改并验收。")


def key_management_seed(run: Run) -> None:
    """A spell of key management (重点管理) for a few of the new compounds: entered on a day in
    the past year by the rule (no one put it on), most left since; at most one spell open per
    compound, as the database keeps it."""
    rng, today, now = run.rng, run.plan.today, run.plan.now
    rows = []
    managed = max(1, round(len(run.places) * KEY_MANAGED_SHARE))
    for place in rng.sample(run.places, min(managed, len(run.places))):
        started = today - datetime.timedelta(days=rng.randint(20, 365))
        row = {
            "compound_id": place.pk,
            "started_on": started,
            "start_reason": rng.choice(KEY_START_REASONS),
            "end_reason": "",
            "created_at": now,
            "updated_at": now,
        }
        if rng.random() < KEY_LEFT_SHARE:
            stayed = rng.randint(10, (today - started).days)
            row["ended_on"] = started + datetime.timedelta(days=stayed)
            row["end_reason"] = rng.choice(KEY_END_REASONS)
        rows.append(row)
    with_ids(run.writer(KeyManagement), rows)
