"""The activities demo (a ``seed_demo`` step): six months of activities in every compound and
community of the demo city, legal education in most months for most compounds, none in the
future; deterministic from the seed and idempotent."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from communities.activities import demo
from communities.demo import DEMO_STEPS, DISTRICT_CODE
from communities.models import Activity, Compound


@pytest.fixture
def city(db):
    call_command("seed_demo", city_only=True, households_per_compound=1, stdout=StringIO())


def _demo_rows():
    return Activity.objects.filter(
        Q(compound__community__street__district__code=DISTRICT_CODE)
        | Q(community__street__district__code=DISTRICT_CODE)
    )


def _fingerprint():
    return sorted(
        _demo_rows().values_list(
            "compound__code", "community__code", "kind", "date", "title", "participants"
        ),
        key=repr,
    )


def test_the_step_is_registered_for_seed_demo():
    assert demo.activities_demo_seed in DEMO_STEPS


def test_six_months_of_activities_with_legal_education_in_most_months(city):
    report = demo.activities_demo_seed()

    today = timezone.localdate()
    first = (today.replace(day=1) - datetime.timedelta(days=150)).replace(day=1)
    rows = list(_demo_rows())
    assert report.created == len(rows) == report.counts["activities"] > 0
    assert all(first <= a.date <= today for a in rows)
    for activity in rows:
        activity.full_clean()
    compounds = Compound.objects.filter(community__street__district__code=DISTRICT_CODE)
    months = {(a.compound_id, a.date.replace(day=1)) for a in rows if a.is_legal_education}
    with_most = [c for c in compounds if sum(1 for key in months if key[0] == c.pk) >= 4]
    assert len(with_most) >= 0.8 * compounds.count()
    assert any(a.community_id for a in rows)
    assert any(not a.is_legal_education for a in rows)


def test_a_demo_manager_sees_the_activities_of_their_compounds(city):
    demo.activities_demo_seed()
    manager = get_user_model().objects.get(username="manager")
    visible = Activity.objects.visible_to(manager)
    assert visible.exists()
    assert visible.count() < _demo_rows().count()


def test_the_step_is_idempotent_and_deterministic(city):
    demo.activities_demo_seed(seed=7)
    once = _fingerprint()

    again = demo.activities_demo_seed(seed=7)

    assert again.created == 0
    assert _fingerprint() == once
    _demo_rows().delete()
    demo.activities_demo_seed(seed=7)
    assert _fingerprint() == once
