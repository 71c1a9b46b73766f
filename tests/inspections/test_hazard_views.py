"""The hazard pages: list, raise, detail, the rectification workflow and photos, for the cast."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from communities.models import Notification, Role
from communities.services import membership_set
from communities.uploads import MSG_FILE_SIZE, MSG_FILE_TYPE
from inspections import errors as e
from inspections import services
from inspections.forms.hazards import (
    MSG_NO_RESPONSIBLE_PARTY,
    MSG_PHOTO_ONLY,
)
from inspections.models import Hazard, HazardSource, HazardStatus
from inspections.views.hazards import HAZARD_PAGE_SIZE
from tests import factories as f

from .conftest import PERIOD, png_bytes, png_upload

H = HazardStatus
TZ = ZoneInfo("Asia/Shanghai")
LOGIN = reverse("login")
LIST = reverse("inspections:hazard_list")
NEW = reverse("inspections:hazard_new")
CAST = ["bureau", "street", "community", "manager_a", "manager_b", "viewer_a", "nobody"]


def ahead(days: int) -> datetime.date:
    """A deadline ``days`` from today (a deadline may be at most HAZARD_DEADLINE_MAX_DAYS away)."""
    return timezone.localdate() + datetime.timedelta(days=days)


# Pinned query counts: session, user, the savepoint pair of ATOMIC_REQUESTS, permissions (1),
# the bell's unread count and the scope (7), then the page's own reads. A page whose queries grow
# with its rows fails.
# + filter compounds, rows, figures (their total is the list's count), compounds under key
# management; the figures kept for the scope spare one query on the next view
PINNED_LIST = 11
PINNED_DETAIL = 10  # + hazard, timeline, compounds under key management


def login(client, user):
    client.force_login(user)
    return client


def detail_url(hazard) -> str:
    return reverse("inspections:hazard_detail", args=[hazard.pk])


def action_url(hazard, action: str) -> str:
    return reverse(f"inspections:hazard_{action}", args=[hazard.pk])


def photo_url(hazard, which: str = "before") -> str:
    return reverse("inspections:hazard_photo", args=[hazard.pk, which])


def hazards_on_page(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-hazard="(\d+)"', response.content.decode())}


def pdf_upload(name="scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n", "application/pdf"
    )


def raise_hazard(city, code="A1", actor=None, **kwargs):
    values = {
        "category": "fire",
        "description": "消防通道堆放杂物",
        "responsible_party": "物业公司",
        "deadline": ahead(90),
        "photo": png_upload(),
    }
    values.update(kwargs)
    return services.hazard_raise(
        compound=city.compounds[code], actor=actor or city.street, **values
    )


@pytest.fixture
def hazard(city):
    """An open hazard in A1 (company A, street 1), with a photo."""
    return raise_hazard(city)


@pytest.fixture
def hazard_b1(city):
    """An open hazard in B1 (company B, street 2)."""
    return raise_hazard(city, "B1", actor=city.bureau, description="乙一小区电线私拉")


@pytest.fixture
def rectified(city, hazard):
    return services.hazard_rectify(
        hazard=hazard, actor=city.manager_a, note="已清理", after_photo=png_upload()
    )


def raise_form(**overrides):
    data = {
        "category": "fire",
        "severity": "high",
        "description": "楼道堆放电动车电池",
        "responsible_party": "",
        "deadline": ahead(30).isoformat(),
    }
    data.update(overrides)
    return data


# Who may open what ----------------------------------------------------------------------------


PAGE_STATUS = {
    # who: (list, new, A1 hazard page and photo, B1 hazard page)
    "bureau": (200, 200, 200, 200),
    "street": (200, 200, 200, 404),
    "community": (200, 200, 200, 404),
    "manager_a": (200, 200, 200, 404),
    "manager_b": (200, 200, 404, 200),
    "viewer_a": (200, 403, 200, 404),
    "nobody": (403, 403, 403, 403),
}


@pytest.mark.parametrize("who", CAST)
def test_each_page_answers_each_member_of_the_cast(client, city, hazard, hazard_b1, who):
    list_status, new_status, a1_status, b1_status = PAGE_STATUS[who]
    login(client, getattr(city, who))
    assert client.get(LIST).status_code == list_status
    assert client.get(NEW).status_code == new_status
    assert client.get(detail_url(hazard)).status_code == a1_status
    assert client.get(photo_url(hazard)).status_code == a1_status
    assert client.get(detail_url(hazard_b1)).status_code == b1_status
    assert client.get(photo_url(hazard_b1)).status_code == b1_status


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(client, city, hazard):
    urls = [LIST, NEW, detail_url(hazard), photo_url(hazard)]
    urls += [action_url(hazard, a) for a in ("start", "rectify", "verify", "reject")]
    for url in urls:
        method = (
            client.post
            if url.endswith(("start/", "rectify/", "verify/", "reject/"))
            else client.get
        )
        response = method(url)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={url}"


ACTION_STATUS = {
    # who: (start, rectify) on an open A1 hazard, (verify, reject) on a rectified one
    "bureau": (403, 403, 302, 302),
    "street": (403, 403, 302, 302),
    "community": (403, 403, 403, 403),
    "manager_a": (302, 302, 403, 403),
    "manager_b": (404, 404, 403, 403),
    "viewer_a": (403, 403, 403, 403),
    "nobody": (403, 403, 403, 403),
}


@pytest.mark.parametrize("who", CAST)
def test_each_action_answers_each_member_of_the_cast(client, city, who):
    start, rectify, verify, reject = ACTION_STATUS[who]
    login(client, getattr(city, who))
    first, second = raise_hazard(city), raise_hazard(city)
    assert client.post(action_url(first, "start")).status_code == start
    response = client.post(
        action_url(second, "rectify"), {"note": "已清理", "after_photo": png_upload()}
    )
    assert response.status_code == rectify
    for one in (first, second):
        if Hazard.objects.get(pk=one.pk).status != H.RECTIFIED:
            services.hazard_rectify(hazard=one, actor=city.manager_a, note="已清理")
    assert client.post(action_url(first, "verify"), {"note": ""}).status_code == verify
    response = client.post(
        action_url(second, "reject"), {"reason": "没有清理干净", "deadline": ahead(31).isoformat()}
    )
    assert response.status_code == reject


def test_actions_are_post_only(client, city, hazard):
    login(client, city.manager_a)
    assert client.get(action_url(hazard, "start")).status_code == 405
    assert Hazard.objects.get(pk=hazard.pk).status == H.OPEN


def test_manager_of_another_company_gets_404_and_sees_nothing(client, city, hazard):
    login(client, city.manager_b)
    for url in (detail_url(hazard), photo_url(hazard)):
        response = client.get(url)
        assert response.status_code == 404
        assert "消防通道堆放杂物" not in response.content.decode()
    assert hazard.pk not in hazards_on_page(client.get(LIST))
    assert client.post(action_url(hazard, "start")).status_code == 404
    assert Hazard.objects.get(pk=hazard.pk).status == H.OPEN


def test_unknown_hazard_and_unknown_photo_are_404(client, city, hazard):
    login(client, city.bureau)
    assert client.get(reverse("inspections:hazard_detail", args=[999999])).status_code == 404
    assert client.get(photo_url(hazard, "after")).status_code == 404  # not rectified yet
    assert client.get(photo_url(hazard, "sideways")).status_code == 404


# The list -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("bureau", {"A1", "B1"}),
        ("street", {"A1"}),
        ("manager_a", {"A1"}),
        ("viewer_a", {"A1"}),
        ("manager_b", {"B1"}),
    ],
)
def test_list_shows_each_user_the_hazards_of_their_scope(
    client, city, hazard, hazard_b1, who, expected
):
    by_code = {"A1": hazard.pk, "B1": hazard_b1.pk}
    response = login(client, getattr(city, who)).get(LIST)
    assert hazards_on_page(response) == {by_code[c] for c in expected}


def test_list_filters_by_status_category_severity_and_compound(client, city):
    fire = raise_hazard(city, severity="high")
    traffic = raise_hazard(city, "A2", category="traffic", severity="low")
    done = raise_hazard(city, category="electrical")
    services.hazard_rectify(hazard=done, actor=city.manager_a, note="已更换")
    services.hazard_verify(hazard=done, actor=city.street)
    login(client, city.street)
    assert hazards_on_page(client.get(LIST)) == {fire.pk, traffic.pk, done.pk}
    assert hazards_on_page(client.get(LIST, {"status": "verified"})) == {done.pk}
    assert hazards_on_page(client.get(LIST, {"status": "unverified"})) == {fire.pk, traffic.pk}
    assert hazards_on_page(client.get(LIST, {"category": "traffic"})) == {traffic.pk}
    assert hazards_on_page(client.get(LIST, {"severity": "high"})) == {fire.pk}
    a2 = city.compounds["A2"].pk
    assert hazards_on_page(client.get(LIST, {"compound": a2})) == {traffic.pk}
    html = client.get(LIST, {"category": "building"}).content.decode()
    assert 'data-testid="empty-no-match"' in html


def test_a_filter_value_outside_the_choices_is_ignored(client, city, hazard, hazard_b1):
    login(client, city.manager_a)
    response = client.get(LIST, {"compound": city.compounds["B1"].pk, "status": "nonsense"})
    assert response.status_code == 200
    assert hazards_on_page(response) == {hazard.pk}


def test_verified_hazards_come_last_and_the_rest_by_deadline(client, city):
    late = raise_hazard(city, deadline=ahead(60))
    soon = raise_hazard(city, deadline=ahead(30))
    done = raise_hazard(city, deadline=ahead(10))
    services.hazard_rectify(hazard=done, actor=city.manager_a, note="已清理")
    services.hazard_verify(hazard=done, actor=city.street)
    response = login(client, city.street).get(LIST)
    assert [h.pk for h in response.context["hazards"]] == [soon.pk, late.pk, done.pk]


def test_mine_is_what_my_company_must_rectify_or_what_waits_for_my_verification(client, city):
    open_a = raise_hazard(city)
    rectified_a = raise_hazard(city, "A2")
    services.hazard_rectify(hazard=rectified_a, actor=city.manager_a, note="已清理")
    raise_hazard(city, "N1")  # no company: nobody's to rectify
    login(client, city.manager_a)
    assert hazards_on_page(client.get(LIST, {"mine": "1"})) == {open_a.pk}
    login(client, city.street)
    assert hazards_on_page(client.get(LIST, {"mine": "1"})) == {rectified_a.pk}
    login(client, city.viewer_a)  # a viewer acts on nothing
    assert hazards_on_page(client.get(LIST, {"mine": "1"})) == set()


def test_overdue_hazards_are_flagged_in_the_list_and_on_their_page(client, city):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)):
        late = raise_hazard(city, deadline=datetime.date(2026, 11, 25))
        waiting = raise_hazard(city, deadline=datetime.date(2026, 11, 25))
        services.hazard_rectify(hazard=waiting, actor=city.manager_a, note="已清理")
        later = raise_hazard(city, deadline=datetime.date(2026, 12, 31))
        login(client, city.manager_a)
        html = client.get(LIST).content.decode()
        assert 'data-testid="overdue"' not in html
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=TZ)):
        login(client, city.manager_a)  # six days on: yesterday's session has timed out
        response = client.get(LIST)
        flagged = {h.pk for h in response.context["hazards"] if h.overdue}
        assert flagged == {late.pk}  # the rectified one waits on the verifier, not the company
        html = response.content.decode()
        assert html.count('data-testid="overdue"') == 1
        assert f'class="hazard-card hazard-card--overdue" data-hazard="{late.pk}"' in html
        assert hazards_on_page(client.get(LIST, {"overdue": "1"})) == {late.pk}
        detail = client.get(detail_url(late)).content.decode()
        assert 'data-testid="overdue"' in detail
        assert 'data-testid="deadline-overdue"' in detail
        assert 'data-testid="overdue"' not in client.get(detail_url(later)).content.decode()


def test_list_paginates_and_keeps_the_filters_in_page_links(client, city):
    for _ in range(HAZARD_PAGE_SIZE + 3):
        raise_hazard(city, photo=None)
    login(client, city.manager_a)
    first = client.get(LIST, {"category": "fire"})
    assert len(hazards_on_page(first)) == HAZARD_PAGE_SIZE
    assert "?category=fire&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"category": "fire", "page": 2})
    assert len(hazards_on_page(second)) == 3


def test_list_offers_raising_only_to_those_who_may(client, city):
    assert 'data-testid="raise-hazard"' in login(client, city.manager_a).get(LIST).content.decode()
    assert (
        'data-testid="raise-hazard"' not in login(client, city.viewer_a).get(LIST).content.decode()
    )


@pytest.mark.parametrize("who", ["bureau", "street", "manager_a"])
def test_list_query_count_is_pinned(client, city, who, django_assert_max_num_queries):
    raise_hazard(city)
    login(client, getattr(city, who))
    with django_assert_max_num_queries(PINNED_LIST) as small:
        assert client.get(LIST).status_code == 200
    for i in range(30):
        hazard = raise_hazard(city, ("A1", "A2", "B2")[i % 3], photo=None)
        if i % 4 == 0:
            services.hazard_rectify(hazard=hazard, actor=None, note="已清理")
    services.key_management_enter(
        compound=city.compounds["A1"], actor=city.bureau, reason="隐患长期未整改"
    )
    with django_assert_max_num_queries(PINNED_LIST) as large:
        response = client.get(LIST, {"mine": "1", "overdue": "", "page": 1})
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    with django_assert_max_num_queries(PINNED_LIST):
        assert len(hazards_on_page(client.get(LIST))) > 10


# Raising a hazard ------------------------------------------------------------------------------


def test_street_raises_a_hazard_and_the_responsible_party_defaults_to_the_company(client, city):
    login(client, city.street)
    a1 = city.compounds["A1"]
    page = client.get(NEW, {"compound": a1.pk})
    assert page.context["form"].initial["responsible_party"] == "甲物业公司"
    response = client.post(NEW, raise_form(compound=a1.pk, photo=png_upload()))
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(hazard)
    assert (hazard.compound, hazard.responsible_party, hazard.raised_by) == (
        a1,
        "甲物业公司",
        city.street,
    )
    assert (hazard.source, hazard.severity, hazard.status) == (HazardSource.OTHER, "high", H.OPEN)
    assert hazard.photo
    assert list(hazard.events.values_list("action", flat=True)) == ["raise"]


def test_a_typed_responsible_party_is_kept(client, city):
    login(client, city.street)
    client.post(NEW, raise_form(compound=city.compounds["A1"].pk, responsible_party="业主王某"))
    assert Hazard.objects.get().responsible_party == "业主王某"


def test_a_compound_without_a_company_needs_a_responsible_party(client, city):
    login(client, city.street)
    response = client.post(NEW, raise_form(compound=city.compounds["N1"].pk))
    assert response.status_code == 200
    assert str(MSG_NO_RESPONSIBLE_PARTY) in response.content.decode()
    assert not Hazard.objects.exists()


def test_the_compound_choices_are_the_users_own(client, city):
    login(client, city.manager_a)
    form = client.get(NEW).context["form"]
    assert {c.code for c in form.fields["compound"].queryset} == {"A1", "A2"}
    response = client.post(NEW, raise_form(compound=city.compounds["B1"].pk))
    assert response.status_code == 200
    assert response.context["form"].errors["compound"]
    assert not Hazard.objects.exists()


def test_the_form_keeps_what_was_typed_on_error(client, city):
    login(client, city.street)
    response = client.post(
        NEW,
        raise_form(
            compound=city.compounds["A1"].pk,
            description="二号楼消防栓损坏",
            deadline="2020-01-01",
            responsible_party="甲物业公司",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert str(e.MSG_DEADLINE_BEFORE_TODAY) in html
    assert "二号楼消防栓损坏" in html
    assert 'value="2020-01-01"' in html
    assert '<option value="high" selected>' in html
    assert not Hazard.objects.exists()


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (pdf_upload, MSG_PHOTO_ONLY),
        (lambda: SimpleUploadedFile("notes.txt", b"just text", "text/plain"), MSG_FILE_TYPE),
        (lambda: SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nnot really", "image/png"), None),
    ],
)
def test_a_hazard_photo_must_be_a_real_image(client, city, make_upload, message):
    login(client, city.street)
    upload = make_upload()
    response = client.post(NEW, raise_form(compound=city.compounds["A1"].pk, photo=upload))
    assert response.status_code == 200
    errors = response.context["form"].errors["photo"]
    if message is not None:
        assert errors == [str(message)]
    assert not Hazard.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=200)
def test_a_photo_over_the_size_limit_is_refused(client, city):
    login(client, city.street)
    big = SimpleUploadedFile("big.png", png_bytes(size=(400, 400)), "image/png")
    response = client.post(NEW, raise_form(compound=city.compounds["A1"].pk, photo=big))
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [
        str(MSG_FILE_SIZE.format(limit=filesizeformat(200)))
    ]
    assert not Hazard.objects.exists()


@pytest.fixture
def failed_answer(city, template):
    check = services.inspection_open(
        compound=city.compounds["A1"], period=PERIOD, actor=city.manager_a
    )
    answer = check.answers.get(item__code="LH-6b")
    services.answer_save(answer=answer, actor=city.manager_a, value_score=2, comment="灭火器过期")
    return answer


def test_a_hazard_raised_from_a_failed_item_takes_its_compound_and_inspection(
    client, city, failed_answer
):
    login(client, city.street)
    url = f"{NEW}?answer={failed_answer.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert "compound" not in page.context["form"].fields
    assert page.context["form"].initial["responsible_party"] == "甲物业公司"
    assert "灭火器过期" in page.context["form"].initial["description"]
    html = page.content.decode()
    assert 'data-testid="hazard-source"' in html and "LH-6b" in html
    response = client.post(url, raise_form(compound=city.compounds["A2"].pk))  # ignored
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert (hazard.compound.code, hazard.inspection, hazard.answer) == (
        "A1",
        failed_answer.inspection,
        failed_answer,
    )
    assert hazard.source == HazardSource.SELF_CHECK


@pytest.mark.parametrize("who", ["manager_b", "community"])
def test_an_answer_outside_the_scope_is_404(client, city, failed_answer, who):
    user = getattr(city, who)
    expected = 404 if who == "manager_b" else 200
    assert login(client, user).get(f"{NEW}?answer={failed_answer.pk}").status_code == expected


def test_an_answer_id_that_is_not_a_number_is_404(client, city):
    assert login(client, city.street).get(f"{NEW}?answer=abc").status_code == 404
    assert client.get(f"{NEW}?answer=999999").status_code == 404


# The hazard's page and the workflow through it ------------------------------------------------


def test_the_whole_workflow_through_the_pages(client, city):
    login(client, city.street)
    client.post(NEW, raise_form(compound=city.compounds["A1"].pk, photo=png_upload()))
    hazard = Hazard.objects.get()

    login(client, city.manager_a)
    page = client.get(detail_url(hazard))
    assert page.context["actions"] == {"start", "rectify"}
    assert client.post(action_url(hazard, "start")).status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == H.RECTIFYING
    assert client.get(detail_url(hazard)).context["actions"] == {"rectify"}
    response = client.post(
        action_url(hazard, "rectify"), {"note": "电池已清走", "after_photo": png_upload()}
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert (hazard.status, hazard.rectification_note) == (H.RECTIFIED, "电池已清走")
    assert client.get(detail_url(hazard)).context["actions"] == set()

    login(client, city.street)
    page = client.get(detail_url(hazard))
    assert page.context["actions"] == {"verify", "reject"}
    assert client.post(action_url(hazard, "verify"), {"note": "现场核实"}).status_code == 302
    hazard.refresh_from_db()
    assert (hazard.status, hazard.verified_by) == (H.VERIFIED, city.street)

    page = client.get(detail_url(hazard))
    assert [e.action for e in page.context["events"]] == ["raise", "start", "rectify", "verify"]
    html = page.content.decode()
    for text in ("电池已清走", "现场核实", photo_url(hazard, "before"), photo_url(hazard, "after")):
        assert text in html
    assert page.context["actions"] == set()


def test_photos_are_served_through_the_scope_check(client, city, rectified):
    login(client, city.viewer_a)
    for which in ("before", "after"):
        response = client.get(photo_url(rectified, which))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    login(client, city.manager_b)
    assert client.get(photo_url(rectified, "after")).status_code == 404
    assert "/media/" not in login(client, city.street).get(detail_url(rectified)).content.decode()


def test_street_rejects_with_a_reason_and_a_new_deadline(client, city, rectified):
    login(client, city.street)
    response = client.post(
        action_url(rectified, "reject"), {"reason": "仍有杂物", "deadline": ahead(20).isoformat()}
    )
    assert response.status_code == 302
    rectified.refresh_from_db()
    assert (rectified.status, rectified.deadline) == (H.RECTIFYING, ahead(20))
    event = rectified.events.last()
    assert (event.action, event.note, event.deadline) == ("reject", "仍有杂物", ahead(20))
    assert Notification.objects.filter(user=city.manager_a, kind="hazard_assigned").count() == 2
    login(client, city.manager_a)
    assert client.get(detail_url(rectified)).context["actions"] == {"rectify"}


def test_a_rejection_needs_a_future_deadline_and_keeps_the_reason(client, city, rectified):
    login(client, city.street)
    response = client.post(
        action_url(rectified, "reject"), {"reason": "仍有杂物", "deadline": "2020-01-01"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert str(e.MSG_DEADLINE_PAST) in html
    assert "仍有杂物" in html
    assert 'value="2020-01-01"' in html
    assert Hazard.objects.get(pk=rectified.pk).status == H.RECTIFIED
    response = client.post(action_url(rectified, "reject"), {"reason": "", "deadline": ""})
    assert set(response.context["action_forms"]["reject"].errors) == {"reason", "deadline"}


def test_nobody_verifies_their_own_rectification(client, city, hazard):
    both = city.manager_a
    membership_set(user=both, organisation=city.org.street, role=Role.STAFF)
    both = type(both).objects.get(pk=both.pk)
    services.hazard_rectify(hazard=hazard, actor=both, note="已清理")
    login(client, both)
    assert client.get(detail_url(hazard)).context["actions"] == set()
    response = client.post(action_url(hazard, "verify"), {"note": ""})
    assert response.status_code == 200
    assert str(e.MSG_OWN_VERIFY) in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).status == H.RECTIFIED


def test_the_manager_cannot_verify_and_the_street_cannot_rectify(client, city, hazard):
    login(client, city.street)
    response = client.post(
        action_url(hazard, "rectify"), {"note": "x", "after_photo": png_upload()}
    )
    assert response.status_code == 403
    services.hazard_rectify(hazard=hazard, actor=city.manager_a, note="已清理")
    login(client, city.manager_a)
    assert client.post(action_url(hazard, "verify"), {"note": ""}).status_code == 403
    assert (
        client.post(
            action_url(hazard, "reject"), {"reason": "x", "deadline": ahead(30).isoformat()}
        ).status_code
        == 403
    )
    assert Hazard.objects.get(pk=hazard.pk).status == H.RECTIFIED


def test_an_action_in_the_wrong_state_shows_why(client, city, rectified):
    login(client, city.manager_a)
    response = client.post(action_url(rectified, "start"))
    assert response.status_code == 200
    message = e.MSG_HAZARD_WRONG_STATE.format(status=rectified.get_status_display())
    assert str(message) in response.content.decode()
    assert 'data-testid="action-error"' in response.content.decode()


def test_rectifying_needs_an_explanation_and_an_after_photo(client, city, hazard):
    login(client, city.manager_a)
    response = client.post(action_url(hazard, "rectify"), {"note": "已清理"})
    form = response.context["action_forms"]["rectify"]
    assert response.status_code == 200
    assert set(form.errors) == {"after_photo"}
    assert "已清理" in response.content.decode()
    response = client.post(
        action_url(hazard, "rectify"), {"note": "  ", "after_photo": png_upload()}
    )
    assert "note" in response.context["action_forms"]["rectify"].errors
    assert Hazard.objects.get(pk=hazard.pk).status == H.OPEN


def test_an_after_photo_must_be_an_image(client, city, hazard):
    login(client, city.manager_a)
    response = client.post(
        action_url(hazard, "rectify"), {"note": "已清理", "after_photo": pdf_upload()}
    )
    assert response.context["action_forms"]["rectify"].errors["after_photo"] == [
        str(MSG_PHOTO_ONLY)
    ]
    assert Hazard.objects.get(pk=hazard.pk).status == H.OPEN


@pytest.mark.parametrize("who", ["street", "manager_a"])
def test_detail_query_count_is_pinned(client, city, rectified, who, django_assert_max_num_queries):
    login(client, getattr(city, who))
    with django_assert_max_num_queries(PINNED_DETAIL) as small:
        assert client.get(detail_url(rectified)).status_code == 200
    for day in range(1, 6):
        services.hazard_reject(
            hazard=rectified,
            actor=city.bureau,
            reason=f"第{day}次退回",
            deadline=ahead(90 - day),
        )
        services.hazard_rectify(hazard=rectified, actor=city.manager_a, note="再次整改")
    with django_assert_max_num_queries(PINNED_DETAIL) as large:
        response = client.get(detail_url(rectified))
    assert len(response.context["events"]) == 12
    assert len(large.captured_queries) == len(small.captured_queries)


# The bell -------------------------------------------------------------------------------------


def test_raising_a_hazard_rings_the_managers_bell(client, city):
    login(client, city.manager_a)
    assert 'data-testid="unread-count"' not in client.get(LIST).content.decode()
    street = client.__class__()
    login(street, city.street).post(NEW, raise_form(compound=city.compounds["A1"].pk))
    hazard = Hazard.objects.get()

    assert 'data-testid="unread-count">1<' in client.get(LIST).content.decode()
    page = client.get(reverse("communities:notifications"))
    html = page.content.decode()
    assert "甲一小区" in html
    assert detail_url(hazard) in html
    assert client.post(reverse("communities:notifications")).status_code == 302
    assert 'data-testid="unread-count"' not in client.get(LIST).content.decode()
    assert Notification.objects.get(user=city.manager_a).read_at is not None
    assert not Notification.objects.filter(user=city.manager_b).exists()


def test_an_extra_company_member_is_told_too_but_not_viewers(client, city):
    extra = f.UserFactory(username="staff_a")
    membership_set(user=extra, organisation=city.org.company_a, role=Role.STAFF)
    raise_hazard(city)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "manager_a",
        "staff_a",
    }
