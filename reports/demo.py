"""The demo's monthly reports: the last three months of the district and of each street, built
by the same service the Celery task calls (in-process), the latest left ready and the two
before published by the demo bureau — so a new user finds real files at once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from communities.demo import DEFAULT_SEED, DISTRICT_CODE, DemoStepReport, register_demo_step
from communities.models import District
from communities.months import previous_month

from .models import MonthlyReport, ReportStatus
from .services import report_build, report_publish, report_request

MONTHS = 3
PUBLISHER = "bureau"


def _months(today) -> list:
    months, month = [], today
    for _ in range(MONTHS):
        month = previous_month(month)
        months.append(month)
    return sorted(months)


def reports_demo_counts(district: District) -> dict[str, int]:
    reports = MonthlyReport.objects.filter(district=district)
    return {status.label: reports.filter(status=status).count() for status in ReportStatus}


def reports_demo_seed(*, seed: int = DEFAULT_SEED) -> DemoStepReport:
    """Build what is missing of the last three months' reports (nothing on a second run)."""
    district = District.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        return DemoStepReport(title="Monthly reports demo", counts={}, created=0)
    publisher = get_user_model().objects.filter(username=PUBLISHER).first()
    months = _months(timezone.localdate())
    created = 0
    for month in months:
        for street in (None, *district.streets.order_by("code")):
            if MonthlyReport.objects.of_scope(district, street).filter(month=month).exists():
                continue
            report = report_request(
                user=None, district=district, street=street, month=month, send=False
            )
            report_build(report_id=report.pk)
            created += 1
            report.refresh_from_db()
            if month != months[-1] and publisher and report.status == ReportStatus.READY:
                report_publish(user=publisher, report=report)
    return DemoStepReport(
        title="Monthly reports demo (月度报告, the last three months)",
        counts=reports_demo_counts(district),
        created=created,
    )


register_demo_step(reports_demo_seed)
