"""Six months of the 三有/六好 campaign in the demo city: a step of ``manage.py seed_demo``.

For each of the six months before the current one:

- every demo compound run by a company gets its self-check (opened by the monthly job),
  answered from the compound's profile (mostly 达标, some 基本达标, a few 不达标), submitted by its
  company (``manager`` for company A, ``manager2`` for company B, the system for the others) and
  reviewed by ``street`` (compounds of its street) or ``bureau`` (the rest); some are returned
  once with a comment on an item, fixed and resubmitted;
- ``street`` and ``bureau`` carry out a few supervision inspections (督导检查);
- hazards are raised from failed items and on their own, and moved on by age: old ones
  verified, recent ones open, rectifying, rectified or rejected; some are overdue;
- the key-management rule is applied after the month's reviews.

The last month is left partly unreviewed (submitted, returned, one never submitted); a bureau user
puts one compound under key management by hand; the current month's drafts are opened as the
monthly job would. Two compounds fail every month and one recovers, so compounds enter and
leave key management by the rule.

Every step is a service call (open, submit, approve, return, raise, start, rectify, verify,
reject, the rule); only the answers of a month are written in bulk before submitting (the submit
rescores them), and afterwards the dates are moved back into their month so that timelines,
exports and overdue flags read as if the work had been done then. Evidence rows of locked
checks share a few demo files; a check left returned gets its own copies (its evidence may be
removed, which deletes the file).

Deterministic: compound profiles come from ``random.Random(seed)``, each month from
``random.Random(f"{seed}:{month}")``. Idempotent: a month in which demo compounds already have
self-checks is left alone, so a second run writes nothing.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from communities.demo import (
    COMPANY_NAMES,
    DEFAULT_SEED,
    DISTRICT_CODE,
    DemoStepReport,
    backdate_rows,
    register_demo_step,
)
from communities.models import Compound, CompoundKind, ManagementTerm, Notification, Organisation
from inspections import services
from inspections.models import (
    Answer,
    AnswerType,
    Evidence,
    Hazard,
    HazardCategory,
    HazardEvent,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionEvent,
    InspectionKind,
    InspectionStatus,
    KeyManagement,
    Severity,
)
from inspections.periods import month_start, previous_month
from inspections.scoring import evidence_required_for, item_failed

MONTHS = 6
KEY_MANAGEMENT_DAY = 20  # the beat job's default day (KEY_MANAGEMENT_DAY)
SUBMITTERS = {COMPANY_NAMES[0]: "manager", COMPANY_NAMES[1]: "manager2"}
# profile → (lowest, highest quality of a month, chance of failing a critical item)
QUALITY = {
    "excellent": (0.94, 1.0, 0.0),
    "good": (0.86, 1.0, 0.02),
    "fair": (0.72, 0.9, 0.06),
    "poor": (0.58, 0.8, 0.3),
    "failing": (0.5, 0.72, 1.0),
}
CRITICAL = ["SY-1", "SY-2", "SY-3", "LH-6b", "LH-3d"]

# item code → what a failed item says, its hazard category and severity
FAILED = {
    "SY-1": ("治安室无标牌，值守人员不在岗。", HazardCategory.PUBLIC_ORDER, Severity.HIGH),
    "SY-2": ("巡逻、值班、来访登记制度未上墙。", HazardCategory.PUBLIC_ORDER, Severity.MEDIUM),
    "SY-3": ("本月巡逻和隐患整改台账缺失。", HazardCategory.OTHER, Severity.MEDIUM),
    "LH-1": ("创建小组本月未开会，无会议纪要。", HazardCategory.OTHER, Severity.LOW),
    "LH-2": ("保安人员工资和设施维护经费未落实。", HazardCategory.OTHER, Severity.LOW),
    "LH-3a": (
        "十户联防覆盖不全，志愿巡逻队本月未活动。",
        HazardCategory.PUBLIC_ORDER,
        Severity.LOW,
    ),
    "LH-3b": (
        "2号门和东侧围墙监控探头损坏，夜间照明不足。",
        HazardCategory.PUBLIC_ORDER,
        Severity.HIGH,
    ),
    "LH-3c": ("夜间门岗无人值守，外来车辆未登记。", HazardCategory.PUBLIC_ORDER, Severity.MEDIUM),
    "LH-3d": (
        "本月发生入室盗窃案件，需加强技防和巡逻。",
        HazardCategory.PUBLIC_ORDER,
        Severity.MAJOR,
    ),
    "LH-4": ("本月未开展法制宣传活动。", HazardCategory.OTHER, Severity.LOW),
    "LH-5": ("巡逻记录与值班记录不符。", HazardCategory.PUBLIC_ORDER, Severity.LOW),
    "LH-6a": ("消防通道旁车辆乱停，私搭棚架未拆除。", HazardCategory.TRAFFIC, Severity.MEDIUM),
    "LH-6b": ("3号楼灭火器过期，消火栓无水压。", HazardCategory.FIRE, Severity.HIGH),
}
ON_THEIR_OWN = [
    (HazardCategory.ELECTRICAL, Severity.HIGH, HazardSource.PATROL, "5号楼楼道电动车飞线充电。"),
    (
        HazardCategory.BUILDING,
        Severity.MEDIUM,
        HazardSource.OTHER,
        "7号楼外墙瓷砖空鼓，有脱落风险。",
    ),
    (
        HazardCategory.FIRE,
        Severity.HIGH,
        HazardSource.PATROL,
        "地下车库堆放纸箱杂物，堵塞安全出口。",
    ),
    (
        HazardCategory.ELECTRICAL,
        Severity.MEDIUM,
        HazardSource.OTHER,
        "配电室门锁损坏，无警示标志。",
    ),
    (HazardCategory.TRAFFIC, Severity.LOW, HazardSource.PATROL, "小区出入口减速带破损。"),
    (HazardCategory.BUILDING, Severity.MAJOR, HazardSource.OTHER, "北侧围墙局部开裂倾斜。"),
]
STALE_HAZARD = (HazardCategory.FIRE, Severity.HIGH, "1号楼消防水泵房积水，水泵无法启动。")
RECTIFIED = "已完成整改，现场复查合格，附整改后照片。"
RETURN_COMMENTS = {
    AnswerType.YES_NO: "照片看不清标牌和制度内容，请重新拍摄上传。",
    AnswerType.SCORE: "得分与现场情况不符，请核实后重新打分并说明。",
}
FIXED = "已核实，重新上传了清晰照片并补充说明。"
BY_HAND_REASON = "群众多次反映夜间门岗无人值守、外来人员随意进出，经区住建局研究列入重点管理。"

# item code → demo file and the name it was "uploaded" as
EVIDENCE = {
    "SY-1": ("site", "治安室标牌.jpg"),
    "SY-2": ("rules", "制度上墙.jpg"),
    "SY-3": ("ledger", "本月台账.pdf"),
    "LH-1": ("minutes", "创建小组会议纪要.pdf"),
    "LH-3b": ("cameras", "监控与门禁.jpg"),
    "LH-4": ("lecture", "法律进社区活动.jpg"),
    "LH-6b": ("fire", "消防器材检查.jpg"),
}
DEMO_FOLDER = "inspections/evidence/demo"
_USERNAMES = ("bureau", "street", "manager", "manager2")


@dataclass
class DemoFile:
    name: str
    thumbnail: str
    content_type: str
    content: bytes
    thumb_content: bytes


@dataclass
class Cast:
    """The demo city as this step needs it, read by natural keys."""

    users: dict
    compounds: list  # demo compounds run by a company today
    company_of: dict  # compound id → company name
    street_id: int  # the street user's street
    street_compounds: list  # all compounds of the street user's street
    other_compounds: list  # all other demo compounds
    profiles: dict  # compound id → profile name
    gateless: set  # compound ids whose LH-3c (gate) is not applicable
    stale_hazard_compound: Compound
    by_hand_compound: Compound


# --- the cast and its profiles -------------------------------------------------------------------


def _cast(seed: int) -> Cast | None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=_USERNAMES)}
    if set(users) != set(_USERNAMES):
        return None
    in_district = Compound.objects.filter(community__street__district__code=DISTRICT_CODE)
    terms = ManagementTerm.objects.current().filter(compound__in=in_district)
    company_of = dict(terms.values_list("compound_id", "company__name"))
    everything = list(in_district.select_related("community__street").order_by("code"))
    street = Organisation.objects.get(memberships__user=users["street"]).street_id
    compounds = [c for c in everything if c.pk in company_of]
    rng = random.Random(seed)
    profiles = {
        c.pk: rng.choices(["good", "fair", "poor"], weights=[56, 32, 12])[0] for c in compounds
    }
    by_company = {
        name: [c for c in compounds if company_of[c.pk] == name] for name in COMPANY_NAMES
    }
    others = [c for c in compounds if company_of[c.pk] not in SUBMITTERS]
    profiles[rng.choice(by_company[COMPANY_NAMES[1]]).pk] = "failing"
    profiles[rng.choice(others).pk] = "failing"
    profiles[rng.choice(by_company[COMPANY_NAMES[0]]).pk] = "recovering"
    steady = [c for c in others if profiles[c.pk] in ("good", "fair")]
    a_steady = [c for c in by_company[COMPANY_NAMES[0]] if profiles[c.pk] in ("good", "fair")]
    old_kinds = (CompoundKind.OLD, CompoundKind.WORK_UNIT)
    return Cast(
        users=users,
        compounds=compounds,
        company_of=company_of,
        street_id=street,
        street_compounds=[c for c in everything if c.community.street_id == street],
        other_compounds=[c for c in everything if c.community.street_id != street],
        profiles=profiles,
        gateless={c.pk for c in compounds if c.kind in old_kinds and rng.random() < 0.5},
        stale_hazard_compound=rng.choice(steady),
        by_hand_compound=rng.choice(a_steady),
    )


def _profile(cast: Cast, compound: Compound, month_index: int) -> str:
    profile = cast.profiles.get(compound.pk, "fair")
    if profile == "recovering":
        return "failing" if month_index < 2 else "excellent"
    return profile


def _submitter(cast: Cast, compound: Compound):
    username = SUBMITTERS.get(cast.company_of.get(compound.pk))
    return cast.users[username] if username else None


def _reviewer(cast: Cast, compound: Compound):
    in_street = compound.community.street_id == cast.street_id
    return cast.users["street"] if in_street else cast.users["bureau"]


# --- demo files ----------------------------------------------------------------------------------


def _image(colour: tuple[int, int, int], size: tuple[int, int], fmt: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle([w // 8, h // 6, w * 7 // 8, h * 5 // 6], outline=(255, 255, 255), width=4)
    for i in range(1, 5):
        y = h // 6 + i * h // 8
        draw.line([w // 5, y, w * 4 // 5, y], fill=(235, 235, 235), width=3)
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return out.getvalue()


def _demo_files() -> dict[str, DemoFile]:
    colours = {
        "site": (52, 101, 164),
        "rules": (78, 154, 6),
        "cameras": (92, 53, 102),
        "lecture": (196, 160, 0),
        "fire": (204, 0, 0),
    }
    files = {}
    for key, colour in colours.items():
        files[key] = DemoFile(
            name=f"{DEMO_FOLDER}/{key}.jpg",
            thumbnail=f"{DEMO_FOLDER}/{key}-thumb.jpg",
            content_type="image/jpeg",
            content=_image(colour, (640, 480), "JPEG"),
            thumb_content=_image(colour, (320, 240), "JPEG"),
        )
    for key in ("ledger", "minutes"):
        files[key] = DemoFile(
            name=f"{DEMO_FOLDER}/{key}.pdf",
            thumbnail="",
            content_type="application/pdf",
            content=_image((255, 255, 255), (595, 842), "PDF"),
            thumb_content=b"",
        )
    for demo_file in files.values():
        _store(demo_file.name, demo_file.content)
        if demo_file.thumbnail:
            _store(demo_file.thumbnail, demo_file.thumb_content)
    return files


def _store(name: str, content: bytes) -> None:
    from django.core.files.base import ContentFile

    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(content))
        assert saved == name, saved


# --- answers -------------------------------------------------------------------------------------


def _answer(rng: random.Random, answer: Answer, *, quality: float, failing: str | None, na: bool):
    """Set one answer's values in memory (saved in bulk)."""
    item = answer.item
    answer.not_applicable = na
    answer.value_bool = answer.value_score = answer.value_number = None
    answer.value_text = answer.comment = answer.review_comment = ""
    if na:
        answer.comment = "小区为开放式老旧小区，无门岗。"
        return
    if item.answer_type == AnswerType.YES_NO:
        answer.value_bool = item.code != failing
    elif item.answer_type == AnswerType.SCORE:
        share = rng.uniform(0.2, 0.5) if item.code == failing else rng.gauss(quality, 0.07)
        answer.value_score = round(float(item.points) * min(1.0, max(0.0, share)))
    elif item.answer_type == AnswerType.NUMBER:
        answer.value_number = rng.randint(1, 2) if item.code == failing else 0
    else:
        answer.value_text = "无"
    if item_failed(item, answer, answer.inspection.template):
        answer.comment = FAILED.get(item.code, ("本项未达到要求。",))[0]


def _fill(rng, cast: Cast, inspection: Inspection, answers: list[Answer], profile: str) -> None:
    low, high, critical_chance = QUALITY[profile]
    quality = rng.uniform(low, high)
    codes = {a.item.code for a in answers}
    choices = [c for c in CRITICAL if c in codes]
    failing = rng.choice(choices) if choices and rng.random() < critical_chance else None
    for answer in answers:
        na = answer.item.code == "LH-3c" and inspection.compound_id in cast.gateless
        _answer(rng, answer, quality=quality, failing=failing, na=na)


def _evidence(files, answer: Answer, uploader, *, own_copy: bool) -> Evidence:
    key, original = EVIDENCE.get(answer.item.code, ("site", f"{answer.item.code}.jpg"))
    demo = files[key]
    name, thumbnail = demo.name, demo.thumbnail
    if own_copy:  # this check can still change: removing its evidence deletes the file
        inspection = answer.inspection
        stem = f"{DEMO_FOLDER}/{inspection.compound.code}-{inspection.period:%Y%m}-{key}"
        name = f"{stem}{demo.name[demo.name.rindex('.') :]}"
        _store(name, demo.content)
        if thumbnail:
            thumbnail = f"{stem}-thumb.jpg"
            _store(thumbnail, demo.thumb_content)
    return Evidence(
        answer=answer,
        file=name,
        thumbnail=thumbnail,
        original_name=original,
        content_type=demo.content_type,
        size=len(demo.content),
        uploaded_by=uploader,
    )


ANSWER_FIELDS = [
    "not_applicable",
    "value_bool",
    "value_score",
    "value_number",
    "value_text",
    "comment",
    "review_comment",
]


def _save_answers(answers: list[Answer]) -> None:
    """One UPDATE per distinct set of values: a month has a few dozen, not hundreds of rows
    (Django's ``bulk_update`` builds a CASE per field and row, which is far slower here)."""
    groups: dict[tuple, list[int]] = {}
    for answer in answers:
        values = tuple(getattr(answer, name) for name in ANSWER_FIELDS)
        groups.setdefault(values, []).append(answer.pk)
    for values, pks in groups.items():
        Answer.objects.filter(pk__in=pks).update(**dict(zip(ANSWER_FIELDS, values, strict=True)))


def _answer_month(rng, cast, files, plans: list[dict]) -> None:
    """Write the answers and evidence of the month's inspections in bulk."""
    by_inspection: dict[int, list[Answer]] = {}
    inspections = [plan["inspection"] for plan in plans]
    answers = Answer.objects.filter(inspection__in=inspections).select_related(
        "item", "inspection__template", "inspection__compound"
    )
    for answer in answers.order_by("inspection_id", "item__section__order", "item__order"):
        by_inspection.setdefault(answer.inspection_id, []).append(answer)
    evidence = []
    for plan in plans:
        inspection = plan["inspection"]
        rows = by_inspection[inspection.pk]
        _fill(rng, cast, inspection, rows, plan["profile"])
        if plan["outcome"] == "draft":  # never finished: the last items are still blank
            for answer in rows[-rng.randint(3, 6) :]:
                answer.not_applicable, answer.value_text, answer.comment = False, "", ""
                answer.value_bool = answer.value_score = answer.value_number = None
            continue
        own_copy = plan["outcome"] == "returned"
        evidence += [
            _evidence(files, a, plan["actor"], own_copy=own_copy)
            for a in rows
            if evidence_required_for(a)
        ]
        plan["answers"] = rows
    _save_answers([a for rows in by_inspection.values() for a in rows])
    plan_of = {plan["inspection"].pk: plan for plan in plans}
    for item in Evidence.objects.bulk_create(evidence, batch_size=500):
        plan_of[item.answer.inspection_id].setdefault("evidence", []).append(item)


# --- one month -----------------------------------------------------------------------------------


def _outcomes(rng, cast: Cast, compounds: list[Compound], last: bool) -> dict[int, str]:
    if not last:
        return {c.pk: "returned_fixed" if rng.random() < 0.12 else "approved" for c in compounds}
    # Fixed shares (about 62 % approved, 20 % in review, 10 % returned, the rest never
    # submitted), shuffled: the mix is the same whichever month the demo is seeded in.
    n = len(compounds)
    shares = {"approved": round(n * 0.62), "submitted": round(n * 0.2), "returned": round(n * 0.1)}
    drawn = [o for o, count in shares.items() for _ in range(count)]
    drawn += ["draft"] * max(n - len(drawn), 0)
    rng.shuffle(drawn)
    outcomes = {c.pk: outcome for c, outcome in zip(compounds, drawn, strict=False)}
    # The demo logins each find something waiting: company A a returned check and one in
    # review, company B a check never submitted (overdue) and one in review.
    forced = {COMPANY_NAMES[0]: ["returned", "submitted"], COMPANY_NAMES[1]: ["draft", "submitted"]}
    for company, wanted in forced.items():
        steady = [
            c
            for c in compounds
            if cast.company_of[c.pk] == company and cast.profiles[c.pk] in ("good", "fair", "poor")
        ]
        for compound, outcome in zip(steady, wanted, strict=False):
            outcomes[compound.pk] = outcome
    return outcomes


def _review(rng, cast: Cast, plan: dict) -> None:
    """Submit, then approve or return (and fix, resubmit, approve) as the plan says."""
    inspection, actor, outcome = plan["inspection"], plan["actor"], plan["outcome"]
    if outcome == "draft":
        services.inspection_rescore(inspection=inspection)
        return
    services.inspection_submit(inspection=inspection, actor=actor)
    if outcome == "submitted" or inspection.kind == InspectionKind.SUPERVISION:
        return  # a supervision inspection is final when submitted
    reviewer = _reviewer(cast, inspection.compound)
    if outcome in ("returned", "returned_fixed"):
        answer = rng.choice(
            [a for a in plan["answers"] if evidence_required_for(a)] or plan["answers"]
        )
        comment = RETURN_COMMENTS.get(answer.item.answer_type, RETURN_COMMENTS[AnswerType.SCORE])
        services.inspection_return(
            inspection=inspection, actor=reviewer, item_comments={answer.pk: comment}
        )
        if outcome == "returned":
            return
        fixed = Answer.objects.select_related("item", "inspection").get(pk=answer.pk)
        services.answer_save(
            answer=fixed,
            actor=actor,
            not_applicable=fixed.not_applicable,
            value_bool=fixed.value_bool,
            value_score=fixed.value_score,
            value_number=fixed.value_number,
            value_text=fixed.value_text,
            comment=FIXED,
        )
        services.inspection_submit(inspection=inspection, actor=actor)
    services.inspection_approve(inspection=inspection, actor=reviewer)


def _supervisions(rng, cast: Cast, period, month_index: int) -> list[dict]:
    street_pick = rng.sample(cast.street_compounds, 2)
    bureau_pick = rng.sample(cast.other_compounds, 1)
    plans = []
    for compound, who in [(c, "street") for c in street_pick] + [
        (c, "bureau") for c in bureau_pick
    ]:
        actor = cast.users[who]
        inspection = services.supervision_open(compound=compound, period=period, actor=actor)
        profile = _profile(cast, compound, month_index)
        worse = {"excellent": "good", "good": "fair", "fair": "poor"}.get(profile, profile)
        plans.append(
            {"inspection": inspection, "actor": actor, "profile": worse, "outcome": "approved"}
        )
    return plans


def _raise_hazards(rng, cast: Cast, plans: list[dict], period, month_index: int) -> list[Hazard]:
    """Hazards from failed items of reviewed checks, and a few found on patrol."""
    hazards = []
    for plan in plans:
        inspection = plan["inspection"]
        if plan["outcome"] not in ("approved", "returned_fixed"):
            continue
        supervision = inspection.kind == InspectionKind.SUPERVISION
        raiser = plan["actor"] if supervision else _reviewer(cast, inspection.compound)
        for answer in plan["answers"]:
            if not item_failed(answer.item, answer, inspection.template):
                continue
            if not (answer.item.critical or rng.random() < (0.6 if supervision else 0.3)):
                continue
            text, category, severity = FAILED.get(
                answer.item.code, ("检查项不合格。", HazardCategory.OTHER, Severity.MEDIUM)
            )
            hazards.append(
                _raise(rng, cast, inspection.compound, raiser, period, text, category, severity,
                       inspection=inspection, answer=answer)
            )  # fmt: skip
    for i in range(2 if month_index < MONTHS - 2 else 4):  # more of them still in progress
        category, severity, source, text = rng.choice(ON_THEIR_OWN)
        compound = rng.choice(cast.compounds)
        raiser = _submitter(cast, compound) or _reviewer(cast, compound)
        hazard = _raise(
            rng, cast, compound, raiser, period, text, category, severity, source=source
        )
        if month_index == MONTHS - 1:  # every state on show, whichever month it is seeded in
            hazard.demo_planned = LAST_MONTH_FATES[i]
        hazards.append(hazard)
    if month_index == 2:  # left open long past its deadline: key management by the rule
        category, severity, text = STALE_HAZARD
        compound = cast.stale_hazard_compound
        hazard = _raise(
            rng, cast, compound, _reviewer(cast, compound), period, text, category, severity,
            source=HazardSource.PATROL, raised_day=5,
        )  # fmt: skip
        hazard.demo_fate = HazardStatus.OPEN
        hazards.append(hazard)
    return hazards


def _raise(rng, cast, compound, raiser, period, text, category, severity, raised_day=None, **kw):
    raised = period + datetime.timedelta(days=(raised_day or rng.randint(10, 24)) - 1)
    days = 15 if severity in (Severity.HIGH, Severity.MAJOR) else 30
    deadline = raised + datetime.timedelta(days=days)
    today = timezone.localdate()
    hazard = services.hazard_raise(
        compound=compound,
        actor=raiser,
        category=category,
        severity=severity,
        description=text,
        responsible_party=cast.company_of.get(compound.pk)
        or f"{compound.community.name}居民委员会",
        deadline=max(deadline, today),  # a user may not set a deadline in the past
        **kw,
    )
    if deadline < today:  # raised back then: its deadline is past now
        Hazard.objects.filter(pk=hazard.pk).update(deadline=deadline)
        HazardEvent.objects.filter(hazard=hazard).update(deadline=deadline)
        hazard.deadline = deadline
    hazard.demo_raised = raised
    return hazard


def _overdue_a_little(rng, hazard: Hazard) -> None:
    """A hazard still waiting is at most ten days overdue: only the one stale hazard pulls its
    compound into key management, whatever day of the month the demo is seeded. The last
    month's planned open and rectifying ones are overdue that little for sure (raised on the
    10th to the 24th of last month, they can be: the 24th is at least five days ago)."""
    latest = timezone.localdate() - datetime.timedelta(days=rng.randint(2, 10))
    surely = hasattr(hazard, "demo_planned")
    if surely:
        latest = max(latest, hazard.demo_raised + datetime.timedelta(days=1))
    if hazard.deadline < latest or surely:
        Hazard.objects.filter(pk=hazard.pk).update(deadline=latest)
        HazardEvent.objects.filter(hazard=hazard).update(deadline=latest)
        hazard.deadline = latest


# The fates of the last month's own hazards (the first rectified one is rejected once).
LAST_MONTH_FATES = (
    HazardStatus.RECTIFIED,
    HazardStatus.OPEN,
    HazardStatus.RECTIFYING,
    HazardStatus.RECTIFIED,
)


def _fate(rng, cast: Cast, hazard: Hazard, age: int) -> str:
    if hasattr(hazard, "demo_fate"):
        return hazard.demo_fate
    if hasattr(hazard, "demo_planned"):
        return hazard.demo_planned
    if age >= 2 or cast.profiles.get(hazard.compound_id) == "recovering":
        return HazardStatus.VERIFIED
    weights = [10, 15, 25, 50] if age == 1 else [30, 30, 25, 15]
    states = [HazardStatus.OPEN, HazardStatus.RECTIFYING, HazardStatus.RECTIFIED, "verified"]
    return rng.choices(states, weights=weights)[0]


def _move_hazard(rng, cast: Cast, hazard: Hazard, fate: str, *, reject: bool) -> None:
    company_user = _submitter(cast, hazard.compound)
    verifier = _reviewer(cast, hazard.compound)
    if fate == HazardStatus.OPEN:
        return
    if rng.random() < 0.6 or fate == HazardStatus.RECTIFYING:
        hazard = services.hazard_start(hazard=hazard, actor=company_user)
    if fate == HazardStatus.RECTIFYING:
        return
    hazard = services.hazard_rectify(hazard=hazard, actor=company_user, note=RECTIFIED)
    if reject:
        services.hazard_reject(
            hazard=hazard,
            actor=verifier,
            reason="整改后照片与现场不符，灭火器仍未更换。",
            deadline=timezone.localdate() + datetime.timedelta(days=10),
        )
    elif fate == HazardStatus.VERIFIED:
        services.hazard_verify(hazard=hazard, actor=verifier, note="现场复查合格。")


def _month(rng, cast: Cast, files, period: datetime.date, month_index: int) -> None:
    last = month_index == MONTHS - 1
    compounds = cast.compounds  # their terms began years before the demo months
    outcomes = _outcomes(rng, cast, compounds, last)
    plans = []
    for compound in compounds:
        inspection = services.inspection_open(compound=compound, period=period, actor=None)
        plans.append(
            {
                "inspection": inspection,
                "actor": _submitter(cast, compound),
                "profile": _profile(cast, compound, month_index),
                "outcome": outcomes[compound.pk],
            }
        )
    plans += _supervisions(rng, cast, period, month_index)
    _answer_month(rng, cast, files, plans)
    for plan in plans:
        _review(rng, cast, plan)
    hazards = _raise_hazards(rng, cast, plans, period, month_index)
    rejected = False
    for hazard in hazards:
        fate = _fate(rng, cast, hazard, MONTHS - 1 - month_index)
        reject = last and not rejected and fate == HazardStatus.RECTIFIED
        rejected = rejected or reject
        if fate in (HazardStatus.OPEN, HazardStatus.RECTIFYING) and not hasattr(
            hazard, "demo_fate"
        ):
            _overdue_a_little(rng, hazard)
        _move_hazard(rng, cast, hazard, fate, reject=reject)
    _backdate(rng, plans, hazards, period)
    apply_on = (period + datetime.timedelta(days=32)).replace(day=KEY_MANAGEMENT_DAY)
    services.key_management_apply_rule(period=period, today=min(apply_on, timezone.localdate()))


# --- dates ---------------------------------------------------------------------------------------


def _at(day: datetime.date, rng, latest: datetime.datetime) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)))
    return min(timezone.make_aware(moment), latest)


def _backdate(rng, plans: list[dict], hazards: list[Hazard], period: datetime.date) -> None:
    """Move the month's timestamps back into the month (the services stamped them now)."""
    latest = timezone.now() - datetime.timedelta(hours=1)
    opened = min(
        timezone.make_aware(datetime.datetime.combine(period, datetime.time(0, 5))), latest
    )
    ids = [p["inspection"].pk for p in plans]
    by_inspection: dict[int, list[tuple[int, str]]] = {}
    events = InspectionEvent.objects.filter(inspection_id__in=ids).order_by("pk")
    for pk, inspection_id, action in events.values_list("pk", "inspection_id", "action"):
        by_inspection.setdefault(inspection_id, []).append((pk, action))
    columns: dict[str, list[tuple]] = {
        "created_at": [],
        "updated_at": [],
        "submitted_at": [],
        "reviewed_at": [],
    }
    event_at, evidence_at = [], []
    for plan in plans:
        pk = plan["inspection"].pk
        day = period + datetime.timedelta(days=rng.randint(2, 8))
        moment, submitted = opened, None
        for event_pk, action in by_inspection.get(pk, []):
            if action != "open":
                moment = max(_at(day, rng, latest), moment + datetime.timedelta(minutes=5))
                day += datetime.timedelta(days=rng.randint(1, 3))
            event_at.append((moment, event_pk))
            if action == "submit":
                submitted = moment
                columns["submitted_at"].append((moment, pk))
            elif action in ("approve", "return"):
                columns["reviewed_at"].append((moment, pk))
        columns["created_at"].append((opened, pk))
        columns["updated_at"].append((moment, pk))
        for item in plan.get("evidence", []):
            uploaded = (submitted or moment) - datetime.timedelta(hours=2)
            evidence_at.append((uploaded, item.pk))
    for field, rows in columns.items():  # the last value of a pk wins: executemany runs in order
        backdate_rows(Inspection, [field], rows)
    backdate_rows(InspectionEvent, ["at"], event_at)
    backdate_rows(Evidence, ["uploaded_at"], evidence_at)
    _backdate_hazards(rng, hazards, latest)


def _backdate_hazards(rng, hazards: list[Hazard], latest: datetime.datetime) -> None:
    by_hazard: dict[int, list[tuple[int, str]]] = {}
    events = HazardEvent.objects.filter(hazard__in=hazards).order_by("pk")
    for pk, hazard_id, action in events.values_list("pk", "hazard_id", "action"):
        by_hazard.setdefault(hazard_id, []).append((pk, action))
    columns: dict[str, list[tuple]] = {
        "created_at": [],
        "updated_at": [],
        "rectified_at": [],
        "verified_at": [],
    }
    event_at = []
    for hazard in hazards:
        day = hazard.demo_raised
        moment = _at(day, rng, latest)
        columns["created_at"].append((moment, hazard.pk))
        for event_pk, action in by_hazard.get(hazard.pk, []):
            if action != "raise":
                day += datetime.timedelta(
                    days=1 if action in ("start", "verify") else rng.randint(3, 18)
                )
                moment = max(_at(day, rng, latest), moment + datetime.timedelta(minutes=5))
            if action == "reject":
                moment = latest  # the new deadline is counted from today
            event_at.append((moment, event_pk))
            if action == "rectify":
                columns["rectified_at"].append((moment, hazard.pk))
            elif action == "verify":
                columns["verified_at"].append((moment, hazard.pk))
        columns["updated_at"].append((moment, hazard.pk))
    for field, rows in columns.items():
        backdate_rows(Hazard, [field], rows)
    backdate_rows(HazardEvent, ["at"], event_at)


# --- the step ------------------------------------------------------------------------------------


def demo_periods(today: datetime.date | None = None) -> list[datetime.date]:
    """The six months before the current one, oldest first."""
    periods = [previous_month(month_start(today))]
    for _ in range(MONTHS - 1):
        periods.append(previous_month(periods[-1]))
    return periods[::-1]


def _totals() -> int:
    return Inspection.objects.count() + Hazard.objects.count() + KeyManagement.objects.count()


@transaction.atomic
def inspections_demo_seed(*, seed: int = DEFAULT_SEED) -> DemoStepReport:
    """Seed the months that have no demo self-checks yet, then open the current month."""
    cast = _cast(seed)
    if cast is None:  # no demo city: nothing to do
        return DemoStepReport(title="Inspections demo (no demo city)", counts={}, created=0)
    before = _totals()
    notified_before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    seeded = set(
        Inspection.objects.self_checks()
        .filter(compound__in=cast.compounds)
        .values_list("period", flat=True)
    )
    periods = demo_periods()
    todo = [(i, p) for i, p in enumerate(periods) if p not in seeded]
    # Like the city's households, demo rows stay out of the audit log: its entries would all
    # be stamped now, while the checks' and hazards' own timelines are dated in their month.
    with disable_auditlog():
        if todo:
            files = _demo_files()
            for index, period in todo:
                _month(random.Random(f"{seed}:{period:%Y-%m}"), cast, files, period, index)
            _by_hand(cast)
            _read_old_notifications(notified_before or 0)
        services.self_checks_open_month(period=month_start())
    return DemoStepReport(
        title="Inspections demo (三有/六好, six months)",
        counts=inspections_demo_counts(),
        created=_totals() - before,
    )


def _by_hand(cast: Cast) -> None:
    compound = cast.by_hand_compound
    spells = KeyManagement.objects.filter(compound=compound)
    if spells.filter(started_by__isnull=False).exists() or spells.active().exists():
        return
    services.key_management_enter(
        compound=compound, actor=cast.users["bureau"], reason=BY_HAND_REASON
    )


def _read_old_notifications(after_pk: int) -> None:
    """What the past months notified is read, except what still waits on the company: an
    unverified hazard, a returned check."""
    hazards = Hazard.objects.unverified().values_list("pk", flat=True)
    returned = Inspection.objects.filter(status=InspectionStatus.RETURNED)
    waiting = [reverse("inspections:hazard_detail", args=[pk]) for pk in hazards] + [
        reverse("inspections:inspection_detail", args=[pk])
        for pk in returned.values_list("pk", flat=True)
    ]
    Notification.objects.filter(pk__gt=after_pk, read_at__isnull=True).exclude(
        url__in=waiting
    ).update(read_at=timezone.now())


def inspections_demo_counts() -> dict[str, int]:
    """What the demo district holds of the campaign."""
    in_district = {"compound__community__street__district__code": DISTRICT_CODE}
    checks = Inspection.objects.filter(**in_district)
    self_checks = checks.filter(kind=InspectionKind.SELF_CHECK)
    hazards = Hazard.objects.filter(**in_district)
    s = InspectionStatus
    return {
        "self-checks": self_checks.count(),
        "  approved": self_checks.filter(status=s.APPROVED).count(),
        "  in review": self_checks.filter(status=s.SUBMITTED).count(),
        "  returned": self_checks.filter(status=s.RETURNED).count(),
        "  drafts": self_checks.filter(status=s.DRAFT).count(),
        "supervisions": checks.filter(kind=InspectionKind.SUPERVISION).count(),
        "hazards": hazards.count(),
        "  overdue": hazards.overdue().count(),
        "key management now": KeyManagement.objects.filter(**in_district).active().count(),
    }


register_demo_step(inspections_demo_seed)
