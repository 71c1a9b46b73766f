"""The residents demo (a ``seed_demo`` step): rosters for most occupied demo households, about
2.6 a home and a fifth floating, valid and unique documents, landlords for rented homes, a
district 列管率 near 98 % with the named compounds clearly lower, permits expiring and expired;
deterministic, idempotent, written in bulk, and the same in any year."""

import datetime
from io import StringIO

import pytest
import time_machine
from auditlog.context import disable_auditlog
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.demo import DEMO_STEPS, DISTRICT_CODE
from communities.models import (
    Compound,
    DocumentType,
    Household,
    Occupancy,
    Relation,
    Resident,
    ResidentKind,
)
from communities.residents import demo
from communities.residents.figures import registration_rate, registration_rate_by, with_counts
from communities.residents.worklist import WorkItem, item_counts
from communities.validators import id_number_check_char, validate_document_number

HOUSEHOLDS_PER_COMPOUND = 40
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _city():
    call_command(
        "seed_demo",
        city_only=True,
        households_per_compound=HOUSEHOLDS_PER_COMPOUND,
        stdout=StringIO(),
    )


@pytest.fixture
def city(db):
    _city()


@pytest.fixture
def residents(city):
    return demo.residents_demo_seed()


def _compounds():
    return Compound.objects.filter(community__street__district__code=DISTRICT_CODE)


def _rows():
    return Resident.objects.filter(household__compound__in=_compounds())


def _fingerprint():
    return sorted(
        _rows().values_list(
            "household__compound__code",
            "household__building",
            "household__unit",
            "household__room",
            "name",
            "document_type",
            "id_number",
            "phone",
            "kind",
            "relation",
            "moved_in",
            "moved_out",
            "registered_on",
            "registered_by",
            "permit_expires",
        ),
        key=repr,
    )


def _landlords():
    return set(
        Household.objects.filter(compound__in=_compounds()).values_list(
            "pk", "landlord_name", "landlord_phone", "updated_at"
        )
    )


def _roster_figures():
    """Occupied households with a roster, residents present in them, of whom floating."""
    homes = with_counts(Household.objects.filter(compound__in=_compounds())).exclude(
        occupancy=Occupancy.VACANT
    )
    return homes.aggregate(
        occupied=Count("pk"),
        with_roster=Count("pk", filter=Q(roster=True)),
        present=Sum("roster_present", filter=Q(roster=True)),
        floating=Sum("roster_floating", filter=Q(roster=True)),
    )


def test_the_step_is_registered_for_seed_demo():
    assert demo.residents_demo_seed in DEMO_STEPS


def test_the_step_writes_thousands_of_residents_in_bulk(city):
    with CaptureQueriesContext(connection) as queries:
        report = demo.residents_demo_seed()

    assert report.created == _rows().count() > 2000
    assert report.counts["residents recorded"] == report.created
    # bulk_create in batches (SQLite: about 60 rows a statement) and one executemany for the
    # landlords: no query per resident or per household.
    assert len(queries) <= report.created / 50 + 20


def test_most_occupied_homes_have_a_roster_of_about_2_6_residents(residents):
    figures = _roster_figures()

    assert 0.8 <= figures["with_roster"] / figures["occupied"] <= 0.93
    assert 2.3 <= figures["present"] / figures["with_roster"] <= 2.9
    owners = Resident.objects.filter(household__compound__in=_compounds(), relation=Relation.OWNER)
    assert owners.filter(household__occupancy=Occupancy.OWNER).count() == owners.count() > 0
    # The owner is the household's head where the register names one.
    owner = owners.exclude(household__head_id_number="").select_related("household").first()
    assert owner.name == owner.household.head_name
    assert owner.id_number == owner.household.head_id_number


def test_a_fifth_or_so_are_floating_and_a_few_come_from_abroad(residents):
    figures = _roster_figures()
    assert 0.15 <= figures["floating"] / figures["present"] <= 0.25

    foreign = _rows().filter(kind=ResidentKind.FOREIGN)
    documents = set(foreign.values_list("document_type", flat=True))
    assert {DocumentType.PASSPORT, DocumentType.HK_MACAO_PERMIT} <= documents
    assert DocumentType.ID_CARD not in documents
    assert 0 < foreign.count() < 0.05 * _rows().filter(kind=ResidentKind.FLOATING).count()
    floating = _rows().filter(kind=ResidentKind.FLOATING).values_list("id_number", flat=True)
    assert not any(number.startswith(DISTRICT_CODE) for number in floating)


def test_every_document_is_valid_and_nobody_lives_in_two_households(residents):
    documents = list(_rows().values_list("document_type", "id_number", "moved_out"))
    for document_type, number, _moved_out in documents:
        validate_document_number(document_type, number)
    present = [(t, n) for t, n, moved_out in documents if moved_out is None]
    assert len(set(present)) == len(present)
    # Every rule of the model holds, for a sample of each kind and every moved-out resident.
    sample = list(_rows().filter(moved_out__isnull=False))
    for kind in ResidentKind.values:
        sample += list(_rows().filter(kind=kind, moved_out__isnull=True).order_by("pk")[:150])
    assert len(sample) > 300
    for person in sample:
        person.full_clean(validate_constraints=False)


def test_no_date_is_after_today_and_some_residents_moved_out(residents):
    today = timezone.localdate()
    for name in ("moved_in", "moved_out", "registered_on"):
        assert not _rows().filter(**{f"{name}__gt": today}).exists(), name
    moved_out = _rows().filter(moved_out__isnull=False)
    assert moved_out.filter(relation=Relation.TENANT).exists()
    assert moved_out.filter(relation=Relation.FAMILY).exists()
    assert moved_out.count() < 0.05 * _rows().count()


def test_the_district_rate_is_near_98_percent_and_the_named_compounds_are_clearly_lower(
    residents,
):
    rate = registration_rate(_compounds())
    assert 0.97 <= rate.rate <= 0.99

    names = dict(_compounds().values_list("pk", "name"))
    by_compound = registration_rate_by(_compounds())
    low = {names[pk]: r.rate for pk, r in by_compound.items() if r.rate < 0.9}
    assert set(low) == set(demo.LOW_RATE_COMPOUNDS)
    assert all(0.65 <= value <= 0.86 for value in low.values()), low
    assert residents.counts["  registered (列管)"] == rate.registered


def test_some_permits_expire_within_30_days_and_a_handful_have_expired(residents):
    counts = item_counts(_rows(), Household.objects.filter(compound__in=_compounds()))

    assert counts[WorkItem.EXPIRING] >= 10
    assert 3 <= counts[WorkItem.EXPIRED] <= counts[WorkItem.UNREGISTERED]
    registered = _rows().exclude(registered_on=None)
    stations = {f"{s}派出所" for s in ("禾丰", "泉源", "柳湾", "东坪")}
    registrars = set(registered.values_list("registered_by", flat=True))
    assert stations <= registrars
    assert registrars - stations <= set(_compounds().values_list("community__name", flat=True))
    assert not registered.filter(kind=ResidentKind.REGISTERED).exists()


def test_rented_homes_have_a_landlord_and_some_have_no_tenant_recorded(residents):
    rented = Household.objects.filter(compound__in=_compounds(), occupancy=Occupancy.RENTED)
    assert not rented.filter(Q(landlord_name="") | Q(landlord_phone="")).exists()
    for household in rented[:100]:
        household.full_clean()
    homes = with_counts(rented)
    with_tenant = homes.filter(tenant_count__gt=0).count()
    without = homes.filter(tenant_count=0)
    assert with_tenant > 0.8 * rented.count()
    # Some with a roster (a former tenant moved out) and some with only the typed counts.
    assert without.filter(roster=True).exists()
    assert without.filter(roster=False).exists()
    assert residents.counts["rented homes without a tenant"] == without.count()
    assert (
        not Household.objects.filter(compound__in=_compounds(), occupancy=Occupancy.OWNER)
        .exclude(landlord_name="")
        .exists()
    )


def test_a_second_run_writes_nothing_and_the_same_seed_draws_the_same_residents(residents):
    once, landlords = _fingerprint(), _landlords()

    again = demo.residents_demo_seed()

    assert again.created == 0
    assert _fingerprint() == once
    assert _landlords() == landlords
    assert again.counts == residents.counts
    with disable_auditlog():
        _rows().delete()
    Household.objects.update(landlord_name="", landlord_phone="")
    demo.residents_demo_seed()
    assert _fingerprint() == once


FIRST17 = "37089919900101123"


def test_a_household_with_residents_is_left_alone(city):
    household = (
        Household.objects.filter(compound__in=_compounds(), occupancy=Occupancy.RENTED)
        .order_by("pk")
        .first()
    )
    Resident.objects.create(
        household=household,
        name="王自填",
        id_number=FIRST17 + id_number_check_char(FIRST17),
        kind=ResidentKind.REGISTERED,
        relation=Relation.TENANT,
    )

    demo.residents_demo_seed()

    assert list(household.people.values_list("name", flat=True)) == ["王自填"]
    household.refresh_from_db()
    assert household.landlord_name == ""


@pytest.mark.parametrize(
    "today", [datetime.date(2031, 2, 28), datetime.date(2029, 12, 31)], ids=str
)
def test_the_demo_works_in_another_year(db, today):
    noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=SHANGHAI)
    with time_machine.travel(noon, tick=False):
        assert timezone.localdate() == today
        _city()
        demo.residents_demo_seed()

        assert not _rows().filter(moved_in__gt=today).exists()
        assert not _rows().filter(registered_on__gt=today).exists()
        for document_type, number in _rows().values_list("document_type", "id_number"):
            validate_document_number(document_type, number)
        assert 0.97 <= registration_rate(_compounds()).rate <= 0.99
        counts = item_counts(_rows(), Household.objects.filter(compound__in=_compounds()))
        assert counts[WorkItem.EXPIRING] > 0
        assert counts[WorkItem.EXPIRED] > 0
