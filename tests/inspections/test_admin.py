"""The inspections admin: templates editable only as unused drafts, versions and publishing
through the services, everything else read-only and scoped, key management by hand."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections import admin as inspections_admin
from inspections import errors, services
from inspections.models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Evidence,
    Hazard,
    HazardEvent,
    Inspection,
    InspectionEvent,
    KeyManagement,
    TemplateStatus,
)
from tests import factories as f

from .conftest import PERIOD, fill_check


def url(model: str, view: str = "changelist", *args) -> str:
    return reverse(f"admin:inspections_{model}_{view}", args=args)


@pytest.fixture
def draft(template):
    return services.template_new_version(template=template)


@pytest.fixture
def check_a(city, template):
    """An approved self-check of A1 (company A), with evidence, a hazard and a timeline."""
    check = services.inspection_open(
        compound=city.compounds["A1"], period=PERIOD, actor=city.manager_a
    )
    fill_check(check, city.manager_a, {"LH-6b": 3})
    services.inspection_submit(inspection=check, actor=city.manager_a)
    services.inspection_approve(inspection=check, actor=city.street)
    return check


@pytest.fixture
def hazard_a(city, check_a):
    answer = check_a.answers.get(item__code="LH-6b")
    return services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="灭火器过期",
        responsible_party="甲物业公司",
        deadline=timezone.localdate() + datetime.timedelta(days=15),
        inspection=check_a,
        answer=answer,
    )


# --- templates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bureau", "street", "manager_a", "viewer_a"])
def test_everyone_with_the_view_permission_reads_every_template(client, city, template, who):
    client.force_login(getattr(city, who))

    listing = client.get(url("checklisttemplate"))
    page = client.get(url("checklisttemplate", "change", template.pk))
    items = client.get(url("checklistitem"))

    assert listing.status_code == page.status_code == items.status_code == 200
    assert template.name in listing.content.decode()
    assert "SY-1" in items.content.decode()


def test_a_template_not_found_is_a_404(client, city, template):
    client.force_login(city.bureau)
    assert client.get(url("checklisttemplate", "change", 9999)).status_code == 404


def test_the_published_template_is_read_only_even_for_the_bureau_admin(client, city, template):
    client.force_login(city.bureau)
    response = client.get(url("checklisttemplate", "change", template.pk))
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False

    posted = client.post(url("checklisttemplate", "change", template.pk), {"name": "改名"})
    assert posted.status_code == 403
    template.refresh_from_db()
    assert template.name != "改名"
    assert client.post(url("checklisttemplate", "delete", template.pk)).status_code == 403


def test_a_draft_nobody_used_can_be_edited_with_its_sections_and_items(client, city, draft):
    client.force_login(city.bureau)
    section = draft.sections.get(code="SY")
    item = ChecklistItem.objects.get(section=section, code="SY-1")

    page = client.get(url("checklisttemplate", "change", draft.pk))
    section_page = client.get(url("checklistsection", "change", section.pk))
    item_page = client.get(url("checklistitem", "change", item.pk))

    assert page.context["has_change_permission"] is True
    assert section_page.context["has_change_permission"] is True
    assert item_page.context["has_change_permission"] is True


def test_a_used_draft_is_read_only(client, city, draft):
    Inspection.objects.create(
        compound=city.compounds["A1"], template=draft, period=PERIOD, kind="self_check"
    )
    item = ChecklistItem.objects.filter(section__template=draft).first()
    client.force_login(city.bureau)

    assert (
        client.get(url("checklistitem", "change", item.pk)).context["has_change_permission"]
        is False
    )
    assert client.post(url("checklistitem", "delete", item.pk)).status_code == 403


def test_a_manager_may_not_change_a_draft(client, city, draft):
    item = ChecklistItem.objects.filter(section__template=draft).first()
    client.force_login(city.manager_a)
    response = client.get(url("checklistitem", "change", item.pk))
    assert response.context["has_change_permission"] is False


def test_new_items_go_only_into_drafts_nobody_used(client, city, template, draft):
    client.force_login(city.bureau)
    response = client.get(url("checklistitem", "add"))
    choices = list(response.context["adminform"].form.fields["section"].queryset)
    assert choices
    assert {section.template for section in choices} == {draft}
    field = response.context["adminform"].form.fields["section"]
    labels = [label for _value, label in field.choices]
    assert f"v{draft.version} · SY 三有" in labels


def test_bulk_delete_is_not_offered_for_templates(client, city, template):
    client.force_login(city.bureau)
    response = client.get(url("checklisttemplate"))
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"make_new_version", "publish"} <= set(actions)


def test_the_make_a_new_version_action_copies_through_the_service(client, city, template):
    client.force_login(city.bureau)

    response = client.post(
        url("checklisttemplate"),
        {"action": "make_new_version", "_selected_action": [template.pk]},
        follow=True,
    )

    copy = ChecklistTemplate.objects.get(copied_from=template)
    assert copy.status == TemplateStatus.DRAFT
    assert copy.version == template.version + 1
    assert ChecklistItem.objects.filter(section__template=copy).count() == 13
    assert url("checklisttemplate", "change", copy.pk) in response.content.decode()


def test_the_publish_action_publishes_a_draft_and_retires_the_old_version(client, city, draft):
    old = draft.copied_from
    client.force_login(city.bureau)

    client.post(url("checklisttemplate"), {"action": "publish", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    old.refresh_from_db()
    assert (draft.status, old.status) == (TemplateStatus.PUBLISHED, TemplateStatus.RETIRED)
    assert ChecklistTemplate.objects.current() == draft


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ("published", errors.MSG_PUBLISH_DRAFT_ONLY),
        ("both", inspections_admin.MSG_PUBLISH_ONE),
        ("empty", errors.MSG_PUBLISH_EMPTY),
    ],
)
def test_publishing_is_refused_for_a_non_draft_several_or_an_empty_version(
    client, city, template, draft, selection, message
):
    empty = ChecklistTemplate.objects.create(name="空白", version=99)
    chosen = {"published": [template.pk], "both": [template.pk, draft.pk], "empty": [empty.pk]}
    client.force_login(city.bureau)

    response = client.post(
        url("checklisttemplate"),
        {"action": "publish", "_selected_action": chosen[selection]},
        follow=True,
    )

    assert str(message) in [str(m) for m in response.context["messages"]]
    assert ChecklistTemplate.objects.current() == template


def test_a_street_office_has_no_template_actions(client, city, template):
    client.force_login(city.street)
    response = client.post(
        url("checklisttemplate"), {"action": "make_new_version", "_selected_action": [template.pk]}
    )
    assert response.status_code == 200  # no actions at all: the list again, nothing done
    assert 'value="make_new_version"' not in response.content.decode()
    assert ChecklistTemplate.objects.count() == 1


# --- read-only, scoped --------------------------------------------------------------------------

SCOPED = ["inspection", "answer", "evidence", "inspectionevent", "hazard", "hazardevent"]


def _objects(check, hazard) -> dict[str, int]:
    return {
        "inspection": check.pk,
        "answer": check.answers.first().pk,
        "evidence": Evidence.objects.filter(answer__inspection=check).first().pk,
        "inspectionevent": InspectionEvent.objects.filter(inspection=check).first().pk,
        "hazard": hazard.pk,
        "hazardevent": HazardEvent.objects.filter(hazard=hazard).first().pk,
    }


@pytest.mark.parametrize("model", SCOPED)
def test_manager_b_gets_404_for_company_a_rows_and_does_not_list_them(
    client, city, check_a, hazard_a, model
):
    pk = _objects(check_a, hazard_a)[model]
    client.force_login(city.manager_b)

    assert client.get(url(model, "change", pk)).status_code == 404
    assert client.get(url(model, "auditlog", pk)).status_code == 404
    listing = client.get(url(model))
    assert listing.status_code == 200
    assert pk not in {obj.pk for obj in listing.context["cl"].result_list}


@pytest.mark.parametrize("model", SCOPED)
@pytest.mark.parametrize("who", ["bureau", "street", "manager_a", "viewer_a"])
def test_users_in_scope_see_the_rows_read_only(client, city, check_a, hazard_a, model, who):
    pk = _objects(check_a, hazard_a)[model]
    client.force_login(getattr(city, who))

    page = client.get(url(model, "change", pk))
    listing = client.get(url(model))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert pk in {obj.pk for obj in listing.context["cl"].result_list}
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "delete", pk)).status_code == 403


def test_list_filters_offer_only_what_is_in_scope(client, city, check_a):
    september = datetime.date(2026, 9, 1)
    services.inspection_open(compound=city.compounds["B1"], period=september, actor=None)
    client.force_login(city.manager_b)

    response = client.get(url("inspection"))

    months = response.context["cl"].filter_specs[0]
    assert isinstance(months, inspections_admin.MonthFilter)
    assert months.lookup_choices == [("2026-09", "2026-09")]  # not A1's 2026-10
    assert [i.compound.code for i in response.context["cl"].result_list] == ["B1"]


def test_the_month_filter_is_kept_until_a_check_changes(client, city, check_a):
    """The months offered are read once per scope; a check opened in another month shows at
    the next view, newest first; the list is in month order, newest first."""
    client.force_login(city.bureau)
    distinct = []
    for _view in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("inspection"))
        assert response.context["cl"].filter_specs[0].lookup_choices == [("2026-10", "2026-10")]
        distinct.append(sum("DISTINCT" in q["sql"] for q in queries.captured_queries))
    assert distinct == [1, 0]
    september = datetime.date(2026, 9, 1)
    services.inspection_open(compound=city.compounds["B1"], period=september, actor=None)
    third = client.get(url("inspection"))
    assert third.context["cl"].filter_specs[0].lookup_choices == [
        ("2026-10", "2026-10"),
        ("2026-09", "2026-09"),
    ]
    assert [i.period for i in third.context["cl"].result_list] == [PERIOD, september]


def test_the_inspection_page_shows_answers_and_the_timeline(client, city, check_a):
    client.force_login(city.street)
    page = client.get(url("inspection", "change", check_a.pk)).content.decode()
    assert "SY-1" in page and "是" in page
    assert "审核通过" in page and "approve<" not in page


def test_the_hazard_list_flags_overdue_hazards(client, city, hazard_a):
    Hazard.objects.filter(pk=hazard_a.pk).update(deadline=datetime.date(2020, 1, 1))
    client.force_login(city.street)

    overdue = client.get(url("hazard"), {"overdue": "yes"})
    on_time = client.get(url("hazard"), {"overdue": "no"})

    assert [h.pk for h in overdue.context["cl"].result_list] == [hazard_a.pk]
    assert list(on_time.context["cl"].result_list) == []
    assert 'alt="True"' in overdue.content.decode()


def test_inspections_are_filtered_by_month(client, city, check_a):
    client.force_login(city.bureau)
    assert client.get(url("inspection"), {"month": "2026-10"}).context["cl"].result_count == 1
    assert client.get(url("inspection"), {"month": "2026-09"}).context["cl"].result_count == 0
    # A value that is not a month is the admin's "incorrect lookup" (tests/inspections/
    # test_input_bounds.py tries the hostile ones).
    assert client.get(url("inspection"), {"month": "nonsense"})["Location"].endswith("?e=1")


# --- key management -----------------------------------------------------------------------------


def test_bureau_puts_a_compound_on_key_management_by_hand_with_a_reason(client, city):
    client.force_login(city.bureau)
    form = client.get(url("keymanagement", "enter"))
    assert set(form.context["form"].fields["compound"].queryset) == set(city.compounds.values())

    response = client.post(
        url("keymanagement", "enter"), {"compound": city.compounds["B1"].pk, "reason": "群众投诉"}
    )

    assert response.status_code == 302
    spell = KeyManagement.objects.get()
    assert (spell.compound.code, spell.start_reason) == ("B1", "群众投诉")
    assert spell.started_by == city.bureau
    listing = client.get(url("keymanagement"))
    assert url("keymanagement", "enter") in listing.content.decode()


def test_the_enter_form_offers_only_visible_compounds_not_already_on(client, city):
    services.key_management_enter(compound=city.compounds["A1"], actor=None, reason="x")
    client.force_login(city.bureau)
    choices = client.get(url("keymanagement", "enter")).context["form"].fields["compound"]
    assert {c.code for c in choices.queryset} == {"A2", "N1", "B1", "B2"}


def test_a_reason_is_required(client, city):
    client.force_login(city.bureau)
    response = client.post(url("keymanagement", "enter"), {"compound": city.compounds["B1"].pk})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not KeyManagement.objects.exists()


@pytest.mark.parametrize("who", ["manager_a", "community"])
def test_only_roles_that_manage_key_management_may_put_compounds_on(client, city, who):
    client.force_login(getattr(city, who))
    assert client.get(url("keymanagement", "enter")).status_code == 403
    listing = client.get(url("keymanagement"))
    assert url("keymanagement", "enter") not in listing.content.decode()


def test_take_off_asks_for_a_reason_then_calls_the_service(client, city):
    spell = services.key_management_enter(compound=city.compounds["A1"], actor=None, reason="x")
    client.force_login(city.bureau)
    data = {"action": "take_off", "_selected_action": [spell.pk]}

    asked = client.post(url("keymanagement"), data)
    assert asked.status_code == 200
    assert "reason" in asked.context["form"].fields
    spell.refresh_from_db()
    assert spell.ended_on is None

    done = client.post(url("keymanagement"), {**data, "apply": "1", "reason": "连续两月达标"})

    assert done.status_code == 302
    spell.refresh_from_db()
    assert (spell.end_reason, spell.ended_by) == ("连续两月达标", city.bureau)
    assert spell.ended_on is not None


def test_manager_b_does_not_see_company_a_key_management(client, city):
    spell = services.key_management_enter(compound=city.compounds["A1"], actor=None, reason="x")
    client.force_login(city.manager_b)
    assert client.get(url("keymanagement", "change", spell.pk)).status_code == 404
    assert client.get(url("keymanagement")).context["cl"].result_count == 0


def test_a_user_without_the_view_permission_gets_403(client, city, check_a):
    user = f.UserFactory(username="staff_only", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_hazard"))
    client.force_login(user)
    # No membership: an empty scope makes every row a 404, whatever the permissions.
    assert client.get(url("inspection", "change", check_a.pk)).status_code == 404
    assert client.get(url("inspection")).status_code == 403


def test_template_sections_list_shows_the_item_counts(client, city, template):
    client.force_login(city.bureau)
    response = client.get(url("checklistsection"))
    counts = {s.code: s.n_items for s in response.context["cl"].result_list}
    assert counts == {"SY": 3, "LH": 10}
    assert ChecklistSection.objects.count() == 2


def test_templates_list_shows_how_many_checks_use_each_version(client, city, template, draft):
    for code in ("A1", "A2"):
        services.inspection_open(compound=city.compounds[code], period=PERIOD, actor=city.manager_a)
    client.force_login(city.bureau)

    response = client.get(url("checklisttemplate"))
    ordered = client.get(url("checklisttemplate") + "?o=8")  # by the count, fewest first

    counts = {t.version: t.n_inspections for t in response.context["cl"].result_list}
    assert counts == {template.version: 2, draft.version: 0}
    assert [t.version for t in ordered.context["cl"].result_list] == [
        draft.version,
        template.version,
    ]
