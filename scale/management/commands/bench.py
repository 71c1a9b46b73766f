"""``manage.py bench``: pages, load, searches, figures, the report job, exports and imports,
each beside its floor; a table on the screen and, with ``--json``, every figure in a file."""

import datetime
import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scale.bench import results, run
from scale.bench.timing import FULL, QUICK


class Command(BaseCommand):
    help = (
        "Measure the site on the loaded data (seed_demo, then seed_scale): every list page as "
        "bureau and street beside the bare view, requests per second against gunicorn, "
        "searches, the monthly figures beside hand-written SQL, the monthly report job, the "
        "dispute export beside xlsxwriter, the compound import beside a bulk insert. The "
        "import, the report and the exports run in transactions rolled back; what stays are "
        "the two logins' sessions and their login and page-view audit entries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", dest="json_path", help="Write every figure to this file.")
        parser.add_argument(
            "--quick", action="store_true", help="Fewer runs and smaller exports (CI)."
        )
        parser.add_argument(
            "--match",
            action="append",
            help="Measure only the pages and searches whose name contains this (repeatable).",
        )
        parser.add_argument(
            "--only",
            action="append",
            choices=run.GROUPS,
            help="Measure only this group (repeatable).",
        )

    def handle(self, *args, json_path=None, quick=False, only=None, match=None, **options):
        started = timezone.now()
        # A page a role may not see is a 403 the admin logs with its traceback; login noise.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        logging.getLogger("axes").setLevel(logging.WARNING)
        try:
            scope = run.check_data()
        except run.NoData as error:
            raise CommandError(str(error)) from error
        self.stdout.write(results.table([])[0])

        def progress(figure):
            self.stdout.write(results.table([figure])[1])

        clock = time.monotonic()
        figures = run.run(
            budget=QUICK if quick else FULL,
            quick=quick,
            groups=only or run.GROUPS,
            match=match,
            progress=progress,
        )
        elapsed = datetime.timedelta(seconds=round(time.monotonic() - clock))
        failed = [f for f in figures if not f.passed]
        self.stdout.write(f"{len(figures)} figures in {elapsed}; {len(failed)} miss a target.")
        if json_path:
            with open(json_path, "w", encoding="utf-8") as out:
                out.write(
                    results.report_json(
                        figures, quick=quick, scope=scope, started=started.isoformat()
                    )
                )
            self.stdout.write(f"Wrote {json_path}")
