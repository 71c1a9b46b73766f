"""The inspections' and hazards' timelines in the admin speak the reader's words: the action's
and statuses' labels, never the stored codes (submit, rectifying), and people by their names,
never their usernames; the filters offer the same labels."""

import re

import pytest
from django.urls import reverse

from inspections.models import HazardEvent, InspectionEvent

from .test_admin import check_a, hazard_a  # noqa: F401  (fixtures)


@pytest.fixture
def named(city):
    """The cast with names, as the demo's users have them."""
    for user, name in ((city.manager_a, "钱立新"), (city.street, "韩雪梅")):
        user.first_name = name
        user.save(update_fields=["first_name"])
    return city


def cells(page: str, column: str) -> list[str]:
    """The text of every cell of a column of a change list or read-only inline."""
    found = re.findall(rf'<td class="field-{column}">(.*?)</td>', page, re.S)
    return [re.sub(r"<[^>]*>", "", text).strip() for text in found]


def test_the_inspection_timeline_list_shows_labels_and_names(client, named, check_a):  # noqa: F811
    client.force_login(named.bureau)

    page = client.get(reverse("admin:inspections_inspectionevent_changelist")).content.decode()

    assert cells(page, "action_label") == ["审核通过", "提交", "发起"]
    assert cells(page, "to_label") == ["已通过", "已提交", "草稿"]
    assert cells(page, "actor_name") == ["韩雪梅", "钱立新", "钱立新"]
    for code in ("submit", "approve", "open", "draft", "manager_a"):
        assert f">{code}<" not in page


def test_the_timeline_filters_offer_labels(client, named, check_a):  # noqa: F811
    client.force_login(named.bureau)

    response = client.get(reverse("admin:inspections_inspectionevent_changelist"))
    choices = {
        str(spec.title): [str(c["display"]) for c in spec.choices(response.context["cl"])][1:]
        for spec in response.context["cl"].filter_specs
    }

    assert choices["操作"] == ["发起", "提交", "审核通过", "退回", "重新打开"]
    assert choices["新状态"] == ["草稿", "已提交", "已退回", "已通过"]
    submitted = client.get(
        reverse("admin:inspections_inspectionevent_changelist"), {"to_status": "submitted"}
    )
    assert [e.action for e in submitted.context["cl"].result_list] == ["submit"]


def test_the_hazard_timeline_list_and_page_show_labels_and_names(
    client,
    named,
    hazard_a,  # noqa: F811
):
    client.force_login(named.bureau)
    event = HazardEvent.objects.get(hazard=hazard_a)

    listing = client.get(reverse("admin:inspections_hazardevent_changelist")).content.decode()
    page = client.get(
        reverse("admin:inspections_hazardevent_change", args=[event.pk])
    ).content.decode()
    hazard = client.get(reverse("admin:inspections_hazard_change", args=[hazard_a.pk]))

    assert cells(listing, "action_label") == ["登记隐患"]
    assert cells(listing, "to_label") == ["待整改"]
    assert cells(listing, "actor_name") == ["韩雪梅"]
    assert "登记隐患" in page and "韩雪梅" in page and ">raise<" not in page
    hazard_page = hazard.content.decode()
    assert cells(hazard_page, "action_label") == ["登记隐患"]
    assert cells(hazard_page, "actor_name") == ["韩雪梅"]
    assert " raise" not in hazard_page and ">street<" not in hazard_page


def test_the_inspection_page_shows_its_timeline_in_words(client, named, check_a):  # noqa: F811
    client.force_login(named.street)

    page = client.get(
        reverse("admin:inspections_inspection_change", args=[check_a.pk])
    ).content.decode()

    assert cells(page, "action_label") == ["发起", "提交", "审核通过"]
    assert cells(page, "from_label") == ["—", "草稿", "已提交"]
    assert cells(page, "actor_name") == ["钱立新", "钱立新", "韩雪梅"]
    assert f"{check_a.pk} approve" not in page and f"{check_a.pk} submit" not in page
    assert InspectionEvent.objects.filter(inspection=check_a).count() == 3
