"""A street's officers patrol two companies' compounds (A1 of company A, B2 of company B): a
patrol of A1 alone, and what it found, is no business of company B — not on its pages, in its
figures or in its export — while a patrol through both shows B only its own compound."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from patrols import services_patrols as sp
from patrols.models import PatrolFinding, PatrolLog

from .team_fixtures import make_teams

pytestmark = pytest.mark.django_db

FOUND_A1 = "甲一小区东门监控损坏"
FOUND_B2 = "乙二小区车棚电线老化"


@pytest.fixture
def patrols(city):
    teams = make_teams(city)
    end = timezone.now() - datetime.timedelta(hours=1)
    only_a1 = sp.patrol_log(
        team=teams.officers,
        actor=city.street,
        started_at=end - datetime.timedelta(hours=2),
        ended_at=end,
        compounds=[city.compounds["A1"]],
        route="A1 only",
    )
    sp.finding_add(
        log=only_a1, actor=city.street, compound=city.compounds["A1"], description=FOUND_A1
    )
    both = sp.patrol_log(
        team=teams.officers,
        actor=city.street,
        started_at=end - datetime.timedelta(hours=5),
        ended_at=end - datetime.timedelta(hours=4),
        compounds=[city.compounds["A1"], city.compounds["B2"]],
        route="A1 and B2",
    )
    sp.finding_add(
        log=both, actor=city.street, compound=city.compounds["A1"], description=FOUND_A1 + "（二）"
    )
    sp.finding_add(log=both, actor=city.street, compound=city.compounds["B2"], description=FOUND_B2)
    return {"only_a1": only_a1, "both": both}


def test_the_other_company_sees_neither_the_log_nor_its_finding(client, city, patrols):
    assert (
        not PatrolLog.objects.visible_to(city.manager_b).filter(pk=patrols["only_a1"].pk).exists()
    )
    assert set(
        PatrolFinding.objects.visible_to(city.manager_b).values_list("description", flat=True)
    ) == {FOUND_B2}
    client.force_login(city.manager_b)
    assert (
        client.get(reverse("patrols:patrol_detail", args=[patrols["only_a1"].pk])).status_code
        == 404
    )
    listing = client.get(reverse("patrols:patrol_list") + "?by=compound").content.decode()
    assert "A1 only" not in listing and "甲一小区" not in listing


def test_a_log_through_both_compounds_shows_the_other_company_only_its_own(client, city, patrols):
    client.force_login(city.manager_b)
    body = client.get(reverse("patrols:patrol_detail", args=[patrols["both"].pk])).content.decode()
    assert FOUND_B2 in body
    assert FOUND_A1 not in body and "甲一小区" not in body


def test_company_a_and_the_street_see_both_logs(client, city, patrols):
    for user in (city.manager_a, city.street):
        assert PatrolLog.objects.visible_to(user).count() == 2
    client.force_login(city.manager_a)
    body = client.get(
        reverse("patrols:patrol_detail", args=[patrols["only_a1"].pk])
    ).content.decode()
    assert FOUND_A1 in body


def test_the_other_companys_export_holds_only_its_own(client, city, patrols):
    client.force_login(city.manager_b)
    response = client.post(reverse("patrols:patrol_export"))
    assert response.status_code == 200, response.content[:200]
    book = load_workbook(io.BytesIO(response.content))
    text = "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell
    )
    assert FOUND_B2 in text
    assert FOUND_A1 not in text and "A1 only" not in text and "甲一小区" not in text
