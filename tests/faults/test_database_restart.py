"""PostgreSQL restarted while users work (issue 15): the site's gunicorn keeps its
connections (``CONN_MAX_AGE=60``), so after a restart each worker holds a dead one. Requests
while the database is down get the plain 503 page, nothing is written, and once it is back the
site answers again within seconds, with the same processes (``CONN_HEALTH_CHECKS``)."""

import time

import pytest

from .conftest import Browser, fetch, log_in

pytestmark = pytest.mark.other_processes

HOME = "/"
READY = "/health/ready/"
BACK_WITHIN_SECONDS = 10


def answers(browser, site, path: str, times: int = 6) -> list[int]:
    """Several requests, so both gunicorn workers answer some."""
    return [fetch(browser, site.base + path).status for _ in range(times)]


def test_a_restart_between_requests_goes_unnoticed(postgres, site):
    browser = log_in(site, "bureau")
    assert set(answers(browser, site, HOME)) == {200}  # each worker keeps a connection
    workers = site.worker_pids()

    postgres.stop()
    postgres.start()

    # The kept connections died with the server: each is checked before reuse and replaced.
    assert set(answers(browser, site, HOME)) == {200}
    assert site.worker_pids() == workers and site.process.poll() is None


def test_requests_while_the_database_is_down_get_the_plain_page_then_it_comes_back(postgres, site):
    browser = log_in(site, "bureau")
    workers = site.worker_pids()
    postgres.stop()
    try:
        down = fetch(browser, site.base + HOME)
        ready = fetch(Browser(), site.base + READY)  # a load balancer: no cookies
        login = fetch(browser, site.base + "/accounts/login/")
    finally:
        postgres.start()
    started = time.monotonic()
    while fetch(browser, site.base + HOME).status != 200:
        assert time.monotonic() - started < BACK_WITHIN_SECONDS, "the site did not come back"
        time.sleep(0.2)

    assert down.status == 503
    assert down.headers["Retry-After"] == "10"
    assert "数据库暂时没有响应" in down.text and "不会只保存一半" in down.text
    assert "Traceback" not in down.text and "OperationalError" not in down.text
    assert (ready.status, ready.text) == (503, "unavailable: database")
    assert login.status in (200, 503)  # the login page reads no table; either is plain
    assert set(answers(browser, site, HOME)) == {200}  # the session survived the restart
    assert fetch(browser, site.base + READY).status == 200
    assert site.worker_pids() == workers and site.process.poll() is None
