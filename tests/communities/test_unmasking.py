"""Personal data in full only for a stated reason, and not too often (issue 10; PIPL arts. 6,
10): a role allowed to see it sees it masked until it says why, the reason is audited, holds
for PERSONAL_DATA_REASON_MINUTES, and an hour's allowance of pages masks it again."""

import datetime

import openpyxl
import pytest
import time_machine
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from communities import audit
from communities.models import ExportJob

REASON = reverse("communities:personal_data_reason")


@pytest.fixture(autouse=True)
def reason_required(settings):
    settings.PERSONAL_DATA_REASON_REQUIRED = True
    settings.PERSONAL_DATA_REASON_MINUTES = 10
    settings.PERSONAL_DATA_VIEWS_PER_HOUR = 3


def events(event):
    return LogEntry.objects.filter(additional_data__event=event).order_by("pk")


def household_page(household):
    return reverse("admin:communities_household_change", args=[household.pk])


def state_reason(client, next_url="", note="核对 A1 小区住户登记"):
    return client.post(REASON, {"purpose": "register", "note": note, "next": next_url})


def test_a_role_allowed_to_see_it_sees_it_masked_until_it_states_a_reason(client, city):
    household = city.households["A1"]
    client.force_login(city.community)

    masked = client.get(household_page(household)).content.decode()
    answer = state_reason(client, household_page(household))
    shown = client.get(household_page(household)).content.decode()

    assert household.head_id_number not in masked and household.head_phone not in masked
    assert 'data-testid="personal-data-gate"' in masked and REASON in masked
    assert answer.status_code == 302 and answer["Location"] == household_page(household)
    assert household.head_id_number in shown and 'data-testid="personal-data-gate"' not in shown
    stated = events(audit.PERSONAL_DATA_REASON).get()
    assert stated.actor == city.community
    assert (stated.additional_data["purpose"], stated.additional_data["note"]) == (
        "register",
        "核对 A1 小区住户登记",
    )
    assert [e.object_pk for e in events(audit.PERSONAL_DATA_VIEW)] == [str(household.pk)]


def test_a_reason_without_a_note_is_refused_and_keeps_what_was_typed(client, city):
    client.force_login(city.community)

    answer = client.post(REASON, {"purpose": "dispute", "note": ""})

    assert answer.status_code == 200
    assert answer.context["form"].errors["note"]
    assert 'value="dispute" selected' in answer.content.decode()
    assert not events(audit.PERSONAL_DATA_REASON).exists()
    page = client.get(household_page(city.households["A1"])).content.decode()
    assert city.households["A1"].head_id_number not in page


def test_the_reason_holds_for_the_set_minutes_only(client, city):
    household = city.households["A1"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(city.community)
        state_reason(client)
    with time_machine.travel(start + datetime.timedelta(minutes=9), tick=False):
        within = client.get(household_page(household)).content.decode()
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        after = client.get(household_page(household)).content.decode()

    assert household.head_id_number in within
    assert household.head_id_number not in after


def test_after_the_hours_allowance_it_is_masked_again(client, city):
    household = city.households["A1"]
    client.force_login(city.community)
    state_reason(client)

    pages = [client.get(household_page(household)).content.decode() for _ in range(4)]

    assert [household.head_id_number in page for page in pages] == [True, True, True, False]
    assert "within the hour" in pages[3] or "1 小时" in pages[3] or "一小时" in pages[3]
    assert events(audit.PERSONAL_DATA_VIEW).count() == 3


def test_the_reason_page_sends_nowhere_off_the_site(client, city):
    client.force_login(city.community)

    answer = state_reason(client, "https://evil.example/steal")

    assert answer["Location"] == reverse("communities:home")


def test_a_role_without_the_permission_has_no_reason_to_state(client, city):
    client.force_login(city.manager_a)  # a property company: masked, whatever it states

    page = client.get(household_page(city.households["A1"])).content.decode()

    assert client.get(REASON).status_code == 403
    assert 'data-testid="personal-data-gate"' not in page


def test_dispute_parties_too_are_masked_until_a_reason_is_stated(client, city):
    from tests.disputes.conftest import register

    case = register(city, city.community)  # A1: 王小明 with a phone, a respondent
    url = reverse("disputes:case_detail", args=[case.pk])
    client.force_login(city.community)

    masked = client.get(url).content.decode()
    state_reason(client, url)
    shown = client.get(url).content.decode()

    assert "13812345678" not in masked and "王小明" not in masked
    assert "13812345678" in shown and "王小明" in shown


@pytest.mark.parametrize("stated", [False, True])
def test_a_background_export_keeps_what_its_request_decided(
    client, city, settings, django_capture_on_commit_callbacks, stated
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    household = city.households["A1"]
    client.force_login(city.community)
    if stated:
        state_reason(client)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("communities:export_begin", args=["communities.household"]))

    job = ExportJob.objects.get()
    book = openpyxl.load_workbook(job.file.path)
    cells = {str(c) for row in book.worksheets[1].iter_rows(values_only=True) for c in row}
    assert job.params["personal_data_in_full"] is stated
    assert (household.head_phone in cells) is stated
    assert events(audit.EXPORT).get().additional_data["personal_data_in_full"] is stated


def test_a_page_that_masks_nothing_shows_no_banner(client, city):
    client.force_login(city.community)

    home = client.get(reverse("communities:home")).content.decode()

    assert 'data-testid="personal-data-gate"' not in home
