"""Repeated timings: a few warm-up calls, then samples until enough runs or the time budget."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from celery import Task
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .results import median, percentile


@dataclass(frozen=True)
class Budget:
    runs: int  # samples wanted
    least: int  # samples taken however slow
    seconds: float  # time allowed per measurement once `least` are taken
    warmup: int = 1
    # A measurement past this many times its budget stops at once: a page of a minute is
    # measured by one more sample, not five.
    hard_stop: float = 4


FULL = Budget(runs=21, least=5, seconds=15.0)
QUICK = Budget(runs=5, least=3, seconds=2.0)


@dataclass(frozen=True)
class Samples:
    times_ms: list[float]

    @property
    def p50(self) -> float:
        return median(self.times_ms)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 0.95)


def sample(call: Callable[[], object], budget: Budget, *, warm: bool = False) -> Samples:
    """``warm``: the caller has just made the call once (to count its queries)."""
    for _ in range(0 if warm else budget.warmup):
        call()
    times = []
    began = time.monotonic()
    while len(times) < budget.runs:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
        spent = time.monotonic() - began
        if spent > budget.seconds * budget.hard_stop:
            break
        if len(times) >= budget.least and spent > budget.seconds:
            break
    return Samples(times)


def count_queries(call: Callable[[], object]) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


@contextmanager
def tasks_after() -> Iterator[list]:
    """Tasks sent inside are run when it ends, as a worker of its own would run them, not
    inside the call (the bench runs without a broker, where Celery would run a task in the
    request and count its queries as the page's: the home's first view asks a worker for its
    figures)."""
    sent: list = []

    def keep(task, args=None, kwargs=None, **options):
        sent.append((task, args, kwargs))

    with mock.patch.object(Task, "apply_async", keep):
        yield sent
    for task, args, kwargs in sent:
        task.apply(args, kwargs)
