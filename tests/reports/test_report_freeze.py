# ruff: noqa: F811  (the fixtures are imported from tests.reports.report_world)
"""A published report never changes: later data, the sweep, another build or request leave its
figures, hashes and files' bytes as they were; regenerating makes version 2 with today's
figures and version 1 stays downloadable. Publishing the district's report tells the street
offices."""

import datetime

import pytest
from django.urls import reverse

from communities.models import Notification
from communities.uploads import file_sha256
from disputes.models import DisputeCase, Status
from inspections import services as inspection_services
from inspections.models import Inspection, InspectionKind
from reports.models import MonthlyReport, ReportStatus
from reports.services import (
    NOTICE_PUBLISHED,
    report_build,
    report_publish,
    report_regenerate,
    report_request,
    reports_resend,
)
from tests.reports.report_world import (  # noqa: F401  (fixtures)
    MONTH,
    build,
    report_world,
    resolve,
    shared_report_world,
    template,
    today,
)

pytestmark = pytest.mark.django_db


def files_of(report) -> dict:
    return {
        "workbook": file_sha256(report.workbook.path),
        "circular": file_sha256(report.circular.path),
    }


def stored(report) -> tuple:
    return (
        report.status,
        report.version,
        report.figures,
        report.workbook.name,
        report.workbook_sha256,
        report.circular.name,
        report.circular_sha256,
    )


def later_changes(city) -> None:
    """Another self-check approved (B1's, submitted late), a case resolved, a compound
    renamed: each would change October's figures or files if the report were built again."""
    b1 = Inspection.objects.get(
        compound=city.compounds["B1"], kind=InspectionKind.SELF_CHECK, period=MONTH
    )
    b1 = inspection_services.inspection_submit(inspection=b1, actor=city.manager_b)
    inspection_services.inspection_approve(inspection=b1, actor=city.bureau)
    case = DisputeCase.objects.get(compound=city.compounds["A2"])
    resolve(case, city.manager_a)
    a1 = city.compounds["A1"]
    a1.name = "甲一花园"
    a1.save(update_fields=["name"])


@pytest.fixture
def published(report_world, today, build):
    report = build(user=report_world.bureau, district=report_world.district, month=MONTH)
    assert report.status == ReportStatus.READY, report.error
    return report_publish(user=report_world.bureau, report=report)


def test_a_published_report_never_changes(
    published, report_world, django_capture_on_commit_callbacks
):
    before, on_disk = stored(published), files_of(published)
    assert on_disk == {
        "workbook": published.workbook_sha256,
        "circular": published.circular_sha256,
    }
    assert published.figures["summary"]["self_checks_approved"][0] == 3
    later_changes(report_world)
    assert DisputeCase.objects.get(compound=report_world.compounds["A2"]).status == (
        Status.RESOLVED
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert reports_resend(now=published.finished_at + datetime.timedelta(days=1)) == 0
        assert report_build(report_id=published.pk) is False
        again = report_request(
            user=report_world.bureau, district=report_world.district, month=MONTH
        )
    assert again.pk == published.pk
    assert MonthlyReport.objects.count() == 1
    published.refresh_from_db()
    assert published.status == ReportStatus.PUBLISHED
    assert stored(published) == before
    assert files_of(published) == on_disk


def test_regenerating_makes_version_2_and_keeps_version_1(
    published, report_world, django_capture_on_commit_callbacks
):
    v1_stored, v1_files = stored(published), files_of(published)
    later_changes(report_world)
    with django_capture_on_commit_callbacks(execute=True):
        v2 = report_regenerate(user=report_world.bureau, report=published)
    v2.refresh_from_db()
    assert (v2.version, v2.status) == (2, ReportStatus.READY), v2.error
    assert v2.pk != published.pk
    summary = v2.figures["summary"]
    assert summary["self_checks_approved"][0] == 4  # B1's approved since
    assert summary["self_checks_submitted"][0] == 4
    # A case resolved in December does not rewrite October (its timeline): still overdue then.
    assert summary["disputes_overdue"][0] == 1
    assert summary["disputes_resolved"][0] == 1
    names = [c["name"] for c in v2.figures["compounds"]]
    assert "甲一花园" in names and "甲一小区" not in names
    assert v2.workbook.name != published.workbook.name
    assert v2.workbook_sha256 != published.workbook_sha256
    assert "-v2-" in v2.workbook.name and v2.workbook.name.endswith(".xlsx")
    assert "-v2-" in v2.circular.name and v2.circular.name.endswith(".docx")
    # Version 1 is as it was, its files still there, byte for byte.
    published.refresh_from_db()
    assert stored(published) == v1_stored
    assert files_of(published) == v1_files
    assert "甲一小区" in [c["name"] for c in published.figures["compounds"]]
    # The latest version is what a new request of the month finds.
    again = report_request(user=report_world.bureau, district=report_world.district, month=MONTH)
    assert again.pk == v2.pk


def test_publishing_the_district_report_tells_the_street_offices(published, report_world):
    notices = Notification.objects.filter(kind=NOTICE_PUBLISHED)
    assert [n.user for n in notices] == [report_world.street]  # 和平街道办事处's member
    notice = notices.get()
    assert notice.url == reverse("reports:report_detail", args=[published.pk])
    assert notice.params == {"scope": "朝阳示范区", "month": "2026-10"}
    assert "朝阳示范区" in notice.message
    # A street's own report tells nobody.
    street = report_request(
        user=report_world.bureau,
        district=report_world.district,
        street=report_world.streets[0],
        month=MONTH,
    )
    assert street.status == ReportStatus.PENDING
    assert Notification.objects.filter(kind=NOTICE_PUBLISHED).count() == 1
