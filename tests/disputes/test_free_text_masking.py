"""Free text never shows the names the masked fields hide (issue 9, point 3).

A session's attendees are the case's own parties (masked like them), the people working on
the case and free text for others; the case's texts (description, plan, outcome, session
records, return-visit notes, timeline notes) are shown with the parties' names masked to a
role without ``disputes.view_party_data``: on the case page, in the export, on the
printable case file and in the admin. A role with the permission sees them in full (no
property-company role has it: issue 10).
"""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from communities.models import Organisation, Role
from communities.privacy import can_see_personal_data, mask_text, text_masker
from communities.services import membership_set
from disputes import services
from disputes.errors import MSG_ATTENDEE_NOT_PARTY, WorkflowError
from disputes.models import MediationSession, Party, Status
from disputes.roles import sees_parties
from tests import factories as f

from .conftest import TODAY, accept, pdf_upload, register

pytestmark = pytest.mark.usefixtures("today")

NAMES = ("赵明远", "孙丽华")
PARTIES = [
    {"role": "applicant", "name": "赵明远", "phone": "13812345678", "id_number": ""},
    {"role": "respondent", "name": "孙丽华", "phone": "", "id_number": ""},
]
DESCRIPTION = "赵明远反映楼上孙丽华家装修噪声扰民，多次协商未果。"
AGREED = "孙丽华同意晚十点后停工，赵明远撤回投诉。"


def company_a_staff():
    """Company A's staff: handles and exports A's cases, may not see personal data."""
    user = f.UserFactory(username="staff_a")
    organisation = Organisation.objects.get(name="甲物业公司")
    membership_set(user=user, organisation=organisation, role=Role.STAFF)
    user.refresh_from_db()
    return user


@pytest.fixture
def staff_a(city):
    user = company_a_staff()
    assert not can_see_personal_data(user)
    assert user.has_perm("disputes.export_disputecase")
    return user


def record_session(case, actor, **extra):
    kwargs = {
        "held_on": TODAY,
        "mediators": "刘调解员",
        "agreed": AGREED,
        "parties_present": list(case.parties.order_by("pk")),
        "staff_present": [actor],
        "other_attendees": "楼长、赵明远的儿子",
        **extra,
    }
    return services.session_record(case=case, actor=actor, **kwargs)


@pytest.fixture
def case(city):
    """A case in A1 whose every text names its parties: resolved, visited, on the timeline."""
    case = register(city, city.manager_a, "A1", parties=PARTIES, description=DESCRIPTION)
    accept(case, city.community, plan="约赵明远、孙丽华到居委会面谈")
    record_session(case, city.community)
    services.case_resolve(
        case=case,
        actor=city.community,
        outcome="赵明远与孙丽华签订调解协议",
        agreement_reached=True,
        agreement_file=pdf_upload(),
    )
    services.return_visit_record(
        case=case,
        actor=city.community,
        visited_on=TODAY,
        satisfaction="very",
        note="赵明远表示满意",
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    return case


def detail_url(case) -> str:
    return reverse("disputes:case_detail", args=[case.pk])


def print_url(case) -> str:
    return reverse("disputes:case_print", args=[case.pk])


def assert_no_full_name(content: bytes) -> None:
    for name in NAMES:
        assert name.encode() not in content, name


def assert_every_name(content: bytes) -> None:
    for name in NAMES:
        assert name.encode() in content, name


# --- the helper ---------------------------------------------------------------------------------


def test_names_are_masked_longest_first_in_one_pass():
    text = "王小明和王小说，王小明的邻居李四"
    assert mask_text(text, ["王小", "王小明", "李四"]) == "王**和王*说，王**的邻居李*"


def test_a_one_character_name_or_no_name_leaves_the_text_as_it_is():
    assert mask_text("王先生来了", ["王", "", "  "]) == "王先生来了"
    assert text_masker([])("") == ""


def test_names_in_latin_letters_are_found_in_any_case():
    assert mask_text("Met JOHN SMITH today", ["John Smith"]) == "Met J********* today"


# --- the case page ------------------------------------------------------------------------------


def test_a_role_without_the_permission_sees_no_partys_full_name_on_the_case_page(
    client, city, case, staff_a
):
    for user in (staff_a, city.viewer_a):
        client.force_login(user)
        response = client.get(detail_url(case))
        assert response.status_code == 200
        assert_no_full_name(response.content)
        html = response.content.decode()
        assert "赵**反映楼上孙**家装修噪声扰民" in html  # the description
        present = response.context["sessions"][0].present
        assert present[:2] == ["赵**（申请人）", "孙**（被申请人）"]
        assert "楼长、赵**的儿子" in html  # others present, the name in it masked
        assert "孙**同意晚十点后停工" in html  # the session record and its timeline note
        assert "赵**表示满意" in html  # the return visit
        assert "赵**与孙**签订调解协议" in html  # the outcome


def test_a_role_with_the_permission_sees_the_names_in_full(client, city, case):
    for user in (city.community, city.street, city.bureau):
        assert sees_parties(user)
        client.force_login(user)
        response = client.get(detail_url(case))
        assert_every_name(response.content)
        html = response.content.decode()
        assert DESCRIPTION in html and AGREED in html and "楼长、赵明远的儿子" in html
        present = response.context["sessions"][0].present
        assert present[:2] == ["赵明远（申请人）", "孙丽华（被申请人）"]


def test_the_case_page_shows_who_came_parties_workers_and_others(client, city, case):
    client.force_login(city.community)
    html = client.get(detail_url(case)).content.decode()
    present = html.split('data-testid="attendees"')[1].split("</span>")[0]
    for part in ("赵明远", "孙丽华", "community", "楼长"):
        assert part in present


# --- the export ---------------------------------------------------------------------------------


def export_bytes(client) -> bytes:
    response = client.post("/disputes/export/")
    assert response.status_code == 200, response.content[:300]
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        return b"".join(book.read(name) for name in book.namelist())


def test_the_export_holds_no_partys_full_name_for_a_role_without_the_permission(
    client, city, case, staff_a
):
    client.force_login(staff_a)
    content = export_bytes(client)
    assert_no_full_name(content)
    assert "赵**反映楼上孙**家装修噪声扰民".encode() in content
    assert "赵**与孙**签订调解协议".encode() in content


def test_the_export_holds_the_names_for_a_role_with_the_permission(client, city, case):
    client.force_login(city.community)
    content = export_bytes(client)
    assert_every_name(content)
    assert DESCRIPTION.encode() in content


# --- the printable case file ---------------------------------------------------------------------


def test_the_case_page_links_to_its_printable_case_file(client, city, case):
    client.force_login(city.viewer_a)
    html = client.get(detail_url(case)).content.decode()
    assert f'href="{print_url(case)}"' in html
    assert "打印卷宗" in html


def test_the_case_file_holds_the_whole_record_laid_out_for_a4(client, city, case):
    client.force_login(city.community)
    response = client.get(print_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "矛盾纠纷调解卷宗" in html and case.number in html
    for text in (DESCRIPTION, "约赵明远、孙丽华到居委会面谈", AGREED, "赵明远表示满意"):
        assert text in html
    assert "13812345678" in html  # the parties in full for this role
    assert html.count("data-event=") == case.events.count()  # the whole timeline
    assert html.count("data-session=") == 1 and html.count("data-visit=") == 1
    assert "css/print.css" in html
    assert 'class="site-header"' in html  # hidden on paper by the print style sheet


def test_the_print_style_sheet_prints_a4_without_navigation():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/print.css"), encoding="utf-8") as sheet:
        css = sheet.read()
    assert "size: A4" in css and "@media print" in css
    printed = css.split("@media print {")[1]
    for hidden in (".site-header", ".site-footer", ".paper-toolbar"):
        assert hidden in printed


def test_the_case_file_is_masked_for_a_role_without_the_permission(client, city, case, staff_a):
    for user in (staff_a, city.viewer_a):
        client.force_login(user)
        response = client.get(print_url(case))
        assert response.status_code == 200
        assert_no_full_name(response.content)
        assert b"13812345678" not in response.content
        html = response.content.decode()
        assert "138****5678" in html and 'data-testid="masked-note"' in html


def test_the_case_file_of_another_companys_case_is_404(client, city, case):
    client.force_login(city.manager_b)
    assert client.get(print_url(case)).status_code == 404
    assert client.get(reverse("disputes:case_print", args=[case.pk + 1000])).status_code == 404


# --- the admin ----------------------------------------------------------------------------------


def admin_url(case) -> str:
    return reverse("admin:disputes_disputecase_change", args=[case.pk])


def test_the_admin_case_page_masks_the_texts_for_a_role_without_the_permission(client, city, case):
    client.force_login(city.viewer_a)
    response = client.get(admin_url(case))
    assert response.status_code == 200
    assert_no_full_name(response.content)
    html = response.content.decode()
    assert "赵**反映楼上孙**家装修噪声扰民" in html and "孙**同意晚十点后停工" in html


def test_the_admin_case_page_shows_the_texts_to_a_role_with_the_permission(client, city, case):
    client.force_login(city.community)
    response = client.get(admin_url(case))
    assert_every_name(response.content)
    assert DESCRIPTION in response.content.decode()


def test_the_admin_search_does_not_confirm_a_name_in_the_texts(client, city, case):
    changelist = reverse("admin:disputes_disputecase_changelist")
    client.force_login(city.viewer_a)
    assert list(client.get(changelist, {"q": "赵明远"}).context["cl"].result_list) == []
    assert list(client.get(changelist, {"q": case.number}).context["cl"].result_list) == [case]
    client.force_login(city.community)
    assert list(client.get(changelist, {"q": "赵明远"}).context["cl"].result_list) == [case]


@pytest.mark.parametrize(
    "lookup", ["description__contains", "plan__icontains", "sessions__agreed__contains"]
)
def test_the_admin_address_cannot_filter_the_texts_by_a_guessed_name(client, city, case, lookup):
    changelist = reverse("admin:disputes_disputecase_changelist")
    client.force_login(city.viewer_a)
    refused = client.get(changelist, {lookup: "赵明远"})
    assert refused.status_code == 400
    assert "赵明远".encode() not in refused.content
    client.force_login(city.community)  # may see the parties: the filter is an ordinary one
    if lookup.startswith("description"):
        assert list(client.get(changelist, {lookup: "赵明远"}).context["cl"].result_list) == [case]


def test_phones_and_id_numbers_typed_into_a_text_are_masked_whoever_they_are():
    text = "赵明远（13812345678，身份证110101199003071234）另留座机010-12345678，赔5000元"
    assert mask_text(text, ["赵明远"]) == (
        "赵**（138****5678，身份证110***********1234）另留座机010-****5678，赔5000元"
    )


def test_a_partys_phone_in_the_description_is_masked_on_the_page_and_the_case_file(
    client, city, staff_a
):
    case = register(
        city, city.manager_a, "A1", parties=PARTIES, description="赵明远来电13812345678反映噪声"
    )
    client.force_login(staff_a)
    for url in (detail_url(case), print_url(case)):
        content = client.get(url).content
        assert b"13812345678" not in content and "来电138****5678".encode() in content


# --- recording who came -------------------------------------------------------------------------


def test_a_session_records_the_parties_workers_and_others_present(city):
    case = accept(register(city, city.manager_a, "A1", parties=PARTIES), city.community)
    session = record_session(case, city.community, staff_present=[city.community, city.manager_a])
    assert set(session.parties_present.values_list("name", flat=True)) == set(NAMES)
    assert set(session.staff_present.all()) == {city.community, city.manager_a}
    assert session.other_attendees == "楼长、赵明远的儿子"


def test_a_party_of_another_case_is_refused_and_nothing_is_written(city):
    case = accept(register(city, city.manager_a, "A1", parties=PARTIES), city.community)
    other = register(city, city.manager_a, "A2")
    stranger = Party.objects.filter(case=other).first()
    with pytest.raises(WorkflowError) as refused:
        record_session(case, city.community, parties_present=[stranger])
    assert str(refused.value) == str(MSG_ATTENDEE_NOT_PARTY)
    assert not MediationSession.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


def test_someone_not_working_on_the_case_is_refused_as_a_case_worker(city):
    case = accept(register(city, city.manager_a, "A1", parties=PARTIES), city.community)
    with pytest.raises(WorkflowError):
        record_session(case, city.community, staff_present=[city.manager_b])
    assert not MediationSession.objects.exists()


def test_the_session_form_offers_only_the_cases_parties_and_refuses_another(client, city):
    case = accept(register(city, city.manager_a, "A1", parties=PARTIES), city.community)
    other = register(city, city.manager_a, "A2")
    stranger = Party.objects.filter(case=other).first()
    client.force_login(city.community)
    page = client.get(detail_url(case))
    form = next(a["form"] for a in page.context["action_forms"] if a["name"] == "session")
    offered = {int(key) for key, _label in form.fields["parties_present"].choices}
    assert offered == set(case.parties.values_list("pk", flat=True))
    assert 'type="checkbox" name="parties_present"' in page.content.decode()

    url = reverse("disputes:case_session", args=[case.pk])
    data = {"held_on": TODAY.isoformat(), "mediators": "刘调解员", "agreed": "和解"}
    refused = client.post(url, {**data, "parties_present": [stranger.pk]})
    assert refused.status_code == 200
    assert not MediationSession.objects.exists()

    mine = list(case.parties.values_list("pk", flat=True))
    done = client.post(url, {**data, "parties_present": mine, "staff_present": [city.community.pk]})
    assert done.status_code == 302
    session = MediationSession.objects.get(case=case)
    assert sorted(session.parties_present.values_list("pk", flat=True)) == sorted(mine)


def test_a_handler_without_the_permission_ticks_parties_by_their_masked_names(
    client, city, staff_a
):
    case = accept(register(city, city.manager_a, "A1", parties=PARTIES), city.manager_a)
    client.force_login(staff_a)
    page = client.get(detail_url(case))
    assert any(a["name"] == "session" for a in page.context["action_forms"])
    assert_no_full_name(page.content)
    # A refused form comes back with the same masked choices.
    url = reverse("disputes:case_session", args=[case.pk])
    refused = client.post(url, {"held_on": (TODAY + datetime.timedelta(days=3)).isoformat()})
    assert refused.status_code == 200
    assert_no_full_name(refused.content)
    assert "赵**（" in refused.content.decode()


def test_the_list_search_never_searches_the_description_for_a_role_without_the_permission(
    client, city, case, staff_a
):
    listed = reverse("disputes:case_list")

    def found(query) -> bool:
        return f'data-case="{case.pk}"'.encode() in client.get(listed, {"q": query}).content

    client.force_login(staff_a)
    # Not a name, nor a piece of one that straddles its edge (赵明远 + 反映 → «远反映»).
    for query in ("赵明远", "明远", "赵明远反映", "远反映", "上孙丽", "装修噪声"):
        assert not found(query), query
    assert found(case.number) and found("甲一")  # the number and the compound's name still
    client.force_login(city.community)
    assert found("赵明远") and found("远反映") and found("装修噪声")


def test_the_cases_audit_history_masks_the_texts_for_a_role_without_the_permission(
    client, city, case
):
    history = reverse("admin:disputes_disputecase_auditlog", args=[case.pk])
    client.force_login(city.viewer_a)
    response = client.get(history)
    assert response.status_code == 200
    assert_no_full_name(response.content)
    assert "赵**反映楼上孙**家装修噪声扰民" in response.content.decode()
    client.force_login(city.community)
    assert_every_name(client.get(history).content)
