"""Pages showing a team's people in full are recorded in the audit trail; the compounds a team
covers and the members on a patrol are recorded with their rows."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from patrols import services_teams as st

from .team_fixtures import log_patrol, make_teams

pytestmark = pytest.mark.django_db


def _last_pk() -> int:
    return LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def views_after(before: int):
    return LogEntry.objects.filter(pk__gt=before, additional_data__event="personal_data_view")


def test_the_team_and_log_pages_in_full_are_recorded_and_masked_ones_are_not(client, city):
    teams = make_teams(city)
    log = log_patrol(teams.officers, city.street, members=list(teams.officers.members.all()))
    before = _last_pk()
    client.force_login(city.street)  # runs the officers: in full
    client.get(reverse("patrols:team_detail", args=[teams.officers.pk]))
    client.get(reverse("patrols:patrol_detail", args=[log.pk]))
    assert views_after(before).count() == 2
    before = _last_pk()
    client.force_login(city.manager_b)  # sees the officers through B2: masked
    assert client.get(reverse("patrols:team_detail", args=[teams.officers.pk])).status_code == 200
    assert not views_after(before).exists()


def test_changing_a_teams_compounds_is_in_its_audit_entries(city):
    teams = make_teams(city)
    team = teams.volunteers
    st.team_update(
        team=team,
        actor=city.community,
        kind=team.kind,
        name=team.name,
        compounds=[city.compounds["A1"]],
        leader_name=team.leader_name,
    )
    entries = LogEntry.objects.get_for_object(team)
    assert any("compounds" in (entry.changes or {}) for entry in entries)
