"""Every allowed and refused transition of checks and hazards, by state and by role."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from communities.models import Notification, Role
from communities.services import membership_set
from inspections import errors as e
from inspections import services
from inspections.errors import WorkflowError
from inspections.models import (
    Answer,
    Hazard,
    HazardStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Result,
)

from .conftest import PERIOD, fill_check, png_upload


def in_days(n: int) -> datetime.date:
    """A deadline n days after today (Asia/Shanghai), whatever day the suite runs."""
    return timezone.localdate() + datetime.timedelta(days=n)


S = InspectionStatus


def refused(message, fn, **kwargs):
    with pytest.raises(WorkflowError) as err:
        fn(**kwargs)
    if message is not None:
        assert str(err.value) == str(message)
    return err.value


@pytest.fixture
def check(city, template):
    return services.inspection_open(
        compound=city.compounds["A1"], period=PERIOD, actor=city.manager_a
    )


@pytest.fixture
def submitted(city, check):
    fill_check(check, city.manager_a)
    return services.inspection_submit(inspection=check, actor=city.manager_a)


# Opening ---------------------------------------------------------------------------------------


def test_manager_opens_a_self_check_with_every_item_and_their_company(city, check, template):
    assert check.status == S.DRAFT
    assert check.template == template
    assert check.organisation == city.org.company_a
    assert check.answers.count() == 13
    assert list(check.events.values_list("action", flat=True)) == ["open"]


def test_one_self_check_per_compound_and_month(city, check):
    refused(
        e.MSG_ALREADY_OPEN.format(period="2026-10"),
        services.inspection_open,
        compound=city.compounds["A1"],
        period=PERIOD,
        actor=city.manager_a,
    )
    assert Inspection.objects.filter(compound=city.compounds["A1"]).count() == 1


@pytest.mark.parametrize(
    ("who", "code", "message"),
    [
        ("manager_b", "A1", e.MSG_NOT_ALLOWED),  # another company's compound
        ("street", "A1", e.MSG_NOT_ALLOWED),  # a street office does no self-check
        ("viewer_a", "A1", e.MSG_NOT_ALLOWED),  # viewers only look
        ("manager_a", "N1", e.MSG_NOT_ALLOWED),  # not run by company A
    ],
)
def test_who_may_not_open_a_self_check(city, template, who, code, message):
    refused(
        message,
        services.inspection_open,
        compound=city.compounds[code],
        period=PERIOD,
        actor=getattr(city, who),
    )


def test_a_compound_without_a_company_has_no_self_check(city, template):
    refused(
        e.MSG_NO_COMPANY,
        services.inspection_open,
        compound=city.compounds["N1"],
        period=PERIOD,
        actor=None,
    )


def test_a_new_check_is_prefilled_from_last_month(city, check):
    fill_check(check, city.manager_a, {"LH-2": 7})
    answer = check.answers.get(item__code="LH-2")
    services.answer_save(answer=answer, actor=city.manager_a, value_score=7, comment="预算到位")
    following = services.inspection_open(
        compound=city.compounds["A1"], period=datetime.date(2026, 11, 1), actor=city.manager_a
    )
    copied = following.answers.get(item__code="LH-2")
    assert copied.value_score == 7
    assert copied.comment == "预算到位"
    assert not copied.evidence.exists()  # photos are monthly: never copied
    assert following.score == check.score


# Answering ---------------------------------------------------------------------------------------


def test_answers_rescore_the_check_as_the_manager_goes(city, check):
    answer = check.answers.get(item__code="SY-1")
    services.answer_save(answer=answer, actor=city.manager_a, value_bool=False)
    check.refresh_from_db()
    assert check.result == Result.FAIL
    services.answer_save(answer=answer, actor=city.manager_a, value_bool=True)
    check.refresh_from_db()
    assert check.result == Result.PASS


def test_a_score_outside_its_points_is_refused(city, check):
    answer = check.answers.get(item__code="LH-2")
    refused(
        e.MSG_SCORE_RANGE.format(points=answer.item.points),
        services.answer_save,
        answer=answer,
        actor=city.manager_a,
        value_score=11,
    )
    answer.refresh_from_db()
    assert answer.value_score is None


def test_manager_b_cannot_answer_company_a_check(city, check):
    answer = check.answers.first()
    refused(e.MSG_NOT_ALLOWED, services.answer_save, answer=answer, actor=city.manager_b)


# Submitting -------------------------------------------------------------------------------------


def test_submit_names_missing_answers_and_evidence(city, check):
    fill_check(check, city.manager_a, evidence=False)
    services.answer_save(answer=check.answers.get(item__code="LH-5"), actor=city.manager_a)
    error = refused(None, services.inspection_submit, inspection=check, actor=city.manager_a)
    assert "LH-5" in str(error)
    assert "SY-1" in str(error) and "LH-6b" in str(error)  # evidence missing
    check.refresh_from_db()
    assert check.status == S.DRAFT


def test_evidence_is_not_needed_for_a_no_answer(city, check):
    fill_check(check, city.manager_a, {"SY-1": False}, evidence=False)
    for answer in check.answers.filter(item__evidence_required=True).exclude(item__code="SY-1"):
        services.evidence_add(
            answer=answer, actor=city.manager_a, upload=png_upload(), content_type="image/png"
        )
    services.inspection_submit(inspection=check, actor=city.manager_a)
    check.refresh_from_db()
    assert check.status == S.SUBMITTED
    assert check.result == Result.FAIL


def test_submit_twice_is_refused(city, submitted):
    assert submitted.status == S.SUBMITTED
    assert submitted.submitted_by == city.manager_a
    refused(e.MSG_LOCKED, services.inspection_submit, inspection=submitted, actor=city.manager_a)


def test_a_submitted_check_cannot_be_edited(city, submitted):
    answer = submitted.answers.first()
    refused(e.MSG_LOCKED, services.answer_save, answer=answer, actor=city.manager_a)
    evidence = Answer.objects.filter(inspection=submitted, evidence__isnull=False).first()
    refused(
        e.MSG_LOCKED,
        services.evidence_remove,
        evidence=evidence.evidence.first(),
        actor=city.manager_a,
    )


# Review ----------------------------------------------------------------------------------------


def test_street_office_approves_and_the_check_is_locked(city, submitted):
    services.inspection_approve(inspection=submitted, actor=city.street, comment="好")
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    assert submitted.reviewed_by == city.street
    refused(
        e.MSG_LOCKED, services.answer_save, answer=submitted.answers.first(), actor=city.manager_a
    )
    assert list(submitted.events.values_list("action", flat=True)) == ["open", "submit", "approve"]


@pytest.mark.parametrize("who", ["manager_a", "community", "viewer_a", "manager_b"])
def test_who_may_not_review(city, submitted, who):
    refused(
        e.MSG_NOT_ALLOWED,
        services.inspection_approve,
        inspection=submitted,
        actor=getattr(city, who),
    )


def test_a_street_office_cannot_review_another_streets_compound(city, template):
    check = services.inspection_open(
        compound=city.compounds["B1"], period=PERIOD, actor=city.manager_b
    )
    fill_check(check, city.manager_b)
    services.inspection_submit(inspection=check, actor=city.manager_b)
    refused(e.MSG_NOT_ALLOWED, services.inspection_approve, inspection=check, actor=city.street)
    services.inspection_approve(inspection=check, actor=city.bureau)
    check.refresh_from_db()
    assert check.status == S.APPROVED


def test_nobody_approves_their_own_check(city, template):
    both = city.manager_a
    membership_set(user=both, organisation=city.org.street, role=Role.STAFF)
    check = services.inspection_open(compound=city.compounds["A2"], period=PERIOD, actor=both)
    fill_check(check, both)
    services.inspection_submit(inspection=check, actor=both)
    refused(e.MSG_OWN_REVIEW, services.inspection_approve, inspection=check, actor=both)


def test_approve_only_a_submitted_check(city, check):
    refused(
        e.MSG_WRONG_STATE.format(status=check.get_status_display()),
        services.inspection_approve,
        inspection=check,
        actor=city.street,
    )


def test_return_needs_an_item_comment_then_goes_back_to_the_manager(city, submitted):
    refused(
        e.MSG_RETURN_NEEDS_COMMENT,
        services.inspection_return,
        inspection=submitted,
        actor=city.street,
        item_comments={},
    )
    answer = submitted.answers.get(item__code="LH-4")
    services.inspection_return(
        inspection=submitted, actor=city.street, item_comments={answer.pk: "缺活动照片"}
    )
    submitted.refresh_from_db()
    answer.refresh_from_db()
    assert submitted.status == S.RETURNED
    assert answer.review_comment == "缺活动照片"
    notes = Notification.objects.filter(user=city.manager_a, kind="check_returned")
    assert notes.count() == 1
    # The manager fixes the item and resubmits; the street office approves.
    services.answer_save(answer=answer, actor=city.manager_a, value_score=8, comment="已补")
    services.inspection_submit(inspection=submitted, actor=city.manager_a)
    services.inspection_approve(inspection=submitted, actor=city.street)
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    actions = list(submitted.events.values_list("action", flat=True))
    assert actions == ["open", "submit", "return", "submit", "approve"]


def test_reopening_needs_the_permission_and_a_reason(city, submitted):
    services.inspection_approve(inspection=submitted, actor=city.street)
    refused(
        e.MSG_REASON_REQUIRED,
        services.inspection_reopen,
        inspection=submitted,
        actor=city.street,
        reason=" ",
    )
    refused(
        e.MSG_NOT_ALLOWED,
        services.inspection_reopen,
        inspection=submitted,
        actor=city.manager_a,
        reason="改",
    )
    services.inspection_reopen(inspection=submitted, actor=city.street, reason="照片有误")
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED
    event = submitted.events.last()
    assert (event.action, event.note, event.actor) == ("reopen", "照片有误", city.street)


def test_state_changes_are_in_the_audit_log(city, submitted):
    services.inspection_approve(inspection=submitted, actor=city.street)
    entries = LogEntry.objects.get_for_object(submitted)
    statuses = [entry.changes_dict.get("status") for entry in entries.order_by("timestamp")]
    assert ["submitted", "approved"] in statuses


# Supervision -----------------------------------------------------------------------------------


def test_a_street_inspector_supervises_and_the_result_is_final(city, template):
    check = services.supervision_open(
        compound=city.compounds["A1"], period=PERIOD, actor=city.street
    )
    assert check.kind == InspectionKind.SUPERVISION
    assert check.organisation == city.org.street
    fill_check(check, city.street)
    services.inspection_submit(inspection=check, actor=city.street)
    check.refresh_from_db()
    assert check.status == S.APPROVED


def test_a_manager_cannot_run_a_supervision(city, template):
    refused(
        e.MSG_NOT_ALLOWED,
        services.supervision_open,
        compound=city.compounds["A1"],
        period=PERIOD,
        actor=city.manager_a,
    )


# Hazards ---------------------------------------------------------------------------------------


@pytest.fixture
def hazard(city):
    return services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="消防通道堆放杂物",
        responsible_party="甲物业公司",
        deadline=in_days(30),
    )


def test_raising_a_hazard_tells_the_company(city, hazard):
    assert hazard.status == HazardStatus.OPEN
    assert Notification.objects.filter(user=city.manager_a, kind="hazard_assigned").count() == 1
    assert not Notification.objects.filter(user=city.manager_b).exists()


def test_the_company_rectifies_and_the_street_verifies(city, hazard):
    services.hazard_start(hazard=hazard, actor=city.manager_a)
    services.hazard_rectify(
        hazard=hazard, actor=city.manager_a, note="已清理", after_photo=png_upload()
    )
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED and hazard.after_photo
    services.hazard_verify(hazard=hazard, actor=city.street)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.VERIFIED
    actions = list(hazard.events.values_list("action", flat=True))
    assert actions == ["raise", "start", "rectify", "verify"]


def test_rectify_needs_an_explanation(city, hazard):
    refused(
        e.MSG_RECTIFY_NEEDS_NOTE,
        services.hazard_rectify,
        hazard=hazard,
        actor=city.manager_a,
        note="",
    )


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("hazard_rectify", "street"),  # a street office does not rectify
        ("hazard_rectify", "manager_b"),  # another company
        ("hazard_start", "viewer_a"),
    ],
)
def test_who_may_not_rectify(city, hazard, action, who):
    kwargs = {"note": "x"} if action == "hazard_rectify" else {}
    refused(
        e.MSG_NOT_ALLOWED,
        getattr(services, action),
        hazard=hazard,
        actor=getattr(city, who),
        **kwargs,
    )


def test_the_manager_cannot_verify_and_nobody_verifies_their_own_rectification(city, hazard):
    services.hazard_rectify(hazard=hazard, actor=city.manager_a, note="已清理")
    refused(e.MSG_NOT_ALLOWED, services.hazard_verify, hazard=hazard, actor=city.manager_a)
    both = city.manager_a
    membership_set(user=both, organisation=city.org.street, role=Role.STAFF)
    both = type(both).objects.get(pk=both.pk)
    refused(e.MSG_OWN_VERIFY, services.hazard_verify, hazard=hazard, actor=both)


def test_rejecting_gives_a_new_deadline_in_the_future(city, hazard):
    services.hazard_rectify(hazard=hazard, actor=city.manager_a, note="已清理")
    refused(
        e.MSG_DEADLINE_PAST,
        services.hazard_reject,
        hazard=hazard,
        actor=city.street,
        reason="未清理干净",
        deadline=datetime.date(2020, 1, 1),
    )
    new_deadline = in_days(10)
    services.hazard_reject(
        hazard=hazard, actor=city.street, reason="未清理干净", deadline=new_deadline
    )
    hazard.refresh_from_db()
    assert (hazard.status, hazard.deadline) == (HazardStatus.RECTIFYING, new_deadline)
    refused(
        e.MSG_HAZARD_WRONG_STATE.format(status=hazard.get_status_display()),
        services.hazard_verify,
        hazard=hazard,
        actor=city.street,
    )


def test_a_hazard_from_a_failed_item_keeps_its_source(city, submitted):
    answer = submitted.answers.get(item__code="LH-6b")
    hazard = services.hazard_raise(
        compound=submitted.compound,
        actor=city.street,
        category="fire",
        description="灭火器过期",
        responsible_party="甲物业公司",
        deadline=in_days(20),
        inspection=submitted,
        answer=answer,
    )
    assert (hazard.source, hazard.answer, hazard.inspection) == ("self_check", answer, submitted)
    assert Hazard.objects.visible_to(city.manager_b).count() == 0


def test_a_users_hazard_deadline_cannot_be_in_the_past(city):
    refused(
        e.MSG_DEADLINE_BEFORE_TODAY,
        services.hazard_raise,
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="x",
        responsible_party="甲",
        deadline=datetime.date(2020, 1, 1),
    )
    assert not Hazard.objects.exists()


def test_a_failed_item_must_belong_to_the_hazards_compound(city, submitted):
    answer = submitted.answers.get(item__code="LH-6b")
    refused(
        e.MSG_NOT_ALLOWED,
        services.hazard_raise,
        compound=city.compounds["A2"],
        actor=city.street,
        category="fire",
        description="x",
        responsible_party="甲",
        deadline=in_days(20),
        answer=answer,
    )


def test_viewers_get_no_rectify_notices(city, hazard):
    assert not Notification.objects.filter(user=city.viewer_a).exists()


def test_a_supervision_starts_blank_not_from_the_companys_answers(city, check):
    fill_check(check, city.manager_a)
    supervision = services.supervision_open(
        compound=city.compounds["A1"], period=datetime.date(2026, 11, 1), actor=city.street
    )
    assert supervision.answers.count() == 13
    assert not supervision.answers.filter(value_bool__isnull=False).exists()
    assert not supervision.answers.filter(value_score__isnull=False).exists()


def test_an_empty_draft_has_no_score_and_no_result(check):
    assert (check.score, check.result) == (None, "")


def test_return_comments_on_another_checks_items_do_not_count(city, submitted, template):
    other = services.inspection_open(
        compound=city.compounds["A2"], period=PERIOD, actor=city.manager_a
    )
    stray = other.answers.first()
    refused(
        e.MSG_RETURN_NEEDS_COMMENT,
        services.inspection_return,
        inspection=submitted,
        actor=city.street,
        item_comments={stray.pk: "不相关"},
    )
    stray.refresh_from_db()
    assert stray.review_comment == ""
