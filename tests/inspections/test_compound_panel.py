"""The compound page's inspections sections (inspections/panel.py): the latest checks, the open
hazards and the key-management history of a hand-built A1, each linking to its list narrowed to
the compound; only what the reader may see, nothing for a role without the view permission, and
a fixed number of queries whatever the compound holds.

Today is Monday 16 November 2026 (fixed). A1 has: self-checks of November (a draft), October
(approved, 92.5 %, 达标) and August (approved, 不达标: older than three months), none in
September; supervisions of September and October (the street's, 80 %, 基本达标); hazards h1 open
past its deadline (overdue), h2 being rectified, h3 rectified awaiting verification, h4 verified,
and four open ones due in December; key management from March to August 2025, and again since
20 October 2026. A2 has a self-check, an overdue hazard and a spell of its own (never shown on
A1's page); B1 (company B) a spell.
"""

import datetime
import re
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from communities.scoping import scope_for
from inspections.models import (
    ChecklistTemplate,
    Hazard,
    HazardCategory,
    HazardStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    KeyManagement,
    Result,
)
from inspections.panel import checks_panel, hazards_panel, key_management_panel

D = datetime.date
TODAY = D(2026, 11, 16)


@pytest.fixture
def today(db):
    moment = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield TODAY


def check(compound, period, status=InspectionStatus.DRAFT, *, kind=None, score=None, result=""):
    return Inspection.objects.create(
        compound=compound,
        template=ChecklistTemplate.objects.current(),
        period=period,
        kind=kind or InspectionKind.SELF_CHECK,
        status=status,
        score=score,
        result=result,
    )


def hazard(compound, deadline, status=HazardStatus.OPEN, category=HazardCategory.FIRE):
    return Hazard.objects.create(
        compound=compound,
        source="other",
        category=category,
        description="消防通道堆物",
        responsible_party="甲物业公司",
        deadline=deadline,
        status=status,
    )


def spell(compound, started_on, reason, ended_on=None, end_reason=""):
    return KeyManagement.objects.create(
        compound=compound,
        started_on=started_on,
        start_reason=reason,
        ended_on=ended_on,
        end_reason=end_reason,
    )


@pytest.fixture
def a1(city, today):
    a1, a2 = city.compounds["A1"], city.compounds["A2"]
    rows = {
        "nov": check(a1, D(2026, 11, 1)),
        "oct": check(
            a1, D(2026, 10, 1), InspectionStatus.APPROVED, score=Decimal("92.5"), result=Result.PASS
        ),
        "aug": check(a1, D(2026, 8, 1), InspectionStatus.APPROVED, score=50, result=Result.FAIL),
        "sep_supervision": check(
            a1, D(2026, 9, 1), InspectionStatus.APPROVED, kind=InspectionKind.SUPERVISION
        ),
        "supervision": check(
            a1,
            D(2026, 10, 1),
            InspectionStatus.APPROVED,
            kind=InspectionKind.SUPERVISION,
            score=80,
            result=Result.BASIC,
        ),
        "a2": check(a2, D(2026, 11, 1)),
        "h1": hazard(a1, D(2026, 11, 10)),
        "h2": hazard(a1, D(2026, 11, 20), HazardStatus.RECTIFYING, HazardCategory.ELECTRICAL),
        "h3": hazard(a1, D(2026, 11, 1), HazardStatus.RECTIFIED),
        "h4": hazard(a1, D(2026, 10, 1), HazardStatus.VERIFIED),
        "december": [hazard(a1, D(2026, 12, day)) for day in (1, 2, 3, 4)],
        "a2_hazard": hazard(a2, D(2026, 11, 1)),
        "old_spell": spell(a1, D(2025, 3, 1), "连续两个月不达标", D(2025, 8, 1), "连续三个月达标"),
        "spell": spell(a1, D(2026, 10, 20), "隐患逾期未整改"),
        "a2_spell": spell(a2, D(2026, 9, 1), "甲二抽查"),
        "b1_spell": spell(city.compounds["B1"], D(2026, 9, 1), "乙一抽查"),
    }
    Inspection.objects.filter(pk=rows["supervision"].pk).update(organisation=city.org.street)
    return rows


def page(client, user, code="A1"):
    client.force_login(user)
    return client.get(reverse("communities:compound_detail", args=[code]))


def section(html: str, name: str) -> str:
    found = re.search(rf'<section[^>]*data-panel="{name}".*?</section>', html, re.S)
    assert found, f"no {name} section"
    return found.group(0)


def url(name: str, **query) -> str:
    return f"{reverse(name)}?{urlencode(query)}".replace("&", "&amp;")


def test_the_checks_section_shows_the_last_three_months_and_the_latest_supervision(
    client, city, a1
):
    html = section(page(client, city.street).content.decode(), "checks")
    months = re.findall(r'data-month="([0-9-]+)"(?: data-status="(\w+)")?', html)
    assert months == [("2026-11", "draft"), ("2026-10", "approved"), ("2026-09", "")]
    assert "2026-08" not in html  # older than three months
    october = re.search(r'data-month="2026-10".*?</li>', html, re.S).group(0)
    assert 'data-result="pass"' in october and "92.5%" in october
    assert reverse("inspections:inspection_detail", args=[a1["oct"].pk]) in october
    latest = re.search(r'data-testid="latest-supervision".*?</p>', html, re.S).group(0)
    assert reverse("inspections:inspection_detail", args=[a1["supervision"].pk]) in latest
    assert "2026-10" in latest and "和平街道办事处" in latest and "80%" in latest
    a1_pk = city.compounds["A1"].pk
    assert url("inspections:check_list", list="all", compound=a1_pk) in html
    assert url("inspections:check_list", list="supervision", compound=a1_pk) in html


def test_a_company_links_to_its_list_of_past_checks(client, city, a1):
    html = section(page(client, city.manager_a).content.decode(), "checks")
    pk = city.compounds["A1"].pk
    assert url("inspections:check_list", list="history", compound=pk) in html
    assert 'data-testid="compound-supervisions"' not in html  # no such list for a company


def test_the_hazards_section_counts_the_open_ones_and_lists_the_nearest_deadlines(client, city, a1):
    html = section(page(client, city.manager_a).content.decode(), "hazards")
    figures = dict(re.findall(r'data-figure="(hazards_\w+)">(?:<a[^>]*>)?(\d+)', html))
    assert figures == {"hazards_unverified": "7", "hazards_overdue": "1", "hazards_awaiting": "1"}
    listed = [int(pk) for pk in re.findall(r'data-hazard="(\d+)"', html)]
    december = a1["december"]
    assert listed == [a1["h3"].pk, a1["h1"].pk, a1["h2"].pk, december[0].pk, december[1].pk]
    overdue_row = re.search(rf'data-hazard="{a1["h1"].pk}".*?</li>', html, re.S).group(0)
    assert 'data-testid="overdue"' in overdue_row
    pk = city.compounds["A1"].pk
    assert url("inspections:hazard_list", compound=pk, status="unverified") in html
    assert url("inspections:hazard_list", compound=pk, overdue="on") in html
    assert url("inspections:hazard_list", compound=pk) in html


def test_the_hazard_list_link_shows_the_panels_hazards(client, city, a1):
    client.force_login(city.manager_a)
    pk = city.compounds["A1"].pk
    response = client.get(
        reverse("inspections:hazard_list"), {"compound": pk, "status": "unverified"}
    )
    assert {h.pk for h in response.context["hazards"]} == {
        a1["h1"].pk,
        a1["h2"].pk,
        a1["h3"].pk,
        *(h.pk for h in a1["december"]),
    }


def test_the_key_management_section_lists_the_spells_with_their_reasons(client, city, a1):
    html = section(page(client, city.street).content.decode(), "key-management")
    assert 'data-testid="km-active"' in html
    spells = [int(pk) for pk in re.findall(r'data-spell="(\d+)"', html)]
    assert spells == [a1["spell"].pk, a1["old_spell"].pk]
    assert "2025-03-01 – 2025-08-01" in html and "连续三个月达标" in html
    assert "隐患逾期未整改" in html and "甲二抽查" not in html
    link = url("inspections:key_management_list", compound=city.compounds["A1"].pk)
    assert link in html


def test_the_key_management_page_narrowed_to_a_compound_shows_its_spells_only(client, city, a1):
    client.force_login(city.street)
    listing = reverse("inspections:key_management_list")
    narrowed = client.get(listing, {"compound": city.compounds["A1"].pk})
    assert [s.pk for s in narrowed.context["page"].object_list] == [
        a1["spell"].pk,
        a1["old_spell"].pk,
    ]
    assert [s.pk for s in narrowed.context["current"]] == [a1["spell"].pk]
    assert 'data-testid="km-compound"' in narrowed.content.decode()
    # Another company's compound narrows nothing: the company sees its own spells, no more.
    client.force_login(city.manager_b)
    theirs = client.get(listing, {"compound": city.compounds["A1"].pk})
    assert theirs.context["compound"] is None
    assert {s.compound.code for s in theirs.context["page"].object_list} == {"B1"}


def test_another_companys_manager_gets_404(client, city, a1):
    response = page(client, city.manager_b)
    assert response.status_code == 404
    assert "消防通道堆物" not in response.content.decode()


def test_a_role_without_the_view_permission_gets_no_section(client, city, a1):
    group = Group.objects.get(name="role:company:admin")
    group.permissions.remove(
        Permission.objects.get(content_type__app_label="inspections", codename="view_hazard")
    )
    html = page(client, city.manager_a).content.decode()
    assert 'data-panel="hazards"' not in html and "data-hazard=" not in html
    assert 'data-panel="checks"' in html and 'data-panel="key-management"' in html


def test_the_sections_read_a_fixed_number_of_queries(city, a1, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = city.street
    # The page has read the user's permissions and scope already.
    request.user.has_perm("inspections.view_inspection")
    scope_for(request.user)
    compound = city.compounds["A1"]
    pinned = {checks_panel: 2, hazards_panel: 2, key_management_panel: 1}

    def read():
        for panel, count in pinned.items():
            with django_assert_num_queries(count):
                panel(request, compound)

    read()
    for month in (1, 2, 3, 4, 5, 6):
        check(compound, D(2026, month, 1), InspectionStatus.APPROVED, result=Result.PASS)
        check(compound, D(2026, month, 1), kind=InspectionKind.SUPERVISION)
        hazard(compound, D(2026, 12, 10 + month))
        spell(compound, D(2024, month, 1), "抽查", D(2024, month, 20), "好转")
    read()
    assert len(key_management_panel(request, compound)["spells"]) == 5
    assert key_management_panel(request, compound)["more"] is True
