"""The patrol teams demo (a ``seed_demo`` step): a team of each kind on the demo city, six
months of patrols with some missed and some findings that raised hazards; idempotent."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from communities.demo import DEMO_STEPS
from inspections.models import Hazard, HazardSource
from patrols import team_demo
from patrols.missed import patrols_due
from patrols.models import MemberCategory, PatrolLog, PatrolTeam, TeamKind, TeamMember


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    folder = tmp_path_factory.mktemp("media")
    media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, folder
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", city_only=True, households_per_compound=2, stdout=StringIO())
        report = team_demo.patrol_teams_demo_seed()
        yield report
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


@pytest.fixture
def report(seeded, db):
    return seeded


def test_the_step_is_registered():
    assert team_demo.patrol_teams_demo_seed in DEMO_STEPS


def test_a_team_of_each_kind_with_four_group_members(report):
    assert {t.kind for t in PatrolTeam.objects.all()} == {
        TeamKind.GUARDS,
        TeamKind.VOLUNTEERS,
        TeamKind.OFFICERS,
    }
    categories = set(TeamMember.objects.values_list("category", flat=True))
    assert {MemberCategory.LOW_INCOME, MemberCategory.RETIREE, MemberCategory.CLEANER} <= categories
    assert PatrolTeam.objects.filter(organisation__name__isnull=False).count() == 4


def test_six_months_of_patrols_with_some_missed_and_hazards_raised(report):
    today = timezone.localdate()
    first = PatrolLog.objects.order_by("started_at").first().started_at
    assert (today - timezone.localtime(first).date()).days > 150
    assert PatrolLog.objects.open().count() == 0
    due = patrols_due(PatrolTeam.objects.all(), today - datetime.timedelta(days=30), today)
    assert any(d.missed for d in due) and any(d.kept for d in due)
    assert Hazard.objects.filter(source=HazardSource.PATROL).exists()
    assert all(h.source_url for h in Hazard.objects.filter(source=HazardSource.PATROL))


def test_a_second_run_writes_nothing(report):
    again = team_demo.patrol_teams_demo_seed()
    assert again.created == 0
    assert again.counts == report.counts
