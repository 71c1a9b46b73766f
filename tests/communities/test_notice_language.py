"""Notices are stored as a kind, a registered text and its parameters, and put into words when
read: each reader sees them in their own language, statuses and levels included."""

import pytest
from django.urls import reverse
from django.utils import translation

from communities.models import Notification
from communities.notifications import NOTICE_TEXTS, notify
from disputes import notices as dispute_notices
from disputes.models import Level, Status
from inspections import notices as inspection_notices


def test_every_app_registers_its_texts():
    assert set(inspection_notices.NOTICE_TEXTS) <= set(NOTICE_TEXTS)
    assert set(dispute_notices.NOTICE_TEXTS) <= set(NOTICE_TEXTS)


def test_a_notice_sent_in_chinese_reads_in_english_for_an_english_reader(city, client):
    with translation.override("zh-hans"):
        notify(
            users=[city.manager_a],
            kind=dispute_notices.PROGRESS,
            params={"number": "110105001-2026-0001", "status": "accepted", "level": "street"},
            url="/",
        )
    notice = Notification.objects.get(user=city.manager_a)
    assert (notice.kind, notice.text) == ("dispute_progress", "dispute_progress")
    assert notice.params == {
        "number": "110105001-2026-0001",
        "status": Status.ACCEPTED,
        "level": Level.STREET,
    }
    with translation.override("zh-hans"):
        chinese = notice.display_text
        accepted_zh, street_zh = str(Status.ACCEPTED.label), str(Level.STREET.label)
    with translation.override("en"):
        english = notice.display_text
    assert notice.message == chinese  # the e-mail's words, in the sender's language
    assert english == "Dispute 110105001-2026-0001: accepted (street)."
    assert accepted_zh in chinese and street_zh in chinese and "accepted" not in chinese
    client.force_login(city.manager_a)
    page = client.get(reverse("communities:notifications"), HTTP_ACCEPT_LANGUAGE="en")
    assert english in page.content.decode()


def test_one_kind_may_have_several_texts(city):
    notify(
        users=[city.manager_a],
        kind=inspection_notices.HAZARD_ASSIGNED,
        text=inspection_notices.HAZARD_REJECTED,
        params={"compound": "甲一小区", "deadline": "2030-01-31"},
    )
    notice = Notification.objects.get()
    with translation.override("en"):
        assert notice.display_text == (
            "A rectification in 甲一小区 was rejected; new deadline 2030-01-31."
        )


def test_an_unknown_text_or_missing_parameter_is_refused_before_anything_is_written(city):
    with pytest.raises(ValueError):
        notify(users=[city.manager_a], kind="no_such_text", params={})
    with pytest.raises(ValueError):
        notify(users=[city.manager_a], kind=dispute_notices.DUE, params={"number": "x"})
    assert not Notification.objects.exists()


def test_a_notice_whose_text_is_no_longer_registered_shows_its_words_as_sent(city):
    notice = Notification.objects.create(
        user=city.manager_a, kind="old", text="", message="旧通知", params={}
    )
    assert notice.display_text == "旧通知"
