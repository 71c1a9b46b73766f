"""One measured job in a process of its own, so its peak memory is its own:
``python -m scale.bench.child TASK JSON-ARGS`` prints one JSON line (seconds, peak MB, and what
the task reports). Nothing it writes stays: each task runs in a transaction rolled back and
removes its files.

Tasks: ``export`` (the dispute export job as `bureau`), ``export_floor`` (the same rows from a
plain ``values_list`` into xlsxwriter), ``report`` (the district's monthly report job),
``import`` / ``import_floor`` (compounds through the register import, or the plain import).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import transaction

    from . import tasks

    task, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    before = peak_mb()
    started = time.perf_counter()
    with transaction.atomic():
        outcome = getattr(tasks, task)(**args)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    outcome.setdefault("seconds", seconds)  # a task may time only its own part
    outcome.update(peak_mb=peak_mb(), startup_mb=before)
    sys.stdout.write(json.dumps(outcome) + "\n")


def run_child(task: str, timeout: float = 3600, **args) -> dict:
    """Run a task in a new process and read its JSON line."""
    import subprocess

    from django.conf import settings

    done = subprocess.run(
        [sys.executable, "-m", "scale.bench.child", task, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench child {task} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main(sys.argv[1:])
