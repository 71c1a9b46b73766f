"""``seed_scale``: a province's worth of records on top of the demo city (issue 14).

At scale 1.0 (``FULL``): 20,000 compounds in new streets and communities of the demo district
青禾区 (a few communities in the demo's 禾丰街道, so ``street`` sees more), 2,000 new property
companies (demo companies A and B get a share of the new compounds, so ``manager`` and
``manager2`` see more), a million households with their residents, 300,000 dispute cases and
100,000 hazards spread from the first generated month to now (15 months with the default
three months: a month's 同比 has data), and a self-check for every company-run compound in
each of the last ``months`` complete months and the same months a year before (so 同比 has
data), each with its answers, a photo for most answers that need one (all naming one shared
picture, ``checks.EVIDENCE_PHOTO``) and its timeline, and the bureau's supervision inspections
of a few compounds each of those months. Each record's status agrees with its timeline, so
the apps' monthly figures read the generated months as they read real ones.

Why not the services: they save row by row (and audit each row); a million households would
take hours. Here rows are drawn in memory from ``random.Random(seed)`` and written table by
table through ``scale.writer.TableWriter`` (COPY on PostgreSQL), by the parts: ``register``
(regions, compounds, companies, households, residents), ``checks`` (self-checks, evidence,
supervisions, hazards), ``cases`` (disputes) and ``patrols`` (teams and logs, watch groups,
facilities), which share ``plan`` (the sizes, the run, the name helpers). Everything is
invented: names
from the demo's name helpers, codes and numbers valid by construction (ID numbers carry their
check digit and are unique per document while the resident lives there; credit codes carry
theirs). Dates are relative to today, never after now.

Key management spells (``checks``) and patrol findings (``patrols``) are generated too, and
the places' activities of the last year (``activities``). Organisations are made for the new
companies only (the new streets and communities have no office or committee logins).
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from communities.demo import COMPANY_NAMES, DISTRICT_CODE
from communities.models import District, PropertyCompany, ResidentTally
from communities.residents.tallies import refresh_all
from disputes.workdays import _exceptions

from .activities import activities_seed
from .cases import disputes_seed
from .checks import hazards_seed, key_management_seed, self_checks_seed, supervisions_seed
from .patrols import facilities_seed, patrols_seed
from .plan import CREDIT_PREFIX, DEFAULT_MONTHS, DEFAULT_SEED, Plan, Run
from .register import companies_seed, homes_seed, regions_seed


class AlreadyScaled(Exception):
    """The demo district already holds generated rows: a second run would double them."""


class NoDemoCity(Exception):
    """``seed_demo`` has not run: the generated rows hang off its district and companies."""


def already_scaled() -> bool:
    return PropertyCompany.objects.filter(credit_code__startswith=CREDIT_PREFIX).exists()


@dataclass
class ScaleReport:
    """What a run wrote: (table, rows, seconds in the database) per table, and the seconds
    each step took in all (drawing the rows in Python included)."""

    tables: list[tuple[str, int, float]]
    steps: dict[str, float]


def seed_scale(
    *, scale: float = 1.0, seed: int = DEFAULT_SEED, months: int = DEFAULT_MONTHS
) -> ScaleReport:
    """Write the scaled city in one transaction."""
    district = District.objects.filter(code=DISTRICT_CODE).first()
    if district is None or not PropertyCompany.objects.filter(name=COMPANY_NAMES[0]).exists():
        raise NoDemoCity
    if already_scaled():
        raise AlreadyScaled
    today = timezone.localdate()
    plan = Plan(scale=scale, seed=seed, months=months, today=today, now=timezone.now())
    run = Run(plan=plan, rng=random.Random(seed))
    first_day = plan.check_months[0] - datetime.timedelta(days=60)
    run.holidays = _exceptions(first_day, today + datetime.timedelta(days=120))
    with transaction.atomic():
        _phase(run, "regions and compounds", lambda: regions_seed(run, district))
        _phase(run, "companies and terms", lambda: companies_seed(run, district))
        _phase(run, "households and residents", lambda: homes_seed(run))
        _phase(run, "self-checks", lambda: self_checks_seed(run))
        _phase(run, "supervisions", lambda: supervisions_seed(run))
        _phase(run, "hazards", lambda: hazards_seed(run))
        _phase(run, "key management", lambda: key_management_seed(run))
        _phase(run, "disputes", lambda: disputes_seed(run))
        _phase(run, "patrols", lambda: patrols_seed(run))
        _phase(run, "facilities", lambda: facilities_seed(run))
        _phase(run, "activities", lambda: activities_seed(run))
    # Fresh statistics first, so the planner sees the size (the tallies' counts over a million
    # households, planned on an empty table's statistics, ran for many minutes instead of one).
    _analyze(run, run.writers)
    # The nightly job's work: the 以房管人 tallies of every compound (the loads sent no
    # signal), so the first overview reads them as on any morning.
    _phase(run, "resident tallies (nightly job)", lambda: refresh_all(today))
    _analyze(run, [ResidentTally._meta.db_table])
    tables = [(t, w.written, w.seconds) for t, w in run.writers.items()]
    return ScaleReport(tables=tables, steps=run.phases)


def _analyze(run: Run, tables) -> None:
    """ANALYZE ``tables`` (PostgreSQL), timed in the run's "analyze" step."""
    if connection.vendor != "postgresql":
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    run.phases["analyze"] = run.phases.get("analyze", 0) + time.monotonic() - started


def _phase(run: Run, name: str, step) -> None:
    started = time.monotonic()
    step()
    run.phases[name] = time.monotonic() - started
