"""The demo's monthly reports (a ``seed_demo`` step): the last three months of the district and
of each street, built by the build service, the latest ready and the earlier ones published;
idempotent and the same in any month of any year."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from communities.demo import DEMO_STEPS, DISTRICT_CODE
from communities.models import District
from communities.months import previous_month
from reports import demo
from reports.models import MonthlyReport, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    call_command("seed_demo", city_only=True, households_per_compound=4, stdout=StringIO())
    return District.objects.get(code=DISTRICT_CODE)


def test_the_step_is_registered_last_of_all():
    assert DEMO_STEPS[-1] is demo.reports_demo_seed


def test_three_months_are_built_the_latest_ready_the_earlier_published(district):
    report = demo.reports_demo_seed()
    scopes = 1 + district.streets.count()
    assert report.created == 3 * scopes
    latest = previous_month(timezone.localdate())
    reports = MonthlyReport.objects.filter(district=district)
    assert set(reports.filter(month=latest).values_list("status", flat=True)) == {
        ReportStatus.READY
    }
    earlier = reports.exclude(month=latest)
    assert earlier.count() == 2 * scopes
    assert set(earlier.values_list("status", flat=True)) == {ReportStatus.PUBLISHED}
    for built in reports:
        assert built.workbook and built.circular
        assert built.figures["month"] == built.month.isoformat()


def test_a_second_run_writes_nothing(district):
    demo.reports_demo_seed()
    again = demo.reports_demo_seed()
    assert again.created == 0
    assert MonthlyReport.objects.filter(district=district).count() == 3 * (
        1 + district.streets.count()
    )
