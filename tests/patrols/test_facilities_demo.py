"""The facilities demo (a ``seed_demo`` step): coverage near the seed's figures among the
assessed compounds, a few compounds not assessed, facilities out of service and one long enough
that the job raised its hazard; deterministic and idempotent."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from communities.demo import DEMO_STEPS, DISTRICT_CODE
from communities.models import Compound
from patrols import facility_coverage as fc
from patrols.facility_demo import facilities_demo_seed, facility_demo_counts
from patrols.models import Entrance, Facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    call_command("seed_demo", city_only=True, households_per_compound=1, stdout=StringIO())


def _demo_compounds():
    return Compound.objects.filter(community__street__district__code=DISTRICT_CODE)


def _fingerprint():
    rows = Facility.objects.values_list(
        "compound__code", "entrance__name", "kind", "quantity", "in_service", "hazard_id"
    )
    return sorted(rows, key=lambda row: tuple(str(v) for v in row))


def test_the_step_is_registered_for_seed_demo():
    assert facilities_demo_seed in DEMO_STEPS


def test_coverage_lands_near_the_seeds_figures(city):
    report = facilities_demo_seed()
    assert report.created > 0
    figures = fc.facility_coverage(_demo_compounds())
    assert figures.compounds == 60 and figures.not_assessed == 5
    assert Decimal("87") <= figures.physical_rate <= Decimal("92")
    assert Decimal("82") <= figures.tech_rate <= Decimal("88")
    counts = facility_demo_counts()
    assert counts["facilities out of service"] >= 5
    assert counts["facility hazards"] == 2  # raised by the job, once each


def test_the_step_is_idempotent_and_deterministic(city):
    facilities_demo_seed()
    first = _fingerprint()
    again = facilities_demo_seed()
    assert again.created == 0
    assert _fingerprint() == first
    Facility.objects.all().delete()
    Entrance.objects.all().delete()
    facilities_demo_seed()
    assert [row[:5] for row in _fingerprint()] == [row[:5] for row in first]
