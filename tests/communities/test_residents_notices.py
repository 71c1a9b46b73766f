"""The daily registration notices: the community committee of the resident's community hears of
each person not registered, expiring or expired once per person and expiry — not the company,
the street office or another committee; not a resident who moved out; again when a renewed
permit nears its end; in the same number of queries whatever the number of residents."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from communities.models import (
    DocumentType,
    Notification,
    OrganisationKind,
    ResidentKind,
    Role,
)
from communities.residents import notices as n
from communities.services import membership_set
from tests import factories as f

TZ = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 6, 15)


def at(day: datetime.date):
    """A morning in Beijing, when the beat job runs."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 8, 40, tzinfo=TZ))


@pytest.fixture(autouse=True)
def today():
    with at(TODAY):
        yield


def days(k: int, start: datetime.date = TODAY) -> datetime.date:
    return start + datetime.timedelta(days=k)


def member(username, organisation, role):
    user = f.UserFactory(username=username, email=f"{username}@example.cn")
    membership_set(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def cast(city):
    """Community 1's committee: its admin (``community``), a staff member and a viewer; the
    committee of community 3 (B1) with its admin."""
    committee3 = f.OrganisationFactory(
        name="光明社区居委会",
        kind=OrganisationKind.COMMUNITY_COMMITTEE,
        community=city.communities[2],
    )
    city.community.email = "community@example.cn"
    city.community.save()
    return {
        "staff": member("community_staff", city.org.community, Role.STAFF),
        "viewer": member("community_viewer", city.org.community, Role.VIEWER),
        "committee3": member("committee3", committee3, Role.ADMIN),
    }


FLOATING = {"kind": ResidentKind.FLOATING}
REGISTERED = {"registered_on": days(-200), "registered_by": "和平派出所"}


@pytest.fixture
def people(city):
    h = city.households
    return {
        "unregistered": f.ResidentFactory(household=h["A1"], name="张小明", **FLOATING),
        "expiring": f.ResidentFactory(
            household=h["A2"], name="李晓梅", permit_expires=days(10), **FLOATING, **REGISTERED
        ),
        "expired": f.ResidentFactory(
            household=h["N1"], name="王大力", permit_expires=days(-3), **FLOATING, **REGISTERED
        ),
        "valid": f.ResidentFactory(
            household=h["A1"], permit_expires=days(200), **FLOATING, **REGISTERED
        ),
        "registered_resident": f.ResidentFactory(household=h["A1"]),
        "moved_out": f.ResidentFactory(
            household=h["A2"], moved_in=days(-100), moved_out=days(-1), **FLOATING
        ),
        "b1": f.ResidentFactory(
            household=h["B1"],
            name="John Smith",
            kind=ResidentKind.FOREIGN,
            document_type=DocumentType.PASSPORT,
            id_number="E12345678",
        ),
    }


def sent() -> list[tuple[str, int, str]]:
    rows = Notification.objects.values_list("user__username", "params", "kind")
    return sorted((user, params["person"], kind) for user, params, kind in rows)


def test_the_committee_hears_of_each_person_on_the_work_list_once(city, cast, people):
    assert n.registration_notices_send() == 3 * 2 + 1  # B1: its own committee, one admin
    assert n.registration_notices_send() == 0

    per_person = {}
    for user, person, kind in sent():
        per_person.setdefault((person, kind), []).append(user)
    assert per_person == {
        ("张**", n.RESIDENCE_UNREGISTERED): ["community", "community_staff"],
        ("李**", n.RESIDENCE_EXPIRING): ["community", "community_staff"],
        ("王**", n.RESIDENCE_EXPIRED): ["community", "community_staff"],
        ("J*********", n.RESIDENCE_UNREGISTERED): ["committee3"],
    }


def test_nobody_but_the_committee_of_that_community_is_notified(city, cast, people):
    n.registration_notices_send()
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"community", "community_staff", "committee3"}
    assert not {"manager_a", "manager_b", "street", "bureau", "community_viewer"} & notified
    committee3 = Notification.objects.filter(user=cast["committee3"])
    assert [notice.params["compound"] for notice in committee3] == ["乙一小区"]


def test_the_notice_names_the_place_and_the_masked_person_only(city, cast, people):
    n.registration_notices_send()
    notice = Notification.objects.get(user=city.community, kind=n.RESIDENCE_EXPIRING)
    household = city.households["A2"]
    person = people["expiring"]

    text = notice.display_text
    assert "甲二小区" in text and f"{household.building}-1-{household.room}" in text
    assert "李**" in text and days(10).isoformat() in text
    for secret in ("李晓梅", person.id_number, person.phone):
        assert secret not in text and secret not in notice.message and secret not in notice.url
    assert notice.url == (
        f"{reverse('communities:resident_worklist')}?item=expiring&compound={household.compound_id}"
    )
    assert notice.dedup_key == f"residence:{person.pk}:expiring:{days(10).isoformat()}"


def test_a_renewed_permit_is_notified_again_when_it_in_turn_nears_its_end(city, cast, people):
    person = people["expiring"]
    n.registration_notices_send()
    person.registered_on, person.permit_expires = TODAY, days(365)
    person.save()

    with at(days(1)):
        assert n.registration_notices_send() == 0  # renewed: off the list
    with at(days(340)):
        # the renewed permit nears its new end; the permit valid today has expired by then
        assert n.registration_notices_send() == 2 + 2
    renewed = Notification.objects.filter(user=city.community, params__person="李**")
    assert sorted(notice.dedup_key for notice in renewed) == [
        f"residence:{person.pk}:expiring:{days(10).isoformat()}",
        f"residence:{person.pk}:expiring:{days(365).isoformat()}",
    ]


def test_an_expiring_permit_that_then_expires_is_notified_once_more(city, cast, people):
    n.registration_notices_send()
    with at(days(11)):
        n.registration_notices_send()
        n.registration_notices_send()
    mine = Notification.objects.filter(user=city.community, params__person="李**")
    assert sorted(mine.values_list("kind", flat=True)) == [
        n.RESIDENCE_EXPIRED,
        n.RESIDENCE_EXPIRING,
    ]


def test_a_resident_who_moved_out_is_not_notified(city, cast, people):
    person = people["unregistered"]
    person.moved_out = TODAY
    person.save()

    n.registration_notices_send()

    assert not Notification.objects.filter(dedup_key__startswith=f"residence:{person.pk}:")
    assert not Notification.objects.filter(
        dedup_key__startswith=f"residence:{people['moved_out'].pk}:"
    )


def test_each_recipient_gets_one_email_listing_what_is_new(
    city, cast, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        n.registration_notices_send()
    with django_capture_on_commit_callbacks(execute=True):
        n.registration_notices_send()  # nothing new: no e-mail

    to = sorted(message.to[0] for message in mail.outbox)
    assert to == ["committee3@example.cn", "community@example.cn", "community_staff@example.cn"]
    community = next(m for m in mail.outbox if m.to == ["community@example.cn"])
    assert community.body.count("\n") >= 3 and "张**" in community.body
    assert "张小明" not in community.body and people["unregistered"].id_number not in community.body


def _more_people(city, count: int):
    for i in range(count):
        household = f.HouseholdFactory(compound=city.compounds["A1"], building="7", room=f"{i}")
        f.ResidentFactory(household=household, **FLOATING)


#: the savepoint, the day's people, the committee of each of the two communities, the dedup
#: keys, the insert, the release
NOTICE_QUERIES = 7


def test_the_job_costs_the_same_queries_for_few_and_many_residents(
    city, cast, people, django_assert_num_queries
):
    with django_assert_num_queries(NOTICE_QUERIES):
        assert n.registration_notices_send() == 7
    _more_people(city, 20)
    with django_assert_num_queries(NOTICE_QUERIES):
        assert n.registration_notices_send() == 20 * 2


def test_the_daily_task_is_scheduled_and_runs_the_job(city, cast, people, settings):
    from communities.tasks import send_registration_notices

    entry = settings.CELERY_BEAT_SCHEDULE["residence-registration-notices"]
    assert entry["task"] == send_registration_notices.name
    assert send_registration_notices.name == "communities.send_registration_notices"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {40})
    # A month ago: the two unregistered in community 1 (one moved out since), the permit that
    # expired three days ago was expiring, and B1's person.
    assert send_registration_notices(days(-30).isoformat()) == 2 + 2 + 2 + 1
    # Today: the expiring permit, and the expiring one now expired.
    assert send_registration_notices() == 2 + 2
