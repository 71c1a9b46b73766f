"""Activities (法制教育、安全宣传、消防演练…) of the generated places over the last year: most
compounds record one in a month, by their property company or their community committee, and
every new community one of its own, as the workbench's activity list and the 法制教育好 item
see them in a working district."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from communities.models import Activity, ActivityKind
from communities.months import month_bounds, month_of, previous_month

from .plan import with_ids

if TYPE_CHECKING:
    from .plan import Run

MONTHS = 12  # this month and the eleven before
COMPOUND_SHARE = 0.6  # of the compounds, with an activity in a month
A = ActivityKind
KIND_WEIGHTS = {
    A.LEGAL_EDUCATION: 30,
    A.LAW_INTO_COMMUNITY: 10,
    A.LAW_INTO_HOMES: 10,
    A.SAFETY_PUBLICITY: 25,
    A.FIRE_DRILL: 15,
    A.SAFE_FAMILY: 5,
    A.RESIDENTS_MEETING: 5,
}
TITLES = {
    A.LEGAL_EDUCATION: "民法典进小区宣讲",
    A.LAW_INTO_COMMUNITY: "法律明白人进社区",
    A.LAW_INTO_HOMES: "普法宣传入户",
    A.SAFETY_PUBLICITY: "防范电信网络诈骗宣传",
    A.FIRE_DRILL: "消防应急疏散演练",
    A.SAFE_FAMILY: "平安家庭评选",
    A.RESIDENTS_MEETING: "居民议事会",
}


def activities_seed(run: Run) -> None:
    rows = []
    months = _months(run.plan.today)
    for place in run.places:
        organiser = place.company_name or f"{place.community_name}居民委员会"
        for first in months:
            if run.rng.random() < COMPOUND_SHARE:
                place_of = {"compound_id": place.pk, "organisation_id": place.organisation_id}
                rows.append(_activity(run, first, organiser, **place_of))
    for community_id, name in run.communities:
        for first in months:
            rows.append(_activity(run, first, f"{name}居民委员会", community_id=community_id))
    with_ids(run.writer(Activity), rows)


def _months(today: datetime.date) -> list[datetime.date]:
    firsts, month = [], month_of(today)
    for _ in range(MONTHS):
        firsts.append(month)
        month = previous_month(month)
    return firsts


def _activity(run: Run, first: datetime.date, organiser: str, **place) -> dict:
    rng, today = run.rng, run.plan.today
    last = min(today, month_bounds(first)[1])
    day = first + datetime.timedelta(days=rng.randrange((last - first).days + 1))
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    recorded = run.at(day, 18, rng.randrange(60))
    return {
        **place,
        "kind": kind,
        "date": day,
        "title": TITLES[kind],
        "participants": rng.randint(15, 120),
        "organiser": organiser,
        "created_at": recorded,
        "updated_at": recorded,
    }
