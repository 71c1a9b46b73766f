"""The disputes demo (a ``seed_demo`` step): six months of cases on the demo city, walked
through the services to every state and level, dated back; deterministic and idempotent.

The city (few households) and the step are seeded once for the module, inside a transaction
that is rolled back at the end (each test runs in its own savepoint within it).
"""

import random
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from communities.demo import DEMO_STEPS, DISTRICT_CODE
from communities.models import Compound, Membership, Notification
from disputes import demo
from disputes.figures import dispute_figures
from disputes.models import (
    OPEN_STATUSES,
    CaseEvent,
    DisputeCase,
    Level,
    MediationSession,
    Party,
    ReferredTo,
    ReturnVisit,
    Status,
)
from disputes.services import default_deadline, handlers_for
from disputes.services.deadlines import auto_escalation_due

User = get_user_model()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    folder = tmp_path_factory.mktemp("media")
    media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, folder
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", city_only=True, households_per_compound=2, stdout=StringIO())
        report = demo.disputes_demo_seed()
        yield {"report": report, "media": folder}
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


@pytest.fixture
def report(seeded, db):
    return seeded["report"]


def cases():
    return DisputeCase.objects.all()


def local_date(moment):
    return timezone.localtime(moment).date()


def test_the_step_is_registered_and_reports_what_it_wrote(report):
    assert demo.disputes_demo_seed in DEMO_STEPS
    assert report.created > 0
    assert report.counts["cases"] == len(demo.FATES) == cases().count()
    assert 60 <= cases().count() <= 80
    in_demo_city = cases().filter(compound__community__street__district__code=DISTRICT_CODE)
    assert in_demo_city.count() == cases().count()


def test_every_status_and_level_and_referral_is_present(report):
    assert set(cases().values_list("status", flat=True)) == set(Status.values)
    assert set(cases().values_list("level", flat=True)) == set(Level.values)
    resolved_at = set(cases().filter(status=Status.RESOLVED).values_list("level", flat=True))
    assert resolved_at == set(Level.values)
    unresolved = cases().filter(status=Status.CLOSED_UNRESOLVED)
    assert set(unresolved.values_list("referred_to", flat=True)) == set(ReferredTo.values)
    assert all(unresolved.values_list("referred_where", flat=True))
    assert cases().filter(escalations=2).count() >= 3


def test_most_cases_are_resolved_at_compound_level_and_the_closure_rate_is_like_the_seeds(report):
    figures = dispute_figures(cases())
    assert Decimal("85") <= figures["closure_rate"] <= Decimal("90")
    by_level = Counter(cases().filter(status=Status.RESOLVED).values_list("level", flat=True))
    assert by_level[Level.COMMUNITY] > by_level[Level.STREET] > by_level[Level.DISTRICT] > 0
    assert 0 < figures["average_days_to_resolve"] < 60
    assert figures["satisfaction_rate"] > Decimal("60")
    assert all(count > 0 for _value, _label, count in figures["by_category"])
    by_source = {value: count for value, _label, count in figures["by_source"]}
    assert by_source["screening"] == max(by_source.values())
    assert all(by_source.values())


def test_some_open_cases_are_overdue_but_not_yet_for_automatic_escalation(report):
    today = timezone.localdate()
    overdue = cases().overdue()
    assert overdue.count() > 0
    assert dispute_figures(cases())["overdue"] == overdue.count()
    for case in overdue:
        assert not auto_escalation_due(case.level, case.deadline, today)
    assert cases().open().exclude(pk__in=overdue).exists()  # and some are still on time


def test_timelines_start_with_registration_and_chain_their_statuses(report):
    now = timezone.now()
    for case in cases().prefetch_related("events", "sessions", "return_visits"):
        events = sorted(case.events.all(), key=lambda e: (e.at, e.pk))
        assert events[0].action == "register"
        assert events[0].at == case.registered_at
        previous = ""
        for event in events:
            assert event.from_status == previous, (case.number, event.action)
            assert case.registered_at <= event.at < now
            previous = event.to_status
        assert previous == case.status
        assert case.created_at == case.registered_at
        closing = [e for e in events if e.action in ("resolve", "close", "withdraw")]
        assert case.closed_at == (closing[0].at if closing else None)
        last_day = local_date(case.closed_at) if case.closed_at else timezone.localdate()
        for session in case.sessions.all():
            assert local_date(case.registered_at) <= session.held_on <= last_day
        for visit in case.return_visits.all():
            assert local_date(case.closed_at) <= visit.visited_on < timezone.localdate()


def test_deadlines_are_counted_in_working_days_from_the_moved_dates(report):
    checked = Counter()
    events = CaseEvent.objects.filter(action__in=["register", "accept", "escalate"])
    for event in events.select_related("case"):
        level = event.to_level or event.case.level
        expected = default_deadline(level, event.case.category, local_date(event.at))
        assert event.deadline == expected, (event.case.number, event.action)
        checked[event.action] += 1
    assert checked["register"] == cases().count() and checked["escalate"] > 0
    for case in cases().prefetch_related("events"):
        last = max(case.events.all(), key=lambda e: (e.at, e.pk))
        assert case.deadline == last.deadline


def test_numbers_are_unique_per_street_and_year_and_run_with_the_dates(report):
    rows = list(cases().values_list("number", "street__code", "year", "sequence", "registered_at"))
    assert len({number for number, *_ in rows}) == len(rows)
    assert len({(street, year, seq) for _n, street, year, seq, _at in rows}) == len(rows)
    by_street_year: dict[tuple, list] = {}
    for number, street, year, sequence, registered_at in rows:
        assert number == f"{street}-{year}-{sequence:04d}"
        assert local_date(registered_at).year == year
        by_street_year.setdefault((street, year), []).append((registered_at, sequence))
    for numbered in by_street_year.values():
        sequences = [sequence for _at, sequence in sorted(numbered)]
        assert sequences == list(range(1, len(numbered) + 1))


def test_personal_data_stays_out_of_every_str(report):
    secrets = set()
    for name, phone, id_number in Party.objects.values_list("name", "phone", "id_number"):
        secrets |= {name, phone, id_number} - {""}
    assert len(secrets) > 100
    rows = [
        *cases(),
        *Party.objects.select_related("case"),
        *MediationSession.objects.select_related("case"),
        *ReturnVisit.objects.select_related("case"),
        *CaseEvent.objects.select_related("case"),
    ]
    for row in rows:
        text = str(row)
        assert not any(secret in text for secret in secrets), text


def test_the_people_in_charge_act_at_the_cases_level(report):
    in_hand = cases().exclude(status__in=[Status.REGISTERED, Status.ESCALATED, Status.WITHDRAWN])
    for case in in_hand:
        eligible = set(handlers_for(case))
        assert case.leader in eligible and case.handler in eligible, case.number
    waiting = cases().filter(status__in=[Status.REGISTERED, Status.ESCALATED])
    assert not waiting.exclude(handler=None).exists()


def test_each_demo_login_finds_cases_of_its_own(report):
    logins = {u.username: u for u in User.objects.filter(username__in=demo.LOGINS)}
    mine = cases().open()
    assert mine.visible_to(logins["community"]).filter(status=Status.REGISTERED).exists()
    assert mine.visible_to(logins["manager2"]).filter(status=Status.REGISTERED).exists()
    assert mine.filter(handler=logins["manager"], status=Status.MEDIATING).exists()
    assert mine.filter(leader=logins["street"], level=Level.STREET).exists()
    assert mine.filter(status=Status.ESCALATED, level=Level.DISTRICT).exists()
    assert cases().filter(registered_by=logins["bureau"], source="hotline").exists()
    assert cases().filter(leader=logins["community"], status=Status.RESOLVED).exists()
    escalated = mine.get(status=Status.ESCALATED, level=Level.DISTRICT)
    url = reverse("disputes:case_detail", args=[escalated.pk])
    assert Notification.objects.for_user(logins["bureau"]).unread().filter(url=url).exists()
    closed = [
        reverse("disputes:case_detail", args=[pk])
        for pk in cases().exclude(status__in=OPEN_STATUSES).values_list("pk", flat=True)
    ]
    assert not Notification.objects.unread().filter(url__in=closed).exists()


def test_resolved_cases_have_outcomes_agreements_and_mostly_return_visits(seeded, report):
    resolved = cases().filter(status=Status.RESOLVED)
    assert not resolved.filter(outcome="").exists()
    with_agreement = resolved.filter(agreement_reached=True)
    assert 0.3 < with_agreement.count() / resolved.count() < 0.9
    for case in with_agreement:
        assert (seeded["media"] / case.agreement_file.name).is_file()
    assert not resolved.filter(agreement_reached=False).exclude(agreement_file="").exists()
    visited = resolved.exclude(satisfaction="")
    assert visited.count() / resolved.count() > 0.7
    for case in visited.prefetch_related("return_visits"):
        assert [v.satisfaction for v in case.return_visits.all()] == [case.satisfaction]


def test_the_mediators_are_staff_without_a_password(report):
    staff = User.objects.filter(username__startswith="mediator-")
    assert staff.count() == 12 + 4 + 1
    assert not any(user.has_usable_password() for user in staff)
    assert all(user.first_name for user in staff)
    assert Membership.objects.filter(user__in=staff).count() == staff.count()


def test_running_it_again_writes_nothing(report):
    models = (DisputeCase, Party, CaseEvent, MediationSession, ReturnVisit, User, Membership)

    def state():
        counts = [model.objects.count() for model in models]
        rows = set(cases().values_list("pk", "status", "deadline", "updated_at"))
        return counts, Notification.objects.count(), rows

    before = state()

    again = demo.disputes_demo_seed()

    assert again.created == 0
    assert state() == before


def test_the_same_seed_plans_the_same_cases(report):
    logins = {u.username: u for u in User.objects.filter(username__in=demo.LOGINS)}
    compounds = list(
        Compound.objects.filter(community__street__district__code=DISTRICT_CODE)
        .select_related("community__street")
        .order_by("code")
    )

    def plans(seed: str):
        rng = random.Random(seed)
        cast = demo._cast(rng, logins, compounds)
        drawn = [demo._plan(rng, cast, fate) for fate in demo.FATES]  # categories all drawn
        return [
            (p.compound.code, p.category, p.source, p.description, p.amount, p.parties)
            for p in drawn
        ]

    assert plans("2026:disputes") == plans("2026:disputes")
    assert plans("2026:disputes") != plans("7:disputes")
