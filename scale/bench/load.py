"""Requests per second under concurrent load: gunicorn on 127.0.0.1 (the site as deployed,
``config.wsgi``) and a second process sending requests as `bureau`, for the bare view and the
busiest list pages."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from . import targets
from .pages import BARE, login
from .results import Figure

PAGES = [
    "communities:home",
    "disputes:case_list",
    "inspections:check_list",
    "inspections:hazard_list",
    "admin:communities_household_changelist",
]
WORKERS = 2
CONCURRENCY = 4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn():
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env={**os.environ, "PYTHONWARNINGS": "ignore"}
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + reverse(BARE), timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load(url: str, cookie: str, seconds: float) -> dict:
    argument = json.dumps(
        {"url": url, "cookie": cookie, "concurrency": CONCURRENCY, "seconds": seconds}
    )
    done = subprocess.run(
        [sys.executable, "-m", "scale.bench.loadgen", argument],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(*, quick: bool, progress) -> list[Figure]:
    seconds = 2.0 if quick else 10.0
    client = login("bureau")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    figures = []
    with gunicorn() as base:
        bare = _load(base + reverse(BARE), cookie, seconds)
        floor = Figure("load", f"bureau {BARE} (the floor)", "rps", bare["rps"], p95=bare["p95"])
        floor.note = f"{bare['requests']} requests, {bare['errors']} errors"
        floor.check("no errors", bare["errors"] == 0 and bare["requests"] > 0)
        figures.append(floor)
        progress(floor)
        for name in PAGES:
            got = _load(base + reverse(name), cookie, seconds)
            figure = Figure(
                "load", f"bureau {name}", "rps", got["rps"], floor=bare["rps"], p95=got["p95"]
            )
            figure.note = (
                f"{got['requests']} requests, {got['errors']} errors, "
                f"{WORKERS} workers, {CONCURRENCY} at once"
            )
            figure.check("no errors", got["errors"] == 0 and got["requests"] > 0)
            figure.check(
                f"≥ 1/{targets.LOAD_RATIO} of the bare view",
                bool(figure.ratio) and figure.ratio <= targets.LOAD_RATIO,
            )
            figures.append(figure)
            progress(figure)
    return figures
