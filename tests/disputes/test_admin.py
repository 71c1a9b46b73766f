"""The dispute cases' admin: scoped (another area's case is a 404), read-only for everyone,
parties masked, filters from the user's own area, and a query count that does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from communities.privacy import can_see_personal_data
from disputes import services
from disputes.models import CaseEvent, DisputeCase, Level, Status
from disputes.roles import sees_parties
from tests import factories as f
from tests.conftest import EXPECTED_COMPOUNDS

from .conftest import accept, pdf_upload, register

CASTS = ["bureau", "street", "community", "manager_a", "manager_b", "viewer_a"]


def url(view: str = "changelist", *args) -> str:
    return reverse(f"admin:disputes_disputecase_{view}", args=args)


@pytest.fixture
def cases(city, today):
    """One case in each compound of the cast, registered by someone who may."""
    return {
        "A1": register(city, city.manager_a, "A1"),
        "A2": register(city, city.community, "A2"),
        "N1": register(city, city.street, "N1", level=Level.STREET),
        "B1": register(city, city.bureau, "B1", level=Level.DISTRICT),
        "B2": register(city, city.manager_b, "B2"),
    }


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {case.compound.code for case in response.context["cl"].result_list}


# --- scope --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CASTS)
def test_each_member_of_the_cast_lists_only_the_cases_of_their_area(client, city, cases, who):
    client.force_login(getattr(city, who))

    assert listed(client.get(url())) == EXPECTED_COMPOUNDS[who]


def test_a_user_without_membership_is_sent_to_the_login(client, city, cases):
    client.force_login(city.nobody)

    response = client.get(url())

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_manager_of_another_company_gets_404_on_the_case_page(client, city, cases):
    client.force_login(city.manager_b)

    assert client.get(url("change", cases["A1"].pk)).status_code == 404
    assert client.get(url("history", cases["A1"].pk)).status_code == 404
    assert client.get(url("delete", cases["A1"].pk)).status_code == 404
    assert client.get(url("change", 999_999)).status_code == 404


def test_the_case_page_shows_the_case_and_its_timeline(client, city, cases):
    case = accept(cases["A1"], city.manager_a, plan="约双方到物业办公室调解")
    client.force_login(city.manager_a)

    response = client.get(url("change", case.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert case.number in content
    assert "约双方到物业办公室调解" in content
    events = [form.instance.action for form in response.context["inline_admin_formsets"][3].formset]
    assert events == ["register", "accept"]


def test_search_and_filters_narrow_the_list(client, city, cases):
    client.force_login(city.bureau)

    assert listed(client.get(url(), {"q": cases["B1"].number})) == {"B1"}
    assert listed(client.get(url(), {"level__exact": Level.STREET})) == {"N1"}
    assert listed(client.get(url(), {"status__exact": Status.REGISTERED})) == set(cases)
    assert listed(client.get(url(), {"overdue": "yes"})) == set()
    street2 = city.streets[1]
    assert listed(client.get(url(), {"street__id__exact": street2.pk})) == {"B1"}


def test_overdue_filter_finds_cases_past_their_deadline(client, city, cases):
    late = cases["A1"]
    DisputeCase.objects.filter(pk=late.pk).update(deadline=late.registered_at.date().replace(day=1))
    client.force_login(city.manager_a)

    response = client.get(url(), {"overdue": "yes"})

    assert listed(response) == {"A1"}
    assert listed(client.get(url(), {"overdue": "no"})) == {"A2"}


def _offered(client) -> set[str]:
    response = client.get(url())
    changelist = response.context["cl"]
    return {
        str(choice["display"])
        for spec in changelist.filter_specs
        if spec.has_output()
        for choice in spec.choices(changelist)
    }


def _compounds_offered(client) -> set[str]:
    """What the compound filter's autocomplete (the admin's own view) offers."""
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "disputes", "model_name": "disputecase", "field_name": "compound"},
    )
    return {row["text"] for row in response.json()["results"]}


def test_the_street_and_compound_filters_offer_only_the_users_area(client, city, cases):
    client.force_login(city.manager_a)
    offered = _offered(client) | _compounds_offered(client)
    client.force_login(city.bureau)
    offered_to_bureau = _offered(client) | _compounds_offered(client)

    assert {"甲一小区", "甲二小区"} <= offered
    assert not {"乙一小区", "乙二小区", "无物业小区", "建设街道"} & offered
    assert {"甲一小区", "乙一小区", "无物业小区", "和平街道", "建设街道"} <= offered_to_bureau


def test_a_filter_on_another_areas_compound_shows_nothing_of_it(client, city, cases):
    client.force_login(city.manager_a)

    response = client.get(url(), {"compound__id__exact": city.compounds["B1"].pk})

    assert listed(response) == set()


# --- read-only ----------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["bureau", "street", "superuser"])
def test_nobody_changes_or_deletes_a_case_through_the_admin(client, city, cases, who, superuser):
    user = superuser if who == "superuser" else getattr(city, who)
    case = cases["A1"]
    client.force_login(user)

    changed = client.post(url("change", case.pk), {"description": "改掉", "status": "resolved"})
    deleted = client.post(url("delete", case.pk), {"post": "yes"})
    bulk = client.post(
        url(), {"action": "delete_selected", "_selected_action": [case.pk], "post": "yes"}
    )

    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert bulk.status_code == 302  # an action not offered: back to the list
    case.refresh_from_db()
    assert (case.description, case.status) == ("楼上装修噪声扰民", Status.REGISTERED)
    assert DisputeCase.objects.filter(pk=case.pk).exists()
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert client.get(url("add")).status_code == 403


def test_the_case_page_offers_no_way_to_edit_or_delete(client, city, cases):
    client.force_login(city.bureau)

    response = client.get(url("change", cases["A1"].pk))

    content = response.content.decode()
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    assert 'name="description"' not in content
    assert "-DELETE" not in content
    listing = client.get(url())
    assert "delete_selected" not in dict(listing.context["action_form"].fields["action"].choices)


def test_the_timeline_has_no_admin_page_of_its_own(city):
    with pytest.raises(NoReverseMatch):
        reverse("admin:disputes_caseevent_changelist")
    with pytest.raises(NoReverseMatch):
        reverse("admin:disputes_party_changelist")


# --- personal data ------------------------------------------------------------------------------


def _parties_shown(response) -> list[str]:
    formset = response.context["inline_admin_formsets"][0]
    return [
        str(field.contents())
        for admin_form in formset
        for fieldset in admin_form
        for line in fieldset
        for field in line
    ]


def test_a_viewer_sees_the_parties_masked(client, city, cases):
    assert not can_see_personal_data(city.viewer_a)
    client.force_login(city.viewer_a)

    response = client.get(url("change", cases["A1"].pk))

    shown = _parties_shown(response)
    content = response.content.decode()
    assert "王**" in shown and "138****5678" in shown
    assert "王小明" not in content and "13812345678" not in content


def test_a_user_who_may_see_dispute_parties_sees_them_in_full(client, city, cases):
    assert sees_parties(city.community)
    client.force_login(city.community)

    response = client.get(url("change", cases["A1"].pk))

    shown = _parties_shown(response)
    assert "王小明" in shown and "13812345678" in shown


def test_a_company_admin_sees_neither_households_nor_dispute_parties_in_full(client, city, cases):
    """Issue 10: no property-company role holds residents' or dispute parties' personal data."""
    assert not can_see_personal_data(city.manager_a) and not sees_parties(city.manager_a)
    client.force_login(city.manager_a)

    response = client.get(url("change", cases["A1"].pk))

    shown = _parties_shown(response)
    content = response.content.decode()
    assert "王**" in shown and "138****5678" in shown
    assert "王小明" not in content and "13812345678" not in content


def test_filtering_cases_by_a_partys_name_is_refused(client, city, cases):
    client.force_login(city.viewer_a)

    for lookup in ("parties__name", "parties__phone", "parties__id_number__startswith"):
        response = client.get(url(), {lookup: "王小明"})
        assert response.status_code == 400
    searched = client.get(url(), {"q": "王小明"})
    assert listed(searched) == set()


# --- query count --------------------------------------------------------------------------------

# Session, user, savepoint, permissions (1), scope, the street and compound filters' choices
# (2), count, rows, release: the same for every user and any number of cases.
PINNED_CHANGELIST = 10
# The company admin's page: parties masked (no property-company role sees them in full), so
# the parties are read once more for the case's texts and once for the timeline's notes.
PINNED_CASE_PAGE = 13


def _count(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["bureau", "manager_a"])
def test_changelist_queries_do_not_grow_with_cases(client, city, cases, who):
    client.force_login(getattr(city, who))
    small = _count(client, url())
    for i in range(30):
        case = register(city, city.manager_a, "A1" if i % 2 else "A2")
        if i % 3 == 0:
            accept(case, city.manager_a)

    large = _count(client, url())

    assert large == small <= PINNED_CHANGELIST


def test_case_page_queries_do_not_grow_with_its_timeline(client, city, cases):
    case = accept(cases["A1"], city.manager_a)
    client.force_login(city.manager_a)
    small = _count(client, url("change", case.pk))
    for i in range(10):
        services.party_add(case=case, actor=city.manager_a, role="third", name=f"张{i}")

    assert _count(client, url("change", case.pk)) == small <= PINNED_CASE_PAGE


# --- the export action --------------------------------------------------------------------------


def test_the_export_action_needs_the_export_permission(client, city, cases):
    viewer = city.viewer_a
    assert not viewer.has_perm("disputes.export_disputecase")
    client.force_login(viewer)

    response = client.post(
        url(), {"action": "export_xlsx", "_selected_action": [cases["A1"].pk], "index": 0}
    )

    assert response.get("Content-Type", "").startswith("text/html")


def test_the_agreement_is_offered_through_the_scoped_download_only(client, city, cases):
    case = accept(cases["A1"], city.manager_a)
    services.case_resolve(
        case=case,
        actor=city.manager_a,
        outcome="达成协议",
        agreement_reached=True,
        agreement_file=pdf_upload(),
    )
    case.refresh_from_db()
    client.force_login(city.bureau)

    content = client.get(url("change", case.pk)).content.decode()

    assert reverse("disputes:agreement", args=[case.pk]) in content
    assert reverse("disputes:case_detail", args=[case.pk]) in content
    assert case.agreement_file.name not in content


def test_the_case_page_shows_its_timeline_in_words_and_people_by_name(client, city, cases):
    city.manager_a.first_name = "钱立新"
    city.manager_a.save(update_fields=["first_name"])
    case = accept(cases["A1"], city.manager_a)
    client.force_login(city.manager_a)

    page = client.get(url("change", case.pk)).content.decode()

    timeline = page[page.index('id="events-group"') :]
    assert "受理（四定）" in timeline and "已登记" in timeline
    assert "社区" in timeline and "钱立新" in timeline
    for code in (">register<", ">accept<", ">registered<", ">community<", ">manager_a<"):
        assert code not in page
    assert f"{case.number} register" not in page


CASE_ROWS = 'SELECT "disputes_disputecase"."id", "disputes_disputecase"."created_at"'


def _rows_query(client, address) -> str:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return next(q["sql"] for q in ctx.captured_queries if q["sql"].startswith(CASE_ROWS))


def test_the_list_joins_what_it_shows_and_the_case_page_the_rest(client, city, cases):
    """Each join of the list is planned on every page: the leader and the registrar (and the
    case's street) are read by the case's page only, in its one query for the case."""
    case = accept(cases["A1"], city.manager_a)
    client.force_login(city.bureau)

    listing = _rows_query(client, url())
    page = _rows_query(client, url("change", case.pk))

    assert listing.count('JOIN "auth_user"') == 1  # the handler
    assert page.count('JOIN "auth_user"') == 3  # registrar, leader, handler: joined, not fetched
    response = client.get(url("change", case.pk))
    assert case.registered_by.get_full_name() or case.registered_by.username in response.text
