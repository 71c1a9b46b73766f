"""The inspections demo (a ``seed_demo`` step): six months of checks, reviews, hazards and key
management on the demo city, through the services; deterministic and idempotent.

The city and its six months are seeded once for the module, inside a transaction that is rolled
back at the end (each test runs in its own savepoint within it).
"""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from communities.demo import COMPANY_NAMES, DEMO_STEPS
from communities.models import Compound, Notification
from inspections import demo
from inspections.models import (
    Evidence,
    Hazard,
    HazardStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    KeyManagement,
    Result,
)
from inspections.periods import month_start
from inspections.scoring import answer_is_given

User = get_user_model()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    folder = tmp_path_factory.mktemp("media")
    media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, folder
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", households_per_compound=2, stdout=out)
        yield {"output": out.getvalue(), "media": folder}
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


@pytest.fixture
def output(seeded, db):
    return seeded["output"]


def self_checks():
    return Inspection.objects.filter(kind=InspectionKind.SELF_CHECK)


def test_the_step_is_registered_and_reported_by_seed_demo(output):
    assert demo.inspections_demo_seed in DEMO_STEPS
    assert "Inspections demo" in output
    counts = demo.inspections_demo_counts()
    assert f"self-checks{counts['self-checks']:>{26 - len('self-checks')}}" in output


def test_six_months_of_self_checks_for_every_company_run_compound_and_the_current_drafts(output):
    periods = demo.demo_periods()
    assert len(periods) == 6
    assert periods[-1] == (month_start() - datetime.timedelta(days=1)).replace(day=1)
    company_run = Compound.objects.filter(pk__in=self_checks().values("compound")).count()
    assert company_run == 45
    per_month = dict(self_checks().values_list("period").annotate(n=Count("pk")).order_by("period"))
    assert per_month == dict.fromkeys([*periods, month_start()], 45)
    current = self_checks().filter(period=month_start())
    assert set(current.values_list("status", flat=True)) == {InspectionStatus.DRAFT}


def test_old_months_are_all_reviewed_and_the_last_one_is_partly_waiting(output):
    periods = demo.demo_periods()
    old = self_checks().filter(period__in=periods[:-1])
    assert set(old.values_list("status", flat=True)) == {InspectionStatus.APPROVED}
    last = dict(
        self_checks().filter(period=periods[-1]).values_list("status").annotate(n=Count("pk"))
    )
    assert set(last) == {"approved", "submitted", "returned", "draft"}
    assert last["approved"] > last["submitted"] + last["returned"] + last["draft"]


def test_results_are_a_realistic_mix(output):
    reviewed = self_checks().filter(status=InspectionStatus.APPROVED)
    results = dict(reviewed.values_list("result").annotate(n=Count("pk")))
    total = sum(results.values())
    assert set(results) == {Result.PASS, Result.BASIC, Result.FAIL}
    assert 0.45 < results[Result.PASS] / total < 0.85
    assert 0.1 < results[Result.BASIC] / total < 0.4
    assert 0.04 < results[Result.FAIL] / total < 0.25


def test_reviewed_checks_were_submitted_by_their_company_and_reviewed_by_someone_else(output):
    manager, manager2 = User.objects.get(username="manager"), User.objects.get(username="manager2")
    reviewers = set(User.objects.filter(username__in=["street", "bureau"]))
    approved = (
        self_checks()
        .filter(status=InspectionStatus.APPROVED)
        .select_related("reviewed_by", "submitted_by")
    )
    for check in approved:
        assert check.reviewed_by in reviewers
        assert check.submitted_by in (None, manager, manager2)
        assert check.reviewed_by != check.submitted_by
        assert check.submitted_at <= check.reviewed_at < timezone.now()
        assert check.submitted_at.date() >= check.period
    by_manager = approved.filter(submitted_by=manager)
    assert by_manager.exists()
    assert set(by_manager.values_list("organisation__property_company__name", flat=True)) == {
        COMPANY_NAMES[0]
    }


def test_some_checks_were_returned_once_then_fixed_and_approved(output):
    fixed = Inspection.objects.filter(events__action="return", status=InspectionStatus.APPROVED)
    assert fixed.distinct().count() >= 5
    check = fixed.first()
    actions = list(check.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["open", "submit", "return", "submit", "approve"]


def test_submitted_checks_have_every_answer_and_their_evidence(seeded, output):
    check = self_checks().filter(status=InspectionStatus.APPROVED).first()
    answers = list(check.answers.select_related("item").prefetch_related("evidence"))
    assert all(answer_is_given(a) for a in answers)
    needs = [a for a in answers if a.item.evidence_required and (a.value_bool or a.value_score)]
    assert needs and all(a.evidence.all() for a in needs)
    evidence = list(Evidence.objects.filter(answer__inspection=check).order_by("pk"))
    assert evidence and all((seeded["media"] / e.file.name).is_file() for e in evidence)
    images = [e for e in evidence if e.content_type.startswith("image/")]
    assert images and all((seeded["media"] / e.thumbnail.name).is_file() for e in images)
    assert all(not e.thumbnail for e in evidence if e not in images)  # a PDF has no thumbnail


def test_supervision_inspections_by_street_and_bureau(output):
    supervisions = Inspection.objects.filter(kind=InspectionKind.SUPERVISION)
    assert supervisions.count() == 6 * 3
    assert set(supervisions.values_list("status", flat=True)) == {InspectionStatus.APPROVED}
    assert set(supervisions.values_list("submitted_by__username", flat=True)) == {
        "street",
        "bureau",
    }


def test_hazards_in_every_state_some_overdue_some_from_failed_items(output):
    hazards = Hazard.objects.all()
    assert set(hazards.values_list("status", flat=True)) == set(HazardStatus.values)
    assert hazards.overdue().count() >= 3
    assert hazards.filter(answer__isnull=False).exists()
    assert hazards.filter(inspection__kind=InspectionKind.SUPERVISION).exists()
    assert hazards.filter(events__action="reject").exists()
    verified = hazards.filter(status=HazardStatus.VERIFIED).first()
    assert verified.created_at <= verified.rectified_at <= verified.verified_at
    assert verified.verified_by != verified.rectified_by


def test_compounds_enter_and_leave_key_management_by_rule_and_one_by_hand(output):
    spells = KeyManagement.objects.all()
    by_rule = spells.filter(started_by__isnull=True)
    assert by_rule.active().filter(start_reason__contains="不达标").exists()
    assert (
        by_rule.filter(start_reason__contains="hazard").exists()
        or by_rule.filter(start_reason__contains="隐患").exists()
    )
    assert by_rule.filter(ended_on__isnull=False).exists()  # one recovered
    by_hand = spells.filter(started_by__username="bureau").get()
    assert by_hand.start_reason == demo.BY_HAND_REASON
    assert 2 <= spells.active().count() <= 10


def test_manager_sees_only_its_company_checks_and_hazards(output):
    manager = User.objects.get(username="manager")
    manager2 = User.objects.get(username="manager2")
    a = set(Inspection.objects.visible_to(manager).values_list("compound__name", flat=True))
    b = set(Inspection.objects.visible_to(manager2).values_list("compound__name", flat=True))
    from communities.demo import COMPANY_A_COMPOUNDS, COMPANY_B_COMPOUNDS

    assert a == set(COMPANY_A_COMPOUNDS)
    assert b == set(COMPANY_B_COMPOUNDS)
    hazards_a = Hazard.objects.visible_to(manager).values_list("compound__name", flat=True)
    assert set(hazards_a) <= set(COMPANY_A_COMPOUNDS)


def test_each_demo_login_finds_something_waiting(output):
    periods = demo.demo_periods()
    manager = User.objects.get(username="manager")
    manager2 = User.objects.get(username="manager2")
    last = self_checks().filter(period=periods[-1])
    assert last.visible_to(manager).filter(status=InspectionStatus.RETURNED).exists()
    assert last.visible_to(manager2).filter(status=InspectionStatus.DRAFT).exists()
    street = User.objects.get(username="street")
    assert last.visible_to(street).filter(status=InspectionStatus.SUBMITTED).exists()
    assert Notification.objects.for_user(manager).unread().filter(kind="check_returned").exists()
    assert (
        not Notification.objects.unread()
        .filter(kind="check_due")
        .exclude(
            url__in=[
                f"/inspections/{pk}/"
                for pk in self_checks().filter(period=month_start()).values_list("pk", flat=True)
            ]
        )
        .exists()
    )


def test_running_it_again_adds_nothing(output):
    before = (
        Inspection.objects.count(),
        Hazard.objects.count(),
        KeyManagement.objects.count(),
        Notification.objects.count(),
        set(Inspection.objects.values_list("pk", "status", "updated_at")),
    )

    report = demo.inspections_demo_seed()

    assert report.created == 0
    assert before == (
        Inspection.objects.count(),
        Hazard.objects.count(),
        KeyManagement.objects.count(),
        Notification.objects.count(),
        set(Inspection.objects.values_list("pk", "status", "updated_at")),
    )


def test_the_same_seed_draws_the_same_profiles(output):
    first, again = demo._cast(2026), demo._cast(2026)
    assert first.profiles == again.profiles
    assert first.stale_hazard_compound == again.stale_hazard_compound
    assert "failing" in first.profiles.values() and "recovering" in first.profiles.values()
