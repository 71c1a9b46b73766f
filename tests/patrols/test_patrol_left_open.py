"""A patrol left open by mistake (longer than PATROL_MAX_HOURS) is ended at the time it really
ended, on its page; until then the team cannot start another, after that it can."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.workflow import WorkflowError
from patrols import services_patrols as sp
from patrols.models import PatrolLog

from .team_fixtures import make_teams

pytestmark = pytest.mark.django_db


def test_a_patrol_open_for_two_days_is_ended_at_the_time_given(client, city, time_machine):
    time_machine.move_to(datetime.datetime(2026, 4, 1, 20, 0, tzinfo=datetime.UTC), tick=False)
    teams = make_teams(city)
    log = sp.patrol_start(team=teams.guards, actor=city.manager_a, compounds=[city.compounds["A1"]])
    time_machine.move_to(datetime.datetime(2026, 4, 3, 9, 0, tzinfo=datetime.UTC))
    client.force_login(city.manager_a)
    url = reverse("patrols:patrol_end", args=[log.pk])
    client.post(url, {"route": ""})  # now: 37 hours, refused
    log.refresh_from_db()
    assert log.is_open
    with pytest.raises(WorkflowError):
        sp.patrol_start(team=teams.guards, actor=city.manager_a, compounds=[city.compounds["A1"]])
    ended = timezone.localtime(log.started_at + datetime.timedelta(hours=2))
    response = client.post(
        url, {"ended_at": ended.strftime("%Y-%m-%dT%H:%M"), "route": "东门—北门"}
    )
    assert response.status_code == 302
    log.refresh_from_db()
    assert log.ended_at == datetime.datetime(2026, 4, 1, 22, 0, tzinfo=datetime.UTC)
    assert log.route == "东门—北门"
    again = sp.patrol_start(
        team=teams.guards, actor=city.manager_a, compounds=[city.compounds["A1"]]
    )
    assert PatrolLog.objects.filter(team=teams.guards).open().get() == again


def test_the_end_form_offers_the_time_field(client, city):
    teams = make_teams(city)
    log = sp.patrol_start(team=teams.guards, actor=city.manager_a, compounds=[city.compounds["A1"]])
    client.force_login(city.manager_a)
    body = client.get(reverse("patrols:patrol_detail", args=[log.pk])).content.decode()
    assert 'name="ended_at"' in body and 'type="datetime-local"' in body
