"""``manage.py seed_scale``: a province's worth of records on top of the demo city."""

import time

from django.core.management.base import BaseCommand, CommandError

from scale.generator import AlreadyScaled, NoDemoCity, seed_scale
from scale.plan import DEFAULT_MONTHS, DEFAULT_SEED, FULL


class Command(BaseCommand):
    help = (
        "Load a province's worth of invented records into the demo district (run seed_demo "
        f"first). At --scale 1.0: {FULL['compounds']:,} compounds, {FULL['companies']:,} "
        f"property companies, {FULL['households']:,} households with their residents, "
        f"{FULL['disputes']:,} dispute cases and {FULL['hazards']:,} hazards spread from the "
        "first generated month to now, and a self-check per company-run compound for the last "
        "--months months and the same months a year before, each with its timeline. Rows are "
        "written with COPY (PostgreSQL) or one executemany per batch (SQLite): not in the "
        "audit log. Refuses to run on a district it has already scaled."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Share of the full size (default 1.0)."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (default %(default)s)."
        )
        parser.add_argument(
            "--months",
            type=int,
            default=DEFAULT_MONTHS,
            help="Complete months of self-checks before this one (default %(default)s); the "
            "same months a year before get theirs too.",
        )

    def handle(self, *args, scale: float, seed: int, months: int, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if not 1 <= months <= 12:
            raise CommandError("--months must be between 1 and 12.")
        started = time.monotonic()
        try:
            report = seed_scale(scale=scale, seed=seed, months=months)
        except NoDemoCity as error:
            raise CommandError("No demo city: run `manage.py seed_demo` first.") from error
        except AlreadyScaled as error:
            raise CommandError(
                "This database has already been scaled (seed_scale's companies exist): "
                "load a fresh database (migrate, seed_demo) to run it again."
            ) from error
        self.stdout.write(f"{'table':<40}{'rows':>12}{'seconds':>10}")
        for table, rows, seconds in report.tables:
            self.stdout.write(f"{table:<40}{rows:>12,}{seconds:>10.1f}")
        total = sum(rows for _table, rows, _seconds in report.tables)
        elapsed = time.monotonic() - started
        self.stdout.write(f"{'total':<40}{total:>12,}{elapsed:>10.1f}")
        self.stdout.write("Steps (drawing the rows included), seconds:")
        for step, seconds in report.steps.items():
            self.stdout.write(f"  {step:<38}{seconds:>22.1f}")
        self.stdout.write("Written in bulk: the audit log has no entries for these rows.")
