"""The case's life as services: every transition allowed and refused by state and by role,
the four fixes, escalation up to (and not beyond) the district, and the permanent timeline."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from communities.models import Notification
from disputes import errors as e
from disputes import services
from disputes.errors import WorkflowError
from disputes.models import CaseEvent, DisputeCase, Level, Party, Status, TimelineIsPermanent

from .conftest import PARTIES, TODAY, accept, pdf_upload, register

D = datetime.date
S = Status


# ------------------------------------------------------------------ bringing a case to a state


def case_in(city, status: str) -> tuple[DisputeCase, object]:
    """A case of compound A1 in ``status``, and a user who handles it at its level."""
    actor = city.manager_a
    case = register(city)
    if status == S.ESCALATED:
        return services.case_escalate(case=case, actor=actor, reason="需街道协调"), city.street
    if status == S.WITHDRAWN:
        return services.case_withdraw(case=case, actor=actor, reason="双方和解"), actor
    if status != S.REGISTERED:
        case = accept(case, actor)
    if status in (S.MEDIATING,):
        services.session_record(
            case=case, actor=actor, held_on=TODAY, mediators="张调解", agreed="再谈"
        )
    if status == S.RESOLVED:
        case = services.case_resolve(
            case=case, actor=actor, outcome="已调解", agreement_reached=False
        )
    if status == S.CLOSED_UNRESOLVED:
        case = services.case_close_unresolved(
            case=case, actor=actor, referred_to="court", where="朝阳区人民法院"
        )
    case.refresh_from_db()
    return case, actor


ACTIONS = {
    "accept": lambda case, actor: accept(case, actor),
    "session": lambda case, actor: services.session_record(
        case=case, actor=actor, held_on=TODAY, mediators="张调解", agreed="约定停工时间"
    ),
    "resolve": lambda case, actor: services.case_resolve(
        case=case, actor=actor, outcome="和解", agreement_reached=False
    ),
    "close": lambda case, actor: services.case_close_unresolved(
        case=case, actor=actor, referred_to="arbitration", where="区劳动仲裁委"
    ),
    "withdraw": lambda case, actor: services.case_withdraw(case=case, actor=actor, reason="撤回"),
    "escalate": lambda case, actor: services.case_escalate(case=case, actor=actor, reason="复杂"),
    "reassign": lambda case, actor: services.case_reassign(
        case=case, actor=actor, leader=actor, handler=actor, reason="换人"
    ),
    "deadline": lambda case, actor: services.case_set_deadline(
        case=case, actor=actor, deadline=D(2026, 12, 1), reason="当事人出差"
    ),
    "visit": lambda case, actor: services.return_visit_record(
        case=case, actor=actor, visited_on=TODAY, satisfaction="satisfied"
    ),
    "party": lambda case, actor: services.party_add(
        case=case, actor=actor, role="third", name="赵六"
    ),
}

OPEN = {S.REGISTERED, S.ACCEPTED, S.MEDIATING, S.ESCALATED}
ALLOWED_FROM = {
    "accept": {S.REGISTERED, S.ESCALATED},
    "session": {S.ACCEPTED, S.MEDIATING},
    "resolve": {S.ACCEPTED, S.MEDIATING},
    "close": {S.ACCEPTED, S.MEDIATING},
    "withdraw": OPEN,
    "escalate": OPEN,
    "reassign": {S.ACCEPTED, S.MEDIATING},
    "deadline": {S.ACCEPTED, S.MEDIATING},
    "visit": {S.RESOLVED},
    "party": OPEN,
}


@pytest.mark.parametrize("status", list(S.values))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_is_allowed_exactly_from_its_states(city, today, action, status):
    case, actor = case_in(city, status)
    events_before = CaseEvent.objects.filter(case=case).count()
    if status in ALLOWED_FROM[action]:
        ACTIONS[action](case, actor)
        assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    else:
        with pytest.raises(WorkflowError) as refused:
            ACTIONS[action](case, actor)
        label = DisputeCase(status=status).get_status_display()
        assert refused.value.message == e.MSG_WRONG_STATE.format(status=label)
        assert CaseEvent.objects.filter(case=case).count() == events_before
        case_after = DisputeCase.objects.get(pk=case.pk)
        assert (case_after.status, case_after.level) == (case.status, case.level)


# ------------------------------------------------------------------ who may act, by level

# Community level of A1: the community committee and company A. Street level: the street office.
# District level: the bureau. Everyone else is refused, whatever their permissions.
HANDLERS_BY_LEVEL = {
    Level.COMMUNITY: {"community", "manager_a"},
    Level.STREET: {"street"},
    Level.DISTRICT: {"bureau"},
}
CAST = ["bureau", "street", "community", "manager_a", "manager_b", "viewer_a", "nobody"]


def _case_at(city, level):
    case = register(city)
    if level in (Level.STREET, Level.DISTRICT):
        case = services.case_escalate(case=case, actor=city.manager_a, reason="上交街道")
    if level == Level.DISTRICT:
        case = services.case_escalate(case=case, actor=city.street, reason="上交区里")
    return case


@pytest.mark.parametrize("level", list(Level.values))
@pytest.mark.parametrize("who", CAST)
def test_only_the_organisation_at_the_case_level_accepts(city, today, level, who):
    case = _case_at(city, level)
    user = getattr(city, who)
    assert services.can_handle(user, case) is (who in HANDLERS_BY_LEVEL[level])
    if who in HANDLERS_BY_LEVEL[level]:
        accepted = accept(case, user)
        assert (accepted.status, accepted.handler, accepted.level) == (S.ACCEPTED, user, level)
    else:
        with pytest.raises(WorkflowError) as refused:
            accept(case, user, leader=city.bureau, handler=city.bureau)
        assert refused.value.message == e.MSG_NOT_ALLOWED
        assert DisputeCase.objects.get(pk=case.pk).status == case.status


@pytest.mark.parametrize("who", CAST)
def test_who_may_escalate_a_mediating_case_and_who_not(city, today, who):
    case, _actor = case_in(city, S.MEDIATING)
    user = getattr(city, who)
    if who in HANDLERS_BY_LEVEL[Level.COMMUNITY]:
        escalated = services.case_escalate(case=case, actor=user, reason="调解不成")
        assert (escalated.level, escalated.status) == (Level.STREET, S.ESCALATED)
    else:
        with pytest.raises(WorkflowError):
            services.case_escalate(case=case, actor=user, reason="调解不成")
        assert DisputeCase.objects.get(pk=case.pk).level == Level.COMMUNITY


def test_a_compound_without_company_is_handled_by_its_community_committee(city, today):
    case = register(city, actor=city.community, compound="N1")
    assert set(services.handlers_for(case)) == {city.community}
    assert not services.can_handle(city.manager_a, case)


# ------------------------------------------------------------------ registering


def test_registering_numbers_cases_per_street_and_year(city, today):
    first = register(city, compound="A1")
    second = register(city, actor=city.street, compound="B2")  # B2 lies in street 1 too
    other_street = register(city, actor=city.manager_b, compound="B1")
    last_year = register(
        city, registered_at=datetime.datetime(2025, 12, 30, 10, tzinfo=datetime.UTC)
    )
    assert [first.number, second.number] == ["110105001-2026-0001", "110105001-2026-0002"]
    assert other_street.number == "110105002-2026-0001"
    assert last_year.number == "110105001-2025-0001"
    assert (first.street, other_street.street) == city.streets


def test_registering_writes_the_case_its_parties_an_event_and_tells_the_level(city, today):
    case = register(city, amount="1200.50")
    assert case.status == S.REGISTERED and case.level == Level.COMMUNITY
    assert case.registered_by == city.manager_a
    assert case.deadline == D(2026, 11, 16)  # 10 working days after Monday 2 November
    assert list(case.parties.values_list("role", "name")) == [
        ("applicant", "王小明"),
        ("respondent", "李大海"),
    ]
    event = case.events.get()
    assert (event.action, event.to_status, event.to_level, event.actor) == (
        "register",
        S.REGISTERED,
        Level.COMMUNITY,
        city.manager_a,
    )
    told = set(
        Notification.objects.filter(kind="dispute_registered").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"community", "manager_a"}


@pytest.mark.parametrize(
    ("who", "compound", "level"),
    [
        ("manager_a", "B1", Level.COMMUNITY),  # another company's compound
        ("viewer_a", "A1", Level.COMMUNITY),  # a viewer registers nothing
        ("nobody", "A1", Level.COMMUNITY),
        ("street", "B1", Level.COMMUNITY),  # another street
        ("manager_a", "A1", Level.DISTRICT),  # only the bureau starts at district level
    ],
)
def test_registering_is_refused_outside_scope_role_or_level(city, today, who, compound, level):
    with pytest.raises(WorkflowError):
        register(city, actor=getattr(city, who), compound=compound, level=level)
    assert not DisputeCase.objects.exists()


def test_the_bureau_may_register_at_district_level_with_that_time_limit(city, today):
    case = register(city, actor=city.bureau, level=Level.DISTRICT)
    assert case.deadline == D(2026, 12, 14)  # 30 working days


def test_a_category_can_have_its_own_time_limit(city, today, settings):
    settings.DISPUTE_CATEGORY_TIME_LIMITS = {"petition": {"street": 30}}
    petition = register(city, level=Level.STREET, category="petition")
    noise = register(city, level=Level.STREET)
    assert (noise.deadline, petition.deadline) == (D(2026, 11, 23), D(2026, 12, 14))


def test_bad_party_data_writes_nothing(city, today):
    with pytest.raises(ValidationError) as invalid:
        register(city, parties=[{"role": "applicant", "name": "王小明", "phone": "12345"}])
    assert "phone" in invalid.value.message_dict
    with pytest.raises(WorkflowError) as refused:
        register(city, parties=[])
    assert refused.value.message == e.MSG_NO_PARTY
    assert not DisputeCase.objects.exists() and not Party.objects.exists()


def test_party_numbers_are_normalised(city, today):
    case = register(
        city, parties=[{**PARTIES[0], "phone": "138 1234 5678", "id_number": "11010119900307002x"}]
    )
    party = case.parties.get()
    assert (party.phone, party.id_number) == ("13812345678", "11010119900307002X")


# ------------------------------------------------------------------ accepting: the four fixes


@pytest.mark.parametrize(
    ("missing", "label"),
    [
        ("leader", e.FIX_LEADER),
        ("handler", e.FIX_HANDLER),
        ("plan", e.FIX_PLAN),
        ("deadline", e.FIX_DEADLINE),
    ],
)
def test_accepting_without_each_of_the_four_fixes_fails(city, today, missing, label):
    case = register(city)
    fixes = {
        "leader": city.manager_a,
        "handler": city.community,
        "plan": "先分别谈话,再面对面调解",
        "deadline": D(2026, 11, 20),
    }
    fixes[missing] = "   " if missing == "plan" else None
    with pytest.raises(WorkflowError) as refused:
        services.case_accept(case=case, actor=city.manager_a, **fixes)
    assert refused.value.message == e.MSG_FOUR_FIXES.format(missing=label)
    assert DisputeCase.objects.get(pk=case.pk).status == S.REGISTERED
    assert case.events.count() == 1


def test_accepting_with_nothing_names_all_four(city, today):
    case = register(city)
    with pytest.raises(WorkflowError) as refused:
        services.case_accept(
            case=case, actor=city.manager_a, leader=None, handler=None, plan="", deadline=None
        )
    assert refused.value.message == e.MSG_FOUR_FIXES.format(
        missing="、".join(map(str, [e.FIX_LEADER, e.FIX_HANDLER, e.FIX_PLAN, e.FIX_DEADLINE]))
    )


def test_the_handler_must_work_at_the_case_level_and_the_deadline_not_be_past(city, today):
    case = register(city)
    with pytest.raises(WorkflowError) as refused:
        accept(case, city.manager_a, handler=city.street)
    assert refused.value.message == e.MSG_NOT_AT_LEVEL.format(user="street")
    with pytest.raises(WorkflowError) as refused:
        accept(case, city.manager_a, deadline=D(2026, 11, 1))
    assert refused.value.message == e.MSG_DEADLINE_PAST


def test_accepting_records_the_four_fixes_and_tells_handler_leader_and_registrant(city, today):
    case = register(city)
    case = accept(
        case,
        city.community,
        leader=city.community,
        handler=city.manager_a,
        deadline=D(2026, 11, 20),
    )
    assert (case.leader, case.handler, case.deadline) == (
        city.community,
        city.manager_a,
        D(2026, 11, 20),
    )
    event = case.events.last()
    assert (event.action, event.handler, event.deadline, event.actor) == (
        "accept",
        city.manager_a,
        D(2026, 11, 20),
        city.community,
    )
    assigned = Notification.objects.filter(kind="dispute_assigned")
    assert set(assigned.values_list("user__username", flat=True)) == {"community", "manager_a"}
    assert Notification.objects.filter(kind="dispute_progress", user=city.manager_a).exists()


# ------------------------------------------------------------------ escalation


def test_escalation_moves_up_one_level_with_a_new_deadline_and_clears_the_fixes(city, today):
    case, actor = case_in(city, S.MEDIATING)
    case = services.case_escalate(case=case, actor=actor, reason="涉及公共部位,需街道协调")
    assert (case.level, case.status, case.escalations) == (Level.STREET, S.ESCALATED, 1)
    assert (case.leader, case.handler) == (None, None)
    assert case.deadline == D(2026, 11, 23)  # 15 working days from today at street level
    event = case.events.last()
    assert (event.from_level, event.to_level, event.from_status, event.to_status) == (
        Level.COMMUNITY,
        Level.STREET,
        S.MEDIATING,
        S.ESCALATED,
    )
    assert Notification.objects.filter(kind="dispute_registered", user=city.street).exists()
    # The street accepts it there: back to accepted, at street level.
    case = accept(case, city.street)
    assert (case.status, case.level) == (S.ACCEPTED, Level.STREET)


def test_escalation_at_district_level_is_refused(city, today):
    case = _case_at(city, Level.DISTRICT)
    case = accept(case, city.bureau)
    with pytest.raises(WorkflowError) as refused:
        services.case_escalate(case=case, actor=city.bureau, reason="再上交")
    assert refused.value.message == e.MSG_TOP_LEVEL
    case.refresh_from_db()
    assert (case.level, case.status, case.escalations) == (Level.DISTRICT, S.ACCEPTED, 2)


def test_escalation_needs_a_reason(city, today):
    case = register(city)
    with pytest.raises(WorkflowError) as refused:
        services.case_escalate(case=case, actor=city.manager_a, reason=" ")
    assert refused.value.message == e.MSG_REASON_REQUIRED
    assert DisputeCase.objects.get(pk=case.pk).level == Level.COMMUNITY


# ------------------------------------------------------------------ mediation and closing


def test_the_first_session_starts_mediation_and_dates_are_checked(city, today):
    case, actor = case_in(city, S.ACCEPTED)
    with pytest.raises(WorkflowError) as refused:
        services.session_record(
            case=case, actor=actor, held_on=D(2026, 11, 3), mediators="张", agreed="x"
        )
    assert refused.value.message == e.MSG_SESSION_DATE
    with pytest.raises(WorkflowError) as refused:
        services.session_record(case=case, actor=actor, held_on=TODAY, mediators="张", agreed=" ")
    assert refused.value.message == e.MSG_AGREED_REQUIRED
    session = services.session_record(
        case=case, actor=actor, held_on=TODAY, mediators="张调解员", agreed="晚十点后不施工"
    )
    case.refresh_from_db()
    assert case.status == S.MEDIATING and session.recorded_by == actor
    assert case.sessions.count() == 1


def test_resolving_needs_an_outcome_and_the_agreement_when_reached(city, today):
    case, actor = case_in(city, S.MEDIATING)
    for kwargs, message in [
        ({"outcome": "", "agreement_reached": False}, e.MSG_OUTCOME_REQUIRED),
        ({"outcome": "达成协议", "agreement_reached": True}, e.MSG_AGREEMENT_FILE),
    ]:
        with pytest.raises(WorkflowError) as refused:
            services.case_resolve(case=case, actor=actor, **kwargs)
        assert refused.value.message == message
    assert DisputeCase.objects.get(pk=case.pk).status == S.MEDIATING
    case = services.case_resolve(
        case=case,
        actor=actor,
        outcome="达成调解协议,赔偿800元",
        agreement_reached=True,
        agreement_file=pdf_upload(),
    )
    assert case.status == S.RESOLVED and case.closed_at is not None
    assert case.agreement_file.name.startswith("disputes/agreements/2026/11/")
    assert case.agreement_file.read().startswith(b"%PDF")


def test_closing_unresolved_says_where_the_case_went(city, today):
    case, actor = case_in(city, S.ACCEPTED)
    with pytest.raises(WorkflowError) as refused:
        services.case_close_unresolved(case=case, actor=actor, referred_to="court", where="")
    assert refused.value.message == e.MSG_REFERRAL_REQUIRED
    case = services.case_close_unresolved(
        case=case, actor=actor, referred_to="court", where="朝阳区人民法院", note="建议诉讼"
    )
    assert (case.status, case.referred_to, case.referred_where) == (
        S.CLOSED_UNRESOLVED,
        "court",
        "朝阳区人民法院",
    )
    assert "朝阳区人民法院" in case.events.last().note


def test_the_registrant_may_withdraw_their_own_case_until_it_is_accepted(city, today):
    case = register(city, actor=city.street, compound="A1")  # street registers at community level
    assert not services.can_handle(city.street, case)
    withdrawn = services.case_withdraw(case=case, actor=city.street, reason="当事人撤回")
    assert withdrawn.status == S.WITHDRAWN
    other = register(city, actor=city.street, compound="A2")
    accept(other, city.manager_a)
    with pytest.raises(WorkflowError):
        services.case_withdraw(case=other, actor=city.street, reason="当事人撤回")


def test_a_return_visit_records_satisfaction(city, today):
    case, actor = case_in(city, S.RESOLVED)
    with pytest.raises(WorkflowError) as refused:
        services.return_visit_record(
            case=case, actor=actor, visited_on=D(2026, 11, 1), satisfaction="very"
        )
    assert refused.value.message == e.MSG_VISIT_DATE
    services.return_visit_record(case=case, actor=actor, visited_on=TODAY, satisfaction="neutral")
    services.return_visit_record(case=case, actor=actor, visited_on=TODAY, satisfaction="very")
    case.refresh_from_db()
    assert case.satisfaction == "very" and case.return_visits.count() == 2


def test_deadline_changes_and_reassignments_are_on_the_timeline(city, today):
    case, actor = case_in(city, S.ACCEPTED)
    services.case_reassign(
        case=case, actor=actor, leader=city.community, handler=city.community, reason="居委会接手"
    )
    services.case_set_deadline(case=case, actor=actor, deadline=D(2026, 11, 30), reason="延期")
    with pytest.raises(WorkflowError):
        services.case_set_deadline(case=case, actor=actor, deadline=D(2026, 10, 30), reason="x")
    reassign, deadline = case.events.order_by("-pk")[:2][::-1]
    assert (reassign.action, reassign.handler) == ("reassign", city.community)
    assert (deadline.action, deadline.deadline) == ("deadline", D(2026, 11, 30))
    assert "2026-11-16 → 2026-11-30" in deadline.note


# ------------------------------------------------------------------ the timeline is permanent


def test_the_timeline_is_never_edited_or_deleted(city, today):
    case, _actor = case_in(city, S.MEDIATING)
    event = case.events.first()
    event.note = "改写历史"
    with pytest.raises(TimelineIsPermanent):
        event.save()
    with pytest.raises(TimelineIsPermanent):
        event.delete()
    with pytest.raises(ProtectedError):
        case.delete()
    assert list(case.events.values_list("action", flat=True)) == ["register", "accept", "session"]
    assert case.events.first().note == ""


def test_events_chain_their_statuses(city, today):
    case, actor = case_in(city, S.MEDIATING)
    case = services.case_escalate(case=case, actor=actor, reason="上交")
    case = accept(case, city.street)
    services.case_resolve(case=case, actor=city.street, outcome="和解", agreement_reached=False)
    events = list(case.events.all())
    for before, after in itertools.pairwise(events):
        assert after.from_status == before.to_status
    assert [ev.action for ev in events] == [
        "register",
        "accept",
        "session",
        "escalate",
        "accept",
        "resolve",
    ]


# ------------------------------------------------------------------ found in review


def test_the_timeline_refuses_bulk_updates_and_deletes_too(city, today):
    case = register(city)
    with pytest.raises(TimelineIsPermanent):
        CaseEvent.objects.filter(case=case).update(note="改写")
    with pytest.raises(TimelineIsPermanent):
        CaseEvent.objects.filter(case=case).delete()
    assert case.events.get().note == ""


def test_a_deadline_more_than_a_year_away_is_refused(city, today):
    case = register(city)
    with pytest.raises(WorkflowError) as refused:
        accept(case, city.manager_a, deadline=D(2027, 11, 4))
    assert refused.value.message == e.MSG_DEADLINE_RANGE % {
        "days": 366,
        "first": "2026-11-02",
        "last": "2027-11-03",
    }
    assert accept(case, city.manager_a, deadline=D(2027, 11, 3)).deadline == D(2027, 11, 3)


def test_the_agreement_is_named_by_its_content_not_its_file_name(city, today):
    case, actor = case_in(city, S.MEDIATING)
    case = services.case_resolve(
        case=case,
        actor=actor,
        outcome="达成协议",
        agreement_reached=True,
        agreement_file=pdf_upload(name="agreement.html"),
    )
    name = case.agreement_file.name
    assert name.startswith("disputes/agreements/2026/11/") and name.endswith(".pdf")
    other, actor = case_in(city, S.MEDIATING)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(WorkflowError):
        services.case_resolve(
            case=other,
            actor=actor,
            outcome="达成协议",
            agreement_reached=True,
            agreement_file=SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>"),
        )
    other.refresh_from_db()
    assert other.status == S.MEDIATING and not other.agreement_file


def test_a_case_never_goes_to_a_level_where_nobody_handles_it(city, today):
    # Street 2 (compound B1) has no street office in the system.
    with pytest.raises(WorkflowError) as refused:
        register(city, actor=city.manager_b, compound="B1", level=Level.STREET)
    assert refused.value.message == e.MSG_NOBODY_AT_LEVEL
    case = register(city, actor=city.manager_b, compound="B1")
    with pytest.raises(WorkflowError) as refused:
        services.case_escalate(case=case, actor=city.manager_b, reason="上交")
    assert refused.value.message == e.MSG_NOBODY_AT_LEVEL
    case.refresh_from_db()
    assert (case.level, case.status, case.events.count()) == (Level.COMMUNITY, S.REGISTERED, 1)


def test_the_registrant_acts_on_their_new_case_only_while_allowed_to_register(city, today):
    case = register(city, actor=city.street, compound="A1")
    city.street.memberships.all().delete()  # left the street office
    city.street = type(city.street).objects.get(pk=city.street.pk)  # fresh permissions
    with pytest.raises(WorkflowError) as refused:
        services.case_withdraw(case=case, actor=city.street, reason="撤回")
    assert refused.value.message == e.MSG_NOT_ALLOWED
    assert DisputeCase.objects.get(pk=case.pk).status == S.REGISTERED
