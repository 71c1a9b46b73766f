"""Building a monthly report: the row, the claim, the files and their hashes."""

import datetime
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.utils import timezone

from communities.months import month_of, previous_month
from communities.uploads import file_sha256
from reports.figures import COMPOUND, STREET
from reports.models import MonthlyReport, ReportStatus
from reports.services import (
    MAX_ATTEMPTS,
    monthly_reports_request,
    report_build,
    report_request,
)
from reports.workbook import sheet_names

pytestmark = pytest.mark.django_db


def last_month() -> datetime.date:
    return previous_month(timezone.localdate())


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """Request a report and run what is sent on commit: without a broker the task runs
    in-process (CELERY_TASK_ALWAYS_EAGER), as under ``make run``."""

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_request(**kwargs)
        report.refresh_from_db()
        return report

    return request


def test_a_district_report_is_built_with_both_files_and_their_hashes(city, build):
    report = build(user=city.bureau, district=city.district, month=last_month())
    assert report.status == ReportStatus.READY, report.error
    assert report.figures["level"] == STREET
    assert [u["name"] for u in report.figures["units"]] == ["和平街道", "建设街道"]
    assert len(report.figures["compounds"]) == 5
    for field, sha in (("workbook", report.workbook_sha256), ("circular", report.circular_sha256)):
        path = Path(getattr(report, field).path)
        assert path.is_file()
        assert file_sha256(path) == sha
    book = openpyxl.load_workbook(report.workbook.path)
    assert book.sheetnames == sheet_names(STREET)
    assert "街道排名" in book.sheetnames


def test_a_street_report_ranks_compounds(city, build):
    street = city.streets[0]
    report = build(user=city.street, district=city.district, street=street, month=last_month())
    assert report.status == ReportStatus.READY, report.error
    assert report.figures["level"] == COMPOUND
    assert {c["code"] for c in report.figures["units"]} == {"A1", "A2", "N1", "B2"}
    assert openpyxl.load_workbook(report.workbook.path).sheetnames == sheet_names(COMPOUND)


def test_requesting_twice_gives_one_report(city):
    first = report_request(user=city.bureau, district=city.district, month=last_month())
    second = report_request(user=city.bureau, district=city.district, month=last_month())
    assert first.pk == second.pk
    assert MonthlyReport.objects.count() == 1


def test_the_monthly_job_run_twice_gives_one_report_per_scope(city):
    monthly_reports_request()
    monthly_reports_request()
    assert MonthlyReport.objects.count() == 3  # the district and its two streets
    assert set(MonthlyReport.objects.values_list("month", flat=True)) == {month_of(last_month())}


def test_a_task_delivered_twice_builds_once(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(user=city.bureau, district=city.district, month=last_month())
    assert report_build(report_id=report.pk) is True
    assert report_build(report_id=report.pk) is False
    report.refresh_from_db()
    assert report.attempts == 1
    assert report.status == ReportStatus.READY


def test_a_failed_build_records_why_and_can_be_retried(
    city, monkeypatch, django_capture_on_commit_callbacks
):
    import reports.services as services

    def broken(*args, **kwargs):
        raise ValueError("the disk is full")

    monkeypatch.setattr(services, "write_workbook", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(user=city.bureau, district=city.district, month=last_month())
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "the disk is full" in report.error
    assert not list(Path(report_path_folder(report)).glob("*.part"))
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = report_request(user=city.bureau, district=city.district, month=last_month())
    again.refresh_from_db()
    assert again.pk == report.pk
    assert again.status == ReportStatus.READY
    assert again.error == ""


def report_path_folder(report):
    from django.conf import settings

    folder = Path(settings.MEDIA_ROOT) / "reports" / str(report.district_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_attempts_are_bounded(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(user=city.bureau, district=city.district, month=last_month())
    MonthlyReport.objects.filter(pk=report.pk).update(attempts=MAX_ATTEMPTS)
    assert report_build(report_id=report.pk) is False
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency: PostgreSQL")
def test_two_requests_at_once_give_one_report(city, monkeypatch):
    import threading

    from django.db import connections

    import reports.services as services

    monkeypatch.setattr(services, "report_send", lambda report_id: None)  # no build here
    barrier = threading.Barrier(2)
    got = []

    def ask():
        try:
            barrier.wait()
            got.append(report_request(user=None, district=city.district, month=last_month()).pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 2 and got[0] == got[1]
    assert MonthlyReport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency: PostgreSQL")
def test_two_deliveries_at_once_build_once(city, monkeypatch):
    import threading

    from django.db import connections

    import reports.services as services

    monkeypatch.setattr(services, "report_send", lambda report_id: None)
    report = report_request(user=None, district=city.district, month=last_month())
    barrier = threading.Barrier(2)
    built = []

    def deliver():
        try:
            barrier.wait()
            built.append(report_build(report_id=report.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(built) == [False, True]
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == (ReportStatus.READY, 1, "")
