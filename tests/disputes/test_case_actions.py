"""The actions on a case page, through the views: each succeeds where it may, and a refusal by
state or by role writes nothing, shows the error next to that form and keeps what was typed."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.uploads import MSG_FILE_TYPE
from disputes import errors as e
from disputes import services
from disputes.models import (
    CaseEvent,
    DisputeCase,
    Level,
    MediationSession,
    Party,
    ReturnVisit,
    Status,
)

from .conftest import TODAY, accept, pdf_upload, register

pytestmark = pytest.mark.usefixtures("today")
LATER = TODAY + datetime.timedelta(days=30)


def login(client, user):
    client.force_login(user)
    return client


def url(case, action: str) -> str:
    return reverse(f"disputes:case_{action}", args=[case.pk])


def detail_url(case) -> str:
    return reverse("disputes:case_detail", args=[case.pk])


def reload(case) -> DisputeCase:
    return DisputeCase.objects.get(pk=case.pk)


def events(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))


def form_of(response, action: str):
    """The bound form of ``action`` on a re-rendered case page."""
    for shown in response.context["action_forms"]:
        if shown["name"] == action:
            return shown["form"]
    raise AssertionError(f"no {action} form on the page")


def refused(response, action: str, message=None) -> list[str]:
    """The page came back (200) with that form's errors; returns its non-field errors."""
    assert response.status_code == 200
    form = form_of(response, action)
    assert form.is_bound and form.errors
    errors = [str(m) for m in form.non_field_errors()]
    if message is not None:
        assert str(message) in errors
        assert str(message) in response.content.decode()
    return errors


def wrong_state(case) -> str:
    return e.MSG_WRONG_STATE.format(status=reload(case).get_status_display())


def accepted_case(city, **kwargs):
    case = register(city, **kwargs)
    return accept(case, city.community, handler=city.manager_a)


def resolved_case(city):
    case = accepted_case(city)
    return services.case_resolve(
        case=case, actor=city.community, outcome="双方和解", agreement_reached=False
    )


# Accept (四定) -----------------------------------------------------------------------------------


def accept_form(city, **overrides):
    data = {
        "leader": city.community.pk,
        "handler": city.manager_a.pk,
        "plan": "约双方周三到居委会调解",
        "deadline": "2026-11-20",
    }
    data.update(overrides)
    return data


def test_community_accepts_a_case_with_the_four_fixes(client, city):
    case = register(city)
    response = login(client, city.community).post(url(case, "accept"), accept_form(city))
    assert response.status_code == 302
    assert response["Location"] == detail_url(case)
    case = reload(case)
    assert case.status == Status.ACCEPTED
    assert (case.leader, case.handler) == (city.community, city.manager_a)
    assert (case.plan, case.deadline) == ("约双方周三到居委会调解", datetime.date(2026, 11, 20))
    assert events(case) == ["register", "accept"]


def test_the_accept_form_offers_the_levels_handlers_and_the_current_deadline(client, city):
    case = register(city)
    response = login(client, city.community).get(detail_url(case))
    form = form_of(response, "accept")
    offered = {pk for pk, _label in form.fields["leader"].choices if pk}
    assert offered == {str(city.community.pk), str(city.manager_a.pk)}
    assert form.initial["deadline"] == case.deadline


def test_accepting_without_a_plan_keeps_what_was_typed(client, city):
    case = register(city)
    response = login(client, city.community).post(
        url(case, "accept"), accept_form(city, plan="  ", deadline="2026-11-27")
    )
    assert refused(response, "accept") == []
    assert form_of(response, "accept").errors["plan"]
    assert 'value="2026-11-27"' in response.content.decode()
    assert reload(case).status == Status.REGISTERED
    assert events(case) == ["register"]


def test_a_leader_from_another_level_is_not_offered(client, city):
    case = register(city)
    response = login(client, city.community).post(
        url(case, "accept"), accept_form(city, leader=city.street.pk)
    )
    refused(response, "accept")
    assert form_of(response, "accept").errors["leader"]
    assert reload(case).status == Status.REGISTERED


def test_accepting_an_accepted_case_is_refused_by_state(client, city):
    case = accepted_case(city)
    response = login(client, city.community).post(url(case, "accept"), accept_form(city))
    refused(response, "accept", wrong_state(case))
    assert events(case) == ["register", "accept"]


def test_accepting_at_a_level_not_ones_own_is_refused_by_role(client, city):
    case = register(city)  # community level: the street office does not accept it (yet)
    response = login(client, city.street).post(url(case, "accept"), accept_form(city))
    refused(response, "accept", e.MSG_NOT_ALLOWED)
    assert "约双方周三到居委会调解" in response.content.decode()
    assert reload(case).status == Status.REGISTERED
    assert events(case) == ["register"]


def test_a_past_deadline_is_refused_and_nothing_changes(client, city):
    case = register(city)
    response = login(client, city.community).post(
        url(case, "accept"), accept_form(city, deadline="2026-10-01")
    )
    # The form checks the service's rule too: the message sits on the deadline field.
    assert response.status_code == 200
    assert form_of(response, "accept").errors["deadline"] == [str(e.MSG_DEADLINE_PAST)]
    assert reload(case).status == Status.REGISTERED


# Sessions ---------------------------------------------------------------------------------------


def session_form(**overrides):
    data = {
        "held_on": TODAY.isoformat(),
        "mediators": "张调解员",
        "other_attendees": "楼长",
        "agreed": "晚十点后不施工",
    }
    data.update(overrides)
    return data


def test_handler_records_a_session_and_the_case_is_mediating(client, city):
    case = accepted_case(city)
    response = login(client, city.manager_a).post(url(case, "session"), session_form())
    assert response.status_code == 302
    assert reload(case).status == Status.MEDIATING
    session = MediationSession.objects.get(case=case)
    assert (session.mediators, session.agreed, session.recorded_by) == (
        "张调解员",
        "晚十点后不施工",
        city.manager_a,
    )
    assert events(case)[-1] == "session"


def test_a_session_on_a_case_not_yet_accepted_is_refused(client, city):
    case = register(city)
    response = login(client, city.community).post(url(case, "session"), session_form())
    refused(response, "session", wrong_state(case))
    assert not MediationSession.objects.exists()


def test_a_session_in_the_future_is_refused_and_the_input_kept(client, city):
    case = accepted_case(city)
    response = login(client, city.community).post(
        url(case, "session"), session_form(held_on="2026-12-01", agreed="下周再谈")
    )
    refused(response, "session", e.MSG_SESSION_DATE)
    assert "下周再谈" in response.content.decode()
    assert not MediationSession.objects.exists()


# Resolve ----------------------------------------------------------------------------------------


def test_resolving_with_an_agreement_stores_the_file(client, city):
    case = accepted_case(city)
    response = login(client, city.manager_a).post(
        url(case, "resolve"),
        {"outcome": "双方签订调解协议", "agreement_reached": "on", "agreement_file": pdf_upload()},
    )
    assert response.status_code == 302
    case = reload(case)
    assert (case.status, case.outcome, case.agreement_reached) == (
        Status.RESOLVED,
        "双方签订调解协议",
        True,
    )
    assert case.agreement_file.name.endswith(".pdf")
    assert case.closed_at is not None
    assert events(case)[-1] == "resolve"


def test_resolving_without_an_agreement_needs_no_file(client, city):
    case = accepted_case(city)
    response = login(client, city.community).post(url(case, "resolve"), {"outcome": "口头和解"})
    assert response.status_code == 302
    assert (reload(case).status, reload(case).agreement_file.name) == (Status.RESOLVED, "")


def test_an_agreement_reached_needs_its_file(client, city):
    case = accepted_case(city)
    response = login(client, city.community).post(
        url(case, "resolve"), {"outcome": "签订协议", "agreement_reached": "on"}
    )
    refused(response, "resolve")
    assert str(e.MSG_AGREEMENT_FILE) in form_of(response, "resolve").errors["agreement_file"]
    assert "签订协议" in response.content.decode()
    assert reload(case).status == Status.ACCEPTED


def test_an_agreement_that_is_not_a_pdf_or_photo_is_refused(client, city):
    case = accepted_case(city)
    fake = SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = login(client, city.community).post(
        url(case, "resolve"),
        {"outcome": "签订协议", "agreement_reached": "on", "agreement_file": fake},
    )
    refused(response, "resolve")
    assert str(MSG_FILE_TYPE) in form_of(response, "resolve").errors["agreement_file"]
    assert reload(case).status == Status.ACCEPTED


def test_resolving_a_registered_case_is_refused_by_state(client, city):
    case = register(city)
    response = login(client, city.community).post(url(case, "resolve"), {"outcome": "和解"})
    refused(response, "resolve", wrong_state(case))
    assert reload(case).status == Status.REGISTERED


# Close unresolved -------------------------------------------------------------------------------


def test_closing_unresolved_refers_the_case_on(client, city):
    case = accepted_case(city)
    response = login(client, city.community).post(
        url(case, "close"),
        {"referred_to": "court", "where": "朝阳区人民法院", "note": "调解不成"},
    )
    assert response.status_code == 302
    case = reload(case)
    assert (case.status, case.referred_to, case.referred_where) == (
        Status.CLOSED_UNRESOLVED,
        "court",
        "朝阳区人民法院",
    )
    assert events(case)[-1] == "close"


def test_closing_a_resolved_case_is_refused_by_state(client, city):
    case = resolved_case(city)
    response = login(client, city.community).post(
        url(case, "close"), {"referred_to": "court", "where": "法院"}
    )
    refused(response, "close", wrong_state(case))
    assert reload(case).status == Status.RESOLVED


# Withdraw ---------------------------------------------------------------------------------------


def test_the_registrant_withdraws_a_case_nobody_accepted_yet(client, city):
    case = register(city, city.manager_a)
    response = login(client, city.manager_a).post(url(case, "withdraw"), {"reason": "已自行和解"})
    assert response.status_code == 302
    assert reload(case).status == Status.WITHDRAWN
    assert events(case)[-1] == "withdraw"


def test_withdrawing_needs_a_reason(client, city):
    case = register(city)
    response = login(client, city.manager_a).post(url(case, "withdraw"), {"reason": ""})
    refused(response, "withdraw")
    assert form_of(response, "withdraw").errors["reason"]
    assert reload(case).status == Status.REGISTERED


def test_someone_else_at_another_level_cannot_withdraw(client, city):
    case = register(city, city.manager_a)
    response = login(client, city.street).post(url(case, "withdraw"), {"reason": "撤回"})
    refused(response, "withdraw", e.MSG_NOT_ALLOWED)
    assert reload(case).status == Status.REGISTERED


def test_a_closed_case_cannot_be_withdrawn(client, city):
    case = resolved_case(city)
    response = login(client, city.community).post(url(case, "withdraw"), {"reason": "撤回"})
    refused(response, "withdraw", wrong_state(case))
    assert reload(case).status == Status.RESOLVED


# Escalate ---------------------------------------------------------------------------------------


def test_escalating_moves_the_case_up_with_a_new_deadline(client, city):
    case = accepted_case(city)
    response = login(client, city.manager_a).post(url(case, "escalate"), {"reason": "涉及多户"})
    assert response.status_code == 302
    case = reload(case)
    assert (case.level, case.status, case.escalations) == (Level.STREET, Status.ESCALATED, 1)
    assert (case.leader, case.handler) == (None, None)
    assert case.deadline == datetime.date(2026, 11, 23)  # 15 working days at street level
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.action, event.from_level, event.to_level) == ("escalate", "community", "street")
    # The street office accepts it now; the community no longer handles it.
    page = login(client, city.street).get(detail_url(case))
    assert "accept" in {a["name"] for a in page.context["action_forms"]}
    page = login(client, city.community).get(detail_url(case))
    assert page.context["action_forms"] == []


def test_a_district_case_cannot_be_escalated(client, city):
    case = register(city, city.bureau, level=Level.DISTRICT)
    login(client, city.bureau)
    page = client.get(detail_url(case))
    assert "escalate" not in {a["name"] for a in page.context["action_forms"]}
    response = client.post(url(case, "escalate"), {"reason": "再上报"})
    refused(response, "escalate", e.MSG_TOP_LEVEL)
    assert reload(case).level == Level.DISTRICT


def test_escalating_anothers_level_is_refused_by_role(client, city):
    case = register(city)
    response = login(client, city.bureau).post(url(case, "escalate"), {"reason": "上报"})
    refused(response, "escalate", e.MSG_NOT_ALLOWED)
    assert reload(case).level == Level.COMMUNITY


# Reassign and deadline --------------------------------------------------------------------------


def test_reassigning_changes_leader_and_handler(client, city):
    case = accepted_case(city)
    response = login(client, city.community).post(
        url(case, "reassign"),
        {"leader": city.manager_a.pk, "handler": city.community.pk, "reason": "人员调整"},
    )
    assert response.status_code == 302
    case = reload(case)
    assert (case.leader, case.handler) == (city.manager_a, city.community)
    assert events(case)[-1] == "reassign"


def test_reassigning_a_registered_case_is_refused_by_state(client, city):
    case = register(city)
    response = login(client, city.community).post(
        url(case, "reassign"),
        {"leader": city.manager_a.pk, "handler": city.community.pk, "reason": "人员调整"},
    )
    refused(response, "reassign", wrong_state(case))
    assert reload(case).handler is None


def test_the_deadline_moves_with_a_reason(client, city):
    case = accepted_case(city)
    response = login(client, city.community).post(
        url(case, "deadline"), {"deadline": LATER.isoformat(), "reason": "当事人出差"}
    )
    assert response.status_code == 302
    assert reload(case).deadline == LATER
    assert events(case)[-1] == "deadline"


def test_a_deadline_in_the_past_is_refused(client, city):
    case = accepted_case(city)
    before = reload(case).deadline
    response = login(client, city.community).post(
        url(case, "deadline"), {"deadline": "2026-10-01", "reason": "补录"}
    )
    assert response.status_code == 200
    assert form_of(response, "deadline").errors["deadline"] == [str(e.MSG_DEADLINE_PAST)]
    assert "补录" in response.content.decode()
    assert reload(case).deadline == before


# Return visit and parties -----------------------------------------------------------------------


def test_a_return_visit_records_satisfaction(client, city):
    case = resolved_case(city)
    response = login(client, city.community).post(
        url(case, "visit"),
        {"visited_on": TODAY.isoformat(), "satisfaction": "satisfied", "note": "双方满意"},
    )
    assert response.status_code == 302
    assert reload(case).satisfaction == "satisfied"
    assert ReturnVisit.objects.get(case=case).note == "双方满意"


def test_a_return_visit_before_resolution_is_refused(client, city):
    case = accepted_case(city)
    response = login(client, city.community).post(
        url(case, "visit"), {"visited_on": TODAY.isoformat(), "satisfaction": "satisfied"}
    )
    refused(response, "visit", wrong_state(case))
    assert not ReturnVisit.objects.exists()


def test_parties_are_added_by_the_handler_and_by_the_registrant(client, city):
    case = register(city, city.manager_a)
    response = login(client, city.manager_a).post(
        url(case, "party"), {"role": "third", "name": "赵物业", "phone": "010-12345678"}
    )
    assert response.status_code == 302
    accept(case, city.community)
    response = login(client, city.community).post(
        url(case, "party"), {"role": "respondent", "name": "钱二"}
    )
    assert response.status_code == 302
    names = list(Party.objects.filter(case=case).values_list("name", flat=True))
    assert names[-2:] == ["赵物业", "钱二"]
    assert events(case).count("party") == 2


def test_a_party_with_a_bad_id_number_is_not_added(client, city):
    case = register(city)
    response = login(client, city.manager_a).post(
        url(case, "party"), {"role": "third", "name": "孙三", "id_number": "110105199001011234"}
    )
    refused(response, "party")
    assert form_of(response, "party").errors["id_number"]
    assert "孙三" in response.content.decode()
    assert Party.objects.filter(case=case).count() == 2


def test_a_party_cannot_be_added_to_a_closed_case(client, city):
    case = resolved_case(city)
    response = login(client, city.community).post(
        url(case, "party"), {"role": "third", "name": "孙三"}
    )
    refused(response, "party", wrong_state(case))
    assert Party.objects.filter(case=case).count() == 2


# Only the forms that may be used are shown -----------------------------------------------------


@pytest.mark.parametrize(
    ("state", "who", "expected"),
    [
        ("registered", "community", {"accept", "escalate", "withdraw", "party"}),
        ("registered", "manager_a", {"accept", "escalate", "withdraw", "party"}),
        ("registered", "street", set()),
        ("registered", "viewer_a", set()),
        (
            "accepted",
            "community",
            {
                "session",
                "resolve",
                "close",
                "escalate",
                "reassign",
                "deadline",
                "withdraw",
                "party",
            },
        ),
        ("accepted", "bureau", set()),
        ("resolved", "community", {"visit"}),
        ("resolved", "manager_a", {"visit"}),
    ],
)
def test_the_case_page_offers_only_what_the_user_may_do_now(client, city, state, who, expected):
    case = {
        "registered": lambda: register(city, city.community),
        "accepted": lambda: accepted_case(city),
        "resolved": lambda: resolved_case(city),
    }[state]()
    page = login(client, getattr(city, who)).get(detail_url(case))
    assert {a["name"] for a in page.context["action_forms"]} == expected


def test_the_registrant_only_may_withdraw_or_add_a_party_before_acceptance(client, city):
    case = register(city, city.street, compound="A1")  # community level: the street registered it
    page = login(client, city.street).get(detail_url(case))
    assert {a["name"] for a in page.context["action_forms"]} == {"withdraw", "party"}
    accept(case, city.community)
    page = client.get(detail_url(case))
    assert page.context["action_forms"] == []
