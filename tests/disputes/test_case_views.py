"""The dispute workbench pages: the list with its filters and figures, registering a case, the
case page (parties masked, timeline, deadline) and the agreement download."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Role
from communities.services import membership_set
from disputes import services
from disputes.errors import MSG_NO_PARTY
from disputes.models import CaseEvent, DisputeCase, Level, Party, Status
from disputes.roles import sees_parties
from disputes.views.cases import CASE_PAGE_SIZE
from tests import factories as f

from .conftest import accept, pdf_upload, register

LIST = reverse("disputes:case_list")
NEW = reverse("disputes:case_register")

pytestmark = pytest.mark.usefixtures("today")


def login(client, user):
    client.force_login(user)
    return client


def detail_url(case) -> str:
    return reverse("disputes:case_detail", args=[case.pk])


def agreement_url(case) -> str:
    return reverse("disputes:agreement", args=[case.pk])


def cases_on_page(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-case="(\d+)"', response.content.decode())}


def make_overdue(case, days=3):
    DisputeCase.objects.filter(pk=case.pk).update(
        deadline=datetime.date(2026, 11, 2) - datetime.timedelta(days=days)
    )


def resolve(case, actor, outcome="双方和解", agreement_reached=False, agreement_file=None):
    return services.case_resolve(
        case=case,
        actor=actor,
        outcome=outcome,
        agreement_reached=agreement_reached,
        agreement_file=agreement_file,
    )


def company_a_staff():
    user = f.UserFactory(username="staff_a")
    membership_set(user=user, organisation=_org("甲物业公司"), role=Role.STAFF)
    user.refresh_from_db()
    return user


def _org(name):
    from communities.models import Organisation

    return Organisation.objects.get(name=name)


# The list -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("bureau", {"A1", "B1"}),
        ("street", {"A1"}),
        ("community", {"A1"}),
        ("manager_a", {"A1"}),
        ("viewer_a", {"A1"}),
        ("manager_b", {"B1"}),
    ],
)
def test_list_shows_each_user_the_cases_of_their_scope(client, city, who, expected):
    by_code = {"A1": register(city).pk, "B1": register(city, city.manager_b, "B1").pk}
    response = login(client, getattr(city, who)).get(LIST)
    assert response.status_code == 200
    assert cases_on_page(response) == {by_code[c] for c in expected}


def test_each_filter_narrows_the_list(client, city):
    noise = register(city)
    parking = register(city, compound="A2", category="parking", source="patrol")
    street_case = register(city, city.street, level=Level.STREET, category="labour")
    done = register(city, description="邻里漏水纠纷已调解")
    accept(done, city.community)
    resolve(done, city.community)
    late = register(city, category="family")
    make_overdue(late)
    login(client, city.street)
    everything = {noise.pk, parking.pk, street_case.pk, done.pk, late.pk}
    assert cases_on_page(client.get(LIST)) == everything
    assert cases_on_page(client.get(LIST, {"status": "resolved"})) == {done.pk}
    assert cases_on_page(client.get(LIST, {"status": "open"})) == everything - {done.pk}
    assert cases_on_page(client.get(LIST, {"level": "street"})) == {street_case.pk}
    assert cases_on_page(client.get(LIST, {"category": "parking"})) == {parking.pk}
    assert cases_on_page(client.get(LIST, {"source": "patrol"})) == {parking.pk}
    a2 = city.compounds["A2"].pk
    assert cases_on_page(client.get(LIST, {"compound": a2})) == {parking.pk}
    assert cases_on_page(client.get(LIST, {"overdue": "1"})) == {late.pk}
    assert cases_on_page(client.get(LIST, {"mine": "1"})) == {street_case.pk}
    assert cases_on_page(client.get(LIST, {"q": "漏水"})) == {done.pk}
    assert cases_on_page(client.get(LIST, {"q": parking.number})) == {parking.pk}
    assert cases_on_page(client.get(LIST, {"year": 2026})) == everything
    assert cases_on_page(client.get(LIST, {"year": 2025})) == set()
    html = client.get(LIST, {"category": "land"}).content.decode()
    assert 'data-testid="empty-no-match"' in html


def test_mine_is_what_i_lead_handle_or_registered(client, city):
    registered_by_me = register(city)
    handled_by_me = register(city, city.community, compound="A2")
    accept(handled_by_me, city.community, leader=city.community, handler=city.manager_a)
    register(city, city.community)  # neither
    login(client, city.manager_a)
    assert cases_on_page(client.get(LIST, {"mine": "1"})) == {
        registered_by_me.pk,
        handled_by_me.pk,
    }


def test_a_filter_value_outside_the_choices_is_ignored(client, city):
    mine = register(city)
    register(city, city.manager_b, "B1")
    login(client, city.manager_a)
    response = client.get(
        LIST, {"compound": city.compounds["B1"].pk, "status": "nonsense", "year": "abc"}
    )
    assert response.status_code == 200
    assert cases_on_page(response) == {mine.pk}


def test_open_cases_come_first_by_deadline_then_closed_ones(client, city):
    later = register(city)
    sooner = register(city)
    DisputeCase.objects.filter(pk=sooner.pk).update(deadline=datetime.date(2026, 11, 5))
    done = register(city)
    accept(done, city.community)
    resolve(done, city.community)
    DisputeCase.objects.filter(pk=done.pk).update(deadline=datetime.date(2026, 11, 3))
    response = login(client, city.community).get(LIST)
    assert [c.pk for c in response.context["cases"]] == [sooner.pk, later.pk, done.pk]


def test_list_paginates_and_keeps_the_filters_in_page_links(client, city):
    for _ in range(CASE_PAGE_SIZE + 3):
        register(city)
    login(client, city.manager_a)
    first = client.get(LIST, {"category": "noise"})
    assert len(cases_on_page(first)) == CASE_PAGE_SIZE
    assert "?category=noise&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"category": "noise", "page": 2})
    assert len(cases_on_page(second)) == 3


def test_overdue_cases_are_flagged_in_the_list(client, city):
    late = register(city)
    register(city)
    make_overdue(late)
    response = login(client, city.manager_a).get(LIST)
    html = response.content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert f'class="hazard-card hazard-card--overdue" data-case="{late.pk}"' in html


def test_the_row_shows_compound_category_level_status_deadline_and_handler(client, city):
    case = register(city)
    accept(case, city.community, handler=city.manager_a)
    html = login(client, city.street).get(LIST).content.decode()
    row = html[html.index(f'data-case="{case.pk}"') :]
    row = row[: row.index("</li>")]
    for text in (case.number, "甲一小区", "噪声", "小区/社区", "已受理"):  # zh-hans by default
        assert text in row
    assert case.deadline.isoformat() in row
    assert "manager_a" in row


def test_figures_cover_the_listed_cases(client, city):
    first = register(city)
    accept(first, city.community)
    resolve(first, city.community)
    services.return_visit_record(
        case=first, actor=city.community, visited_on=datetime.date(2026, 11, 2), satisfaction="very"
    )
    second = register(city, category="parking")
    make_overdue(second)
    third = register(city, city.manager_b, "B2")  # street 1 has an office
    services.case_escalate(case=third, actor=city.manager_b, reason="需街道协调")
    login(client, city.bureau)
    figures = client.get(LIST).context["figures"]
    assert (figures["total"], figures["resolved"], figures["open"]) == (3, 1, 2)
    assert (figures["overdue"], figures["escalated"]) == (1, 1)
    assert str(figures["closure_rate"]) == "33.3"
    assert str(figures["satisfaction_rate"]) == "100.0"
    assert ("parking", 1) in [(v, n) for v, _l, n in figures["by_category"]]
    assert [(v, n) for v, _l, n in figures["by_level"]] == [
        ("community", 2),
        ("street", 1),
        ("district", 0),
    ]
    html = client.get(LIST).content.decode()
    assert 'data-figure="closure_rate">33.3%' in html
    assert "全部案件统计" in html  # "Figures of all your cases"
    narrowed = client.get(LIST, {"category": "parking"})
    assert narrowed.context["figures"]["total"] == 1
    assert "所列案件统计（按当前筛选条件）" in narrowed.content.decode()


def test_register_button_only_for_those_who_may(client, city):
    assert 'data-testid="register-case"' in login(client, city.manager_a).get(LIST).content.decode()
    html = login(client, city.viewer_a).get(LIST).content.decode()
    assert 'data-testid="register-case"' not in html


def test_export_link_carries_the_filters_but_not_the_page(client, city):
    login(client, city.street)
    html = client.get(LIST, {"category": "noise", "page": 1}).content.decode()
    assert f'action="{reverse("disputes:case_export")}?category=noise"' in html


def test_waiting_for_my_organisation_to_accept(client, city):
    at_community = register(city)
    at_street = register(city, city.community, compound="A2")
    services.case_escalate(case=at_street, actor=city.community, reason="需街道协调")
    accepted = register(city)
    accept(accepted, city.community)
    in_b1 = register(city, city.manager_b, "B1")
    login(client, city.community)
    response = client.get(LIST)
    assert response.context["awaiting_count"] == 1
    assert 'data-testid="awaiting"' in response.content.decode()
    assert cases_on_page(client.get(LIST, {"awaiting": "1"})) == {at_community.pk}
    login(client, city.street)
    assert cases_on_page(client.get(LIST, {"awaiting": "1"})) == {at_street.pk}
    login(client, city.manager_b)
    assert cases_on_page(client.get(LIST, {"awaiting": "1"})) == {in_b1.pk}
    login(client, city.viewer_a)  # a viewer accepts nothing
    response = client.get(LIST, {"awaiting": "1"})
    assert cases_on_page(response) == set()
    assert response.context["awaiting_count"] == 0


@pytest.mark.parametrize(
    "who", ["bureau", "street", "community", "manager_a", "manager_b", "viewer_a"]
)
def test_waiting_agrees_with_can_handle_for_every_case(client, city, who):
    cases = [register(city, compound=c) for c in ("A1", "A2")]
    cases += [register(city, city.bureau, compound=c) for c in ("N1", "B1", "B2")]
    cases.append(register(city, city.street, compound="B2", level=Level.STREET))
    cases.append(register(city, city.bureau, compound="N1", level=Level.DISTRICT))
    user = getattr(city, who)
    response = login(client, user).get(LIST, {"awaiting": "1"})
    expected = {
        c.pk
        for c in cases
        if services.can_handle(user, c)
        and DisputeCase.objects.visible_to(user).filter(pk=c.pk).exists()
    }
    assert cases_on_page(response) == expected


# Registering a case ---------------------------------------------------------------------------


def register_form(city, compound="A1", parties=None, **overrides):
    data = {
        "compound": city.compounds[compound].pk,
        "category": "noise",
        "source": "resident",
        "level": "community",
        "description": "楼上深夜噪声",
        "amount": "",
        "parties-TOTAL_FORMS": "3",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "20",
    }
    for i in range(3):
        data.update(
            {
                f"parties-{i}-role": "applicant",
                f"parties-{i}-name": "",
                f"parties-{i}-phone": "",
                f"parties-{i}-id_number": "",
            }
        )
    for i, party in enumerate(
        parties if parties is not None else [{"name": "王小明", "phone": "13812345678"}]
    ):
        data.update({f"parties-{i}-{k}": v for k, v in party.items()})
    data.update(overrides)
    return data


def test_manager_registers_a_case_with_its_parties(client, city):
    login(client, city.manager_a)
    parties = [
        {"name": "王小明", "phone": "138 1234 5678", "id_number": "11010519491231002X"},
        {"role": "respondent", "name": "李大海"},
    ]
    response = client.post(NEW, register_form(city, parties=parties, amount="1200.50"))
    case = DisputeCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(case)
    assert case.number == "110105001-2026-0001"
    assert (case.compound.code, case.level, case.status) == ("A1", "community", "registered")
    assert (case.registered_by, str(case.amount)) == (city.manager_a, "1200.50")
    assert case.deadline == datetime.date(2026, 11, 16)
    assert list(case.parties.values_list("role", "name", "phone", "id_number")) == [
        ("applicant", "王小明", "13812345678", "11010519491231002X"),
        ("respondent", "李大海", "", ""),
    ]
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == [
        "register"
    ]
    page = client.get(response["Location"])
    assert [m for m in page.context["messages"] if case.number in str(m)]


def test_register_page_preselects_the_compound_from_the_query(client, city):
    login(client, city.manager_a)
    form = client.get(NEW, {"compound": city.compounds["A2"].pk}).context["form"]
    assert form.initial["compound"] == city.compounds["A2"].pk
    form = client.get(NEW, {"compound": city.compounds["B1"].pk}).context["form"]
    assert "compound" not in form.initial
    assert {c.code for c in form.fields["compound"].queryset} == {"A1", "A2"}
    for odd in ("²", "abc", "-1", "9" * 30):  # digits that int() refuses, and nonsense
        response = client.get(NEW, {"compound": odd})
        assert response.status_code == 200
        assert "compound" not in response.context["form"].initial


def test_a_case_needs_a_party_and_keeps_what_was_typed(client, city):
    login(client, city.manager_a)
    response = client.post(NEW, register_form(city, parties=[], description="停车位被占"))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(MSG_NO_PARTY) in html
    assert "停车位被占" in html
    assert not DisputeCase.objects.exists()


def test_a_bad_phone_is_an_error_on_the_party_and_nothing_is_written(client, city):
    login(client, city.manager_a)
    parties = [{"name": "王小明", "phone": "12345"}, {"role": "respondent", "name": "李大海"}]
    response = client.post(NEW, register_form(city, parties=parties))
    assert response.status_code == 200
    party_forms = response.context["parties"].forms
    assert party_forms[0].errors["phone"]
    html = response.content.decode()
    assert 'value="12345"' in html and 'value="李大海"' in html
    assert not DisputeCase.objects.exists()
    assert not Party.objects.exists()


def test_a_compound_outside_the_scope_is_an_error_not_a_case(client, city):
    login(client, city.manager_a)
    response = client.post(NEW, register_form(city, compound="B1"))
    assert response.status_code == 200
    assert response.context["form"].errors["compound"]
    assert not DisputeCase.objects.exists()


def test_only_the_bureau_registers_at_district_level(client, city):
    login(client, city.street)
    response = client.post(NEW, register_form(city, level="district", description="群体性纠纷"))
    assert response.status_code == 200
    assert response.context["form"].errors["level"]
    assert "群体性纠纷" in response.content.decode()
    assert not DisputeCase.objects.exists()
    offered = [v for v, _l in response.context["form"].fields["level"].choices]
    assert offered == ["community", "street"]
    login(client, city.bureau)
    assert client.post(NEW, register_form(city, level="district")).status_code == 302
    assert DisputeCase.objects.get().level == Level.DISTRICT


# The case's page ------------------------------------------------------------------------------


def test_case_page_shows_the_case_the_four_fixes_and_working_days_left(client, city):
    case = register(city, amount=300)
    accept(case, city.community, handler=city.manager_a, plan="约双方到居委会调解")
    html = login(client, city.street).get(detail_url(case)).content.decode()
    for text in (case.number, "楼上装修噪声扰民", "甲一小区", "约双方到居委会调解", "300"):
        assert text in html
    assert re.search(r'data-testid="handler">\s*manager_a', html)
    assert re.search(r'data-testid="leader">\s*community', html)
    assert '<span data-testid="days-left">（剩余 10 个工作日）</span>' in html
    assert 'data-testid="overdue"' not in html


def test_an_overdue_case_is_flagged_with_working_days_late(client, city):
    case = register(city)
    DisputeCase.objects.filter(pk=case.pk).update(deadline=datetime.date(2026, 10, 29))
    html = login(client, city.manager_a).get(detail_url(case)).content.decode()
    assert 'data-testid="overdue"' in html
    assert 'data-testid="deadline-overdue"' in html
    assert "（已逾期 2 个工作日）" in html  # Friday 30 October and Monday 2 November


def test_the_timeline_shows_every_step_with_who_levels_and_deadlines(client, city):
    case = register(city)
    accept(case, city.community, handler=city.manager_a)
    services.case_escalate(case=case, actor=city.community, reason="涉及多方，需街道协调")
    response = login(client, city.street).get(detail_url(case))
    events = response.context["events"]
    assert [e.action for e in events] == ["register", "accept", "escalate"]
    escalate = events[-1]
    community, street = str(Level.COMMUNITY.label), str(Level.STREET.label)
    assert (escalate.from_level_label, escalate.to_level_label) == (community, street)
    html = response.content.decode()
    assert "涉及多方，需街道协调" in html
    assert f"{Status.ACCEPTED.label} → {Status.ESCALATED.label}" in html
    assert f"{community} → {street}" in html
    assert escalate.deadline.isoformat() in html


def test_sessions_outcome_visits_and_agreement_are_shown(client, city):
    case = register(city)
    accept(case, city.community)
    services.session_record(
        case=case,
        actor=city.community,
        held_on=datetime.date(2026, 11, 2),
        mediators="张调解员",
        agreed="楼上晚十点后停工",
    )
    resolve(case, city.community, agreement_reached=True, agreement_file=pdf_upload())
    services.return_visit_record(
        case=case, actor=city.community, visited_on=datetime.date(2026, 11, 2), satisfaction="very"
    )
    html = login(client, city.community).get(detail_url(case)).content.decode()
    for text in ("张调解员", "楼上晚十点后停工", "双方和解", "非常满意"):
        assert text in html
    assert f'href="{agreement_url(case)}"' in html


def test_parties_are_in_full_for_a_role_that_may_see_personal_data(client, city):
    case = register(
        city,
        parties=[
            {
                "role": "applicant",
                "name": "王小明",
                "phone": "13812345678",
                "id_number": "11010519491231002X",
            }
        ],
    )
    assert sees_parties(city.community)
    html = login(client, city.community).get(detail_url(case)).content.decode()
    assert "王小明" in html and "13812345678" in html and "11010519491231002X" in html
    assert 'data-testid="masked-note"' not in html


def test_parties_are_masked_for_every_company_role(client, city):
    case = register(
        city,
        parties=[
            {
                "role": "applicant",
                "name": "王小明",
                "phone": "13812345678",
                "id_number": "11010519491231002X",
            }
        ],
    )
    staff = company_a_staff()
    # The company admin too, though it sees households' personal data (issue 10).
    for user in (city.manager_a, staff, city.viewer_a):
        assert not sees_parties(user)
        html = login(client, user).get(detail_url(case)).content.decode()
        assert "王**" in html and "138****5678" in html and "110***********002X" in html
        assert "王小明" not in html and "13812345678" not in html
        assert "11010519491231002X" not in html
        assert 'data-testid="masked-note"' in html


# The agreement file ---------------------------------------------------------------------------


@pytest.fixture
def resolved_with_agreement(city):
    case = register(city)
    accept(case, city.community)
    return resolve(case, city.community, agreement_reached=True, agreement_file=pdf_upload())


def test_agreement_downloads_as_a_pdf_attachment(client, city, resolved_with_agreement):
    case = resolved_with_agreement
    response = login(client, city.community).get(agreement_url(case))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"{case.number}.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_role_that_may_not_see_personal_data_may_not_download_the_agreement(
    client, city, resolved_with_agreement
):
    case = resolved_with_agreement
    login(client, city.viewer_a)
    page = client.get(reverse("disputes:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="agreement-withheld"' in page
    assert agreement_url(case) not in page
    assert client.get(agreement_url(case)).status_code == 403
    admin_page = client.get(reverse("admin:disputes_disputecase_change", args=[case.pk]))
    assert agreement_url(case) not in admin_page.content.decode()
    login(client, city.community)
    assert (
        agreement_url(case)
        in client.get(reverse("admin:disputes_disputecase_change", args=[case.pk])).content.decode()
    )


def test_every_page_and_file_of_a_logged_in_user_is_kept_out_of_caches(
    client, city, resolved_with_agreement
):
    case = resolved_with_agreement
    login(client, city.community)
    for url in (
        reverse("disputes:case_detail", args=[case.pk]),
        reverse("disputes:case_list"),
        reverse("admin:disputes_disputecase_change", args=[case.pk]),
        agreement_url(case),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
    client.logout()
    assert "Cache-Control" not in client.get(reverse("communities:guide"))  # public, no data


def test_agreement_is_404_out_of_scope_and_when_there_is_none(
    client, city, resolved_with_agreement
):
    login(client, city.manager_b)
    assert client.get(agreement_url(resolved_with_agreement)).status_code == 404
    without = register(city)
    login(client, city.community)
    assert client.get(agreement_url(without)).status_code == 404


def test_an_agreement_that_is_not_a_pdf_or_image_is_never_served(client, city):
    case = register(city)
    accept(case, city.community)
    resolve(case, city.community, agreement_reached=True, agreement_file=pdf_upload())
    case.refresh_from_db()
    with case.agreement_file.storage.open(case.agreement_file.name, "wb") as handle:
        handle.write(b"<script>alert(1)</script>")
    assert login(client, city.community).get(agreement_url(case)).status_code == 404


def test_a_photographed_agreement_is_served_inline_as_an_image(client, city):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    photo = SimpleUploadedFile("scan.png", out.getvalue(), content_type="image/png")
    case = register(city)
    accept(case, city.community)
    resolve(case, city.community, agreement_reached=True, agreement_file=photo)
    response = login(client, city.community).get(agreement_url(case))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")


def test_status_of_a_withdrawn_case_has_no_actions(client, city):
    case = register(city)
    services.case_withdraw(case=case, actor=city.manager_a, reason="双方自行和解")
    response = login(client, city.community).get(detail_url(case))
    assert response.context["action_forms"] == []
    assert Status(DisputeCase.objects.get(pk=case.pk).status) == Status.WITHDRAWN


# Queries do not grow with the data --------------------------------------------------------------

# Pinned query counts: session, user, the savepoint pair of ATOMIC_REQUESTS, permissions (1),
# the scope and the bell's unread count (7), then the page's own reads.
PINNED_LIST = {
    # + filter compounds, rows, one figure query (its total is the list's count) (+ the
    # waiting count for handlers); the figures kept for the scope spare it on the next view
    # (tests/disputes/test_list_figures.py)
    "bureau": 11,
    "street": 11,
    "manager_a": 11,
    "viewer_a": 10,
}
PINNED_DETAIL = {
    # + case, can_handle, handler choices (if accepting or reassigning is offered), working
    # days, parties, sessions, return visits, timeline; for a reader shown the parties in full,
    # the audit entry saying so
    "community": 16,
    "street": 15,
    "viewer_a": 13,
}


def _many_cases(city, n):
    cases = []
    for i in range(n):
        code, category = ("A1", "A2", "N1")[i % 3], ("noise", "parking")[i % 2]
        case = register(city, city.community, compound=code, category=category)
        if i % 3 == 0:
            accept(case, city.community, handler=city.manager_a if code != "N1" else None)
        if i % 5 == 0 and case.status == Status.ACCEPTED:
            resolve(case, city.community)
        if i % 4 == 1:
            make_overdue(case)
        cases.append(case)
    return cases


def _count(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, data or {}).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("who", sorted(PINNED_LIST))
def test_list_query_count_is_pinned(client, city, who):
    _many_cases(city, 3)
    login(client, getattr(city, who))
    small = _count(client, LIST)
    _many_cases(city, 17)
    large = _count(client, LIST)
    # The search matches compound names for every role (a role that may not see personal data
    # does not search descriptions): the filtered page has rows, as the others do.
    query = {"status": "open", "category": "noise", "q": "小区", "page": "1"}
    filtered = _count(client, LIST, query)
    # On PostgreSQL a search reads the matching compounds' ids first (communities.search), once
    # for the figures and the page.
    search_reads = 1 if connection.vendor == "postgresql" else 0
    assert (small, large, filtered - search_reads) == (PINNED_LIST[who],) * 3


@pytest.mark.parametrize("who", sorted(PINNED_DETAIL))
def test_detail_query_count_is_pinned(client, city, who):
    small_case = register(city)
    _many_cases(city, 2)
    login(client, getattr(city, who))
    small = _count(client, detail_url(small_case))
    big_case = register(
        city, parties=[{"role": "applicant", "name": f"当事人{i}"} for i in range(8)]
    )
    for i in range(4):
        services.party_add(case=big_case, actor=city.manager_a, role="third", name=f"第三人{i}")
    _many_cases(city, 17)
    large = _count(client, detail_url(big_case))
    assert (small, large) == (PINNED_DETAIL[who],) * 2
