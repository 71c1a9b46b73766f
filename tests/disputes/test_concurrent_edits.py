"""Two people acting on the same case at once (issue 15): each page posts the version of the
case it showed; the second to save is refused with a clear message, its page showing the case
as it now is and what was typed kept; nothing of the second is written. A second submit, made
knowing, goes through."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from communities.versioning import MSG_CHANGED_MEANWHILE
from disputes.models import CaseEvent

from .test_case_actions import LATER, accepted_case, detail_url, form_of, reload, url

pytestmark = pytest.mark.usefixtures("today")
SOONER = LATER - datetime.timedelta(days=7)


def minutes_later(minutes: int):
    """The clock (frozen at 09:30 by ``today``) some minutes on: saves take place in time."""
    moment = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
    return time_machine.travel(moment + datetime.timedelta(minutes=minutes), tick=False)


def shown_version(client, case) -> str:
    page = client.get(detail_url(case)).content.decode()
    versions = set(re.findall(r'name="version" value="([^"]+)"', page))
    assert len(versions) == 1, versions  # every action form of the page carries it
    return versions.pop()


def test_the_second_of_two_deadline_changes_is_refused_and_the_first_kept(city):
    case = accepted_case(city)
    first, second = Client(), Client()
    first.force_login(city.community)
    second.force_login(city.community)
    seen_by_first, seen_by_second = shown_version(first, case), shown_version(second, case)

    with minutes_later(1):
        done = first.post(
            url(case, "deadline"),
            {"deadline": LATER.isoformat(), "reason": "当事人出差", "version": seen_by_first},
        )
    with minutes_later(2):
        late = second.post(
            url(case, "deadline"),
            {"deadline": SOONER.isoformat(), "reason": "提前调解", "version": seen_by_second},
        )

    assert done.status_code == 302
    assert late.status_code == 200
    form = form_of(late, "deadline")
    assert [str(m) for m in form.non_field_errors()] == [str(MSG_CHANGED_MEANWHILE)]
    page = late.content.decode()
    assert "其他人修改了这条记录" in page and "提前调解" in page  # the message; what was typed
    assert reload(case).deadline == LATER  # the first change stands
    notes = CaseEvent.objects.filter(case=case, action="deadline").values_list("note", flat=True)
    assert [note.endswith("当事人出差") for note in notes] == [True]  # one change: the first
    # The page came back with the case as it now is: submitting again, knowing, goes through.
    with minutes_later(3):
        again = second.post(
            url(case, "deadline"),
            {
                "deadline": SOONER.isoformat(),
                "reason": "提前调解",
                "version": shown_version(second, case),
            },
        )
    assert again.status_code == 302
    assert reload(case).deadline == SOONER


def test_a_page_that_posts_no_version_is_not_held_back(client, city):
    case = accepted_case(city)
    client.force_login(city.community)

    response = client.post(url(case, "deadline"), {"deadline": LATER.isoformat(), "reason": "补"})

    assert response.status_code == 302
    assert reload(case).deadline == LATER
