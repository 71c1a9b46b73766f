"""回避 (issue 10): a property company never handles, nor reads in full, a dispute about itself.

A case concerns a property company when it is about property service (物业服务) or when the
registrant says its respondent is the compound's company. Then the community committee handles
it at compound/community level; nobody of the company concerned accepts, mediates, resolves,
closes, escalates, reassigns or withdraws it, nor leads or handles it, and its parties, texts
and agreement stay masked for them — even for a member whose other role may see dispute
parties. No property-company role sees dispute parties in full by default. A case the company
resolved itself before this rule is not counted as resolved in the closure rate.
"""

import importlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from communities.models import Notification, Organisation, Role
from communities.roles import role_permissions
from communities.services import membership_set
from disputes import errors as e
from disputes import services
from disputes.conflict import in_conflict
from disputes.errors import WorkflowError
from disputes.figures import dispute_figures
from disputes.handlers import can_handle, handled_by_q, handlers_for
from disputes.models import CaseEvent, Category, DisputeCase, Level, Status
from disputes.roles import PARTY_DATA_PERMISSION, sees_parties
from disputes.selectors import CaseFilters, cases_for_list
from tests import factories as f

from .conftest import TODAY, accept, pdf_upload, register

pytestmark = pytest.mark.usefixtures("today")

ID_NUMBER = "11010519491231002X"
PARTIES = [
    {"role": "applicant", "name": "赵明远", "phone": "13812345678", "id_number": ID_NUMBER},
    {"role": "respondent", "name": "孙丽华", "phone": "13987654321", "id_number": ""},
]
FULL = ("赵明远", "孙丽华", "13812345678", "13987654321", ID_NUMBER)
DESCRIPTION = "赵明远反映电梯长期故障，物业孙丽华未按承诺维修。"


def property_case(city, actor=None, compound="A1", **extra):
    """A property-service case in company A's compound, registered by company A's admin."""
    return register(
        city,
        actor or city.manager_a,
        compound,
        category=Category.PROPERTY_SERVICE,
        parties=PARTIES,
        description=DESCRIPTION,
        **extra,
    )


def both(city):
    """Company A's admin who is also staff of the community committee of A1: their committee
    role may see dispute parties in full, their company ties them to A's cases."""
    user = f.UserFactory(username="both")
    membership_set(user=user, organisation=city.org.company_a, role=Role.ADMIN)
    membership_set(user=user, organisation=city.org.community, role=Role.STAFF)
    user.refresh_from_db()
    return user


def trail(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("action", flat=True))


def refused(call, message):
    with pytest.raises(WorkflowError) as refusal:
        call()
    assert str(refusal.value) == str(message)


# --- which cases concern a company ---------------------------------------------------------------


def test_a_property_service_case_records_the_company_running_the_compound(city):
    case = property_case(city)
    assert case.respondent_company == city.company_a
    assert case.concerns_company


def test_another_category_concerns_the_company_when_the_registrant_says_so(city):
    plain = register(city, city.community, "A1")
    against = register(city, city.community, "A1", against_company=True)
    assert (plain.respondent_company, plain.concerns_company) == (None, False)
    assert (against.respondent_company, against.concerns_company) == (city.company_a, True)


def test_a_compound_without_a_company_cannot_have_it_as_respondent(city):
    before = DisputeCase.objects.count()
    refused(lambda: register(city, city.community, "N1", against_company=True), e.MSG_NO_COMPANY)
    assert DisputeCase.objects.count() == before
    # A property-service complaint there (准物业管理) is registered, against no company.
    case = register(city, city.community, "N1", category=Category.PROPERTY_SERVICE)
    assert case.respondent_company is None and case.concerns_company


# --- who handles it ------------------------------------------------------------------------------


def test_the_committee_alone_is_told_and_may_handle_it(city):
    case = property_case(city)
    assert list(handlers_for(case)) == [city.community]
    assert can_handle(city.community, case) and not can_handle(city.manager_a, case)
    told = set(
        Notification.objects.filter(kind="dispute_registered").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"community"}
    # "Waiting for us to accept" agrees with the rule, for the whole cast.
    waiting = DisputeCase.objects.filter(pk=case.pk)
    for user in (city.community, city.manager_a, city.street, city.bureau, city.viewer_a):
        listed = waiting.filter(handled_by_q(user)).exists()
        assert listed == can_handle(user, case), user.username


def test_a_property_case_where_no_committee_acts_goes_to_the_street(city):
    """B2's community has no committee in the cast: the company may not take the case, so it
    cannot be registered at community level; at street level it goes to the street office."""
    before = DisputeCase.objects.count()
    refused(lambda: property_case(city, city.manager_b, "B2"), e.MSG_NOBODY_AT_LEVEL)
    assert DisputeCase.objects.count() == before
    case = property_case(city, city.manager_b, "B2", level=Level.STREET)
    assert list(handlers_for(case)) == [city.street]


def test_every_step_is_refused_to_the_company_and_writes_nothing(city):
    case = property_case(city)
    refused(lambda: accept(case, city.manager_a), e.MSG_RECUSED)
    refused(
        lambda: services.case_escalate(case=case, actor=city.manager_a, reason="处理不了"),
        e.MSG_RECUSED,
    )
    # Not even the company that registered it may withdraw it (首问负责制 stops here).
    refused(
        lambda: services.case_withdraw(case=case, actor=city.manager_a, reason="业主已撤诉"),
        e.MSG_RECUSED,
    )
    assert (DisputeCase.objects.get(pk=case.pk).status, trail(case)) == (
        Status.REGISTERED,
        ["register"],
    )

    accept(case, city.community)
    steps = {
        "session": lambda: services.session_record(
            case=case, actor=city.manager_a, held_on=TODAY, mediators="物业", agreed="维修"
        ),
        "resolve": lambda: services.case_resolve(
            case=case, actor=city.manager_a, outcome="已维修", agreement_reached=False
        ),
        "close": lambda: services.case_close_unresolved(
            case=case, actor=city.manager_a, referred_to="court", where="区法院"
        ),
        "escalate": lambda: services.case_escalate(
            case=case, actor=city.manager_a, reason="处理不了"
        ),
        "reassign": lambda: services.case_reassign(
            case=case,
            actor=city.manager_a,
            leader=city.community,
            handler=city.community,
            reason="换人",
        ),
        "deadline": lambda: services.case_set_deadline(
            case=case, actor=city.manager_a, deadline=case.deadline, reason="延期"
        ),
        "withdraw": lambda: services.case_withdraw(case=case, actor=city.manager_a, reason="撤诉"),
    }
    for step, call in steps.items():
        with pytest.raises(WorkflowError) as refusal:
            call()
        assert str(refusal.value) == str(e.MSG_RECUSED), step
    stored = DisputeCase.objects.get(pk=case.pk)
    assert (stored.status, stored.handler, stored.closed_at) == (
        Status.ACCEPTED,
        city.community,
        None,
    )
    assert trail(case) == ["register", "accept"]


def test_nobody_of_the_company_can_be_its_leader_or_handler(city):
    case = property_case(city)
    dual = both(city)
    for leader, handler in ((city.manager_a, city.community), (city.community, dual)):
        who = leader if leader != city.community else handler
        with pytest.raises(WorkflowError) as refusal:
            accept(case, city.community, leader=leader, handler=handler)
        assert str(refusal.value) == str(e.MSG_RECUSED_PERSON.format(user=who.get_username()))
    assert trail(case) == ["register"]
    assert dual not in handlers_for(case) and city.manager_a not in handlers_for(case)


def test_the_committee_accepts_and_resolves_it(city):
    case = property_case(city)
    accept(case, city.community)
    services.case_resolve(
        case=case,
        actor=city.community,
        outcome="物业已修复电梯",
        agreement_reached=True,
        agreement_file=pdf_upload(),
    )
    stored = DisputeCase.objects.get(pk=case.pk)
    assert (stored.status, stored.leader, stored.handler) == (
        Status.RESOLVED,
        city.community,
        city.community,
    )
    assert trail(case) == ["register", "accept", "resolve"]
    assert dispute_figures(DisputeCase.objects.filter(pk=case.pk))["closure_rate"] == Decimal(
        "100.0"
    )


def test_a_member_of_another_organisation_is_tied_only_to_cases_about_their_company(city):
    dual = both(city)
    about_a = property_case(city)
    noise_a1 = register(city, city.community, "A1")
    assert in_conflict(dual, about_a) and not in_conflict(dual, noise_a1)
    assert can_handle(dual, noise_a1) and not can_handle(dual, about_a)
    refused(lambda: accept(about_a, dual), e.MSG_RECUSED)
    accept(noise_a1, dual)
    assert trail(noise_a1) == ["register", "accept"]


# --- the pages -----------------------------------------------------------------------------------


def page(case):
    return reverse("disputes:case_detail", args=[case.pk])


def test_the_view_refuses_and_does_not_offer_the_actions(client, city):
    case = property_case(city)
    client.force_login(city.manager_a)
    shown = client.get(page(case))
    assert shown.status_code == 200
    assert shown.context["action_forms"] == []
    html = shown.content.decode()
    assert 'data-testid="recusal-note"' in html and 'data-testid="respondent-company"' in html
    for action, body in (
        (
            "accept",
            {
                "leader": city.community.pk,
                "handler": city.community.pk,
                "plan": "上门沟通",
                "deadline": case.deadline.isoformat(),
            },
        ),
        ("escalate", {"reason": "处理不了"}),
        ("withdraw", {"reason": "业主已撤诉"}),
    ):
        response = client.post(reverse(f"disputes:case_{action}", args=[case.pk]), body)
        assert response.status_code == 200, action
        assert str(e.MSG_RECUSED) in response.content.decode(), action
    accept(case, city.community)
    response = client.post(
        reverse("disputes:case_resolve", args=[case.pk]),
        {"outcome": "已维修", "agreement_reached": ""},
    )
    assert response.status_code == 200
    assert str(e.MSG_RECUSED) in response.content.decode()
    assert (DisputeCase.objects.get(pk=case.pk).status, trail(case)) == (
        Status.ACCEPTED,
        ["register", "accept"],
    )
    assert client.get(page(case)).context["action_forms"] == []


@pytest.fixture
def resolved_property_case(city):
    case = property_case(city)
    accept(case, city.community, plan="约赵明远与物业孙丽华面谈")
    services.session_record(
        case=case,
        actor=city.community,
        held_on=TODAY,
        mediators="社区调委会",
        agreed="孙丽华承诺两周内修好电梯",
        parties_present=list(case.parties.order_by("pk")),
    )
    return services.case_resolve(
        case=case,
        actor=city.community,
        outcome="赵明远确认电梯已修复",
        agreement_reached=True,
        agreement_file=pdf_upload(),
    )


def export_bytes(client) -> bytes:
    response = client.post("/disputes/export/")
    assert response.status_code == 200, response.content[:300]
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        return b"".join(book.read(name) for name in book.namelist())


def assert_nothing_in_full(content: bytes):
    for value in FULL:
        assert value.encode() not in content, value


@pytest.mark.parametrize("who", ["manager_a", "both"])
def test_the_company_never_reads_the_parties_in_full(client, city, resolved_property_case, who):
    """Page, printable case file, export and admin: masked; the agreement: 403. The same for
    a company member whose committee role may see dispute parties."""
    case = resolved_property_case
    user = both(city) if who == "both" else city.manager_a
    assert sees_parties(user) == (who == "both")
    client.force_login(user)

    detail = client.get(page(case))
    assert detail.status_code == 200
    assert_nothing_in_full(detail.content)
    html = detail.content.decode()
    assert "赵**" in html and "138****5678" in html and "110***********002X" in html
    assert 'data-testid="masked-note"' in html and 'data-testid="agreement-withheld"' in html

    printed = client.get(reverse("disputes:case_print", args=[case.pk]))
    assert printed.status_code == 200
    assert_nothing_in_full(printed.content)

    exported = export_bytes(client)
    assert case.number.encode() in exported
    assert_nothing_in_full(exported)

    admin = client.get(reverse("admin:disputes_disputecase_change", args=[case.pk]))
    assert admin.status_code == 200
    assert_nothing_in_full(admin.content)

    assert client.get(reverse("disputes:agreement", args=[case.pk])).status_code == 403


def test_the_committee_reads_it_in_full(client, city, resolved_property_case):
    case = resolved_property_case
    client.force_login(city.community)
    html = client.get(page(case)).content.decode()
    assert all(value in html for value in FULL)
    assert client.get(reverse("disputes:agreement", args=[case.pk])).status_code == 200


def test_a_case_not_about_their_company_is_in_full_for_a_dual_member(client, city):
    case = register(city, city.community, "A1", parties=PARTIES, description=DESCRIPTION)
    client.force_login(both(city))
    html = client.get(page(case)).content.decode()
    assert all(value in html for value in FULL)


def test_searching_a_name_does_not_find_a_case_about_the_members_company(client, city):
    """The list's search over descriptions would confirm a guessed name."""
    case = property_case(city)
    dual = both(city)
    found = cases_for_list(user=dual, filters=CaseFilters(query="赵明远"))
    assert case not in found
    assert case in cases_for_list(user=city.community, filters=CaseFilters(query="赵明远"))


# --- roles ---------------------------------------------------------------------------------------


def test_no_company_role_holds_dispute_parties_by_default():
    table = role_permissions()
    holders = {key for key, perms in table.items() if PARTY_DATA_PERMISSION in perms}
    assert holders == {
        ("bureau", "admin"),
        ("street", "admin"),
        ("community", "admin"),
        ("community", "staff"),
    }
    # Nor households' (residents'): no company role holds personal data in full.
    personal = {key for key, perms in table.items() if "communities.view_personal_data" in perms}
    assert not any(kind == "company" for kind, _role in personal)


def test_the_cast_reads_dispute_parties_as_the_role_table_says(city):
    assert [sees_parties(getattr(city, who)) for who in ("bureau", "street", "community")] == [
        True,
        True,
        True,
    ]
    assert not any(sees_parties(u) for u in (city.manager_a, city.manager_b, city.viewer_a))


# --- the closure rate ----------------------------------------------------------------------------


def _resolved_by(city, actor):
    """A case resolved by ``actor`` before the rule existed: registered and resolved as a noise
    case, then turned into a property-service one as old rows are (no respondent recorded)."""
    case = register(city, city.community, "A1")
    accept(case, actor)
    services.case_resolve(case=case, actor=actor, outcome="已处理", agreement_reached=False)
    DisputeCase.objects.filter(pk=case.pk).update(category=Category.PROPERTY_SERVICE)
    return case


def test_the_migration_marks_old_cases_the_company_resolved_itself(city):
    by_company = _resolved_by(city, city.manager_a)
    by_committee = _resolved_by(city, city.community)
    migration = importlib.import_module("disputes.migrations.0007_conflict_of_interest")

    migration.forwards(django_apps, None)

    rows = DisputeCase.objects.in_bulk([by_company.pk, by_committee.pk])
    assert rows[by_company.pk].respondent_company == city.company_a
    assert rows[by_committee.pk].respondent_company == city.company_a
    assert rows[by_company.pk].resolved_by_respondent
    assert not rows[by_committee.pk].resolved_by_respondent


def test_a_case_the_company_resolved_itself_is_not_counted_as_resolved(city):
    by_company = _resolved_by(city, city.manager_a)
    _resolved_by(city, city.community)
    register(city, city.community, "A2")  # open
    DisputeCase.objects.filter(pk=by_company.pk).update(resolved_by_respondent=True)

    figures = dispute_figures(DisputeCase.objects.all(), TODAY)

    assert (figures["total"], figures["resolved"], figures["resolved_by_respondent"]) == (3, 2, 1)
    assert figures["closure_rate"] == Decimal("33.3")  # 1 of 3, not 2 of 3


def test_the_list_shows_how_many_were_resolved_by_the_company(client, city):
    by_company = _resolved_by(city, city.manager_a)
    DisputeCase.objects.filter(pk=by_company.pk).update(resolved_by_respondent=True)
    client.force_login(city.bureau)
    html = client.get(reverse("disputes:case_list")).content.decode()
    assert 'data-figure="resolved_by_respondent">1<' in html
    assert 'data-figure="closure_rate">0.0%<' in html


def test_the_company_of_a_compound_is_found_through_its_organisation(city):
    # The cast's company organisation is the one the rule reads memberships through.
    assert Organisation.objects.get(property_company=city.company_a) == city.org.company_a


def test_the_committee_takes_over_an_open_case_left_in_the_companys_hands(city):
    """An open property-service case a company accepted before the rule: the company can no
    longer act; the committee hands it to its own people."""
    case = register(city, city.community, "A1")
    accept(case, city.manager_a)
    DisputeCase.objects.filter(pk=case.pk).update(category=Category.PROPERTY_SERVICE)
    case.refresh_from_db()
    refused(
        lambda: services.case_set_deadline(
            case=case, actor=city.manager_a, deadline=case.deadline, reason="延期"
        ),
        e.MSG_RECUSED,
    )
    services.case_reassign(
        case=case,
        actor=city.community,
        leader=city.community,
        handler=city.community,
        reason="物业服务纠纷，物业公司回避",
    )
    stored = DisputeCase.objects.get(pk=case.pk)
    assert (stored.leader, stored.handler) == (city.community, city.community)
    assert trail(case) == ["register", "accept", "reassign"]


def test_deadline_reminders_skip_a_company_member_left_in_charge(city):
    """The daily job tells the committee, not the company, of an old case about the company
    that the company still holds."""
    from disputes.services import disputes_daily

    case = register(city, city.community, "A1")
    accept(case, city.manager_a)
    DisputeCase.objects.filter(pk=case.pk).update(
        category=Category.PROPERTY_SERVICE, deadline=TODAY
    )
    disputes_daily(today=TODAY)
    told = Notification.objects.filter(kind="dispute_due")
    assert set(told.values_list("user__username", flat=True)) == {"community"}
