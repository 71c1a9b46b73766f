"""``manage.py seed_demo``: load the invented demo city (青禾区); safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from communities.demo import (
    DEFAULT_HOUSEHOLDS_PER_COMPOUND,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DISTRICT_CODE,
    DISTRICT_NAME,
    demo_city_seed,
    demo_steps_run,
)


class Command(BaseCommand):
    help = (
        f"Load the demo city {DISTRICT_NAME} ({DISTRICT_CODE}, invented): 1 district with its "
        "housing bureau, 4 streets, 12 communities, 60 compounds, 15 property companies with "
        "management terms, a few thousand households, and five logins (bureau, street, "
        f"community, manager, manager2; password {DEMO_PASSWORD}). Idempotent: rows that "
        "exist are found by their codes, names or usernames and left as they are, and "
        "households are only added to demo compounds that have none, so a second run writes "
        "nothing. Households are bulk-inserted, so the audit log has no entries for them. "
        "Then the other apps' demo steps run on the city (for example six months of "
        "三有/六好 self-checks, reviews, hazards and key management); each is idempotent too."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--households-per-compound",
            type=int,
            default=DEFAULT_HOUSEHOLDS_PER_COMPOUND,
            metavar="N",
            help=(
                "Average number of rooms per compound (default %(default)s); each compound's "
                "size varies around it with its type, and about 96%% of rooms are registered "
                "as households. It takes effect for compounds created or filled in this run "
                "(on a fresh database, all of them)."
            ),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=(
                "Random seed (default %(default)s): the same seed always draws the same city. "
                "Meant for a fresh database."
            ),
        )
        parser.add_argument(
            "--city-only",
            action="store_true",
            help="Load the city only, without the other apps' demo steps (faster; for tests).",
        )

    def handle(self, *args, households_per_compound: int, seed: int, city_only: bool, **options):
        if households_per_compound < 1:
            raise CommandError("--households-per-compound must be at least 1.")
        summary = demo_city_seed(seed=seed, households_per_compound=households_per_compound)
        self.stdout.write(f"Demo city {DISTRICT_NAME} ({DISTRICT_CODE}, invented):")
        for label, n in summary.counts.items():
            self.stdout.write(f"  {label:<20}{n:>6}")
        self.stdout.write(
            f"Households created this run: {summary.households_created} "
            "(bulk insert: not in the audit log)."
        )
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}):")
        width = max(len(username) for username, _org, _sees in summary.users)
        for username, organisation, sees in summary.users:
            self.stdout.write(f"  {username:<{width}}  {organisation} — {sees}")
        if city_only:
            return
        for report in demo_steps_run(seed=seed):
            self.stdout.write(f"{report.title}:")
            for label, n in report.counts.items():
                self.stdout.write(f"  {label:<20}{n:>6}")
            self.stdout.write(f"  {'created this run':<20}{report.created:>6}")
