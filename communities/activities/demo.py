"""Six months of campaign activities in the demo city: a step of ``manage.py seed_demo``.

Every compound has a legal-education activity (普法, 法律进社区 or 法律进住户) in most of the
last six months — the evidence beside its self-checks' 法制教育好 item — and now and then
another kind (安全宣传, 消防演练, 平安家庭评选, 居民会议); every community has a few
activities of its own. Recorded for the property company running the compound today, or the
community committee. No photos (they would be the same file over and over).

Deterministic: everything is drawn from ``random.Random(f"{seed}:activities")``, dates relative
to today (never after it), so the demo works in any year. Idempotent: when the demo district
has any activity, the step writes nothing. Rows are inserted with ``bulk_create`` (no audit
entries, like the households: they would all be stamped now).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from communities.demo import DEFAULT_SEED, DISTRICT_CODE, DemoStepReport, register_demo_step
from communities.models import (
    Activity,
    ActivityKind,
    Community,
    Compound,
    ManagementTerm,
    Organisation,
    OrganisationKind,
)
from communities.models.activities import LEGAL_EDUCATION_KINDS

A = ActivityKind
MONTHS = 6
LEGAL_SHARE = 0.85  # of compound-months with a legal-education activity
OTHER_SHARE = 0.35  # of compound-months with another activity as well
COMMUNITY_ACTIVITIES = (2, 4)  # per community over the six months

TITLES = {
    A.LEGAL_EDUCATION: [
        "《民法典》进小区宣传",
        "反电信网络诈骗法律知识讲座",
        "扫黑除恶专项斗争普法宣传",
        "《物业管理条例》解读会",
        "宪法宣传日主题活动",
    ],
    A.LAW_INTO_COMMUNITY: [
        "法律顾问进社区义务咨询",
        "人民调解员进社区以案说法",
        "法治讲堂进社区",
    ],
    A.LAW_INTO_HOMES: [
        "入户发放法律明白纸",
        "网格员入户普及防诈骗知识",
        "法律进家庭·老年人防骗宣传",
    ],
    A.SAFETY_PUBLICITY: [
        "电动自行车充电安全宣传",
        "夏季防溺水安全宣传",
        "冬季燃气安全宣传",
    ],
    A.FIRE_DRILL: ["高层住宅消防疏散演练", "灭火器使用培训及演练"],
    A.SAFE_FAMILY: ["“平安家庭”评选表彰"],
    A.RESIDENTS_MEETING: ["平安小区创建居民议事会", "楼栋长、业主代表座谈会"],
}
LEGAL = sorted(LEGAL_EDUCATION_KINDS)
OTHER = [kind for kind in A.values if kind not in LEGAL_EDUCATION_KINDS]
ORGANISERS = ["{community}居委会", "城关派出所", "区司法局", "{company}", "街道综治中心"]


def _months(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The first and last day of each of the last six months (this one up to today)."""
    months = []
    first = today.replace(day=1)
    for _ in range(MONTHS):
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        last = min(today, following - datetime.timedelta(days=1))
        months.append((first, last))
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _activity(rng, kind, day, *, compound=None, community=None, organisation, company=""):
    place = community or compound.community
    organiser = rng.choice(ORGANISERS).format(
        community=place.name, company=company or "物业服务中心"
    )
    low, high = (15, 120) if compound is not None else (40, 300)
    return Activity(
        compound=compound,
        community=community,
        kind=kind,
        date=day,
        title=rng.choice(TITLES[kind]),
        participants=rng.randint(low, high),
        organiser=organiser,
        organisation=organisation,
    )


def _demo_activities():
    return Activity.objects.filter(
        Q(compound__community__street__district__code=DISTRICT_CODE)
        | Q(community__street__district__code=DISTRICT_CODE)
    )


def activities_demo_counts() -> dict[str, int]:
    activities = _demo_activities()
    return {
        "activities": activities.count(),
        "  legal education": activities.legal_education().count(),
        "  of whole communities": activities.filter(community__isnull=False).count(),
    }


def _plan(rng: random.Random, today: datetime.date) -> list[Activity]:
    in_district = {"community__street__district__code": DISTRICT_CODE}
    compounds = list(Compound.objects.filter(**in_district).select_related("community"))
    compounds.sort(key=lambda c: c.code)
    communities = sorted(
        Community.objects.filter(street__district__code=DISTRICT_CODE), key=lambda c: c.code
    )
    committees = {
        o.community_id: o
        for o in Organisation.objects.filter(
            kind=OrganisationKind.COMMUNITY_COMMITTEE, community__in=communities
        )
    }
    companies = {
        o.property_company_id: o
        for o in Organisation.objects.filter(kind=OrganisationKind.PROPERTY_COMPANY)
    }
    running = {
        t.compound_id: t.company
        for t in ManagementTerm.objects.current(today)
        .filter(compound__in=compounds)
        .select_related("company")
    }
    months = _months(today)
    planned = []
    for compound in compounds:
        company = running.get(compound.pk)
        organisation = (companies.get(company.pk) if company else None) or committees.get(
            compound.community_id
        )
        name = company.name if company else ""
        for first, last in months:
            if rng.random() < LEGAL_SHARE:
                kind = rng.choice(LEGAL)
                day = _day(rng, first, last)
                planned.append(
                    _activity(
                        rng, kind, day, compound=compound, organisation=organisation, company=name
                    )
                )
            if rng.random() < OTHER_SHARE:
                kind = rng.choice(OTHER)
                planned.append(
                    _activity(
                        rng,
                        kind,
                        _day(rng, first, last),
                        compound=compound,
                        organisation=organisation,
                        company=name,
                    )
                )
    for community in communities:
        for _ in range(rng.randint(*COMMUNITY_ACTIVITIES)):
            first, last = rng.choice(months)
            planned.append(
                _activity(
                    rng,
                    rng.choice(A.values),
                    _day(rng, first, last),
                    community=community,
                    organisation=committees.get(community.pk),
                )
            )
    return planned


def activities_demo_seed(*, seed: int = DEFAULT_SEED) -> DemoStepReport:
    """Write the demo's activities once (nothing when the district has any)."""
    created = 0
    with transaction.atomic():
        if not _demo_activities().exists():
            rng = random.Random(f"{seed}:activities")
            planned = _plan(rng, timezone.localdate())
            Activity.objects.bulk_create(planned, batch_size=500)
            created = len(planned)
    return DemoStepReport(
        title="Campaign activities demo (创建活动, six months)",
        counts=activities_demo_counts(),
        created=created,
    )


register_demo_step(activities_demo_seed)
