"""The inspections admin's list pages run a fixed number of queries whatever the rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Answer, ChecklistTemplate, Evidence
from tests import factories as f

# Pinned per page for the bureau admin (session, user, scope, permissions, savepoints, rows,
# filters). A change that makes a page grow with its rows fails the equality below.
PINNED = {
    "checklisttemplate": 8,
    "checklistsection": 9,
    "checklistitem": 10,
    "inspection": 12,
    "answer": 10,
    "evidence": 11,
    "inspectionevent": 10,
    "hazard": 10,
    "hazardevent": 10,
    "keymanagement": 10,
}


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add(city, compounds, periods) -> None:
    """Checks, an evidence row, events and a hazard per compound and month, through services."""
    for period in periods:
        for compound in compounds:
            check = services.inspection_open(compound=compound, period=period, actor=None)
            answer = Answer.objects.filter(inspection=check).first()
            Evidence.objects.create(
                answer=answer,
                file=f"inspections/evidence/x{check.pk}.png",
                original_name="照片.png",
                content_type="image/png",
                size=10,
                uploaded_by=city.manager_a,
            )
            hazard = services.hazard_raise(
                compound=compound,
                actor=city.bureau,
                category="fire",
                description="灭火器过期",
                responsible_party="物业",
                deadline=timezone.localdate() + datetime.timedelta(days=20),
                inspection=check,
                answer=answer,
            )
            services.hazard_start(hazard=hazard, actor=None)


def _small(city) -> list:
    compounds = [city.compounds[code] for code in ("A1", "A2", "B1", "B2")]
    _add(city, compounds, [datetime.date(2026, 10, 1)])
    services.key_management_enter(compound=compounds[0], actor=city.bureau, reason="测试")
    return compounds


def _grow(city, compounds) -> None:
    """More compounds, months, hazards, key management and a second template version."""
    new = []
    for _ in range(3):
        compound = f.CompoundFactory(community=city.communities[0])
        f.ManagementTermFactory(compound=compound, company=city.company_a)
        new.append(compound)
    _add(city, new, [datetime.date(2026, 10, 1)])
    _add(city, compounds + new, [datetime.date(2026, 9, 1), datetime.date(2026, 8, 1)])
    for compound in compounds[1:] + new:
        services.key_management_enter(compound=compound, actor=city.bureau, reason="测试")
    services.template_new_version(template=ChecklistTemplate.objects.current())


@pytest.mark.parametrize("model", list(PINNED))
def test_changelist_queries_do_not_grow_with_rows(client, city, template, model):
    client.force_login(city.bureau)
    url = reverse(f"admin:inspections_{model}_changelist")
    compounds = _small(city)
    small = _count(client, url)
    _grow(city, compounds)
    large = _count(client, url)
    assert large == small
    assert large <= PINNED[model]


@pytest.mark.parametrize("who", ["manager_a", "street"])
@pytest.mark.parametrize("model", ["inspection", "hazard", "keymanagement"])
def test_scoped_users_pages_are_as_cheap(client, city, template, who, model):
    client.force_login(getattr(city, who))
    url = reverse(f"admin:inspections_{model}_changelist")
    compounds = _small(city)
    small = _count(client, url)
    _grow(city, compounds)
    assert _count(client, url) == small <= PINNED[model]


def test_the_evidence_admin_lists_the_newest_upload_first(client, city):
    """Newest first, by the (uploaded_at, id) index: a province's 730,000 photos are never
    sorted whole for a page."""
    _small(city)
    newest = Evidence.objects.order_by("-uploaded_at", "-pk").first()
    Evidence.objects.filter(pk=newest.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=30)
    )
    client.force_login(city.bureau)
    response = client.get(reverse("admin:inspections_evidence_changelist"))
    shown = [row.pk for row in response.context["cl"].result_list]
    expected = list(Evidence.objects.order_by("-uploaded_at", "-pk").values_list("pk", flat=True))
    assert shown == expected and shown[-1] == newest.pk
    index = Evidence._meta.indexes[0]
    assert list(index.fields) == ["uploaded_at", "id"]
