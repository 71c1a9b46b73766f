"""Input the probe got accepted (issue 10): a count of -1 for LH-3d, a hazard deadline of
9999-12-31, and an admin month filter read with a bare ``int()``. Each is refused with its
message (in the site's language), nothing is written, and nothing answers 500."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from communities.workflow import MSG_DEADLINE_RANGE, WorkflowError
from inspections import errors as e
from inspections import services
from inspections.models import ANSWER_COUNT_MAX, MSG_COUNT_RANGE, Answer, ChecklistItem, Hazard

from .conftest import PERIOD, fill_check

HTMX = {"HTTP_HX_REQUEST": "true"}
BAD_COUNTS = ["-1", "-0.5", "2.5", str(ANSWER_COUNT_MAX + 1), "99999999", "1e400"]


def shown(message) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def count_refusal() -> str:
    return shown(MSG_COUNT_RANGE % {"max": ANSWER_COUNT_MAX})


def ahead(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def range_message(first: datetime.date, max_days: int) -> str:
    last = timezone.localdate() + datetime.timedelta(days=max_days)
    return str(
        MSG_DEADLINE_RANGE
        % {"days": max_days, "first": first.isoformat(), "last": last.isoformat()}
    )


def range_refusal(first: datetime.date, max_days: int) -> str:
    """The refusal as the pages show it."""
    with translation.override(settings.LANGUAGE_CODE):
        return range_message(first, max_days)


@pytest.fixture
def check(city, template):
    return services.inspection_open(compound=city.compounds["A1"], period=PERIOD, actor=None)


@pytest.fixture
def lh3d(check) -> Answer:
    return check.answers.select_related("item").get(item__code="LH-3d")


# LH-3d: a count ----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", BAD_COUNTS)
def test_the_page_refuses_a_count_that_is_not_one_and_keeps_the_answer(client, city, lh3d, typed):
    client.force_login(city.manager_a)
    response = client.post(
        reverse("inspections:answer_save", args=[lh3d.pk]), {f"a{lh3d.pk}-value": typed}
    )
    assert response.status_code == 200
    assert count_refusal() in response.content.decode()
    lh3d.refresh_from_db()
    assert lh3d.value_number is None


def test_htmx_saving_shows_the_same_refusal(client, city, lh3d):
    client.force_login(city.manager_a)
    response = client.post(
        reverse("inspections:answer_save", args=[lh3d.pk]), {f"a{lh3d.pk}-value": "-1"}, **HTMX
    )
    assert response.status_code == 200
    assert count_refusal() in response.content.decode()
    assert Answer.objects.get(pk=lh3d.pk).value_number is None


def test_the_input_tells_the_browser_the_range(client, city, check, lh3d):
    client.force_login(city.manager_a)
    html = client.get(reverse("inspections:inspection_detail", args=[check.pk])).content.decode()
    name = f'name="a{lh3d.pk}-value"'
    tag = next(t for t in html.split("<input") if name in t)
    assert 'min="0"' in tag and f'max="{ANSWER_COUNT_MAX}"' in tag


@pytest.mark.parametrize("value", [-1, "-1", ANSWER_COUNT_MAX + 1, "2.5", "NaN", "Infinity"])
def test_the_service_refuses_a_count_that_is_not_one(city, lh3d, value):
    with pytest.raises(WorkflowError) as refused:
        services.answer_save(answer=lh3d, actor=city.manager_a, value_number=value)
    assert refused.value.message == str(MSG_COUNT_RANGE % {"max": ANSWER_COUNT_MAX})
    assert Answer.objects.get(pk=lh3d.pk).value_number is None


def test_zero_and_the_largest_count_are_taken(city, lh3d):
    services.answer_save(answer=lh3d, actor=city.manager_a, value_number="0")
    assert Answer.objects.get(pk=lh3d.pk).value_number == 0
    services.answer_save(answer=lh3d, actor=city.manager_a, value_number=ANSWER_COUNT_MAX)
    assert Answer.objects.get(pk=lh3d.pk).value_number == ANSWER_COUNT_MAX


def test_the_model_and_the_database_refuse_a_negative_count(city, lh3d):
    lh3d.value_number = -1
    with pytest.raises(ValidationError) as refused:
        lh3d.full_clean()
    assert refused.value.message_dict["value_number"] == [
        str(MSG_COUNT_RANGE % {"max": ANSWER_COUNT_MAX})
    ]
    for impossible in (-1, ANSWER_COUNT_MAX + 1):
        with pytest.raises(IntegrityError), transaction.atomic():
            Answer.objects.filter(pk=lh3d.pk).update(value_number=impossible)
    assert Answer.objects.get(pk=lh3d.pk).value_number is None


def test_a_template_item_cannot_fail_above_a_negative_count(template):
    item = ChecklistItem.objects.filter(section__template=template).get(code="LH-3d")
    item.fail_above = -1
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "fail_above" in refused.value.message_dict


def test_a_template_item_cannot_weigh_negative_points(template):
    item = ChecklistItem.objects.filter(section__template=template).get(code="LH-3d")
    item.points = -5
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "points" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistItem.objects.filter(pk=item.pk).update(points=-5)
    assert ChecklistItem.objects.get(pk=item.pk).points >= 0


def test_a_filled_check_with_a_count_still_scores(city, check):
    # The bound does not disturb the rule: one serious case fails LH-3d (a 否决项).
    filled = fill_check(check, city.manager_a, overrides={"LH-3d": 1})
    assert Answer.objects.get(inspection=filled, item__code="LH-3d").value_number == 1
    assert filled.result == "fail"


# Hazard deadlines -------------------------------------------------------------------------------


def raise_form(city, deadline: str) -> dict:
    return {
        "compound": city.compounds["A1"].pk,
        "category": "fire",
        "severity": "high",
        "description": "楼道堆放电动车电池",
        "responsible_party": "",
        "deadline": deadline,
    }


@pytest.mark.parametrize("days", [settings.HAZARD_DEADLINE_MAX_DAYS + 1, 3000])
def test_a_hazard_deadline_too_far_ahead_is_refused_naming_the_days_allowed(client, city, days):
    client.force_login(city.street)
    response = client.post(
        reverse("inspections:hazard_new"), raise_form(city, ahead(days).isoformat())
    )
    assert response.status_code == 200
    refusal = range_refusal(timezone.localdate(), settings.HAZARD_DEADLINE_MAX_DAYS)
    assert response.context["form"].errors["deadline"] == [refusal]
    assert refusal in response.content.decode()
    assert not Hazard.objects.exists()


def test_9999_12_31_is_refused_too(client, city):
    client.force_login(city.street)
    response = client.post(reverse("inspections:hazard_new"), raise_form(city, "9999-12-31"))
    assert response.status_code == 200
    assert "deadline" in response.context["form"].errors
    assert not Hazard.objects.exists()


def test_the_date_picker_offers_only_the_days_allowed(client, city):
    client.force_login(city.street)
    html = client.get(reverse("inspections:hazard_new")).content.decode()
    tag = next(t for t in html.split("<input") if 'name="deadline"' in t)
    last = ahead(settings.HAZARD_DEADLINE_MAX_DAYS)
    assert f'min="{timezone.localdate().isoformat()}"' in tag
    assert f'max="{last.isoformat()}"' in tag


def test_the_service_takes_the_last_day_and_refuses_the_next(city):
    limit = settings.HAZARD_DEADLINE_MAX_DAYS
    values = {"category": "fire", "description": "电线私拉", "responsible_party": "甲物业公司"}
    compound = city.compounds["A1"]
    with pytest.raises(WorkflowError) as refused:
        services.hazard_raise(
            compound=compound, actor=city.street, deadline=ahead(limit + 1), **values
        )
    assert refused.value.message == range_message(timezone.localdate(), limit)
    assert not Hazard.objects.exists()
    hazard = services.hazard_raise(
        compound=compound, actor=city.street, deadline=ahead(limit), **values
    )
    assert hazard.deadline == ahead(limit)


def test_a_rejection_cannot_set_a_new_deadline_years_away(client, city):
    hazard = services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="消防通道堆放杂物",
        responsible_party="甲物业公司",
        deadline=ahead(10),
    )
    services.hazard_rectify(hazard=hazard, actor=city.manager_a, note="已清理")
    client.force_login(city.street)
    response = client.post(
        reverse("inspections:hazard_reject", args=[hazard.pk]),
        {"reason": "仍有杂物", "deadline": "9999-12-31"},
    )
    assert response.status_code == 200
    assert "deadline" in response.context["action_forms"]["reject"].errors
    hazard.refresh_from_db()
    assert (hazard.status, hazard.deadline) == ("rectified", ahead(10))
    with pytest.raises(WorkflowError) as refused:
        services.hazard_reject(
            hazard=hazard,
            actor=city.street,
            reason="仍有杂物",
            deadline=ahead(settings.HAZARD_DEADLINE_MAX_DAYS + 1),
        )
    assert refused.value.message == range_message(ahead(1), settings.HAZARD_DEADLINE_MAX_DAYS)
    with pytest.raises(WorkflowError) as refused:
        services.hazard_reject(
            hazard=hazard, actor=city.street, reason="仍有杂物", deadline=timezone.localdate()
        )
    assert refused.value.message == e.MSG_DEADLINE_PAST
    assert Hazard.objects.get(pk=hazard.pk).status == "rectified"


# The admin's month filter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "month",
    [
        "abc",
        "99999999999999999999",
        "2026-99999999999999999999",
        "99999999999999999999-10",
        "2026-13",
        "0000-10",
        "２０２６-１０",  # full-width digits: int() read them as 2026-10
        "٢٠٢٦-١٠",  # Arabic-Indic digits
        " 2026-10",
        "2026-10-01",
        "2026-1",
        "9999-12",  # no next month: its end overflowed a date
        "0001-01",  # its Shanghai midnight is before the first day in UTC
    ],
)
@pytest.mark.parametrize("changelist", ["inspections_inspection", "patrols_patrollog"])
def test_a_month_that_is_not_one_is_the_admins_incorrect_lookup(city, check, month, changelist):
    """The self-checks' and the patrol logs' month filters (``communities.admin.month_filter``;
    a filter offers its months, and so reads its value, once there is a row)."""
    from tests.patrols.team_fixtures import log_patrol, make_teams

    log_patrol(make_teams(city).guards, city.manager_a)
    client = Client(raise_request_exception=False)
    client.force_login(city.bureau)
    changelist = reverse(f"admin:{changelist}_changelist")
    response = client.get(changelist, {"month": month})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
    assert client.get(response["Location"]).status_code == 200


def test_a_real_month_still_filters(city, check):
    client = Client()
    client.force_login(city.bureau)
    changelist = reverse("admin:inspections_inspection_changelist")
    assert client.get(changelist, {"month": "2026-10"}).context["cl"].result_count == 1
    assert client.get(changelist, {"month": "2026-09"}).context["cl"].result_count == 0
