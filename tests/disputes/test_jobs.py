"""The daily deadline job under time-machine: reminders once, overdue notices once, automatic
escalation once and only where the settings say so."""

import datetime

import pytest
import time_machine

from communities.models import Notification
from disputes.models import CaseEvent, Level, Status
from disputes.tasks import daily_deadlines

from .conftest import accept, register

D = datetime.date


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 8, 20, tzinfo=datetime.UTC), tick=False
    )


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


@pytest.fixture
def accepted_case(city, today):
    """A1's case, accepted by the community committee with manager_a as handler, due Mon 16 Nov."""
    case = register(city)
    case = accept(case, city.community, leader=city.community, handler=city.manager_a)
    assert case.deadline == D(2026, 11, 16)
    Notification.objects.all().delete()
    return case


def test_reminders_go_to_handler_and_leader_once_two_working_days_before(city, accepted_case):
    with at(D(2026, 11, 11)):  # Wednesday: the 16th is three working days away
        assert daily_deadlines.delay().get()["due_notices"] == 0
    with at(D(2026, 11, 12)):  # Thursday: two working days (Fri, Mon)
        assert daily_deadlines.delay().get()["due_notices"] == 2
        assert daily_deadlines.delay().get()["due_notices"] == 0  # same day again: nothing
    with at(D(2026, 11, 13)):
        assert daily_deadlines.delay().get()["due_notices"] == 0  # next day: already told
    assert kinds(city.manager_a) == ["dispute_due"] and kinds(city.community) == ["dispute_due"]
    assert kinds(city.street) == []  # the street is not the case's level
    message = Notification.objects.get(user=city.manager_a).message
    assert accepted_case.number in message and "2026-11-16" in message


def test_overdue_notices_once_per_deadline(city, accepted_case):
    with at(D(2026, 11, 16)):  # the deadline itself is not overdue
        assert daily_deadlines.delay().get()["overdue_notices"] == 0
    with at(D(2026, 11, 17)):
        assert daily_deadlines.delay().get()["overdue_notices"] == 2
    with at(D(2026, 11, 18)):
        assert daily_deadlines.delay().get()["overdue_notices"] == 0
    assert Notification.objects.filter(kind="dispute_overdue").count() == 2


def test_before_acceptance_the_level_organisation_is_reminded(city, today):
    register(city, level=Level.STREET)  # due 23 November; nobody has accepted it
    Notification.objects.all().delete()
    with at(D(2026, 11, 19)):
        assert daily_deadlines.delay().get()["due_notices"] == 1
    assert kinds(city.street) == ["dispute_due"]


def test_automatic_escalation_after_five_overdue_working_days_happens_once(city, accepted_case):
    with at(D(2026, 11, 20)):  # overdue four working days (17–20 Nov)
        assert daily_deadlines.delay().get()["escalated"] == 0
    with at(D(2026, 11, 23)):  # the fifth working day after the deadline
        result = daily_deadlines.delay().get()
        again = daily_deadlines.delay().get()
    assert (result["escalated"], again["escalated"]) == (1, 0)
    accepted_case.refresh_from_db()
    assert (accepted_case.level, accepted_case.status) == (Level.STREET, Status.ESCALATED)
    assert accepted_case.deadline == D(2026, 12, 14)  # 15 working days from 23 November
    event = CaseEvent.objects.filter(case=accepted_case).last()
    assert (event.action, event.actor, event.from_level, event.to_level) == (
        "escalate",
        None,
        Level.COMMUNITY,
        Level.STREET,
    )
    assert "2026-11-16" in event.note
    assert "dispute_registered" in kinds(city.street)
    with at(D(2026, 12, 31)):  # overdue at street level: no setting there, it stays
        assert daily_deadlines.delay().get()["escalated"] == 0
    accepted_case.refresh_from_db()
    assert accepted_case.level == Level.STREET


def test_without_the_setting_nothing_escalates_by_itself(city, accepted_case, settings):
    settings.DISPUTE_AUTO_ESCALATE_AFTER = {}
    with at(D(2026, 12, 31)):
        assert daily_deadlines.delay().get()["escalated"] == 0
    accepted_case.refresh_from_db()
    assert (accepted_case.level, accepted_case.status) == (Level.COMMUNITY, Status.ACCEPTED)


def test_closed_cases_are_left_alone(city, accepted_case):
    from disputes import services

    services.case_resolve(
        case=accepted_case, actor=city.manager_a, outcome="和解", agreement_reached=False
    )
    Notification.objects.all().delete()
    with at(D(2026, 11, 30)):
        assert daily_deadlines.delay().get() == {
            "escalated": 0,
            "due_notices": 0,
            "overdue_notices": 0,
        }
    assert not Notification.objects.exists()


def test_overlapping_runs_escalate_a_case_once(city, accepted_case):
    from disputes.services.cases import case_auto_escalate

    with at(D(2026, 11, 23)):
        stale = type(accepted_case).objects.get(pk=accepted_case.pk)  # what both runs saw
        first = case_auto_escalate(case=stale, today=D(2026, 11, 23))
        second = case_auto_escalate(case=stale, today=D(2026, 11, 23))
    assert first is not None and second is None
    accepted_case.refresh_from_db()
    assert (accepted_case.level, accepted_case.escalations) == (Level.STREET, 1)


def test_a_case_that_cannot_go_up_does_not_stop_the_job(city, today, settings):
    settings.DISPUTE_AUTO_ESCALATE_AFTER = {"community": 1, "district": 1}
    from disputes import services

    stuck = register(city, actor=city.manager_b, compound="B1")  # street 2 has no office
    top = register(city, actor=city.bureau, level=Level.DISTRICT)
    top = accept(top, city.bureau)
    Notification.objects.all().delete()
    with at(D(2026, 12, 31)):
        result = daily_deadlines.delay().get()
    assert result["escalated"] == 0 and result["overdue_notices"] == 2
    stuck.refresh_from_db()
    top.refresh_from_db()
    assert (stuck.level, top.level) == (Level.COMMUNITY, Level.DISTRICT)
    assert services.can_handle(city.bureau, top)
