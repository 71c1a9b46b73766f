# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""Patrol teams, members and the weekly plan: who may do what, and the bounds the services keep."""

import datetime

import pytest
from django.utils import timezone

from communities.workflow import WorkflowError
from patrols import services_teams as st
from patrols import team_errors as e
from patrols.models import MemberCategory, PatrolPlanSlot, TeamKind
from tests.patrols.team_fixtures import teams  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_company_team_covers_only_the_compounds_the_company_runs_today(city):
    with pytest.raises(WorkflowError) as refused:
        st.team_create(
            actor=city.manager_a,
            organisation=city.org.company_a,
            kind=TeamKind.GUARDS,
            name="越界队",
            compounds=[city.compounds["B1"]],
        )
    assert "乙一小区" in str(refused.value)


def test_a_community_team_covers_only_its_community(city):
    with pytest.raises(WorkflowError):
        st.team_create(
            actor=city.community,
            organisation=city.org.community,
            kind=TeamKind.VOLUNTEERS,
            name="越界队",
            compounds=[city.compounds["B2"]],
        )


def test_a_street_covers_every_compound_of_its_street(city):
    team = st.team_create(
        actor=city.street,
        organisation=city.org.street,
        kind=TeamKind.OFFICERS,
        name="专职队",
        compounds=[city.compounds["A1"], city.compounds["B2"], city.compounds["N1"]],
    )
    assert set(team.compounds.values_list("code", flat=True)) == {"A1", "B2", "N1"}


def test_a_company_cannot_form_a_team_for_another_company(city):
    with pytest.raises(WorkflowError) as refused:
        st.team_create(
            actor=city.manager_b,
            organisation=city.org.company_a,
            kind=TeamKind.GUARDS,
            name="冒名队",
            compounds=[city.compounds["A1"]],
        )
    assert str(refused.value) == str(e.MSG_ORGANISATION)


def test_a_viewer_cannot_form_a_team(city):
    with pytest.raises(WorkflowError):
        st.team_create(
            actor=city.viewer_a,
            organisation=city.org.company_a,
            kind=TeamKind.GUARDS,
            name="队",
            compounds=[city.compounds["A1"]],
        )


def test_the_street_office_changes_its_communitys_team_but_a_company_does_not(city, teams):
    st.team_update(
        team=teams.volunteers,
        actor=city.street,
        kind=TeamKind.VOLUNTEERS,
        name="幸福社区联防队",
        compounds=[city.compounds["A1"]],
    )
    teams.volunteers.refresh_from_db()
    assert teams.volunteers.name == "幸福社区联防队"
    with pytest.raises(WorkflowError) as refused:
        st.team_update(
            team=teams.volunteers,
            actor=city.manager_a,
            kind=TeamKind.VOLUNTEERS,
            name="被改名",
            compounds=[city.compounds["A1"]],
        )
    assert str(refused.value) == str(e.MSG_NOT_OURS)


def test_a_member_leaves_once_and_not_before_joining(city, teams):
    member = st.member_add(
        team=teams.guards,
        actor=city.manager_a,
        name="周九",
        category=MemberCategory.LOW_INCOME,
        joined_on=timezone.localdate(),
    )
    with pytest.raises(WorkflowError):
        st.member_leave(
            member=member,
            actor=city.manager_a,
            left_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    st.member_leave(member=member, actor=city.manager_a)
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()
    with pytest.raises(WorkflowError):
        st.member_leave(member=member, actor=city.manager_a)


def test_a_member_cannot_join_in_the_future(city, teams):
    with pytest.raises(WorkflowError):
        st.member_add(
            team=teams.guards,
            actor=city.manager_a,
            name="吴十",
            category=MemberCategory.GUARD,
            joined_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def _t(text):
    return datetime.time.fromisoformat(text)


def test_the_plan_refuses_overlapping_windows_and_keeps_unchanged_rows(city, teams):
    with pytest.raises(WorkflowError):
        st.plan_slot_set(
            team=teams.guards,
            actor=city.manager_a,
            windows=[(0, _t("20:00"), _t("22:00")), (0, _t("21:00"), _t("23:00"))],
        )
    with pytest.raises(WorkflowError):
        st.plan_slot_set(
            team=teams.guards, actor=city.manager_a, windows=[(1, _t("22:00"), _t("22:00"))]
        )
    first = st.plan_slot_set(
        team=teams.guards,
        actor=city.manager_a,
        windows=[(0, _t("20:00"), _t("22:00")), (2, _t("20:00"), _t("22:00"))],
    )
    kept = first[0].pk
    second = st.plan_slot_set(
        team=teams.guards,
        actor=city.manager_a,
        windows=[(0, _t("20:00"), _t("22:00")), (4, _t("08:00"), _t("09:00"))],
    )
    assert [s.weekday for s in second] == [0, 4]
    assert second[0].pk == kept
    assert PatrolPlanSlot.objects.filter(team=teams.guards).count() == 2


def test_only_the_running_organisation_sets_the_plan(city, teams):
    with pytest.raises(WorkflowError):
        st.plan_slot_set(
            team=teams.officers, actor=city.manager_a, windows=[(0, _t("08:00"), _t("09:00"))]
        )
