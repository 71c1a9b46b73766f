"""The check lists of each role (to do, returned, overdue, history; waiting for review,
supervision), their filters and pages, opening a check by hand, and the pinned query count."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services
from inspections.models import Inspection, InspectionKind
from inspections.views import checks as views
from tests import factories as f
from tests.conftest import EXPECTED_COMPOUNDS

from .conftest import fill_check

OCT, SEP = datetime.date(2026, 10, 1), datetime.date(2026, 9, 1)
AFTER_DUE = datetime.datetime(2026, 10, 20, 4, 0, tzinfo=datetime.UTC)  # due day is the 10th
BEFORE_DUE = datetime.datetime(2026, 10, 5, 4, 0, tzinfo=datetime.UTC)
LIST = reverse("inspections:check_list")

# Pinned: session, user, scope, savepoints (2), permissions (1), the bell, then the page's
# own reads: the compound filter's choices, the rows (their count is the tab's), the counts of
# every list (kept until a check changes: inspections.list_figures.tab_counts), the compounds
# still without a check (count and rows), the compounds of the open-by-hand form, the failed
# 否决项 of the rows on the page.
PINNED_LIST = 15


def login(client, user):
    client.force_login(user)
    return client


def rows(response) -> set[tuple[str, str, str]]:
    """(compound code, month, kind) of each listed check."""
    html = response.content.decode()
    found = set()
    for pk in re.findall(r'class="check-row" data-id="(\d+)"', html):
        check = Inspection.objects.select_related("compound").get(pk=pk)
        found.add((check.compound.code, f"{check.period:%m}", check.kind))
    return found


def tab_counts(response) -> dict[str, int]:
    return {key: count for key, _label, count in response.context["tabs"]}


def not_opened(response) -> set[str]:
    return set(
        re.findall(r'class="not-opened__row" data-compound="([^"]+)"', response.content.decode())
    )


def _check(code, period, manager, status="draft"):
    check = services.inspection_open(compound=code, period=period, actor=None)
    if status == "draft":
        return check
    fill_check(check, manager)
    check = services.inspection_submit(inspection=check, actor=manager)
    return check


@pytest.fixture
def checks(city, template):
    """Company A: A1 October draft, A1 September returned, A2 October submitted, A2 September
    approved. Company B: B1 October draft. Street 1: a supervision of A1 in October."""
    c, a, b = city.compounds, city.manager_a, city.manager_b
    made = {
        "A1-10": _check(c["A1"], OCT, a),
        "A1-09": _check(c["A1"], SEP, a, "submitted"),
        "A2-10": _check(c["A2"], OCT, a, "submitted"),
        "A2-09": _check(c["A2"], SEP, a, "submitted"),
        "B1-10": _check(c["B1"], OCT, b),
    }
    lh2 = made["A1-09"].answers.get(item__code="LH-2")
    services.inspection_return(
        inspection=made["A1-09"], actor=city.street, item_comments={lh2.pk: "补"}
    )
    services.inspection_approve(inspection=made["A2-09"], actor=city.street)
    made["sup"] = services.supervision_open(compound=c["A1"], period=OCT, actor=city.street)
    return made


SELF = InspectionKind.SELF_CHECK
SUP = InspectionKind.SUPERVISION


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("todo", {("A1", "10", SELF)}),
        ("returned", {("A1", "09", SELF)}),
        ("overdue", {("A1", "10", SELF), ("A1", "09", SELF)}),
        ("history", {("A2", "10", SELF), ("A2", "09", SELF)}),
    ],
)
def test_the_manager_sees_their_lists(client, city, checks, tab, expected):
    with time_machine.travel(AFTER_DUE):
        response = login(client, city.manager_a).get(LIST, {"list": tab})
    assert response.status_code == 200
    assert rows(response) == expected
    assert tab_counts(response) == {"todo": 1, "returned": 1, "overdue": 2, "history": 2}


def test_the_managers_first_list_is_this_months_to_do(client, city, checks):
    with time_machine.travel(AFTER_DUE):
        response = login(client, city.manager_a).get(LIST)
    assert response.context["tab"] == "todo"
    assert 'data-tab="todo" href="?list=todo" aria-current="page"' in response.content.decode()


def test_before_the_due_day_this_month_is_not_overdue(client, city, checks):
    with time_machine.travel(BEFORE_DUE):
        response = login(client, city.manager_a).get(LIST, {"list": "overdue"})
    assert rows(response) == {("A1", "09", SELF)}
    assert not_opened(response) == set()


@pytest.mark.parametrize(
    ("who", "tab", "expected"),
    [
        ("street", "review", {("A2", "10", SELF)}),
        ("street", "overdue", {("A1", "10", SELF), ("A1", "09", SELF)}),
        ("street", "supervision", {("A1", "10", SUP)}),
        ("bureau", "review", {("A2", "10", SELF)}),
        ("bureau", "overdue", {("A1", "10", SELF), ("A1", "09", SELF), ("B1", "10", SELF)}),
        ("community", "review", {("A2", "10", SELF)}),
    ],
)
def test_street_office_and_bureau_see_their_lists(client, city, checks, who, tab, expected):
    with time_machine.travel(AFTER_DUE):
        response = login(client, getattr(city, who)).get(LIST, {"list": tab})
    assert rows(response) == expected


def test_a_reviewers_first_list_is_what_waits_for_review(client, city, checks):
    with time_machine.travel(AFTER_DUE):
        response = login(client, city.street).get(LIST)
    assert response.context["tab"] == "review"
    assert set(tab_counts(response)) == {"review", "overdue", "supervision", "all"}


def test_compounds_without_a_check_are_overdue_after_the_due_day(client, city, checks):
    with time_machine.travel(AFTER_DUE):
        street = login(client, city.street).get(LIST, {"list": "overdue"})
        assert not_opened(street) == {"B2"}  # N1 has no company: no self-check is expected
        bureau = login(client, city.bureau).get(LIST, {"list": "overdue"})
        assert not_opened(bureau) == {"B2"}
        manager_b = login(client, city.manager_b).get(LIST, {"list": "todo"})
    assert not_opened(manager_b) == {"B2"}
    row = manager_b.content.decode().split('data-compound="B2"')[1].split("</li>")[0]
    assert f'action="{reverse("inspections:inspection_open")}"' in row
    assert f'name="compound" value="{city.compounds["B2"].pk}"' in row
    assert 'name="month" value="2026-10"' in row


def test_all_checks_of_the_street(client, city, checks):
    with time_machine.travel(AFTER_DUE):
        response = login(client, city.street).get(LIST, {"list": "all"})
    assert {code for code, _m, _k in rows(response)} == {"A1", "A2"}  # B1 is another street's
    assert len(rows(response)) == 5


@pytest.mark.parametrize("who", list(EXPECTED_COMPOUNDS))
def test_nobody_sees_another_areas_checks(client, city, checks, who):
    user = getattr(city, who)
    with time_machine.travel(AFTER_DUE):
        login(client, user)
        responses = [
            client.get(LIST, {"list": tab})
            for tab in (*views.sel.MANAGER_TABS, *views.sel.AREA_TABS)
        ]
    if who == "nobody":
        assert {r.status_code for r in responses} == {403}
        return
    seen = set().union(*(rows(r) for r in responses))
    assert {code for code, _m, _k in seen} <= EXPECTED_COMPOUNDS[who]
    html = "".join(r.content.decode() for r in responses)
    for code, compound in city.compounds.items():
        if code not in EXPECTED_COMPOUNDS[who]:
            assert compound.name not in html


def test_filter_by_month_and_compound(client, city, checks):
    login(client, city.manager_a)
    with time_machine.travel(AFTER_DUE):
        september = client.get(LIST, {"list": "history", "month": "2026-09"})
        a2 = client.get(LIST, {"list": "history", "compound": city.compounds["A2"].pk})
        both = client.get(
            LIST, {"list": "overdue", "month": "2026-10", "compound": city.compounds["A1"].pk}
        )
    assert rows(september) == {("A2", "09", SELF)}
    assert tab_counts(september)["overdue"] == 1
    assert rows(a2) == {("A2", "10", SELF), ("A2", "09", SELF)}
    assert rows(both) == {("A1", "10", SELF)}


def test_filtering_by_another_companys_compound_reveals_nothing(client, city, checks):
    with time_machine.travel(AFTER_DUE):
        response = login(client, city.manager_a).get(
            LIST, {"list": "todo", "compound": city.compounds["B1"].pk}
        )
    assert response.status_code == 200
    assert "乙一小区" not in response.content.decode()
    assert rows(response) == {("A1", "10", SELF)}  # an invalid choice filters nothing


def test_lists_are_paginated(client, city, checks, monkeypatch):
    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 1)
    login(client, city.manager_a)
    with time_machine.travel(AFTER_DUE):
        first = client.get(LIST, {"list": "history"})
        second = client.get(LIST, {"list": "history", "page": 2})
    assert len(rows(first)) == len(rows(second)) == 1
    assert rows(first) | rows(second) == {("A2", "10", SELF), ("A2", "09", SELF)}
    assert "page=2" in first.content.decode()


# Opening by hand ---------------------------------------------------------------------------------


def test_a_manager_opens_a_self_check_by_hand(client, city, template):
    login(client, city.manager_a)
    response = client.post(
        reverse("inspections:inspection_open"),
        {"compound": city.compounds["A2"].pk, "month": "2026-10"},
    )
    check = Inspection.objects.get()
    assert response["Location"] == reverse("inspections:inspection_detail", args=[check.pk])
    assert (check.compound.code, check.period, check.kind) == ("A2", OCT, SELF)
    assert check.created_by == city.manager_a
    again = client.post(
        reverse("inspections:inspection_open"),
        {"compound": city.compounds["A2"].pk, "month": "2026-10"},
        follow=True,
    )
    assert "2026-10" in again.content.decode()
    assert 'class="message message--error"' in again.content.decode()
    assert Inspection.objects.count() == 1


def test_a_manager_cannot_open_a_check_for_another_companys_compound(client, city, template):
    login(client, city.manager_a)
    response = client.post(
        reverse("inspections:inspection_open"),
        {"compound": city.compounds["B1"].pk, "month": "2026-10"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("who", ["street", "viewer_a", "nobody"])
def test_only_a_company_opens_self_checks(client, city, template, who):
    response = login(client, getattr(city, who)).post(
        reverse("inspections:inspection_open"),
        {"compound": city.compounds["A1"].pk, "month": "2026-10"},
    )
    assert response.status_code == 403
    assert not Inspection.objects.exists()


def test_the_list_offers_to_open_missing_checks(client, city, template):
    with time_machine.travel(AFTER_DUE):
        html = login(client, city.manager_a).get(LIST).content.decode()
    assert 'data-compound="A1"' in html and 'data-compound="A2"' in html
    assert f'action="{reverse("inspections:inspection_open")}"' in html
    assert f'action="{reverse("inspections:supervision_open")}"' not in html


@pytest.mark.parametrize(
    ("who", "status"), [("manager_a", 403), ("viewer_a", 403), ("community", 403)]
)
def test_only_streets_and_bureaus_start_supervisions(client, city, template, who, status):
    response = login(client, getattr(city, who)).post(
        reverse("inspections:supervision_open"),
        {"compound": city.compounds["A1"].pk, "month": "2026-10"},
    )
    assert response.status_code == status
    assert not Inspection.objects.exists()


def test_a_street_office_starts_a_supervision_only_in_its_street(client, city, template):
    login(client, city.street)
    html = client.get(LIST, {"list": "supervision"}).content.decode()
    assert f'action="{reverse("inspections:supervision_open")}"' in html
    client.post(
        reverse("inspections:supervision_open"),
        {"compound": city.compounds["B1"].pk, "month": "2026-10"},
    )
    assert not Inspection.objects.exists()
    client.post(
        reverse("inspections:supervision_open"),
        {"compound": city.compounds["N1"].pk, "month": "2026-10"},
    )
    supervision = Inspection.objects.get()
    assert (supervision.kind, supervision.compound.code) == (SUP, "N1")


# Query count -------------------------------------------------------------------------------------


def _grow(city, months=4):
    """Five more compounds of company A, each with a check a month, in every state."""
    company_a = city.company_a
    for n in range(5):
        compound = f.CompoundFactory(community=city.communities[0], code=f"A9{n}")
        f.ManagementTermFactory(compound=compound, company=company_a)
        for m in range(months):
            period = datetime.date(2026, 10 - m, 1)
            check = services.inspection_open(compound=compound, period=period, actor=None)
            if m == 1:
                fill_check(check, city.manager_a)
                services.inspection_submit(inspection=check, actor=city.manager_a)
    services.supervision_open(compound=city.compounds["A2"], period=OCT, actor=city.street)


@pytest.mark.parametrize(
    ("who", "tab"),
    [
        ("manager_a", "todo"),
        ("manager_a", "overdue"),
        ("manager_a", "history"),
        ("street", "review"),
        ("street", "overdue"),
        ("bureau", "all"),
    ],
)
def test_list_page_query_count_is_pinned(
    client, city, checks, who, tab, django_assert_max_num_queries
):
    login(client, getattr(city, who))
    with time_machine.travel(AFTER_DUE):
        with django_assert_max_num_queries(PINNED_LIST) as small:
            assert client.get(LIST, {"list": tab}).status_code == 200
        _grow(city)
        with django_assert_max_num_queries(PINNED_LIST) as large:
            response = client.get(LIST, {"list": tab})
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(rows(response)) > 1


def test_the_tab_counts_are_kept_until_a_check_changes_and_count_the_list(client, city, checks):
    """The second view reads no count; the shown tab's count is the list's length; a check
    submitted shows in the counts at the next view."""
    login(client, city.street)

    def view():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"list": "overdue"})
        counted = [
            q for q in queries.captured_queries if 'COUNT("inspections_inspection' in q["sql"]
        ]
        return response, counted

    with time_machine.travel(AFTER_DUE):
        first, counted = view()
        assert counted  # computed at the first view
        again, counted = view()
        assert counted == [] and tab_counts(again) == tab_counts(first)
        assert again.context["page"].paginator.count == tab_counts(again)["overdue"]
        assert len(rows(again)) == tab_counts(again)["overdue"]
        waiting = tab_counts(again)["review"]
        returned = checks["A1-09"]  # returned to company A, overdue
        services.inspection_submit(inspection=returned, actor=city.manager_a)
        after, counted = view()
    assert counted and tab_counts(after)["review"] == waiting + 1
    assert tab_counts(after)["overdue"] == tab_counts(again)["overdue"] - 1
