"""物防/技防 facilities of the demo city: a step of ``manage.py seed_demo``.

Every demo compound gets one to three entrances with cameras, access control and a barrier, an
alarm point, a perimeter wall, lighting and fire equipment — except a few with no entrance
recorded (not assessed) and a few with gaps, so that among the assessed compounds 物防 lands
near the seed's 90 % and 技防 near 85 %: 5 of 60 compounds not assessed, 物防 gaps in 6 of the
55 others (49 covered, 89.1 %), 技防 gaps in 8 (47 covered, 85.5 %). Some facilities are out of
service: most for a few days, one camera and one fire extinguisher cabinet long enough that
the daily job (run at the end) raised their hazards.

Deterministic: the compounds are taken in code order and every choice is drawn from
``random.Random(f"{seed}:facilities")``; dates are relative to today, so the demo works in any
year. Idempotent: when any demo compound has an entrance, the step writes nothing but runs the
job (which raises nothing twice). Written through the services (``actor=None``, the system),
out of the audit log like the other demo data.
"""

from __future__ import annotations

import datetime
import random

from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from communities.demo import DEFAULT_SEED, DISTRICT_CODE, DemoStepReport, register_demo_step
from communities.models import Compound
from patrols import facility_services as services
from patrols.models import Entrance, EntranceKind, Facility, FacilityKind, FacilityLocation

K = FacilityKind
L = FacilityLocation
GATE_NAMES = ["北门", "南门", "东门", "西门"]
NOT_ASSESSED_EVERY = (12, 5)  # compound index i with i % 12 == 5: no entrance recorded
PHYSICAL_GAP_EVERY = (10, 3)  # assessed index a with a % 10 == 3
TECH_GAP_EVERY = (7, 2)  # assessed index a with a % 7 == 2
LONG_OUT_OF_SERVICE = 2  # facilities out of service long enough for a hazard


def _demo_compounds() -> list[Compound]:
    return list(
        Compound.objects.filter(community__street__district__code=DISTRICT_CODE).order_by("code")
    )


def _facility(compound, kind, *, entrance=None, building="", since=None, quantity=1):
    if entrance is not None:
        location = L.ENTRANCE
    elif kind == K.PERIMETER:
        location = L.PERIMETER
    else:
        location = L.BUILDING
    return services.facility_create(
        actor=None,
        compound=compound,
        kind=kind,
        location=location,
        entrance=entrance,
        building=building,
        quantity=quantity,
        in_service=since is None,
        out_of_service_since=since,
        checked_on=timezone.localdate() - datetime.timedelta(days=30),
    )


def _compound(
    rng,
    compound,
    *,
    physical_gap: int | None,
    tech_gap: int | None,
    long_since: list,
    fire_long: bool = False,
):
    """One assessed compound; ``physical_gap``/``tech_gap`` choose which piece is missing."""
    today = timezone.localdate()
    recent = today - datetime.timedelta(days=rng.randint(2, 12))
    gates = [
        services.entrance_create(
            actor=None,
            compound=compound,
            name=name,
            kind=EntranceKind.BOTH if i == 0 else rng.choice(list(EntranceKind.values)),
        )
        for i, name in enumerate(GATE_NAMES[: rng.randint(1, 3)])
    ]
    last = gates[-1]
    for gate in gates:
        camera_since = None
        if tech_gap == 1 and gate is last:
            camera_since = long_since.pop(0) if long_since else recent
        _facility(compound, K.CAMERA, entrance=gate, quantity=rng.randint(1, 4), since=camera_since)
        if not (tech_gap == 2 and gate is last):
            _facility(compound, K.ACCESS_CONTROL, entrance=gate)
        if physical_gap == 1 and gate is last:
            _facility(compound, K.BARRIER, entrance=gate, since=recent)
        elif physical_gap != 2 or gate is not last:
            _facility(compound, K.BARRIER, entrance=gate)
    if tech_gap != 0:
        _facility(compound, K.ALARM, building="1号楼")
    perimeter_since = recent if physical_gap == 0 else None
    _facility(compound, K.PERIMETER, since=perimeter_since)
    _facility(compound, K.LIGHTING, building="1号楼", quantity=rng.randint(4, 12))
    fire_since = None
    if fire_long and long_since:
        fire_since = long_since.pop(0)
    _facility(compound, K.FIRE_EQUIPMENT, building="2号楼", quantity=2, since=fire_since)


def facility_demo_counts() -> dict[str, int]:
    in_district = {"compound__community__street__district__code": DISTRICT_CODE}
    return {
        "entrances": Entrance.objects.filter(**in_district).count(),
        "facilities": Facility.objects.filter(**in_district).count(),
        "facilities out of service": Facility.objects.filter(
            in_service=False, **in_district
        ).count(),
        "facility hazards": Facility.objects.filter(hazard__isnull=False, **in_district).count(),
    }


def _totals() -> int:
    counts = facility_demo_counts()
    return counts["entrances"] + counts["facilities"]


@transaction.atomic
def facilities_demo_seed(*, seed: int = DEFAULT_SEED) -> DemoStepReport:
    compounds = _demo_compounds()
    if not compounds:
        return DemoStepReport(title="Facilities demo (no demo city)", counts={}, created=0)
    before = _totals()
    today = timezone.localdate()
    too_long = settings.FACILITY_OUT_OF_SERVICE_DAYS
    long_since = [
        today - datetime.timedelta(days=too_long + 5 + 10 * i) for i in range(LONG_OUT_OF_SERVICE)
    ]
    with disable_auditlog():
        if not Entrance.objects.filter(compound__in=compounds).exists():
            rng = random.Random(f"{seed}:facilities")
            assessed = 0
            for i, compound in enumerate(compounds):
                if i % NOT_ASSESSED_EVERY[0] == NOT_ASSESSED_EVERY[1]:
                    _facility(compound, K.FIRE_EQUIPMENT, building="1号楼")
                    continue
                physical = assessed % PHYSICAL_GAP_EVERY[0] == PHYSICAL_GAP_EVERY[1]
                tech = assessed % TECH_GAP_EVERY[0] == TECH_GAP_EVERY[1]
                _compound(
                    rng,
                    compound,
                    physical_gap=(assessed // PHYSICAL_GAP_EVERY[0]) % 3 if physical else None,
                    tech_gap=(assessed // TECH_GAP_EVERY[0]) % 3 if tech else None,
                    long_since=long_since,
                    fire_long=assessed == 0,
                )
                assessed += 1
        services.facilities_raise_out_of_service_hazards(today=today)
    return DemoStepReport(
        title="Facilities demo (物防/技防)",
        counts=facility_demo_counts(),
        created=_totals() - before,
    )


register_demo_step(facilities_demo_seed)
