"""Fault tests (issue 15): real processes on 127.0.0.1, no containers. A PostgreSQL server of
the test's own (``initdb`` in a temporary folder, its own port: the machine's server, which
the rest of the suite uses, is never stopped), the site under gunicorn against it, and a
browser-like client keeping cookies. Run by ``make faults`` (``.ci/run`` calls it)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from communities.demo import DEMO_PASSWORD
from tests.processes import environment, manage


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if not found:
        if os.environ.get("CI"):
            pytest.fail("CI must have PostgreSQL's server programs (Debian: postgresql)")
        pytest.skip("no PostgreSQL server programs here: the fault tests run in CI (.ci/run)")
    return found[-1].parent


@dataclass
class PrivatePostgres:
    """A PostgreSQL server in ``data``, on ``port``, trusting its one role ``faults``."""

    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://faults@127.0.0.1:{self.port}/faults"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(pg_bin() / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
        assert done.returncode == 0 or not check, f"{args[0]} failed: {done.stderr[-2000:]}"
        return done

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "--auth=trust", "--username=faults",
                  "--encoding=UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "faults", "faults")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"),
                  "-o", options, "-w", "start")  # fmt: skip

    def stop(self, mode: str = "fast", check: bool = True) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=check)


@pytest.fixture(scope="module")
def postgres():
    folder = Path(tempfile.mkdtemp(prefix="sc-faults-pg-"))
    folder.chmod(0o755)
    data = folder / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    server = PrivatePostgres(data=data, port=free_port())
    server.init()
    try:
        yield server
    finally:
        server.stop("immediate", check=False)
        shutil.rmtree(folder, ignore_errors=True)


def redis_environment(redis) -> dict:
    """The site's processes sending tasks and keeping their cache on ``redis``."""
    names = ("REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL", "CELERY_RESULT_BACKEND")
    return dict.fromkeys(names, redis.url)


def csrf_token(browser, url: str) -> str:
    """The CSRF token of the form on the page at ``url``."""
    page = fetch(browser, url)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


@dataclass
class Site:
    process: subprocess.Popen
    base: str

    def worker_pids(self) -> set[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}


def demo_city(postgres: PrivatePostgres, media: Path) -> None:
    manage(postgres.url, media, "migrate", "--noinput")
    manage(postgres.url, media, "seed_demo", "--city-only", "--households-per-compound", "1")


@contextmanager
def serving(database: str, media: Path, **env: str):
    """The site under gunicorn (two workers, connections kept 60 s) on ``database``."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(  # noqa: S603
        [*command, "--workers", "2", "--timeout", "60"],
        cwd=settings.BASE_DIR,
        env=environment(database, media, CONN_MAX_AGE="60", **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    site = Site(process=process, base=f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while fetch(Browser(), site.base + "/health/live/").status != 200:
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    try:
        yield site
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def celery_worker(database: str, media: Path, **env: str):
    """A Celery worker on both queues (one process: the pool is ``solo``)."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,heavy"]
    process = subprocess.Popen(  # noqa: S603
        [*command, "--pool", "solo", "--loglevel", "info", "-n", f"faults{free_port()}@%h"],
        cwd=settings.BASE_DIR,
        env=environment(database, media, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def site(postgres, tmp_path_factory):
    """The demo city under gunicorn on ``postgres``, tasks in the web process."""
    media = tmp_path_factory.mktemp("media")
    demo_city(postgres, media)
    with serving(postgres.url, media) as site:
        yield site


class PrivateRedis:
    """A Redis server of the test's own on its own port, keeping nothing on disk (as the
    machine's); stopped and started again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail("redis-server is missing (Debian: redis-server)")
        self.process = subprocess.Popen(  # noqa: S603
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis():
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Answer:
    status: int
    text: str
    headers: dict


class Browser:
    """Cookies kept, redirects not followed."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)


def fetch(browser: Browser, url: str, data: dict | None = None) -> Answer:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
    try:
        with browser.opener.open(request, timeout=30) as response:
            return Answer(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(), dict(error.headers))
    except (urllib.error.URLError, ConnectionError):
        return Answer(0, "", {})


def log_in(site: Site, username: str) -> Browser:
    browser = Browser()
    token = csrf_token(browser, site.base + "/accounts/login/")
    answer = fetch(
        browser,
        site.base + "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
    )
    assert answer.status == 302, answer.text[:500]
    return browser
