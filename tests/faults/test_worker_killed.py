"""A worker killed (SIGKILL) in the middle of a monthly report (issue 15). The report stays
"being built" by nobody; a worker comes back, and the sweep (beat's
``reports.resend_pending_reports``, run here as if the report's time limit had passed) hands
it out again: it is built once more, exactly once, with the same contents as an undisturbed
build of the same month, and nothing half written is left in MEDIA_ROOT."""

import os
import signal
import time

import psycopg
import pytest
from docx import Document
from openpyxl import load_workbook

from tests.processes import manage

from .conftest import (
    celery_worker,
    csrf_token,
    demo_city,
    fetch,
    log_in,
    redis_environment,
    serving,
)
from .test_redis_stopped import last_month

pytestmark = pytest.mark.other_processes

AFTER_THE_TIME_LIMIT = (
    "import datetime; from django.conf import settings; from django.utils import timezone; "
    "from reports.services import reports_resend; late = timezone.now() + datetime.timedelta("
    "seconds=settings.REPORT_TIME_LIMIT, minutes=6); print('sent', reports_resend(now=late))"
)
REBUILD = (
    "from reports.models import MonthlyReport; from reports.services import report_regenerate; "
    "print(report_regenerate(user=None, report=MonthlyReport.objects.get()).status)"
)


def state(url: str) -> tuple:
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT status, attempts, workbook, circular FROM reports_monthlyreport"
        ).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def wait_for(url: str, wanted: set[str], seconds: float, every: float = 0.2) -> tuple:
    deadline = time.monotonic() + seconds
    while (now := state(url))[0] not in wanted:
        assert time.monotonic() < deadline, f"still {now}"
        time.sleep(every)
    return now


def contents(media, workbook: str, circular: str) -> tuple:
    book = load_workbook(media / workbook, read_only=True)
    cells = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    book.close()
    text = [paragraph.text for paragraph in Document(media / circular).paragraphs]
    return cells, text


def test_a_report_whose_worker_was_killed_is_built_once_when_a_worker_comes_back(
    postgres, redis, tmp_path
):
    media = tmp_path / "media"
    demo_city(postgres, media)
    env = redis_environment(redis)
    with serving(postgres.url, media, **env) as site:
        with celery_worker(postgres.url, media, **env) as first:
            browser = log_in(site, "bureau")
            token = csrf_token(browser, site.base + "/reports/")
            fetch(
                browser,
                site.base + "/reports/request/",
                {"csrfmiddlewaretoken": token, "street": "", "month": last_month()},
            )
            seen = wait_for(postgres.url, {"running", "ready"}, 60, every=0.01)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        killed = state(postgres.url)
        time.sleep(1)
        still = state(postgres.url)
        with celery_worker(postgres.url, media, **env):
            sweep = manage(postgres.url, media, "shell", "-c", AFTER_THE_TIME_LIMIT, **env)
            status, attempts, workbook, circular = wait_for(postgres.url, {"ready"}, 90)
            recovered = contents(media, workbook, circular)
            files = sorted(p.name for p in (media / "reports").rglob("*") if p.is_file())
            manage(postgres.url, media, "shell", "-c", REBUILD, **env)
            undisturbed_state = wait_for(postgres.url, {"ready"}, 90)
            undisturbed = contents(media, undisturbed_state[2], undisturbed_state[3])

    assert seen[0] == "running", "the report was built before the worker could be killed"
    assert killed[:2] == still[:2] == ("running", 1)  # nobody builds it meanwhile
    assert sweep.stdout.strip().splitlines()[-1] == "sent 1"
    assert (status, attempts) == ("ready", 2)  # built once more, once
    assert files == sorted([workbook.rsplit("/", 1)[-1], circular.rsplit("/", 1)[-1]])
    assert recovered == undisturbed
    assert sum(len(rows) for rows in recovered[0].values()) > 10
