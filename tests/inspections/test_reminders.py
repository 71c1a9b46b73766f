"""Reminders: the month's self-check due and overdue, and hazards past their deadline — each
sent once, however often the daily jobs run."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.urls import reverse

from communities.models import Notification
from inspections import services
from inspections.services.hazards import hazards_notify_overdue
from inspections.services.reminders import self_check_due_date, self_checks_remind
from inspections.tasks import notify_overdue_hazards, remind_self_checks

from .conftest import fill_check

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = datetime.date(2026, 11, 1)


def at(day: int, month: int = 11, hour: int = 8, minute: int = 10):
    """Travel to a morning of 2026 in Beijing time (when the beat jobs run)."""
    return time_machine.travel(datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ))


def notified(kind: str) -> list[tuple[str, str]]:
    """(username, dedup key) of every notification of a kind, sorted."""
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", "dedup_key"))


@pytest.fixture
def checks(city, template, settings):
    """November's self-checks: A1 draft, A2 submitted, B1 returned to the manager."""
    settings.INSPECTION_DUE_DAY = 10
    with at(2):
        opened = {
            code: services.inspection_open(
                compound=city.compounds[code], period=NOVEMBER, actor=None
            )
            for code in ("A1", "A2", "B1")
        }
        fill_check(opened["A2"], city.manager_a)
        services.inspection_submit(inspection=opened["A2"], actor=city.manager_a)
        fill_check(opened["B1"], city.manager_b)
        services.inspection_submit(inspection=opened["B1"], actor=city.manager_b)
        answer = opened["B1"].answers.first()
        services.inspection_return(
            inspection=opened["B1"], actor=city.bureau, item_comments={answer.pk: "照片不清楚"}
        )
    return opened


# Self-checks due and overdue -----------------------------------------------------------------


def test_nothing_is_sent_before_the_last_three_days(checks):
    with at(6):
        assert self_checks_remind() == 0
    assert notified("check_due") == []


def test_due_reminders_go_to_the_company_of_each_unsubmitted_check_once(city, checks):
    a1, b1 = checks["A1"].pk, checks["B1"].pk
    expected = [
        ("manager_a", f"check_due_reminder:{a1}"),
        ("manager_b", f"check_due_reminder:{b1}"),
    ]  # not viewer_a: viewers only look
    with at(7):
        assert self_checks_remind() == 2
        assert self_checks_remind() == 0  # run twice: nothing new
    for day in (8, 9, 10):
        with at(day):
            assert self_checks_remind() == 0
    assert notified("check_due") == expected
    note = Notification.objects.get(user=city.manager_a, kind="check_due")
    assert "甲一小区" in note.message and "2026-11-10" in note.message
    assert note.url == reverse("inspections:inspection_detail", args=[a1])
    assert not Notification.objects.filter(user__username__in=["street", "bureau"]).exists()


def test_overdue_reminders_follow_the_due_day_once(city, checks):
    with at(11):
        assert self_checks_remind() == 2
    with at(12):
        assert self_checks_remind() == 0
    with at(25):
        assert self_checks_remind() == 0
    keys = {key for _user, key in notified("check_overdue")}
    assert keys == {
        f"check_overdue_reminder:{checks['A1'].pk}",
        f"check_overdue_reminder:{checks['B1'].pk}",
    }
    note = Notification.objects.get(user=city.manager_b, kind="check_overdue")
    assert "乙一小区" in note.message and "2026-11-10" in note.message


def test_a_check_submitted_in_time_gets_no_overdue_reminder(city, checks):
    with at(9):
        self_checks_remind()
        fill_check(checks["A1"], city.manager_a)
        services.inspection_submit(inspection=checks["A1"], actor=city.manager_a)
    with at(11):
        assert self_checks_remind() == 1
    assert [user for user, _key in notified("check_overdue")] == ["manager_b"]


def test_last_months_checks_are_not_reminded(city, checks):
    with at(11, month=12):
        assert self_checks_remind() == 0  # December's checks are not open; November's are past


def test_the_due_day_is_a_setting(checks, settings):
    settings.INSPECTION_DUE_DAY = 20
    with at(11):
        assert self_checks_remind() == 0
    with at(17):
        assert self_checks_remind() == 2
    assert len(notified("check_due")) == 2
    assert "2026-11-20" in Notification.objects.filter(kind="check_due").first().message


def test_a_due_day_past_the_month_end_means_its_last_day(settings):
    settings.INSPECTION_DUE_DAY = 31
    assert self_check_due_date(NOVEMBER) == datetime.date(2026, 11, 30)
    assert self_check_due_date(datetime.date(2026, 12, 1)) == datetime.date(2026, 12, 31)


def test_a_reminder_is_also_an_email(city, checks, django_capture_on_commit_callbacks):
    city.manager_b.email = "manager_b@example.com"
    city.manager_b.save()
    with at(7), django_capture_on_commit_callbacks(execute=True):
        self_checks_remind()
    assert [m.to for m in mail.outbox] == [["manager_b@example.com"]]
    assert "乙一小区" in mail.outbox[0].subject


def test_the_task_runs_the_reminders_for_today_and_is_on_the_beat(checks):
    with at(7):
        assert remind_self_checks.delay().get() == 2
        assert remind_self_checks.delay().get() == 0
    assert remind_self_checks.delay("2026-11-11").get() == 2
    entry = settings.CELERY_BEAT_SCHEDULE["remind-self-checks"]
    assert entry["task"] == "inspections.remind_self_checks"
    assert entry["schedule"] == crontab(minute=10, hour=8)


# Hazards past their deadline -------------------------------------------------------------------


def _raise(city, code, deadline, actor=None):
    return services.hazard_raise(
        compound=city.compounds[code],
        actor=actor or city.bureau,
        category="fire",
        description="消防通道堆放杂物",
        responsible_party="物业公司",
        deadline=deadline,
    )


def test_overdue_hazards_are_notified_once_per_deadline(city):
    with at(15):
        a1 = _raise(city, "A1", datetime.date(2026, 11, 20))
        b1 = _raise(city, "B1", datetime.date(2026, 11, 20))
        waiting = _raise(city, "A2", datetime.date(2026, 11, 20))
        services.hazard_rectify(hazard=waiting, actor=city.manager_a, note="已清理")
        done = _raise(city, "A2", datetime.date(2026, 11, 20))
        services.hazard_rectify(hazard=done, actor=city.manager_a, note="已清理")
        services.hazard_verify(hazard=done, actor=city.street)
    with at(20):
        assert hazards_notify_overdue() == 0  # the deadline day itself is not late
    with at(21):
        assert notify_overdue_hazards.delay().get() == 2
        assert notify_overdue_hazards.delay().get() == 0
    with at(28):
        assert hazards_notify_overdue() == 0
    assert notified("hazard_overdue") == [
        ("manager_a", f"hazard_overdue:{a1.pk}:2026-11-20"),
        ("manager_b", f"hazard_overdue:{b1.pk}:2026-11-20"),
    ]
    note = Notification.objects.get(user=city.manager_b, kind="hazard_overdue")
    assert note.url == reverse("inspections:hazard_detail", args=[b1.pk])


def test_a_rejected_rectification_is_notified_again_when_its_new_deadline_passes(city):
    with at(15):
        hazard = _raise(city, "A1", datetime.date(2026, 11, 20))
    with at(21):
        assert hazards_notify_overdue() == 1
        services.hazard_rectify(hazard=hazard, actor=city.manager_a, note="已清理")
        services.hazard_reject(
            hazard=hazard,
            actor=city.street,
            reason="仍有杂物",
            deadline=datetime.date(2026, 11, 25),
        )
        assert hazards_notify_overdue() == 0
    with at(26):
        assert hazards_notify_overdue() == 1
    assert len(notified("hazard_overdue")) == 2
