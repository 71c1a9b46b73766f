"""The monthly job opens each draft once; key management by rule and by hand; versions."""

import datetime

import pytest
import time_machine

from communities.models import Notification
from inspections import errors as e
from inspections import services, tasks
from inspections.errors import WorkflowError
from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Hazard,
    Inspection,
    InspectionStatus,
    KeyManagement,
    Result,
    TemplateStatus,
)

from .conftest import fill_check

COMPANY_RUN = {"A1", "A2", "B1", "B2"}


def test_the_monthly_job_opens_each_draft_once_also_when_run_twice(city, template):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 0, 5, tzinfo=datetime.UTC)):
        assert tasks.open_monthly_self_checks() == 4
        assert tasks.open_monthly_self_checks() == 0
    checks = Inspection.objects.filter(period=datetime.date(2026, 11, 1))
    assert {c.compound.code for c in checks} == COMPANY_RUN
    assert {c.status for c in checks} == {InspectionStatus.DRAFT}
    due = Notification.objects.filter(kind="check_due")
    assert due.filter(user=city.manager_a).count() == 2  # A1 and A2, once each
    assert not due.filter(user=city.street).exists()


def test_the_monthly_job_skips_a_compound_already_opened_by_hand(city, template):
    services.inspection_open(
        compound=city.compounds["A1"], period=datetime.date(2026, 11, 1), actor=city.manager_a
    )
    assert services.self_checks_open_month(period=datetime.date(2026, 11, 1)) == 3


def _approved(city, code, period, result_overrides):
    manager = city.manager_a if code.startswith("A") else city.manager_b
    check = services.inspection_open(compound=city.compounds[code], period=period, actor=manager)
    fill_check(check, manager, result_overrides)
    services.inspection_submit(inspection=check, actor=manager)
    services.inspection_approve(inspection=check, actor=city.bureau)
    check.refresh_from_db()
    return check


FAIL = {"SY-1": False}
OCT, NOV = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)


def test_two_failed_months_put_a_compound_under_key_management_once(city, template):
    assert _approved(city, "A1", OCT, FAIL).result == Result.FAIL
    assert _approved(city, "A1", NOV, FAIL).result == Result.FAIL
    _approved(city, "A2", OCT, FAIL)
    _approved(city, "A2", NOV, {})  # failed once only
    today = datetime.date(2026, 12, 20)
    outcome = services.key_management_apply_rule(period=NOV, today=today)
    assert outcome["entered"] == [city.compounds["A1"].pk]
    assert services.key_management_apply_rule(period=NOV, today=today)["entered"] == []
    spell = KeyManagement.objects.get(compound=city.compounds["A1"])
    assert spell.started_by is None and "不达标" in spell.start_reason


def test_two_passed_months_without_overdue_hazards_take_it_off(city, template):
    KeyManagement.objects.create(
        compound=city.compounds["A1"], started_on=datetime.date(2026, 9, 1), start_reason="x"
    )
    _approved(city, "A1", OCT, {})
    _approved(city, "A1", NOV, {})
    outcome = services.key_management_apply_rule(period=NOV, today=datetime.date(2026, 12, 20))
    assert outcome["left"] == [city.compounds["A1"].pk]
    spell = KeyManagement.objects.get(compound=city.compounds["A1"])
    assert spell.ended_on == datetime.date(2026, 12, 20) and spell.end_reason


def test_an_overdue_hazard_keeps_it_on_and_a_long_overdue_one_puts_it_on(city, template):
    Hazard.objects.create(
        compound=city.compounds["B1"],
        source="other",
        category="fire",
        description="x",
        responsible_party="乙",
        deadline=datetime.date(2026, 12, 1),
    )
    outcome = services.key_management_apply_rule(period=NOV, today=datetime.date(2026, 12, 16))
    assert outcome["entered"] == []  # 15 days past: not yet
    outcome = services.key_management_apply_rule(period=NOV, today=datetime.date(2026, 12, 17))
    assert outcome["entered"] == [city.compounds["B1"].pk]


def test_the_rule_numbers_are_settings(city, template, settings):
    settings.KEY_MANAGEMENT_FAIL_MONTHS = 1
    _approved(city, "A2", NOV, FAIL)
    outcome = services.key_management_apply_rule(period=NOV, today=datetime.date(2026, 12, 20))
    assert outcome["entered"] == [city.compounds["A2"].pk]


def test_key_management_by_hand_needs_a_reason_and_the_permission(city):
    compound = city.compounds["A2"]
    with pytest.raises(WorkflowError, match=str(e.MSG_REASON_REQUIRED)):
        services.key_management_enter(compound=compound, actor=city.bureau, reason="")
    with pytest.raises(WorkflowError, match=str(e.MSG_NOT_ALLOWED)):
        services.key_management_enter(compound=compound, actor=city.street, reason="投诉多")
    spell = services.key_management_enter(compound=compound, actor=city.bureau, reason="投诉多")
    assert spell.started_by == city.bureau
    with pytest.raises(WorkflowError, match=str(e.MSG_ALREADY_KEY)):
        services.key_management_enter(compound=compound, actor=city.bureau, reason="再次")
    services.key_management_leave(compound=compound, actor=city.bureau, reason="已整改")
    spell.refresh_from_db()
    assert (spell.end_reason, spell.ended_by) == ("已整改", city.bureau)
    with pytest.raises(WorkflowError, match=str(e.MSG_NOT_KEY)):
        services.key_management_leave(compound=compound, actor=city.bureau, reason="x")


def test_the_apply_task_reads_last_month(city, template):
    _approved(city, "A1", OCT, FAIL)
    _approved(city, "A1", NOV, FAIL)
    outcome = tasks.apply_key_management("2026-12-20")
    assert outcome["entered"] == [city.compounds["A1"].pk]


# Versions of the standard ----------------------------------------------------------------------


def test_a_new_version_copies_the_template_and_old_checks_keep_theirs(city, template):
    check = services.inspection_open(
        compound=city.compounds["A1"], period=OCT, actor=city.manager_a
    )
    assert template.is_used
    copy = services.template_new_version(template=template, actor=city.bureau)
    assert (copy.version, copy.status, copy.copied_from) == (2, TemplateStatus.DRAFT, template)
    assert ChecklistItem.objects.filter(section__template=copy).count() == 13
    item = ChecklistItem.objects.get(section__template=copy, code="LH-2")
    item.points = 15
    item.save()
    services.template_publish(template=copy, actor=city.bureau)
    template.refresh_from_db()
    assert template.status == TemplateStatus.RETIRED
    assert ChecklistTemplate.objects.current() == copy
    check.refresh_from_db()
    assert check.template == template
    assert check.answers.get(item__code="LH-2").item.points == 10
    new = services.inspection_open(compound=city.compounds["A1"], period=NOV, actor=city.manager_a)
    assert new.template == copy


def test_only_bureau_template_managers_make_versions(city, template):
    with pytest.raises(WorkflowError):
        services.template_new_version(template=template, actor=city.street)
    assert ChecklistTemplate.objects.count() == 1


def test_only_a_draft_with_items_is_published(city, template):
    with pytest.raises(WorkflowError, match=str(e.MSG_PUBLISH_DRAFT_ONLY)):
        services.template_publish(template=template, actor=city.bureau)
    empty = ChecklistTemplate.objects.create(name="空", version=9)
    with pytest.raises(WorkflowError, match=str(e.MSG_PUBLISH_EMPTY)):
        services.template_publish(template=empty, actor=city.bureau)
    assert ChecklistTemplate.objects.current() == template


def test_the_basic_threshold_cannot_exceed_the_pass_threshold(template):
    from django.core.exceptions import ValidationError

    template.basic_threshold = 90
    with pytest.raises(ValidationError) as err:
        template.full_clean()
    assert "basic_threshold" in err.value.message_dict


def test_the_system_may_raise_a_hazard(city):
    hazard = services.hazard_raise(
        compound=city.compounds["A1"],
        actor=None,
        category="fire",
        description="巡查发现",
        responsible_party="甲物业公司",
        deadline=datetime.date(2026, 12, 1),
    )
    assert hazard.raised_by is None
