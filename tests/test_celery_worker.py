"""A real Celery worker on the real Redis broker runs a task that writes to the database.

Locally, without REDIS_URL, this is skipped; in CI (CI set) a missing broker is a failure.
"""

import datetime
import hashlib
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from communities.exports.services import export_job_create
from communities.models import District, ExportJob
from config.celery import app


@app.task(name="tests.create_district")
def create_district(code: str, name: str) -> int:
    return District.objects.create(code=code, name=name).pk


@contextmanager
def worker_on(queues):
    """A real worker on the real Redis consuming ``queues``, the app sending through Redis."""
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run with REDIS_URL pointing at a real Redis")
        pytest.skip("no REDIS_URL: the real-worker test runs in CI (.ci/run)")
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(
        task_always_eager=False, broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL
    )
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=list(queues)
        ):
            yield
    finally:
        app.conf.update(saved)


@pytest.fixture
def redis_worker():
    """A worker on every queue, as the Procfile's two together."""
    with worker_on(settings.WORKER_QUEUES):
        yield


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_through_redis(redis_worker):
    result = create_district.delay("330106", "西湖示范区")
    pk = result.get(timeout=30)
    assert District.objects.get(pk=pk).name == "西湖示范区"
    assert result.status == "SUCCESS"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_an_export_job_through_redis(redis_worker, city):
    """The whole background path: the job row, the task sent on commit, the worker's claim,
    the file moved into place with its SHA-256."""
    job = export_job_create(
        user=city.bureau,
        exporter_key="communities.compound",
        params={},
        file_format="xlsx",
        total=5,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.2)

    assert (job.status, job.row_count, job.error) == ("done", 5, "")
    content = Path(job.file.path).read_bytes()
    assert hashlib.sha256(content).hexdigest() == job.sha256
    assert [p.name for p in Path(job.file.path).parent.iterdir()] == [Path(job.file.name).name]
    assert ExportJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_a_monthly_report_through_redis(redis_worker, city):
    """The report's background path end to end: the row saved, the task sent on commit, the
    worker's row-locked claim, both files moved into place with their hashes; a second
    delivery of the same report does nothing."""
    from django.utils import timezone

    from communities.months import previous_month
    from reports.models import MonthlyReport, ReportStatus
    from reports.services import report_request
    from reports.tasks import build_report

    report = report_request(
        user=city.bureau, district=city.district, month=previous_month(timezone.localdate())
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if not report.in_progress:
            break
        time.sleep(0.2)

    assert (report.status, report.error, report.attempts) == (ReportStatus.READY, "", 1)
    for field in ("workbook", "circular"):
        content = Path(getattr(report, field).path).read_bytes()
        assert hashlib.sha256(content).hexdigest() == getattr(report, f"{field}_sha256")
    assert build_report.delay(report.pk).get(timeout=30) is False  # delivered twice: built once
    report.refresh_from_db()
    assert report.attempts == 1
    assert MonthlyReport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_a_street_summary_through_redis(redis_worker, city, settings):
    """A summary large enough for the background (two months of the street's compounds,
    above ``EXPORT_INLINE_MAX_ROWS``) started from its page: the job, the task on commit, the
    worker writing both months' sheets with their progress, the file in place."""
    from django.test import Client
    from openpyxl import load_workbook

    from inspections.default_template import load_default_template
    from inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate
    from reports.exporting.compounds import KEY
    from tests.reports.summary_records import last_month, make_records

    # The test before this one flushed the database, the migration's checklist with it.
    load_default_template(ChecklistTemplate, ChecklistSection, ChecklistItem)
    make_records(city)
    settings.EXPORT_INLINE_MAX_ROWS = 3
    month = last_month()
    before = (month - datetime.timedelta(days=1)).replace(day=1)
    client = Client()
    client.force_login(city.street)
    response = client.post(
        "/summaries/", {"kind": "compounds", "first": f"{before:%Y-%m}", "last": f"{month:%Y-%m}"}
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.2)

    assert (job.exporter, job.status, job.error) == (KEY, "done", "")
    assert (job.rows_total, job.rows_done, job.row_count) == (8, 8, 8)
    book = load_workbook(job.file.path)
    assert book.sheetnames[1:] == [f"{before:%Y-%m}", f"{month:%Y-%m}"]
    assert hashlib.sha256(Path(job.file.path).read_bytes()).hexdigest() == job.sha256


# --- the queues and the workers' health (issue 15) -----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_workers_health_is_ok_when_every_queue_has_a_worker(redis_worker, client):
    response = client.get("/health/workers/")

    assert response.status_code == 200
    assert json.loads(response.content) == {"default": "ok", "heavy": "ok"}


@pytest.mark.django_db(transaction=True)
def test_a_queue_without_a_worker_is_named_and_its_jobs_wait(client, settings, city):
    """A worker on `default` only: the workers' health is a 503 naming `heavy`, and an export
    (a heavy job) waits for a worker of its queue while a default task runs at once."""
    settings.HEALTH_WORKER_TIMEOUT = 2
    with worker_on(["default"]):
        response = client.get("/health/workers/")
        job = export_job_create(
            user=city.bureau,
            exporter_key="communities.compound",
            params={},
            file_format="xlsx",
            total=5,
        )
        assert create_district.delay("330107", "东湖示范区").get(timeout=30)
        time.sleep(2)
        job.refresh_from_db()
        waiting = job.status

    assert response.status_code == 503
    assert json.loads(response.content) == {"default": "ok", "heavy": "no answer within 2 s"}
    assert waiting == "pending"  # the export is on `heavy`, which nobody consumed
    with worker_on(["heavy"]):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not job.finished:
            time.sleep(0.2)
            job.refresh_from_db()
    assert (job.status, job.row_count) == ("done", 5)
