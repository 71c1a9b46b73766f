"""The check page and its actions, for the whole cast: who sees what (200/403/404), answers
saved with htmx and without JavaScript, evidence accepted and refused, submit, review, reopen,
supervision, and the page's query count."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from communities.uploads import MSG_FILE_SIZE, MSG_FILE_TYPE
from inspections import errors as e
from inspections import services
from inspections.models import (
    Answer,
    Evidence,
    Hazard,
    Inspection,
    InspectionKind,
    InspectionStatus,
)
from tests.conftest import EXPECTED_COMPOUNDS

from .conftest import PERIOD, fill_check, png_bytes

S = InspectionStatus
CAST = list(EXPECTED_COMPOUNDS)
HTMX = {"HTTP_HX_REQUEST": "true"}

# Pinned: session, user, scope, the savepoint pair of ATOMIC_REQUESTS, permissions (1), the
# bell's unread count, then the page's own reads (check, answers, evidence, previous self-check
# and its answers for a supervision, hazards, timeline, the month's legal-education activities
# beside 法制教育好). Never more with more answers/evidence/activities.
PINNED_DETAIL = 14  # a self-check's page reads 13
PINNED_HTMX_SAVE = 22  # the save itself (lock, scope, answer, audit, rescore), the item, the score


def url(name, *args):
    return reverse(f"inspections:{name}", args=args)


def login(client, user):
    client.force_login(user)
    return client


def shown(message) -> str:
    """A message as the pages show it: in the site's language (an unset cookie)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def answer_of(check, code) -> Answer:
    return check.answers.select_related("item").get(item__code=code)


def field(answer, name):
    return f"a{answer.pk}-{name}"


def pdf_upload(name="台账.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF\n")


def png_file(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def check(city, template):
    return services.inspection_open(compound=city.compounds["A1"], period=PERIOD, actor=None)


@pytest.fixture
def submitted(city, check):
    fill_check(check, city.manager_a)
    return services.inspection_submit(inspection=check, actor=city.manager_a)


@pytest.fixture
def approved(city, submitted):
    return services.inspection_approve(inspection=submitted, actor=city.street)


# Who may open the page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("bureau", 200),
        ("street", 200),
        ("community", 200),
        ("manager_a", 200),
        ("viewer_a", 200),
        ("manager_b", 404),
        ("nobody", 403),
    ],
)
def test_check_page_by_role(client, city, check, who, status):
    response = login(client, getattr(city, who)).get(url("inspection_detail", check.pk))
    assert response.status_code == status
    if status != 200:
        assert "甲一小区" not in response.content.decode()


def test_check_page_needs_a_login(client, check):
    response = client.get(url("inspection_detail", check.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_companys_check_and_an_unknown_one_look_the_same(client, city, check):
    login(client, city.manager_b)
    for pk in (check.pk, check.pk + 999):
        response = client.get(url("inspection_detail", pk))
        assert response.status_code == 404
        assert 'data-testid="not-found"' in response.content.decode()


@pytest.mark.parametrize(
    ("who", "editable"),
    [("manager_a", True), ("viewer_a", False), ("street", False), ("bureau", False)],
)
def test_only_the_company_fills_a_draft_self_check(client, city, check, who, editable):
    html = login(client, getattr(city, who)).get(url("inspection_detail", check.pk)).content
    html = html.decode()
    assert (html.count('class="answer-form"') == 13) is editable
    assert ('data-testid="submit"' in html) is editable
    assert ("vendor/htmx.min.js" in html) is editable
    assert 'data-testid="review"' not in html
    if not editable:
        assert 'class="answer-form"' not in html
        assert "evidence__add" not in html


def test_the_form_shows_each_answer_type_grouped_by_section(client, city, check):
    html = login(client, city.manager_a).get(url("inspection_detail", check.pk)).content.decode()
    assert html.index('id="section-SY"') < html.index('id="item-SY-1"') < html.index("section-LH")
    sy1, lh1, lh3d = (answer_of(check, c) for c in ("SY-1", "LH-1", "LH-3d"))
    for value in ("yes", "no", "na"):
        assert f'name="{field(sy1, "choice")}" value="{value}"' in html
    score_input = re.search(rf'<input[^>]+name="{field(lh1, "value")}"[^>]*>', html).group(0)
    assert 'type="number"' in score_input
    assert 'max="10.0"' in score_input or 'max="10"' in score_input
    assert f'name="{field(lh3d, "value")}"' in html
    assert f'name="{field(lh1, "not_applicable")}"' in html
    assert 'accept="image/jpeg,image/png,image/webp,application/pdf"' in html
    assert html.count('enctype="multipart/form-data"') == 13


# Saving answers ----------------------------------------------------------------------------------


def test_an_answer_is_saved_with_htmx_and_the_score_comes_back(client, city, check):
    answer = answer_of(check, "LH-2")
    response = login(client, city.manager_a).post(
        url("answer_save", answer.pk),
        {field(answer, "value"): "4", field(answer, "comment"): "预算未到位"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="item__status" id="status-{answer.pk}"')
    assert 'data-testid="saved"' in html
    assert 'id="check-score" hx-swap-oob="true"' in html
    assert f'id="evidence-{answer.pk}"' not in html  # the item's inputs are left alone
    assert "<html" not in html
    answer.refresh_from_db()
    assert (answer.value_score, answer.comment) == (4, "预算未到位")
    check.refresh_from_db()
    assert check.score == 40  # 4 of the 10 points answered so far
    assert f"{check.score:.0f}%" in html
    assert "不达标" in html


def test_an_answer_is_saved_without_javascript_and_redirects_back(client, city, check):
    answer = answer_of(check, "SY-1")
    response = login(client, city.manager_a).post(
        url("answer_save", answer.pk),
        {field(answer, "choice"): "no", field(answer, "comment"): "标牌缺失"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("inspection_detail", check.pk) + "#item-SY-1"
    answer.refresh_from_db()
    assert answer.value_bool is False
    assert answer.comment == "标牌缺失"
    html = client.get(response["Location"]).content.decode()
    assert f'value="no" id="id_{field(answer, "choice")}_1" checked' in html
    assert "标牌缺失" in html


@pytest.mark.parametrize(
    ("code", "data", "expected"),
    [
        ("SY-2", {"choice": "yes"}, {"value_bool": True, "not_applicable": False}),
        ("SY-2", {"choice": "na"}, {"value_bool": None, "not_applicable": True}),
        ("LH-1", {"value": "7.5"}, {"value_score": 7.5, "not_applicable": False}),
        ("LH-1", {"not_applicable": "on"}, {"value_score": None, "not_applicable": True}),
        ("LH-3d", {"value": "2"}, {"value_number": 2}),
    ],
)
def test_each_answer_type_is_saved(client, city, check, code, data, expected):
    answer = answer_of(check, code)
    post = {field(answer, k): v for k, v in data.items()}
    login(client, city.manager_a).post(url("answer_save", answer.pk), post, **HTMX)
    answer.refresh_from_db()
    for name, value in expected.items():
        assert getattr(answer, name) == value


def test_a_score_above_the_items_points_is_refused_and_kept_on_the_page(client, city, check):
    answer = answer_of(check, "LH-1")
    response = login(client, city.manager_a).post(
        url("answer_save", answer.pk), {field(answer, "value"): "11"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'name="{field(answer, "value")}" value="11"', html)
    assert "field__error" in html
    answer.refresh_from_db()
    assert answer.value_score is None


def test_a_refused_htmx_save_says_why_in_the_item(client, city, check):
    answer = answer_of(check, "LH-1")
    response = login(client, city.manager_a).post(
        url("answer_save", answer.pk), {field(answer, "value"): "-1"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert 'data-testid="saved"' not in html


def test_a_submitted_check_is_locked(client, city, submitted):
    answer = answer_of(submitted, "SY-1")
    response = login(client, city.manager_a).post(
        url("answer_save", answer.pk), {field(answer, "choice"): "no"}, **HTMX
    )
    assert shown(e.MSG_LOCKED) in response.content.decode()
    answer.refresh_from_db()
    assert answer.value_bool is True


@pytest.mark.parametrize(
    ("who", "status"), [("viewer_a", 403), ("nobody", 403), ("manager_b", 404)]
)
def test_who_may_not_save_an_answer(client, city, check, who, status):
    answer = answer_of(check, "SY-1")
    response = login(client, getattr(city, who)).post(
        url("answer_save", answer.pk), {field(answer, "choice"): "no"}
    )
    assert response.status_code == status
    answer.refresh_from_db()
    assert answer.value_bool is None


def test_a_street_office_cannot_fill_a_companys_self_check(client, city, check):
    answer = answer_of(check, "SY-1")
    response = login(client, city.street).post(
        url("answer_save", answer.pk), {field(answer, "choice"): "no"}, follow=True
    )
    assert shown(e.MSG_NOT_ALLOWED) in response.content.decode()
    answer.refresh_from_db()
    assert answer.value_bool is None


def test_answering_pages_only_accept_posts(client, city, check):
    answer = answer_of(check, "SY-1")
    login(client, city.manager_a)
    assert client.get(url("answer_save", answer.pk)).status_code == 405
    assert client.get(url("inspection_submit", check.pk)).status_code == 405


# Evidence ----------------------------------------------------------------------------------------


def test_a_photo_is_accepted_with_a_thumbnail(client, city, check):
    answer = answer_of(check, "SY-1")
    response = login(client, city.manager_a).post(
        url("evidence_add", answer.pk), {f"e{answer.pk}-file": png_file()}, **HTMX
    )
    evidence = Evidence.objects.get()
    assert evidence.answer == answer
    assert evidence.content_type == "image/png"
    assert evidence.thumbnail
    html = response.content.decode()
    assert f'id="evidence-{answer.pk}" hx-swap-oob="true"' in html
    assert f'src="{url("evidence_thumbnail", evidence.pk)}"' in html
    assert f'href="{url("evidence_file", evidence.pk)}"' in html
    assert url("evidence_remove", evidence.pk) in html


def test_a_pdf_is_accepted_and_linked(client, city, check):
    answer = answer_of(check, "SY-3")
    response = login(client, city.manager_a).post(
        url("evidence_add", answer.pk), {f"e{answer.pk}-file": pdf_upload()}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf"
    assert not evidence.thumbnail
    html = client.get(url("inspection_detail", check.pk)).content.decode()
    assert "台账.pdf" in html
    assert f'href="{url("evidence_file", evidence.pk)}"' in html
    download = client.get(url("evidence_file", evidence.pk))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_program_renamed_as_a_photo_is_refused(client, city, check):
    answer = answer_of(check, "SY-1")

    def program():
        return SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "image/jpeg")

    response = login(client, city.manager_a).post(
        url("evidence_add", answer.pk), {f"e{answer.pk}-file": program()}, **HTMX
    )
    assert shown(MSG_FILE_TYPE) in response.content.decode()
    assert not Evidence.objects.exists()
    response = client.post(
        url("evidence_add", answer.pk), {f"e{answer.pk}-file": program()}, follow=True
    )
    assert shown(MSG_FILE_TYPE) in response.content.decode()
    assert not Evidence.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(client, city, check):
    answer = answer_of(check, "SY-1")
    response = login(client, city.manager_a).post(
        url("evidence_add", answer.pk), {f"e{answer.pk}-file": png_file()}, **HTMX
    )
    with translation.override(settings.LANGUAGE_CODE):
        expected = str(MSG_FILE_SIZE).format(limit=filesizeformat(100))
    assert expected in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_is_removed(client, city, check):
    answer = answer_of(check, "SY-1")
    services.evidence_add(
        answer=answer, actor=city.manager_a, upload=png_file(), content_type="image/png"
    )
    evidence = Evidence.objects.get()
    response = login(client, city.manager_a).post(url("evidence_remove", evidence.pk), **HTMX)
    assert response.status_code == 200
    assert not Evidence.objects.exists()
    assert "evidence__file" not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager_a", 200),
        ("viewer_a", 200),
        ("street", 200),
        ("bureau", 200),
        ("community", 200),
        ("manager_b", 404),
        ("nobody", 403),
    ],
)
def test_evidence_files_are_served_only_within_scope(client, city, check, who, status):
    answer = answer_of(check, "SY-1")
    services.evidence_add(
        answer=answer, actor=city.manager_a, upload=png_file(), content_type="image/png"
    )
    evidence = Evidence.objects.get()
    login(client, getattr(city, who))
    response = client.get(url("evidence_file", evidence.pk))
    assert response.status_code == status
    thumbnail = client.get(url("evidence_thumbnail", evidence.pk))
    assert thumbnail.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == png_bytes()
        assert thumbnail["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(("who", "status"), [("manager_b", 404), ("viewer_a", 403)])
def test_who_may_not_add_or_remove_evidence(client, city, check, who, status):
    answer = answer_of(check, "SY-1")
    services.evidence_add(
        answer=answer, actor=city.manager_a, upload=png_file(), content_type="image/png"
    )
    evidence = Evidence.objects.get()
    login(client, getattr(city, who))
    assert client.post(url("evidence_remove", evidence.pk)).status_code == status
    added = client.post(url("evidence_add", answer.pk), {f"e{answer.pk}-file": png_file()})
    assert added.status_code == status
    assert Evidence.objects.count() == 1


# Submitting --------------------------------------------------------------------------------------


CONFIRMED = {"confirmed": "yes"}


def links(html, testid) -> list[str]:
    """The item codes a list of links points to (``href="#item-CODE"``), in order."""
    return re.findall(rf'<a [^>]*href="#item-([\w-]+)"[^>]*data-testid="{testid}"', html)


def anchors(html) -> set[str]:
    return set(re.findall(r'<article class="item[^"]*" id="item-([\w-]+)"', html))


def test_submitting_with_missing_answers_links_each_item_and_keeps_the_form(client, city, check):
    login(client, city.manager_a)
    sy1 = answer_of(check, "SY-1")
    client.post(
        url("answer_save", sy1.pk), {field(sy1, "choice"): "yes", field(sy1, "comment"): "已整改"}
    )
    response = client.post(url("inspection_submit", check.pk), CONFIRMED)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="submit-error"' in html
    missing = links(html, "blocker-link")
    assert missing[:2] == ["SY-2", "SY-3"] and "LH-6b" in missing and "SY-1" not in missing
    assert set(missing) <= anchors(html)  # each link lands on an item of the page
    assert '<span class="item__code">SY-2</span> 有制度</a>' in html  # the item's name, too
    assert html.count('class="answer-form"') == 13  # the form is still there, as typed
    assert "已整改" in html
    assert f'value="yes" id="id_{field(sy1, "choice")}_0" checked' in html
    check.refresh_from_db()
    assert check.status == S.DRAFT


def test_submitting_without_required_evidence_links_the_items_by_name(client, city, check):
    fill_check(check, city.manager_a, evidence=False)
    login(client, city.manager_a)
    response = client.post(url("inspection_submit", check.pk), **HTMX)
    html = response.content.decode()
    assert 'data-testid="submit-error"' in html
    needs_photo = ["SY-1", "SY-2", "SY-3", "LH-1", "LH-3b", "LH-4", "LH-6b"]
    assert links(html, "evidence-link") == needs_photo
    assert links(html, "blocker-link") == []
    assert '<span class="item__code">LH-6b</span> 工作秩序好 · 消防</a>' in html
    page = client.get(url("inspection_detail", check.pk)).content.decode()
    assert set(links(html, "evidence-link")) <= anchors(page)
    # the sections holding them are open on the page, so the links land on a visible item
    assert page.count('<details class="checklist__section"') == 2
    assert page.count('class="checklist__section" data-section="SY" open') == 1
    check.refresh_from_db()
    assert check.status == S.DRAFT


def test_a_post_without_the_confirmation_submits_nothing_and_asks_to_confirm(client, city, check):
    """The confirmation is a step on the server: the submit button's POST carries no
    ``confirmed`` and gets a page asking to confirm; only its button's POST submits."""
    fill_check(check, city.manager_a, overrides={"LH-3d": 1})
    login(client, city.manager_a)
    response = client.post(url("inspection_submit", check.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="submit-confirm"' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'action="{url("inspection_submit", check.pk)}"' in html
    assert "hx-post" not in html  # without JavaScript, a page of its own
    assert "LH-3d" in html and "治安防范好 · 案件" in html  # it says why it is 不达标
    check.refresh_from_db()
    assert check.status == S.DRAFT
    assert not check.events.filter(action="submit").exists()


def test_with_htmx_the_confirmation_comes_into_the_page(client, city, check):
    fill_check(check, city.manager_a)
    response = login(client, city.manager_a).post(url("inspection_submit", check.pk), **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="submit-confirm"' in html
    assert f'hx-post="{url("inspection_submit", check.pk)}" hx-target="#submit-result"' in html
    assert 'name="confirmed" value="yes"' in html
    check.refresh_from_db()
    assert check.status == S.DRAFT


def test_a_complete_check_is_submitted_once_confirmed(client, city, check):
    fill_check(check, city.manager_a)
    response = login(client, city.manager_a).post(url("inspection_submit", check.pk), CONFIRMED)
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == S.SUBMITTED
    html = client.get(response["Location"]).content.decode()
    assert 'data-status="submitted"' in html
    assert 'class="answer-form"' not in html
    assert "达标" in html


def test_a_second_confirmed_submit_is_refused_and_writes_nothing(client, city, check):
    """A double tap on «确认提交» (or a resent form) submits once."""
    fill_check(check, city.manager_a)
    login(client, city.manager_a)
    first = client.post(url("inspection_submit", check.pk), CONFIRMED)
    second = client.post(url("inspection_submit", check.pk), CONFIRMED)
    assert first.status_code == 302
    assert second.status_code in (200, 302)
    check.refresh_from_db()
    assert check.status == S.SUBMITTED
    assert check.events.filter(action="submit").count() == 1


def test_a_complete_check_is_submitted_with_htmx_and_the_page_reloads(client, city, check):
    fill_check(check, city.manager_a)
    response = login(client, city.manager_a).post(
        url("inspection_submit", check.pk), CONFIRMED, **HTMX
    )
    assert response["HX-Redirect"] == url("inspection_detail", check.pk)
    check.refresh_from_db()
    assert check.status == S.SUBMITTED


@pytest.mark.parametrize(("who", "status"), [("viewer_a", 403), ("manager_b", 404)])
@pytest.mark.parametrize("data", [{}, CONFIRMED])
def test_who_may_not_submit(client, city, check, who, status, data):
    fill_check(check, city.manager_a)
    response = login(client, getattr(city, who)).post(url("inspection_submit", check.pk), data)
    assert response.status_code == status
    check.refresh_from_db()
    assert check.status == S.DRAFT


def test_a_street_office_is_refused_before_any_confirmation(client, city, check):
    fill_check(check, city.manager_a)
    response = login(client, city.street).post(url("inspection_submit", check.pk))
    html = response.content.decode()
    assert shown(e.MSG_NOT_ALLOWED) in html
    assert 'data-testid="submit-confirm"' not in html
    check.refresh_from_db()
    assert check.status == S.DRAFT


# Beside the score: why, and what next ------------------------------------------------------------


def test_a_failed_critical_item_is_named_beside_the_score(client, city, check):
    """98% 不达标 says why: the failed 否决项, each a link to its item."""
    fill_check(check, city.manager_a, overrides={"LH-2": 8, "LH-3d": 1})
    check.refresh_from_db()
    assert (check.score, check.result) == (98, "fail")
    for who in ("manager_a", "street"):
        html = login(client, getattr(city, who)).get(url("inspection_detail", check.pk))
        html = html.content.decode()
        start = html.index('id="check-score"')
        card = html[start : html.index("</section>", start)]
        assert "98%" in card and "不达标" in card
        assert 'data-testid="vetoes"' in card
        assert links(card, "veto-link") == ["LH-3d"]
        assert "治安防范好 · 案件" in card
        assert "LH-2" not in card  # a failed item that is not a 否决项 is no reason
        assert set(links(card, "veto-link")) <= anchors(html)


def test_the_list_row_of_a_check_failed_by_a_critical_item_names_it(client, city, check):
    fill_check(check, city.manager_a, overrides={"LH-2": 8, "LH-3d": 1})
    services.inspection_submit(inspection=check, actor=city.manager_a)
    for who, tab in (("manager_a", "history"), ("street", "review")):
        html = login(client, getattr(city, who)).get(url("check_list"), {"list": tab})
        html = html.content.decode()
        start = html.index(f'data-id="{check.pk}"')
        row = html[start : html.index("</li>", start)]
        assert "98%" in row and "不达标" in row
        assert re.findall(r'<span class="code"[^>]*>([\w-]+)</span>', row)[:1] == ["LH-3d"]
        assert 'data-testid="row-vetoes"' in row and "LH-2<" not in row


def test_an_htmx_save_brings_the_reason_back_with_the_score(client, city, check):
    answer = answer_of(check, "SY-1")
    response = login(client, city.manager_a).post(
        url("answer_save", answer.pk), {field(answer, "choice"): "no"}, **HTMX
    )
    html = response.content.decode()
    assert links(html, "veto-link") == ["SY-1"]
    response = client.post(url("answer_save", answer.pk), {field(answer, "choice"): "yes"}, **HTMX)
    assert 'data-testid="vetoes"' not in response.content.decode()


def test_a_score_below_the_line_says_which_line(client, city, check):
    fill_check(check, city.manager_a, overrides={"LH-1": 0, "LH-2": 0})
    check.refresh_from_db()
    assert check.result == "basic"
    html = login(client, city.manager_a).get(url("inspection_detail", check.pk)).content.decode()
    assert 'data-testid="vetoes"' not in html
    assert 'data-testid="result-reason"' in html and "85%" in html


def test_the_next_unanswered_item_is_a_link_that_follows_the_answers(client, city, check):
    login(client, city.manager_a)
    html = client.get(url("inspection_detail", check.pk)).content.decode()
    assert links(html, "next-unanswered") == ["SY-1"]
    assert "SY-1" in anchors(html)
    sy1 = answer_of(check, "SY-1")
    saved = client.post(url("answer_save", sy1.pk), {field(sy1, "choice"): "yes"}, **HTMX)
    assert links(saved.content.decode(), "next-unanswered") == ["SY-2"]
    # all answered: the link leads to the first item still without its photo, then is gone
    fill_check(check, city.manager_a, evidence=False)
    html = client.get(url("inspection_detail", check.pk)).content.decode()
    assert links(html, "next-unanswered") == ["SY-1"]
    assert "需要照片或文件" in html or "photo" in html
    fill_check(check, city.manager_a)
    html = client.get(url("inspection_detail", check.pk)).content.decode()
    assert 'data-testid="next-unanswered"' not in html


def test_answered_sections_fold_away_and_count_their_answers(client, city, check):
    login(client, city.manager_a)
    html = client.get(url("inspection_detail", check.pk)).content.decode()
    assert 'data-section="SY" open' in html and 'data-section="LH" open' in html
    assert "已答 0/3" in html and "已答 0/10" in html
    for answer in check.answers.select_related("item").filter(item__section__code="SY"):
        services.answer_save(answer=answer, actor=city.manager_a, value_bool=True)
        services.evidence_add(
            answer=answer, actor=city.manager_a, upload=png_file(), content_type="image/png"
        )
    html = client.get(url("inspection_detail", check.pk)).content.decode()
    assert 'data-section="SY">' in html  # folded: all answered, with their photos
    assert 'data-section="LH" open' in html
    assert "已答 3/3" in html
    # an htmx save sends the section's new count with the score
    lh1 = answer_of(check, "LH-1")
    saved = client.post(url("answer_save", lh1.pk), {field(lh1, "value"): "9"}, **HTMX)
    assert 'id="section-count-LH" hx-swap-oob="true"' in saved.content.decode()
    assert "已答 1/10" in saved.content.decode()
    # read-only (the reviewer), every section is open
    fill_check(check, city.manager_a)
    services.inspection_submit(inspection=check, actor=city.manager_a)
    html = login(client, city.street).get(url("inspection_detail", check.pk)).content.decode()
    assert 'data-section="SY" open' in html and 'data-section="LH" open' in html


def test_a_section_with_a_returned_item_stays_open(client, city, submitted):
    lh2 = answer_of(submitted, "LH-2")
    services.inspection_return(
        inspection=submitted, actor=city.street, item_comments={lh2.pk: "缺少凭证"}
    )
    html = login(client, city.manager_a).get(url("inspection_detail", submitted.pk))
    html = html.content.decode()
    assert 'data-section="SY">' in html
    assert 'data-section="LH" open' in html


# Review ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reviews"),
    [("street", True), ("bureau", True), ("community", False), ("manager_a", False)],
)
def test_the_review_form_is_offered_to_reviewers_only(client, city, submitted, who, reviews):
    html = login(client, getattr(city, who)).get(url("inspection_detail", submitted.pk)).content
    html = html.decode()
    assert ('data-testid="review"' in html) is reviews
    assert (html.count('form="return-form"') == 13) is reviews
    assert 'class="answer-form"' not in html


def test_the_street_office_approves_with_a_comment(client, city, submitted):
    response = login(client, city.street).post(
        url("inspection_approve", submitted.pk), {"approve-comment": "同意"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    assert submitted.review_comment == "同意"
    assert submitted.reviewed_by == city.street
    html = client.get(url("inspection_detail", submitted.pk)).content.decode()
    assert 'data-status="approved"' in html
    assert 'data-action="approve"' in html
    assert 'data-testid="review"' not in html


def test_the_street_office_returns_one_item_and_the_manager_sees_why(client, city, submitted):
    lh2 = answer_of(submitted, "LH-2")
    response = login(client, city.street).post(
        url("inspection_return", submitted.pk),
        {f"return-item_{lh2.pk}": "缺少支出凭证", "return-comment": "请补充"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED
    lh2.refresh_from_db()
    assert lh2.review_comment == "缺少支出凭证"
    html = login(client, city.manager_a).get(url("inspection_detail", submitted.pk)).content
    html = html.decode()
    assert 'data-testid="returned-banner"' in html
    assert "请补充" in html
    item = html[html.index('id="item-LH-2"') : html.index('id="item-LH-3a"')]
    assert "缺少支出凭证" in item
    assert html.count('data-testid="review-comment"') == 1
    assert html.count('class="answer-form"') == 13  # the manager can change it again


def test_returning_without_an_item_comment_is_refused_and_keeps_what_was_typed(
    client, city, submitted
):
    response = login(client, city.street).post(
        url("inspection_return", submitted.pk), {"return-comment": "整体说明"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert shown(e.MSG_RETURN_NEEDS_COMMENT) in html
    assert "整体说明" in html
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


@pytest.mark.parametrize(("who", "status"), [("manager_a", 403), ("community", 403)])
def test_who_may_not_review(client, city, submitted, who, status):
    login(client, getattr(city, who))
    assert client.post(url("inspection_approve", submitted.pk)).status_code == status
    lh2 = answer_of(submitted, "LH-2")
    returned = client.post(url("inspection_return", submitted.pk), {f"return-item_{lh2.pk}": "x"})
    assert returned.status_code == status
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_a_reviewer_of_another_street_gets_404(client, city, template):
    b1 = services.inspection_open(compound=city.compounds["B1"], period=PERIOD, actor=None)
    fill_check(b1, city.manager_b)
    services.inspection_submit(inspection=b1, actor=city.manager_b)
    login(client, city.street)  # street 1; B1 is in street 2
    assert client.get(url("inspection_detail", b1.pk)).status_code == 404
    assert client.post(url("inspection_approve", b1.pk)).status_code == 404


def test_approving_twice_shows_why_not(client, city, approved):
    response = login(client, city.street).post(url("inspection_approve", approved.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert shown(e.MSG_WRONG_STATE).split("{")[0] in html
    assert 'class="message message--error"' in html


# Reopening ---------------------------------------------------------------------------------------


def test_an_approved_check_is_reopened_with_a_reason(client, city, approved):
    login(client, city.street)
    html = client.get(url("inspection_detail", approved.pk)).content.decode()
    assert 'data-testid="reopen"' in html
    response = client.post(url("inspection_reopen", approved.pk), {"reopen-reason": "照片有误"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == S.RETURNED
    event = approved.events.last()
    assert (event.action, event.note) == ("reopen", "照片有误")


def test_reopening_needs_a_reason(client, city, approved):
    response = login(client, city.street).post(
        url("inspection_reopen", approved.pk), {"reopen-reason": "  "}
    )
    assert response.status_code == 200
    assert shown(e.MSG_REASON_REQUIRED) in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


@pytest.mark.parametrize("who", ["manager_a", "viewer_a", "community"])
def test_who_may_not_reopen(client, city, approved, who):
    login(client, getattr(city, who))
    assert (
        'data-testid="reopen"'
        not in client.get(url("inspection_detail", approved.pk)).content.decode()
    )
    response = client.post(url("inspection_reopen", approved.pk), {"reopen-reason": "x"})
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


# Timeline, hazards, failed items -----------------------------------------------------------------


def test_the_page_shows_the_timeline(client, city, approved):
    html = login(client, city.viewer_a).get(url("inspection_detail", approved.pk)).content
    html = html.decode()
    assert re.findall(r'data-action="(\w+)"', html) == ["open", "submit", "approve"]
    assert "manager_a" in html and "street" in html


def test_unverified_hazards_of_the_compound_are_listed_with_links(client, city, check):
    hazard = services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="消防通道堵塞",
        responsible_party="甲物业公司",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    services.hazard_raise(
        compound=city.compounds["A2"],
        actor=city.street,
        category="fire",
        description="另一个小区的隐患",
        responsible_party="甲物业公司",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    html = login(client, city.manager_a).get(url("inspection_detail", check.pk)).content.decode()
    assert 'data-testid="hazards"' in html
    assert f'href="{reverse("inspections:hazard_detail", args=[hazard.pk])}"' in html
    assert "消防通道堵塞" in html
    assert "另一个小区的隐患" not in html
    Hazard.objects.filter(pk=hazard.pk).update(status="verified")
    html = client.get(url("inspection_detail", check.pk)).content.decode()
    assert 'data-testid="hazards"' not in html


def test_a_failed_item_offers_to_raise_a_hazard(client, city, check):
    answer = answer_of(check, "SY-1")
    login(client, city.manager_a)
    html = client.post(url("answer_save", answer.pk), {field(answer, "choice"): "no"}, **HTMX)
    html = html.content.decode()
    assert "status-flag--failed" in html
    assert f"/hazards/new/?answer={answer.pk}" in html
    page = client.get(url("inspection_detail", check.pk)).content.decode()
    assert page.count('data-testid="raise-hazard"') == 1


# Supervision -------------------------------------------------------------------------------------


def test_a_supervision_shows_last_months_self_check_beside_each_item(client, city, approved):
    from .conftest import PERIOD as LAST

    next_month = LAST.replace(month=LAST.month + 1)
    login(client, city.street)
    response = client.post(
        url("supervision_open"),
        {"compound": city.compounds["A1"].pk, "month": next_month.strftime("%Y-%m")},
    )
    supervision = Inspection.objects.get(kind=InspectionKind.SUPERVISION)
    assert response["Location"] == url("inspection_detail", supervision.pk)
    assert supervision.organisation == city.org.street
    html = client.get(response["Location"]).content.decode()
    assert html.count('data-testid="previous-answer"') == 13
    assert html.count('class="answer-form"') == 13  # the inspector fills it
    assert url("inspection_detail", approved.pk) in html
    lh1 = html[html.index('id="item-LH-1"') : html.index('id="item-LH-2"')]
    assert "10 / 10" in lh1  # last month's self-check gave full marks
    fill_check(supervision, city.street, evidence=True)
    assert client.post(url("inspection_submit", supervision.pk)).status_code == 200  # confirm?
    assert client.post(url("inspection_submit", supervision.pk), CONFIRMED).status_code == 302
    supervision.refresh_from_db()
    assert supervision.status == S.APPROVED  # a supervision is final when submitted


def test_supervision_page_is_hidden_from_another_company(client, city, approved):
    supervision = services.supervision_open(
        compound=city.compounds["A1"], period=PERIOD, actor=city.street
    )
    login(client, city.manager_b)
    assert client.get(url("inspection_detail", supervision.pk)).status_code == 404
    html = login(client, city.manager_a).get(url("inspection_detail", supervision.pk)).content
    assert 'class="answer-form"' not in html.decode()


# Query count -------------------------------------------------------------------------------------


def _more_evidence_and_hazards(city, check, n=3):
    for answer in check.answers.select_related("item")[:n]:
        for _ in range(2):
            services.evidence_add(
                answer=answer, actor=city.manager_a, upload=png_file(), content_type="image/png"
            )
    for i in range(n):
        services.hazard_raise(
            compound=check.compound,
            actor=city.street,
            category="fire",
            description=f"隐患{i}",
            responsible_party="甲物业公司",
            deadline=timezone.localdate() + datetime.timedelta(days=7),
        )


@pytest.mark.parametrize("who", ["manager_a", "street"])
def test_check_page_query_count_is_pinned(client, city, check, who, django_assert_max_num_queries):
    login(client, getattr(city, who))
    with django_assert_max_num_queries(PINNED_DETAIL) as small:
        assert client.get(url("inspection_detail", check.pk)).status_code == 200
    _more_evidence_and_hazards(city, check)
    fill_check(check, city.manager_a)
    with django_assert_max_num_queries(PINNED_DETAIL) as large:
        response = client.get(url("inspection_detail", check.pk))
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert response.content.decode().count('class="evidence__file"') == 3 * 2 + 4


def test_supervision_page_query_count_is_pinned(
    client, city, approved, django_assert_max_num_queries
):
    supervision = services.supervision_open(
        compound=city.compounds["A1"], period=PERIOD.replace(month=11), actor=city.street
    )
    login(client, city.street)
    with django_assert_max_num_queries(PINNED_DETAIL):
        response = client.get(url("inspection_detail", supervision.pk))
    assert response.content.decode().count('data-testid="previous-answer"') == 13


def test_an_htmx_save_query_count_is_pinned(client, city, check, django_assert_max_num_queries):
    login(client, city.manager_a)
    answer = answer_of(check, "SY-1")
    with django_assert_max_num_queries(PINNED_HTMX_SAVE) as small:
        client.post(url("answer_save", answer.pk), {field(answer, "choice"): "yes"}, **HTMX)
    _more_evidence_and_hazards(city, check)
    with django_assert_max_num_queries(PINNED_HTMX_SAVE) as large:
        client.post(url("answer_save", answer.pk), {field(answer, "choice"): "no"}, **HTMX)
    assert len(large.captured_queries) == len(small.captured_queries)
