"""The watch-group pages (workbench): lists with coverage, a compound's groups, forming,
changing and dissolving a group, "propose groups", the export, masking and isolation."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from patrols.models import WatchGroup, WatchGroupMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def a1_rooms(city, make_rooms):
    """A1, building G5: unit 1 with 6 rooms, unit 2 with 5, and a vacant room."""
    return make_rooms(
        city.compounds["A1"],
        {
            ("G5", "1"): [str(n) for n in range(101, 107)],
            ("G5", "2"): [str(n) for n in range(101, 107)],
        },
        vacant={"G5-2-106"},
    )


@pytest.fixture
def a1_group(city, a1_rooms, make_group):
    return make_group(
        city.manager_a,
        city.compounds["A1"],
        [a1_rooms[f"G5-1-{n}"] for n in range(101, 107)],
        leader=a1_rooms["G5-1-101"],
        leader_name="王小明",
        leader_phone="13912345678",
    )


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_list_shows_each_compounds_coverage_and_the_total(client, city, a1_group):
    response = page(client, city.manager_a, reverse("patrols:group_list"))
    assert response.status_code == 200
    body = response.content.decode()
    # A1: 11 occupied in building G5 + the factory's household = 12, 6 covered; A2: 1, none.
    assert 'data-coverage="6/12"' in body
    assert 'data-coverage="0/1"' in body
    assert 'data-figure="occupied">13<' in body and 'data-figure="covered">6<' in body
    assert "乙一小区" not in body  # company B's compounds are not company A's


def test_the_list_filters_by_community(client, city, a1_group):
    community3 = city.communities[2]
    response = page(
        client, city.bureau, reverse("patrols:group_list") + f"?community={community3.pk}"
    )
    body = response.content.decode()
    assert 'data-code="B1"' in body and 'data-code="A1"' not in body


def test_a_compounds_groups_with_the_leader_masked_for_a_company(client, city, a1_group):
    url = reverse("patrols:group_compound", args=["A1"])
    body = page(client, city.manager_a, url).content.decode()
    assert 'data-group="1"' in body
    assert "G5-1-101, G5-1-102" in body
    assert "王**" in body and "139****5678" in body and "王小明" not in body
    body = page(client, city.community, url).content.decode()
    assert "王小明" in body and "13912345678" in body  # the community committee may see it


def test_the_community_page_is_recorded_in_the_audit_trail(client, city, a1_group):
    from auditlog.models import LogEntry

    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page(client, city.community, reverse("patrols:group_detail", args=[a1_group.pk]))
    entries = LogEntry.objects.filter(pk__gt=before, additional_data__event="personal_data_view")
    assert entries.count() == 1


@pytest.mark.parametrize("who", ["manager_b", "nobody"])
def test_outside_the_scope_every_group_page_is_a_404(client, city, a1_group, who):
    user = getattr(city, who)
    client.force_login(user)
    for url in (
        reverse("patrols:group_compound", args=["A1"]),
        reverse("patrols:group_detail", args=[a1_group.pk]),
        reverse("patrols:group_edit", args=[a1_group.pk]),
        reverse("patrols:group_propose", args=["A1"]),
        reverse("patrols:group_new", args=["A1"]),
    ):
        assert (
            client.get(url).status_code in (403, 404)
            if who == "nobody"
            else client.get(url).status_code == 404
        )
    assert client.post(reverse("patrols:group_dissolve", args=[a1_group.pk])).status_code in (
        403,
        404,
    )
    assert WatchGroup.objects.get(pk=a1_group.pk).is_active


def test_a_viewer_may_look_but_not_form_groups(client, city, a1_group):
    client.force_login(city.viewer_a)
    assert client.get(reverse("patrols:group_detail", args=[a1_group.pk])).status_code == 200
    assert client.get(reverse("patrols:group_new", args=["A1"])).status_code == 403
    assert client.post(reverse("patrols:group_dissolve", args=[a1_group.pk])).status_code == 403


def test_propose_then_save_the_reviewed_groups(client, city, a1_rooms):
    url = reverse("patrols:group_propose", args=["A1"]) + "?building=G5"
    response = page(client, city.manager_a, url)
    assert response.status_code == 200
    form = response.context["form"]
    # 6 + 5 = 11 (one vacant left out): one group, units kept together.
    assert response.context["proposal"] and len(response.context["proposal"]) == 1
    data = {"kind": "ten_household", "formed_on": "2020-01-01"}
    for _household, field in form.rows():
        data[field.html_name] = "1"
    data[form.rows()[0][1].html_name] = ""  # the manager leaves G5-1-101 out
    response = client.post(url, data)
    assert response.status_code == 302
    group = WatchGroup.objects.get(compound=city.compounds["A1"])
    assert group.memberships.count() == 10
    assert not WatchGroupMembership.objects.filter(household=a1_rooms["G5-1-101"]).exists()


def test_a_refused_proposal_writes_nothing_and_keeps_the_choices(client, city, a1_rooms):
    url = reverse("patrols:group_propose", args=["A1"]) + "?building=G5"
    response = page(client, city.manager_a, url)
    rows = response.context["form"].rows()
    data = {"kind": "ten_household", "formed_on": "2020-01-01"}
    for index, (_household, field) in enumerate(rows):
        data[field.html_name] = "1" if index < 3 else "2"  # a group of 3: too small
    response = client.post(url, data)
    assert response.status_code == 200
    assert "至少" in response.content.decode() or "at least" in response.content.decode()
    assert not WatchGroup.objects.exists()
    kept = response.context["form"]
    assert kept[rows[4][1].name].value() == "2"


def test_form_change_and_dissolve_a_group(client, city, a1_rooms):
    client.force_login(city.manager_a)
    members = [a1_rooms[f"G5-2-{n}"] for n in range(101, 106)]
    response = client.post(
        reverse("patrols:group_new", args=["A1"]),
        {
            "number": "7",
            "kind": "ten_double",
            "formed_on": "2020-01-01",
            "households": [h.pk for h in members],
            "leader": members[0].pk,
        },
    )
    assert response.status_code == 302
    group = WatchGroup.objects.get(number="7")
    assert group.leader_name == members[0].head_name and group.memberships.count() == 5
    response = client.post(
        reverse("patrols:group_edit", args=[group.pk]),
        {
            "number": "7",
            "kind": "ten_double",
            "households": [h.pk for h in members[:4]] + [a1_rooms["G5-1-101"].pk],
            "leader": members[0].pk,
        },
    )
    assert response.status_code == 302
    assert sorted(m.household.room for m in group.memberships.current()) == [
        "101",
        "101",
        "102",
        "103",
        "104",
    ]
    response = client.post(reverse("patrols:group_dissolve", args=[group.pk]))
    assert response.status_code == 302
    group.refresh_from_db()
    assert not group.is_active and not group.memberships.current().exists()


def test_a_household_of_another_group_is_not_offered_and_is_refused(
    client, city, a1_group, a1_rooms
):
    client.force_login(city.manager_a)
    response = client.get(reverse("patrols:group_new", args=["A1"]))
    offered = {h.pk for h in response.context["form"].fields["households"].queryset}
    assert a1_rooms["G5-1-101"].pk not in offered and a1_rooms["G5-2-101"].pk in offered
    response = client.post(
        reverse("patrols:group_new", args=["A1"]),
        {
            "kind": "ten_household",
            "formed_on": "2020-01-01",
            "households": [a1_rooms["G5-1-101"].pk]
            + [a1_rooms[f"G5-2-{n}"].pk for n in range(101, 106)],
        },
    )
    assert response.status_code == 200  # not a choice: the form refuses it
    assert WatchGroup.objects.count() == 1


def test_the_export_lists_each_household_with_the_leader_masked(client, city, a1_group):
    client.force_login(city.manager_a)
    response = client.post(reverse("patrols:group_export"))
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["十户联防组"].iter_rows(values_only=True))
    assert rows[0][:8] == (
        "小区编码",
        "小区名称",
        "组号",
        "类型",
        "楼栋",
        "单元",
        "房号",
        "联户长户",
    )
    assert len(rows) == 7
    assert rows[1][:8] == ("A1", "甲一小区", "1", "十户联防", "G5", "1", "101", "是")
    assert rows[1][8:10] == ("王**", "139****5678")
    coverage = {row[0]: row for row in book["覆盖率"].iter_rows(values_only=True)}
    assert coverage["A1"][2:] == (12, 6, 50.0)
    assert "B1" not in coverage


def test_the_compound_page_shows_the_watch_group_panel(client, city, a1_group):
    body = page(
        client, city.street, reverse("communities:compound_detail", args=["A1"])
    ).content.decode()
    assert 'data-panel="watch-groups"' in body and 'data-coverage="6/12"' in body


PINNED_LIST = 13  # the coverage kept (patrols.list_figures): reading it is one more
PINNED_COMPOUND = 13


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_queries_are_pinned_at_two_sizes(client, city, make_rooms, make_group):
    from tests import factories as f

    client.force_login(city.bureau)
    url = reverse("patrols:group_list")
    client.get(url)
    small = _queries(client, url)
    for n in range(6):
        compound = f.CompoundFactory(community=city.communities[n % 3], code=f"X{n}")
        rows = make_rooms(compound, {("1", "1"): [str(r) for r in range(101, 106)]})
        make_group(city.bureau, compound, rows.values())
    client.get(url)  # the groups changed: the coverage is read again, then kept
    assert (small, _queries(client, url)) == (PINNED_LIST, PINNED_LIST)


def test_a_compounds_group_page_is_pinned_at_two_sizes(client, city, make_rooms, make_group):
    compound = city.compounds["A1"]
    rows = list(make_rooms(compound, {("G5", "1"): [str(r) for r in range(101, 131)]}).values())
    make_group(city.manager_a, compound, rows[:5])
    client.force_login(city.manager_a)
    url = reverse("patrols:group_compound", args=["A1"])
    client.get(url)
    small = _queries(client, url)
    for start in range(5, 30, 5):
        make_group(city.manager_a, compound, rows[start : start + 5])
    assert (small, _queries(client, url)) == (PINNED_COMPOUND, PINNED_COMPOUND)


def test_the_form_offers_households_in_neighbouring_order(client, city, make_rooms):
    make_rooms(city.compounds["A2"], {("G2", "1"): ["1001", "102", "2", "10"]})
    client.force_login(city.manager_a)
    response = client.get(reverse("patrols:group_new", args=["A2"]))
    labels = [label for _pk, label in response.context["form"].fields["households"].choices]
    ours = [label for label in labels if label.startswith("G2-")]
    assert ours == ["G2-1-2", "G2-1-10", "G2-1-102", "G2-1-1001"]
