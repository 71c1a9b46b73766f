"""Demo data of patrol teams (a ``seed_demo`` step): a team of each kind — the guards of the
demo companies (``manager``'s and ``manager2``'s), the volunteer joint-defence team of the
``community`` user's community with "四保" members, the full-time officers of the ``street``
user's street — with weekly plans and six months of patrol logs written through the services:
about one planned patrol in seven is missed, and a few findings raised hazards (recent ones,
so the hazard list shows them open).

Deterministic (``random.Random(seed)``, dates relative to today, so any month of any year);
idempotent (a demo whose organisations already run teams is left alone); invented names from
``communities.demo``; outside the audit log, like the other demo steps.
"""

from __future__ import annotations

import datetime
import random

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from communities.demo import (
    DEFAULT_SEED,
    DISTRICT_CODE,
    GIVEN_CHARS,
    MOBILE_PREFIXES,
    SURNAMES,
    DemoStepReport,
    backdate_rows,
    register_demo_step,
)
from communities.models import Compound, Membership
from patrols import services_patrols as sp
from patrols import services_teams as st
from patrols.missed import patrols_due
from patrols.models import (
    MemberCategory,
    PatrolFinding,
    PatrolLog,
    PatrolPlanSlot,
    PatrolTeam,
    TeamKind,
    TeamMember,
)

DAYS = 182
MISS_SHARE = 0.14
FINDING_SHARE = 0.08
HAZARD_DAYS = 21  # findings of the last three weeks raise hazards
LOGINS = ("manager", "manager2", "community", "street")
T = datetime.time

FOUR_GROUPS = [
    MemberCategory.LOW_INCOME,
    MemberCategory.CLEANER,
    MemberCategory.LABOUR,
    MemberCategory.RETIREE,
]
# What each kind of team looks like: members' categories, plan windows (weekday, from, to).
SHAPES = {
    TeamKind.GUARDS: (
        [MemberCategory.GUARD] * 4,
        [(d, T(20, 0), T(22, 0)) for d in range(7)],
    ),
    TeamKind.VOLUNTEERS: (
        [*FOUR_GROUPS, MemberCategory.VOLUNTEER, MemberCategory.RETIREE],
        [(0, T(19, 0), T(20, 30)), (2, T(19, 0), T(20, 30)), (5, T(9, 0), T(10, 30))],
    ),
    TeamKind.OFFICERS: (
        [MemberCategory.OFFICER] * 3,
        [(1, T(9, 0), T(11, 0)), (3, T(9, 0), T(11, 0)), (4, T(14, 0), T(16, 0))],
    ),
}
FINDINGS = [
    ("消防通道被电动车堵塞", "fire"),
    ("楼道内私拉电线给电动车充电", "electrical"),
    ("围墙一处破损，可翻越", "public_order"),
    ("单元门门禁损坏，常开", "public_order"),
    ("地下车库照明不亮", "building"),
    ("路口车辆乱停放，影响通行", "traffic"),
    ("外来人员在楼道散发小广告", "public_order"),
    ("井盖松动", "building"),
]


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _organisations() -> dict:
    rows = Membership.objects.filter(user__username__in=LOGINS).select_related(
        "organisation", "user"
    )
    return {m.user.username: (m.user, m.organisation) for m in rows}


def _team(rng, org, kind, name, compounds, since) -> PatrolTeam:
    team = st.team_create(
        actor=None,
        organisation=org,
        kind=kind,
        name=name,
        compounds=compounds,
        leader_name=_name(rng),
        leader_phone=_mobile(rng),
    )
    categories, windows = SHAPES[kind]
    for category in categories:
        st.member_add(
            team=team,
            actor=None,
            name=_name(rng),
            phone=_mobile(rng) if rng.random() < 0.6 else "",
            category=category,
            joined_on=since - datetime.timedelta(days=rng.randrange(10, 300)),
        )
    st.plan_slot_set(team=team, actor=None, windows=windows)
    return team


def _teams(rng, orgs, since) -> list[tuple[PatrolTeam, object]]:
    made = []
    for login in ("manager", "manager2"):
        user, org = orgs[login]
        compounds = list(
            Compound.objects.managed_by([org.property_company_id]).order_by("code")[:3]
        )
        if compounds:
            name = f"{org.name[:8]}保安巡逻队"
            made.append((_team(rng, org, TeamKind.GUARDS, name, compounds, since), user))
    user, org = orgs["community"]
    compounds = list(Compound.objects.filter(community_id=org.community_id).order_by("code")[:4])
    if compounds:
        name = f"{org.community.name}义务联防队"
        made.append((_team(rng, org, TeamKind.VOLUNTEERS, name, compounds, since), user))
    user, org = orgs["street"]
    compounds = list(
        Compound.objects.filter(community__street_id=org.street_id).order_by("code")[::3][:4]
    )
    if compounds:
        name = f"{org.street.name}专职治安队"
        made.append((_team(rng, org, TeamKind.OFFICERS, name, compounds, since), user))
    return made


def _patrol(rng, team, user, due, today) -> PatrolLog | None:
    start = due.starts + datetime.timedelta(minutes=rng.randrange(-10, 25))
    length = datetime.timedelta(minutes=rng.randrange(50, 115))
    if start + length > timezone.now():
        return None
    members = [m for m in team.members.all() if rng.random() < 0.75] or list(team.members.all())
    compounds = list(team.compounds.all())
    log = sp.patrol_log(
        team=team,
        actor=None,
        started_at=start,
        ended_at=start + length,
        compounds=compounds,
        members=members,
        route=rng.choice(["", "", "东门—北门—地下车库", "沿围墙一周", "各单元门口"]),
    )
    PatrolLog.objects.filter(pk=log.pk).update(created_by=user)
    if rng.random() < FINDING_SHARE:
        text, category = rng.choice(FINDINGS)
        sp.finding_add(
            log=log,
            actor=None,
            compound=rng.choice(compounds),
            description=text,
            raise_hazard=(today - due.day).days <= HAZARD_DAYS,
            category=category,
        )
    return log


def _seed(rng: random.Random, orgs: dict) -> None:
    today = timezone.localdate()
    since = today - datetime.timedelta(days=DAYS)
    teams = _teams(rng, orgs, since)
    # The plans hold since the first day of the demo (the services stamped them today).
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    PatrolPlanSlot.objects.filter(team__in=[t for t, _u in teams]).update(created_at=start)
    logs = []
    for team, user in teams:
        team = PatrolTeam.objects.prefetch_related("members", "compounds").get(pk=team.pk)
        due = patrols_due(PatrolTeam.objects.filter(pk=team.pk), since, today)
        for patrol in sorted(due, key=lambda d: d.starts):
            if rng.random() < MISS_SHARE:
                continue
            log = _patrol(rng, team, user, patrol, today)
            if log is not None:
                logs.append(log)
    backdate_rows(PatrolLog, ["created_at", "updated_at"], [
        (log.started_at, log.ended_at, log.pk) for log in logs
    ])  # fmt: skip


def _totals() -> int:
    models = (PatrolTeam, TeamMember, PatrolPlanSlot, PatrolLog, PatrolFinding)
    return sum(model.objects.count() for model in models)


def patrol_teams_demo_counts() -> dict[str, int]:
    in_district = {"compounds__community__street__district__code": DISTRICT_CODE}
    teams = PatrolTeam.objects.filter(**in_district).distinct()
    logs = PatrolLog.objects.filter(team__in=teams)
    return {
        "patrol teams": teams.count(),
        "team members": TeamMember.objects.filter(team__in=teams).count(),
        "patrol logs": logs.count(),
        "findings": PatrolFinding.objects.filter(log__in=logs).count(),
        "  raising hazards": PatrolFinding.objects.filter(
            log__in=logs, hazard__isnull=False
        ).count(),
    }


@transaction.atomic
def patrol_teams_demo_seed(*, seed: int = DEFAULT_SEED) -> DemoStepReport:
    """Seed the teams and six months of patrols, unless the demo organisations run teams."""
    orgs = _organisations()
    if set(orgs) != set(LOGINS):
        return DemoStepReport(title="Patrol teams demo (no demo city)", counts={}, created=0)
    before = _totals()
    if not PatrolTeam.objects.filter(organisation__in=[o for _u, o in orgs.values()]).exists():
        with disable_auditlog():
            _seed(random.Random(f"{seed}:patrol-teams"), orgs)
    return DemoStepReport(
        title="Patrol teams demo (巡逻队, six months)",
        counts=patrol_teams_demo_counts(),
        created=_totals() - before,
    )


register_demo_step(patrol_teams_demo_seed)
