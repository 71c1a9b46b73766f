"""What the review found: a report built while its month ran is built again once it is over
(and cannot be published before), a transient database error is retried without using up an
attempt, a run that lost its claim leaves no file behind and changes nothing, a control
character in a reason does not break the circular, and a finished build refreshes its page."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import timezone

from communities.months import next_month
from communities.workflow import WorkflowError
from inspections import services as inspection_services
from reports.models import MonthlyReport, ReportStatus
from reports.services import report_build, report_publish, report_request

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), SHANGHAI))


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_request(**kwargs)
        report.refresh_from_db()
        return report

    return request


def test_a_report_built_mid_month_is_built_again_once_the_month_is_over(city, build):
    month = timezone.localdate().replace(day=1) - datetime.timedelta(days=40)
    month = month.replace(day=1)
    with _at(month.replace(day=20)):
        early = build(user=None, district=city.district, month=month)
        assert early.figures["built_on"] == month.replace(day=20).isoformat()
        with pytest.raises(WorkflowError):  # the month runs: not yet
            report_publish(user=city.bureau, report=early)
    first_day = next_month(month)
    with _at(first_day):
        with pytest.raises(WorkflowError):  # built too early: build it again first
            report_publish(user=city.bureau, report=early)
        again = build(user=None, district=city.district, month=month)
    assert again.pk == early.pk and again.version == 1
    assert again.figures["built_on"] == first_day.isoformat()
    with _at(first_day):
        assert report_publish(user=city.bureau, report=again).status == ReportStatus.PUBLISHED
        assert build(user=None, district=city.district, month=month).pk == again.pk
    assert MonthlyReport.objects.count() == 1


def test_a_transient_database_error_is_raised_for_a_retry_without_using_an_attempt(
    city, monkeypatch, django_capture_on_commit_callbacks
):
    import reports.services as services

    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(user=None, district=city.district, month=_last_month())

    def down(*args, **kwargs):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(services, "report_figures", down)
    with pytest.raises(OperationalError):
        report_build(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.PENDING, 0)
    monkeypatch.undo()
    assert report_build(report_id=report.pk) is True
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.READY, 1)


def test_a_run_that_lost_its_claim_keeps_nothing(
    city, monkeypatch, django_capture_on_commit_callbacks
):
    """A run outlives its claim (another run took the report over meanwhile): its files are
    deleted and the report keeps the other run's files."""
    import reports.services as services

    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(user=None, district=city.district, month=_last_month())
    write = services._write_files

    def taken_over(*args, **kwargs):
        files = write(*args, **kwargs)
        MonthlyReport.objects.filter(pk=report.pk).update(attempts=7)  # the other run's claim
        return files

    monkeypatch.setattr(services, "_write_files", taken_over)
    assert report_build(report_id=report.pk) is True
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and not report.workbook
    folder = Path(settings.MEDIA_ROOT) / "reports" / str(city.district.pk)
    assert not [p for p in folder.iterdir() if p.is_file()]


def test_a_rebuilt_report_replaces_its_files(city, build, django_capture_on_commit_callbacks):
    report = build(user=city.bureau, district=city.district, month=_last_month())
    old = Path(report.workbook.path)
    from reports.services import report_regenerate

    with django_capture_on_commit_callbacks(execute=True):
        report_regenerate(user=city.bureau, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert Path(report.workbook.path).is_file() and not old.exists()


def test_a_control_character_in_a_reason_does_not_break_the_circular(city, build):
    inspection_services.key_management_enter(
        compound=city.compounds["A1"], actor=city.bureau, reason="漏水\x0b未整改"
    )
    report = build(user=city.bureau, district=city.district, month=timezone.localdate())
    assert report.status == ReportStatus.READY, report.error


def test_a_finished_build_refreshes_the_whole_page(city, build, client):
    report = build(user=city.bureau, district=city.district, month=_last_month())
    client.force_login(city.bureau)
    url = reverse("reports:report_detail", args=[report.pk])
    polled = client.get(url, headers={"HX-Request": "true"})
    assert (polled.status_code, polled["HX-Refresh"]) == (204, "true")
    MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and 'hx-trigger="every 2s"' in polled.content.decode()


def _last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
