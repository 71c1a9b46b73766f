"""The activity pages: the list with its figures and filters, recording with photos, the page
of an activity and its photos, changing and deleting, who gets which answer; the evidence beside
a self-check's 法制教育好 item; query counts pinned at two data sizes."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.activities import services
from communities.models import Activity, ActivityKind
from inspections import services as inspection_services
from inspections.default_template import LEGAL_EDUCATION_ITEM
from inspections.periods import month_start
from tests.inspections.conftest import png_upload

from .activity_helpers import last_month, record, today

LIST = reverse("communities:activity_list")
ADD = reverse("communities:activity_add")


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-activity="(\d+)"', response.content.decode())}


def figure(response, name: str) -> int:
    match = re.search(rf'data-figure="{name}">(\d+)<', response.content.decode())
    return int(match.group(1))


@pytest.fixture
def activities(city):
    a1 = record(city.manager_a, compound=city.compounds["A1"], participants=40)
    drill = record(
        city.manager_a,
        compound=city.compounds["A2"],
        kind=ActivityKind.FIRE_DRILL,
        participants=60,
        date=last_month(),
    )
    whole = record(city.community, community=city.communities[0], participants=100)
    b1 = record(city.manager_b, compound=city.compounds["B1"], participants=7)
    b2 = record(city.street, community=city.communities[1], participants=9)
    return {"A1": a1, "drill": drill, "community1": whole, "B1": b1, "community2": b2}


# The list ----------------------------------------------------------------------------------------


def test_the_list_shows_the_activities_of_the_scope_with_their_figures(client, city, activities):
    client.force_login(city.manager_a)

    response = client.get(LIST)

    assert listed(response) == {activities[k].pk for k in ("A1", "drill", "community1")}
    assert figure(response, "total") == 3
    assert figure(response, "legal_education") == 2
    assert figure(response, "participants") == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("bureau", {"A1", "drill", "community1", "B1", "community2"}),
        ("street", {"A1", "drill", "community1", "community2"}),
        ("community", {"A1", "drill", "community1"}),
        ("manager_b", {"B1", "community2"}),
        ("viewer_a", {"A1", "drill", "community1"}),
    ],
)
def test_each_role_lists_its_own_area(client, city, activities, who, expected):
    client.force_login(getattr(city, who))
    assert listed(client.get(LIST)) == {activities[k].pk for k in expected}


def test_someone_without_a_membership_may_not_open_the_list(client, city, activities):
    client.force_login(city.nobody)
    assert client.get(LIST).status_code == 403


def test_the_filters_narrow_the_list_and_the_figures(client, city, activities):
    client.force_login(city.bureau)
    street1, street2 = city.streets
    community1 = city.communities[0]

    by_month = client.get(LIST, {"month": f"{last_month():%Y-%m}"})
    by_kind = client.get(LIST, {"kind": ActivityKind.FIRE_DRILL})
    by_street = client.get(LIST, {"street": street2.pk})
    by_community = client.get(LIST, {"community": community1.pk})
    by_compound = client.get(LIST, {"compound": city.compounds["A1"].pk})

    assert listed(by_month) == {activities["drill"].pk}
    assert listed(by_kind) == {activities["drill"].pk}
    assert listed(by_street) == {activities["B1"].pk}
    assert listed(by_community) == {activities[k].pk for k in ("A1", "drill", "community1")}
    assert listed(by_compound) == {activities["A1"].pk}
    assert figure(by_community, "participants") == 200
    assert street1  # street 1 holds the rest


def test_a_filter_outside_the_scope_or_unreadable_is_left_out_and_said(client, city, activities):
    client.force_login(city.manager_a)
    street2 = city.streets[1]

    response = client.get(LIST, {"street": street2.pk, "month": "2026-13"})

    assert listed(response) == {activities[k].pk for k in ("A1", "drill", "community1")}
    assert "未采用" in response.content.decode() or "field--error" in response.content.decode()


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_two_and_for_twenty_activities(client, city):
    client.force_login(city.community)
    a1 = city.compounds["A1"]
    for _ in range(2):
        services.activity_photo_add(
            activity=record(city.community, compound=a1), actor=city.community, upload=png_upload()
        )
    client.get(LIST)  # warm the session and the caches
    small = _list_queries(client)
    for n in range(18):
        record(city.community, compound=a1, title=f"活动{n}")
        record(city.community, community=city.communities[0], title=f"社区活动{n}")
    computing = _list_queries(client)  # the activities changed: the figures are read again
    large = _list_queries(client)

    # session, user, savepoints (2), permissions, scope, bell, the filter's streets and
    # communities, the rows with their photo counts; the figures (kept: communities.activities.
    # list_figures) are one more when read, and their total is the pages' count
    assert small == large == 10
    assert computing == large + 1


def test_the_kept_figures_count_a_new_activity_at_the_next_view(client, city, activities):
    client.force_login(city.manager_a)
    assert figure(client.get(LIST), "total") == 3

    new = record(city.manager_a, compound=city.compounds["A2"], participants=11)
    response = client.get(LIST)
    assert figure(response, "total") == 4 and figure(response, "participants") == 211
    assert new.pk in listed(response)

    Activity.objects.get(pk=new.pk).delete()
    response = client.get(LIST)
    assert figure(response, "total") == 3 and new.pk not in listed(response)


def test_the_pages_are_counted_from_the_figures_and_show_each_rows_photos(client, city):
    client.force_login(city.community)
    a1 = city.compounds["A1"]
    with_photos = record(city.community, compound=a1, title="有照片的活动")
    for _ in range(2):
        services.activity_photo_add(activity=with_photos, actor=city.community, upload=png_upload())
    for n in range(30):  # 31 activities: two pages of 25
        record(city.community, compound=a1, title=f"活动{n}", date=last_month())

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert first.context["page"].paginator.count == figure(first, "total") == 31
    assert len(listed(first)) == 25 and len(listed(second)) == 6
    photos = {a.pk: a.photo_count for a in first.context["activities"]}
    assert photos[with_photos.pk] == 2
    assert set(photos.values()) == {0, 2}


# Recording, the page, the photos -----------------------------------------------------------------


def _form_data(city, **changes):
    data = {
        "compound": city.compounds["A1"].pk,
        "kind": ActivityKind.LAW_INTO_HOMES,
        "date": today().isoformat(),
        "title": "入户发放法律明白纸",
        "participants": "25",
        "organiser": "甲物业公司",
        "note": "",
    }
    data.update(changes)
    return data


def test_a_manager_records_an_activity_with_photos_and_sees_its_page(client, city):
    client.force_login(city.manager_a)

    response = client.post(ADD, {**_form_data(city), "photos": [png_upload(), png_upload()]})

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:activity_detail", args=[activity.pk])
    page = client.get(response["Location"]).content.decode()
    assert "入户发放法律明白纸" in page
    photos = list(activity.photos.all())
    assert len(photos) == 2
    for photo in photos:
        assert reverse("communities:activity_photo_thumbnail", args=[photo.pk]) in page
        served = client.get(reverse("communities:activity_photo", args=[photo.pk]))
        assert served.status_code == 200
        assert served["Content-Type"] == "image/png"
        assert served["Cache-Control"] == "private, no-store"


def test_a_manager_is_offered_only_compounds_not_whole_communities(client, city):
    client.force_login(city.manager_a)
    html = client.get(ADD).content.decode()
    assert 'name="compound"' in html
    assert 'name="community"' not in html
    assert "乙一小区" not in html


def test_a_future_date_is_refused_on_the_form_and_nothing_is_written(client, city):
    client.force_login(city.manager_a)
    tomorrow = today() + datetime.timedelta(days=1)

    response = client.post(ADD, _form_data(city, date=tomorrow.isoformat()))

    assert response.status_code == 200
    assert "不能晚于今天" in response.content.decode() or "future" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_place_is_chosen_exactly_once_on_the_form(client, city):
    client.force_login(city.community)

    both = client.post(ADD, _form_data(city, community=city.communities[0].pk))
    neither = client.post(ADD, _form_data(city, compound=""))

    assert both.status_code == neither.status_code == 200
    assert not Activity.objects.exists()


def test_a_pdf_among_the_photos_is_refused(client, city):
    from tests.disputes.conftest import pdf_upload

    client.force_login(city.manager_a)
    response = client.post(ADD, {**_form_data(city), "photos": [png_upload(), pdf_upload()]})
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_a_viewer_may_open_but_not_record_change_or_delete(client, city, activities):
    client.force_login(city.viewer_a)
    pk = activities["A1"].pk

    assert client.get(reverse("communities:activity_detail", args=[pk])).status_code == 200
    assert client.get(ADD).status_code == 403
    assert client.get(reverse("communities:activity_edit", args=[pk])).status_code == 403
    assert client.post(reverse("communities:activity_delete", args=[pk])).status_code == 403
    assert Activity.objects.filter(pk=pk).exists()


def test_the_company_edits_its_compounds_activity(client, city, activities):
    client.force_login(city.manager_a)
    url = reverse("communities:activity_edit", args=[activities["A1"].pk])

    assert client.get(url).status_code == 200
    response = client.post(url, _form_data(city, participants="88", title="改过的名称"))

    assert response.status_code == 302
    activities["A1"].refresh_from_db()
    assert (activities["A1"].participants, activities["A1"].title) == (88, "改过的名称")


def test_the_company_may_not_edit_its_communitys_own_activity(client, city, activities):
    client.force_login(city.manager_a)
    pk = activities["community1"].pk

    page = client.get(reverse("communities:activity_detail", args=[pk])).content.decode()

    assert 'data-testid="edit-activity"' not in page
    assert client.get(reverse("communities:activity_edit", args=[pk])).status_code == 403


def test_adding_and_removing_a_photo_on_the_page(client, city, activities):
    client.force_login(city.manager_a)
    activity = activities["A1"]

    client.post(
        reverse("communities:activity_photo_add", args=[activity.pk]), {"photos": [png_upload()]}
    )
    photo = activity.photos.get()
    client.post(reverse("communities:activity_photo_remove", args=[photo.pk]))

    assert not activity.photos.exists()


def test_deleting_an_activity_on_its_page(client, city, activities):
    client.force_login(city.manager_a)
    response = client.post(reverse("communities:activity_delete", args=[activities["A1"].pk]))
    assert response["Location"] == LIST
    assert not Activity.objects.filter(pk=activities["A1"].pk).exists()


@pytest.mark.parametrize("who", ["manager_a", "viewer_a", "community", "street"])
def test_another_areas_activity_and_its_photo_are_404_like_a_missing_one(
    client, city, activities, who
):
    photo = services.activity_photo_add(
        activity=activities["B1"], actor=city.manager_b, upload=png_upload()
    )
    client.force_login(getattr(city, who))
    for name, pk in [
        ("communities:activity_detail", activities["B1"].pk),
        ("communities:activity_photo", photo.pk),
        ("communities:activity_photo_thumbnail", photo.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
        assert client.get(reverse(name, args=[2_000_000_000])).status_code == 404


# The evidence beside 法制教育好 ------------------------------------------------------------------


@pytest.fixture
def self_check(city):
    return inspection_services.inspection_open(
        compound=city.compounds["A1"], period=month_start(today()), actor=city.manager_a
    )


def _item_html(client, check) -> str:
    html = client.get(reverse("inspections:inspection_detail", args=[check.pk])).content.decode()
    start = html.index(f'id="item-{LEGAL_EDUCATION_ITEM}"')
    return html[start : html.index("</article>", start)]


def test_the_months_legal_education_is_shown_beside_the_item(client, city, self_check):
    a1, a2 = city.compounds["A1"], city.compounds["A2"]
    shown = record(city.manager_a, compound=a1, title="本月普法")
    community_wide = record(
        city.community, community=city.communities[0], kind=ActivityKind.LAW_INTO_COMMUNITY
    )
    record(city.manager_a, compound=a1, title="上月普法", date=last_month())
    record(city.manager_a, compound=a1, title="本月演练", kind=ActivityKind.FIRE_DRILL)
    record(city.manager_a, compound=a2, title="甲二普法")
    client.force_login(city.street)

    item = _item_html(client, self_check)

    assert 'data-testid="legal-activities"' in item
    assert set(map(int, re.findall(r'data-activity="(\d+)"', item))) == {
        shown.pk,
        community_wide.pk,
    }
    assert reverse("communities:activity_detail", args=[shown.pk]) in item
    for absent in ("上月普法", "本月演练", "甲二普法"):
        assert absent not in item


def test_the_item_says_when_none_was_recorded(client, city, self_check):
    client.force_login(city.manager_a)
    assert "本月未登记" in _item_html(client, self_check) or "None recorded" in _item_html(
        client, self_check
    )


def _check_queries(client, check) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("inspections:inspection_detail", args=[check.pk]))
    return len(queries)


def test_the_check_page_reads_the_activities_in_one_query_however_many(client, city, self_check):
    client.force_login(city.manager_a)
    record(city.manager_a, compound=city.compounds["A1"])
    client.get(reverse("inspections:inspection_detail", args=[self_check.pk]))
    one = _check_queries(client, self_check)
    for n in range(6):
        record(city.manager_a, compound=city.compounds["A1"], title=f"普法{n}")

    assert _check_queries(client, self_check) == one


# The compound page's panel and the admin --------------------------------------------------------


def test_the_compound_page_links_to_its_activities_and_to_recording_one(client, city, activities):
    client.force_login(city.manager_a)
    a1 = city.compounds["A1"]

    page = client.get(reverse("communities:compound_detail", args=[a1.code])).content.decode()
    form = client.get(ADD, {"compound": a1.pk}).content.decode()
    listed_there = client.get(LIST, {"compound": a1.pk})

    assert f'href="{LIST}?compound={a1.pk}"' in page
    assert f'href="{ADD}?compound={a1.pk}"' in page
    assert f'<option value="{a1.pk}" selected>' in form
    assert listed(listed_there) == {activities["A1"].pk}


def test_a_viewer_gets_no_link_to_record_and_another_compound_is_not_preselected(
    client, city, activities
):
    client.force_login(city.viewer_a)
    a1 = city.compounds["A1"]
    page = client.get(reverse("communities:compound_detail", args=[a1.code])).content.decode()
    assert 'data-testid="compound-activities"' in page
    assert 'data-testid="compound-add-activity"' not in page

    client.force_login(city.manager_a)
    form = client.get(ADD, {"compound": city.compounds["B1"].pk}).content.decode()
    select = form.split('name="compound"')[1].split("</select>")[0]
    assert '<option value="" selected>' in select
    assert f'value="{city.compounds["B1"].pk}"' not in select


def test_the_admin_lists_only_the_activities_in_scope_and_404s_the_others(client, city, activities):
    client.force_login(city.manager_a)
    changelist = client.get(reverse("admin:communities_activity_changelist"))
    other = client.get(reverse("admin:communities_activity_change", args=[activities["B1"].pk]))
    own = client.get(reverse("admin:communities_activity_change", args=[activities["A1"].pk]))

    assert changelist.status_code == 200
    body = changelist.content.decode()
    assert "《民法典》进小区宣传" in body
    assert f"/{activities['B1'].pk}/change/" not in body
    assert other.status_code == 404
    assert own.status_code == 200


def _admin_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:communities_activity_changelist")).status_code == 200
    return len(queries)


def test_the_admin_list_costs_the_same_queries_for_few_and_many_activities(client, city):
    client.force_login(city.bureau)
    record(city.bureau, compound=city.compounds["A1"])
    record(city.bureau, community=city.communities[2])
    client.get(reverse("admin:communities_activity_changelist"))
    few = _admin_list_queries(client)
    for n in range(20):
        record(city.bureau, compound=city.compounds["B1"], title=f"乙一普法{n}")
        record(city.bureau, community=city.communities[1], title=f"团结社区活动{n}")
    computing = _admin_list_queries(client)  # the activities changed: their months read again

    # the community filter reads none (typed); the month filter's months are kept
    assert _admin_list_queries(client) == few == 9
    assert computing == few + 1


def _admin_months(response) -> set[str]:
    return set(re.findall(r"\?month=(\d{4}-\d{2})", response.content.decode()))


def test_the_admin_filters_by_the_months_of_the_activities_in_scope(client, city, activities):
    changelist = reverse("admin:communities_activity_changelist")
    client.force_login(city.manager_a)
    this_month, previous = f"{today():%Y-%m}", f"{last_month():%Y-%m}"

    assert _admin_months(client.get(changelist)) == {this_month, previous}
    narrowed = client.get(changelist, {"month": previous})
    assert [a.pk for a in narrowed.context["cl"].result_list] == [activities["drill"].pk]

    earlier = last_month().replace(day=1) - datetime.timedelta(days=40)
    record(city.manager_a, compound=city.compounds["A1"], date=earlier)  # shown at the next view
    assert f"{earlier:%Y-%m}" in _admin_months(client.get(changelist))
    refused = client.get(changelist, {"month": "2026-13"})  # the admin's incorrect lookup
    assert refused.status_code == 302 and refused["Location"].endswith("?e=1")
