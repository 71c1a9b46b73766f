"""Redis stopped while a monthly report or an export is asked for (issue 15): the site with a
real worker, both on a Redis of the test's own. With Redis down the request is accepted and
the job recorded as waiting; once Redis is back the sweep (beat's
``reports.resend_pending_reports`` and ``communities.resend_pending_exports``, every 5 minutes:
here run as if that time had passed) sends it, the worker that was running all along does it,
exactly once, and a second sweep sends nothing."""

import datetime
import hashlib
import re
import time
import zoneinfo
from pathlib import Path

import psycopg
import pytest

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

pytestmark = pytest.mark.other_processes

SWEEP = (
    "import datetime; from django.utils import timezone; from reports.services import "
    "reports_resend; print('sent', reports_resend(now=timezone.now() + "
    "datetime.timedelta(minutes=6)))"
)


def last_month() -> str:
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()
    return f"{today.replace(day=1) - datetime.timedelta(days=1):%Y-%m}"


def reports(url: str) -> list[tuple]:
    with psycopg.connect(url) as db:
        return db.execute(
            "SELECT id, status, attempts, sent_at IS NOT NULL, workbook, workbook_sha256, "
            "circular, circular_sha256 FROM reports_monthlyreport ORDER BY id"
        ).fetchall()


EXPORT_SWEEP = (
    "import datetime; from communities.exports.services import export_jobs_resend; "
    "print('sent', export_jobs_resend(older_than=datetime.timedelta(0)))"
)


def sweep(postgres, media, redis, code: str = SWEEP) -> str:
    printed = manage(postgres.url, media, "shell", "-c", code, REDIS_URL=redis.url).stdout
    return printed.strip().splitlines()[-1]


def exports(url: str) -> list[tuple]:
    with psycopg.connect(url) as db:
        return db.execute(
            "SELECT status, attempts, sent_at IS NOT NULL, row_count, file, sha256 "
            "FROM communities_exportjob ORDER BY id"
        ).fetchall()


def test_an_export_asked_for_while_redis_is_down_is_written_once_it_is_back(
    postgres, redis, tmp_path
):
    media = tmp_path / "media"
    demo_city(postgres, media)
    env = {**redis_environment(redis), "EXPORT_INLINE_MAX_ROWS": "1"}  # in the background
    with serving(postgres.url, media, **env) as site, celery_worker(postgres.url, media, **env):
        browser = log_in(site, "bureau")
        token = csrf_token(browser, site.base + "/")
        redis.stop()

        asked = fetch(
            browser,
            site.base + "/exports/new/communities.compound/",
            {"csrfmiddlewaretoken": token},
        )
        waiting = exports(postgres.url)
        redis.start()
        first = sweep(postgres, media, redis, EXPORT_SWEEP)
        deadline = time.monotonic() + 90
        while exports(postgres.url)[0][0] != "done":
            assert time.monotonic() < deadline, f"not written: {exports(postgres.url)}"
            time.sleep(0.5)
        second = sweep(postgres, media, redis, EXPORT_SWEEP)

    assert asked.status == 302  # accepted: to the job's progress page
    assert re.fullmatch(r"/exports/\d+/", asked.headers["Location"])
    assert [(status, sent) for status, _a, sent, *_rest in waiting] == [("pending", False)]
    assert (first, second) == ("sent 1", "sent 0")
    ((status, attempts, _sent, rows, name, digest),) = exports(postgres.url)
    assert (status, attempts) == ("done", 1)  # written once
    assert rows > 1
    assert hashlib.sha256((Path(media) / name).read_bytes()).hexdigest() == digest


def test_a_report_asked_for_while_redis_is_down_is_built_once_it_is_back(postgres, redis, tmp_path):
    media = tmp_path / "media"
    demo_city(postgres, media)
    env = redis_environment(redis)
    with serving(postgres.url, media, **env) as site, celery_worker(postgres.url, media, **env):
        browser = log_in(site, "bureau")
        token = csrf_token(browser, site.base + "/reports/")
        redis.stop()

        asked = fetch(
            browser,
            site.base + "/reports/request/",
            {"csrfmiddlewaretoken": token, "street": "", "month": last_month()},
        )
        waiting = reports(postgres.url)
        redis.start()
        first = sweep(postgres, media, redis)
        deadline = time.monotonic() + 90
        while reports(postgres.url)[0][1] != "ready":
            assert time.monotonic() < deadline, f"not built: {reports(postgres.url)}"
            time.sleep(0.5)
        second = sweep(postgres, media, redis)
        shown = fetch(browser, site.base + asked.headers["Location"])

    assert asked.status == 302  # accepted: to the report's page
    assert re.fullmatch(r"/reports/\d+/", asked.headers["Location"])
    assert [(status, sent) for _id, status, _a, sent, *_files in waiting] == [("pending", False)]
    assert (first, second) == ("sent 1", "sent 0")
    ((_id, status, attempts, _sent, workbook, workbook_sha, circular, circular_sha),) = reports(
        postgres.url
    )
    assert (status, attempts) == ("ready", 1)  # built once
    for name, digest in ((workbook, workbook_sha), (circular, circular_sha)):
        assert hashlib.sha256((Path(media) / name).read_bytes()).hexdigest() == digest
    assert shown.status == 200
