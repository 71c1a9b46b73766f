"""Isolation of every dispute workbench URL for every member of the cast: another company's
case is a 404 (as if it did not exist), a user without the permission gets 403, an anonymous
visitor is sent to log in, and a viewer sees but cannot act."""

import pytest
from django.urls import reverse

from disputes import services
from disputes.models import CaseEvent, DisputeCase, Party, Status

from .conftest import accept, pdf_upload, register

pytestmark = pytest.mark.usefixtures("today")

CAST = ["bureau", "street", "community", "manager_a", "manager_b", "viewer_a", "nobody"]
LIST = reverse("disputes:case_list")
NEW = reverse("disputes:case_register")
LOGIN = reverse("login")
ACTIONS = {
    "accept": {"leader": "", "handler": "", "plan": "调解", "deadline": "2026-11-20"},
    "session": {"held_on": "2026-11-02", "mediators": "张", "agreed": "和解"},
    "resolve": {"outcome": "和解"},
    "close": {"referred_to": "court", "where": "法院"},
    "withdraw": {"reason": "撤回"},
    "escalate": {"reason": "上报"},
    "reassign": {"leader": "", "handler": "", "reason": "调整"},
    "deadline": {"deadline": "2026-12-01", "reason": "延期"},
    "visit": {"visited_on": "2026-11-02", "satisfaction": "satisfied"},
    "party": {"role": "third", "name": "孙三"},
}


def resolved_with_agreement(city, compound, actor, handler_actor):
    case = register(city, actor, compound)
    accept(case, handler_actor)
    return services.case_resolve(
        case=case,
        actor=handler_actor,
        outcome="双方和解",
        agreement_reached=True,
        agreement_file=pdf_upload(),
    )


@pytest.fixture
def a1_case(city):
    """A resolved case in A1 (company A, street 1) with an agreement file."""
    return resolved_with_agreement(city, "A1", city.manager_a, city.community)


@pytest.fixture
def b1_case(city):
    """A resolved case in B1 (company B, street 2) with an agreement file."""
    return resolved_with_agreement(city, "B1", city.manager_b, city.manager_b)


def detail(case):
    return reverse("disputes:case_detail", args=[case.pk])


def agreement(case):
    return reverse("disputes:agreement", args=[case.pk])


PAGE_STATUS = {
    # who: (list, register, A1 case page and agreement, B1 case page and agreement)
    "bureau": (200, 200, 200, 200),
    "street": (200, 200, 200, 404),
    "community": (200, 200, 200, 404),
    "manager_a": (200, 200, 200, 404),
    "manager_b": (200, 200, 404, 200),
    "viewer_a": (200, 403, 200, 404),
    "nobody": (403, 403, 403, 403),
}


# No property-company role sees dispute parties in full (issue 10), so none downloads an
# agreement, even of a case in its own compounds.
AGREEMENT_A1 = {"viewer_a": 403, "manager_a": 403}
AGREEMENT_B1 = {"manager_b": 403}


@pytest.mark.parametrize("who", CAST)
def test_each_page_answers_each_member_of_the_cast(client, city, a1_case, b1_case, who):
    list_status, new_status, a1_status, b1_status = PAGE_STATUS[who]
    client.force_login(getattr(city, who))
    assert client.get(LIST).status_code == list_status
    assert client.get(NEW).status_code == new_status
    assert client.get(detail(a1_case)).status_code == a1_status
    # The agreement names the parties in full: a role that may not see dispute parties (the
    # companies' roles) reads the case page but may not download it.
    assert client.get(agreement(a1_case)).status_code == AGREEMENT_A1.get(who, a1_status)
    assert client.get(detail(b1_case)).status_code == b1_status
    assert client.get(agreement(b1_case)).status_code == AGREEMENT_B1.get(who, b1_status)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, city, a1_case):
    gets = [LIST, NEW, detail(a1_case), agreement(a1_case)]
    posts = [reverse(f"disputes:case_{a}", args=[a1_case.pk]) for a in ACTIONS]
    for url in gets:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next={url}")
    for url in posts:
        response = client.post(url, {})
        assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next={url}")


def _open_case(city):
    """A fresh A1 case, accepted, so every action has something to refuse or do."""
    case = register(city)
    return accept(case, city.community)


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize(
    ("who", "status"), [("manager_b", 404), ("viewer_a", 403), ("nobody", 403)]
)
def test_actions_on_a_case_out_of_reach_change_nothing(client, city, action, who, status):
    case = _open_case(city)
    before = (
        CaseEvent.objects.filter(case=case).count(),
        Party.objects.filter(case=case).count(),
    )
    client.force_login(getattr(city, who))
    response = client.post(reverse(f"disputes:case_{action}", args=[case.pk]), ACTIONS[action])
    assert response.status_code == status
    if status == 404:
        assert case.number not in response.content.decode()
    after = DisputeCase.objects.get(pk=case.pk)
    assert (after.status, after.level) == (Status.ACCEPTED, case.level)
    assert (
        CaseEvent.objects.filter(case=case).count(),
        Party.objects.filter(case=case).count(),
    ) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_actions_are_post_only(client, city, action):
    case = _open_case(city)
    client.force_login(city.community)
    assert client.get(reverse(f"disputes:case_{action}", args=[case.pk])).status_code == 405


def test_a_viewer_sees_the_case_but_is_offered_no_action(client, city):
    case = register(city)
    client.force_login(city.viewer_a)
    page = client.get(detail(case))
    assert page.status_code == 200
    assert case.number in page.content.decode()
    assert page.context["action_forms"] == []
    assert 'id="actions"' not in page.content.decode()


def test_another_companys_case_is_absent_from_list_figures_and_choices(client, city, b1_case):
    mine = register(city)
    client.force_login(city.manager_a)
    response = client.get(LIST)
    html = response.content.decode()
    assert b1_case.number not in html
    assert response.context["figures"]["total"] == 1
    compound_choices = {v for v, _l in response.context["filter_form"].fields["compound"].choices}
    assert compound_choices == {"", city.compounds["A1"].pk, city.compounds["A2"].pk}
    assert mine.number in html
    # Asking for B1 by its id in the filter shows nothing of it.
    response = client.get(LIST, {"compound": city.compounds["B1"].pk, "q": b1_case.number})
    assert response.context["cases"] == []
    assert response.context["figures"]["total"] == 0
    assert f'data-case="{b1_case.pk}"' not in response.content.decode()


def test_unknown_case_is_404(client, city):
    client.force_login(city.bureau)
    assert client.get(reverse("disputes:case_detail", args=[999999])).status_code == 404
    assert client.get(reverse("disputes:agreement", args=[999999])).status_code == 404
    response = client.post(reverse("disputes:case_withdraw", args=[999999]), {"reason": "x"})
    assert response.status_code == 404
