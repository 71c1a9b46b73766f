"""The bureau requests last month's district report on a desktop, finds its figures on the page
with both files, and publishes it. The screenshot illustrates docs/user-guide/reports.md
(``make screenshots``)."""

import pytest
from django.utils import timezone

from communities.months import previous_month
from reports.models import MonthlyReport, ReportStatus

from .helpers import log_in

pytestmark = pytest.mark.e2e


def test_the_bureau_requests_and_publishes_the_district_report(
    live_server, transactional_db, city, desktop, screenshots
):
    base = live_server.url
    month = previous_month(timezone.localdate())
    log_in(desktop, base, "bureau")

    desktop.goto(f"{base}/reports/")
    desktop.select_option("#id_street", value="")  # the whole district
    desktop.fill("#id_month", month.strftime("%Y-%m"))
    desktop.click("[data-testid=report-request-submit]")

    report = MonthlyReport.objects.get()
    desktop.wait_for_url(f"{base}/reports/{report.pk}/")
    desktop.wait_for_selector("[data-testid=report-status][data-status=ready]")
    summary = desktop.locator("[data-testid=report-summary]")
    assert summary.locator("[data-figure=self_checks_due]").count() == 1
    assert desktop.locator("[data-testid=download-xlsx]").count() == 1
    assert desktop.locator("[data-testid=download-docx]").count() == 1
    desktop.screenshot(path=str(screenshots / "reports-detail-desktop.png"), full_page=False)

    with desktop.expect_download() as download:
        desktop.click("[data-testid=download-docx]")
    assert download.value.suggested_filename.endswith("-v1.docx")

    desktop.click("[data-testid=report-publish]")
    desktop.wait_for_selector("[data-testid=report-status][data-status=published]")
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    assert report.published_by == city.bureau
