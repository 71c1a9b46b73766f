"""Concurrent load from a process of its own: ``python -m scale.bench.loadgen`` with one JSON
argument (url, cookie, concurrency, seconds) prints one JSON line: requests, errors, requests
per second, p50 and p95 in ms. Each request opens its connection (gunicorn's sync workers
close it after every response), as a browser behind a proxy would."""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit

from .results import median, percentile


def _worker(url, cookie, stop, times, errors, lock) -> None:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
            connection.close()
        except OSError:
            ok = False
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            (times if ok else errors).append(elapsed)


def load(url: str, cookie: str, concurrency: int, seconds: float) -> dict:
    times, errors, lock = [], [], threading.Lock()
    began = time.monotonic()
    stop = began + seconds
    threads = [
        threading.Thread(target=_worker, args=(url, cookie, stop, times, errors, lock))
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return {
        "requests": len(times),
        "errors": len(errors),
        "rps": len(times) / elapsed,
        "p50": median(times) if times else None,
        "p95": percentile(times, 0.95) if times else None,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(load(**json.loads(sys.argv[1]))) + "\n")
