"""The 群防群治 overview: each part's figure from its one definition, within the user's scope."""

import datetime

import pytest
from django.urls import reverse

from patrols.models import Entrance, Facility, PatrolLog, PatrolTeam, TeamKind

pytestmark = pytest.mark.django_db


def test_the_overview_shows_each_parts_figures_for_the_users_compounds(
    client, city, make_rooms, make_group, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 5, 20, 10, 0))
    rows = make_rooms(city.compounds["A1"], {("G5", "1"): [str(n) for n in range(101, 106)]})
    make_group(city.manager_a, city.compounds["A1"], rows.values())
    entrance = Entrance.objects.create(compound=city.compounds["A1"], name="东门")
    for kind in ("camera", "access_control", "barrier"):
        Facility.objects.create(
            compound=entrance.compound, kind=kind, location="entrance", entrance=entrance
        )
    Facility.objects.create(
        compound=entrance.compound, kind="alarm", location="building", building="1"
    )
    team = PatrolTeam.objects.create(
        organisation=city.org.company_a, kind=TeamKind.GUARDS, name="甲保安队"
    )
    team.compounds.add(city.compounds["A1"])
    start = datetime.datetime(2026, 5, 19, 20, 0, tzinfo=datetime.UTC)
    PatrolLog.objects.create(
        team=team, started_at=start, ended_at=start + datetime.timedelta(hours=1)
    )
    PatrolLog.objects.create(
        team=team,
        started_at=start - datetime.timedelta(days=30),
        ended_at=start - datetime.timedelta(days=30, hours=-1),
    )
    client.force_login(city.manager_a)
    body = client.get(reverse("patrols:overview")).content.decode()
    # A1: 5 + the factory's household, 5 covered; A2: 1 household, none.
    assert 'data-coverage="5/7"' in body
    assert (
        'data-figure="patrols">1<' in body and 'data-figure="patrol_hours">1.0<' in body
    )  # this month only
    # A1 is assessed (an entrance): 技防 covered, 物防 not (no perimeter); A2 not assessed.
    assert 'data-figure="tech_rate">100.0%<' in body
    assert 'data-figure="physical_rate">0.0%<' in body
    assert 'data-figure="not_assessed">1<' in body
    client.force_login(city.manager_b)
    body = client.get(reverse("patrols:overview")).content.decode()
    assert 'data-figure="patrols">0<' in body and 'data-coverage="5/7"' not in body


def test_without_a_membership_the_overview_is_refused(client, city):
    client.force_login(city.nobody)
    assert client.get(reverse("patrols:overview")).status_code == 403
