"""A dispute's deadline (时限) a user sets, accepting a case or moving its deadline, lies between
today and ``DISPUTE_DEADLINE_MAX_DAYS`` ahead (the probe set 9999-12-31, issue 10): refused with
the days allowed, in the site's language, on the field; nothing is written. The holiday table's
year filter and the register page's compound read request input as ASCII digits only."""

import datetime

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from communities.workflow import MSG_DEADLINE_RANGE, WorkflowError
from disputes import errors as e
from disputes import importing, services
from disputes import resources as r
from disputes.models import CaseEvent, DisputeCase, Status

from .conftest import TODAY, accept, register
from .test_import import ledger, row, upload

pytestmark = pytest.mark.usefixtures("today")
MAX_DAYS = settings.DISPUTE_DEADLINE_MAX_DAYS
LAST = TODAY + datetime.timedelta(days=MAX_DAYS)


def range_message(max_days: int = MAX_DAYS) -> str:
    last = TODAY + datetime.timedelta(days=max_days)
    return str(
        MSG_DEADLINE_RANGE
        % {"days": max_days, "first": TODAY.isoformat(), "last": last.isoformat()}
    )


def shown(text_of) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return text_of()


def url(case, action: str) -> str:
    return reverse(f"disputes:case_{action}", args=[case.pk])


def form_of(response, action: str):
    for shown_form in response.context["action_forms"]:
        if shown_form["name"] == action:
            return shown_form["form"]
    raise AssertionError(f"no {action} form on the page")


def events(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))


def accept_form(city, deadline: str) -> dict:
    return {
        "leader": city.community.pk,
        "handler": city.community.pk,
        "plan": "约双方周三到居委会调解",
        "deadline": deadline,
    }


def accepted(city) -> DisputeCase:
    return accept(register(city), city.community)


@pytest.mark.parametrize("typed", ["9999-12-31", (LAST + datetime.timedelta(days=1)).isoformat()])
def test_accepting_with_a_deadline_too_far_is_refused_on_the_field(client, city, typed):
    case = register(city)
    client.force_login(city.community)
    response = client.post(url(case, "accept"), accept_form(city, typed))
    assert response.status_code == 200
    refusal = shown(range_message)
    assert form_of(response, "accept").errors["deadline"] == [refusal]
    assert refusal in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.REGISTERED
    assert events(case) == ["register"]


def test_the_last_day_allowed_is_taken(client, city):
    case = register(city)
    client.force_login(city.community)
    response = client.post(url(case, "accept"), accept_form(city, LAST.isoformat()))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.deadline) == (Status.ACCEPTED, LAST)


def test_moving_the_deadline_to_9999_is_refused_and_nothing_changes(client, city):
    case = accepted(city)
    before, steps = case.deadline, events(case)
    client.force_login(city.community)
    response = client.post(url(case, "deadline"), {"deadline": "9999-12-31", "reason": "延期"})
    assert response.status_code == 200
    assert form_of(response, "deadline").errors["deadline"] == [shown(range_message)]
    assert "延期" in response.content.decode()  # what was typed stays
    case.refresh_from_db()
    assert case.deadline == before
    assert events(case) == steps


def test_the_services_refuse_too_far_and_the_past(city):
    case = accepted(city)
    too_far = LAST + datetime.timedelta(days=1)
    with pytest.raises(WorkflowError) as refused:
        services.case_set_deadline(case=case, actor=city.community, deadline=too_far, reason="x")
    assert refused.value.message == range_message()
    yesterday = TODAY - datetime.timedelta(days=1)
    with pytest.raises(WorkflowError) as refused:
        services.case_set_deadline(case=case, actor=city.community, deadline=yesterday, reason="x")
    assert refused.value.message == e.MSG_DEADLINE_PAST
    assert DisputeCase.objects.get(pk=case.pk).deadline == case.deadline
    moved = services.case_set_deadline(case=case, actor=city.community, deadline=LAST, reason="x")
    assert moved.deadline == LAST


@override_settings(DISPUTE_DEADLINE_MAX_DAYS=30)
def test_the_setting_decides_how_far(city):
    case = accepted(city)
    with pytest.raises(WorkflowError) as refused:
        services.case_set_deadline(
            case=case,
            actor=city.community,
            deadline=TODAY + datetime.timedelta(days=31),
            reason="x",
        )
    assert refused.value.message == range_message(30)


def test_the_date_picker_offers_only_the_days_allowed(client, city):
    case = accepted(city)
    client.force_login(city.community)
    html = client.get(reverse("disputes:case_detail", args=[case.pk])).content.decode()
    tag = next(t for t in html.split("<input") if 'id="id_deadline_deadline"' in t)
    assert f'min="{TODAY.isoformat()}"' in tag
    assert f'max="{LAST.isoformat()}"' in tag


# Request input read as ASCII digits ------------------------------------------------------------


@pytest.mark.parametrize("year", ["99999", "99999999999999999999", "٢٠٢٦", "２０２６", "0", "-1"])
def test_the_holiday_years_filter_refuses_a_year_no_date_has(city, year):
    client = Client(raise_request_exception=False)
    client.force_login(city.bureau)
    changelist = reverse("admin:disputes_calendarday_changelist")
    response = client.get(changelist, {"year": year})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("year", ["2026", "all", "current"])
def test_the_holiday_years_filter_still_works(city, year):
    client = Client()
    client.force_login(city.bureau)
    response = client.get(reverse("admin:disputes_calendarday_changelist"), {"year": year})
    assert response.status_code == 200


def test_the_register_page_preselects_a_compound_by_ascii_digits_only(client, city):
    client.force_login(city.community)
    pk = city.compounds["A1"].pk
    page = reverse("disputes:case_register")
    assert client.get(page, {"compound": str(pk)}).context["form"].initial["compound"] == pk
    fullwidth = str(pk).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for wanted in (fullwidth, "99999999999999999999", "abc"):
        response = client.get(page, {"compound": wanted})
        assert response.status_code == 200
        assert "compound" not in response.context["form"].initial


# The screening ledger's dates -------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "1999-12-31"])
def test_a_ledger_row_dated_before_2000_is_refused_naming_the_range(city, settings, tmp_path, day):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    client = Client(raise_request_exception=False)  # 0001-01-01 was a 500
    client.force_login(city.bureau)
    preview = upload(client, ledger([row("A1", REGISTERED_ON=day)]))
    assert preview.status_code == 200
    span = {"first": "2000-01-01", "last": TODAY.isoformat()}
    with translation.override(settings.LANGUAGE_CODE):
        expected = str(importing.MSG_DATE_RANGE % span)
    assert any(
        r.REGISTERED_ON in line and expected in line for line in preview.context["errors"]
    ), preview.context["errors"]
    assert not DisputeCase.objects.exists()


def test_a_ledger_row_dated_in_2000_is_taken(city, settings, tmp_path):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    client = Client()
    client.force_login(city.bureau)
    preview = upload(client, ledger([row("A1", REGISTERED_ON="2000-01-01")]))
    assert preview.status_code == 200
    assert not preview.context.get("errors")
