"""The embedded run as `make run` starts it: local settings, a file SQLite database with the demo
city, Django's threaded runserver, DEBUG off. Real processes and real HTTP, no test client.

- A handful of people at once never get a 500: one manager saves self-check answers while others
  log in (with Django's default SQLite settings every login failed with "database is locked").
- The demo shows the site's own error pages (Chinese, no URL list) and serves static files
  itself, and no URL serves the uploads folder.
"""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.other_processes  # a server or command of its own

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "SafeCompound-2026"  # the demo's (communities/demo.py)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env, *args, timeout=300) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def embedded_site(tmp_path_factory):
    """migrate + seed_demo + runserver, exactly as the Makefile's `run` target, on a free port."""
    folder = tmp_path_factory.mktemp("embedded")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "seed_demo")
    answers = _manage(
        env,
        "shell",
        "-v0",
        "-c",
        "from django.contrib.auth import get_user_model;"
        "from inspections.selectors.checks import answers_for_edit;"
        "from inspections.models import InspectionStatus;"
        "u = get_user_model().objects.get(username='manager');"
        "print(*answers_for_edit(user=u).filter(inspection__status=InspectionStatus.DRAFT)"
        ".order_by('pk').values_list('pk', flat=True)[:12])",
    ).split()
    port = _free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)  # noqa: S310
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail(f"runserver did not answer in 30 s: {(folder / 'server.log').read_text()}")
    try:
        yield {"base": base, "env": env, "answers": [int(a) for a in answers], "log": folder}
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


class Browser:
    """One person's cookies and forms over plain HTTP."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def log_in(self, username: str) -> tuple[int, str]:
        status, page = self.request("/accounts/login/")
        assert status == 200, status
        token = CSRF_FIELD.search(page).group(1)
        return self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        )


def test_logins_and_saves_at_the_same_time_never_fail(embedded_site):
    base, answers = embedded_site["base"], embedded_site["answers"]
    assert len(answers) >= 6, "the demo opens this month's self-checks as drafts"
    results: list[tuple[str, int]] = []
    written: dict[int, str] = {}
    lock = threading.Lock()

    def record(what, status):
        with lock:
            results.append((what, status))

    def saver(n: int):
        browser = Browser(base)
        record("login", browser.log_in("manager")[0])
        for round_ in range(8):
            for pk in answers[n::3]:
                comment = f"并发保存 {n}-{round_}"
                status, _ = browser.request(
                    f"/inspections/answers/{pk}/",
                    {"csrfmiddlewaretoken": browser.csrf(), f"a{pk}-comment": comment},
                )
                record("save", status)
                if status == 200:
                    with lock:
                        written[pk] = comment

    def visitor(username: str):
        for _ in range(4):
            browser = Browser(base)
            status, page = browser.log_in(username)
            record("login", status)
            assert "account__name" in page, f"{username} was not logged in"
            record("page", browser.request("/")[0])

    threads = [threading.Thread(target=saver, args=(n,)) for n in range(3)]
    threads += [
        threading.Thread(target=visitor, args=(name,))
        for name in ("bureau", "street", "community", "manager2")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    statuses = [status for _, status in results]
    assert all(status == 200 for status in statuses), sorted(set(results))
    assert len(results) == 3 + 8 * len(answers) + 4 * 4 * 2  # no thread died half way
    assert sum(1 for what, _ in results if what == "login") == 3 + 4 * 4
    # Every save was written: the last comment each answer was given is the one stored.
    ids = sorted(written)
    stored = _manage(
        embedded_site["env"],
        "shell",
        "-v0",
        "-c",
        "import json; from inspections.models import Answer;"
        f"rows = Answer.objects.filter(pk__in={ids}).values_list('pk', 'comment');"
        "print(json.dumps({str(pk): comment for pk, comment in rows}))",
    )
    assert json.loads(stored) == {str(pk): comment for pk, comment in written.items()}


def test_the_demo_shows_the_sites_own_error_pages(embedded_site):
    browser = Browser(embedded_site["base"])
    status, page = browser.request("/no-such-page/")
    assert status == 404
    assert "页面不存在" in page
    for technical in ("Using the URLconf", "Django tried these URL patterns", "Traceback"):
        assert technical not in page
    browser.log_in("manager")
    status, page = browser.request("/compounds/NO-SUCH-COMPOUND/")
    assert status == 404
    assert "页面不存在" in page and "Using the URLconf" not in page


def test_the_demo_serves_static_files_but_never_the_uploads_folder(embedded_site):
    browser = Browser(embedded_site["base"])
    status, css = browser.request("/static/css/app.css")
    assert status == 200
    assert ".site-header" in css
    media = Path(embedded_site["env"]["MEDIA_ROOT"])
    stored = [p for p in media.rglob("*") if p.is_file()]
    assert stored, "the demo stores evidence photos under MEDIA_ROOT"
    status, _ = browser.request("/media/" + stored[0].relative_to(media).as_posix())
    assert status == 404
