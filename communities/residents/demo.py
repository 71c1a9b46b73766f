"""Residents (实有人口) of the demo city: a step of ``manage.py seed_demo``.

Most occupied households (``ROSTER_SHARE``) get a roster whose size roughly follows the typed
count (sometimes one fewer: not everyone is recorded yet); the rest keep only the typed counts,
so the figures' "typed counts" path shows too. Owner-occupied homes hold the owner (the
household's head, with the head's ID number where it has one) and family, now and then a
floating relative or a carer; rented homes hold tenants, mostly floating, a few from abroad
(passport, travel permits for Hong Kong, Macao and Taiwan residents, residence permits) — and
a few rented homes hold only a former tenant who moved out, so the work list shows rented homes
without a tenant. A few residents moved out and stay as history. Every rented home gets its
landlord's name and phone (the head of household where known).

Registrations (居住登记): the district's 列管率 lands near 98 % while the compounds in
``LOW_RATE_COMPOUNDS`` stay clearly lower (70–85 %); some permits expire within 30 days and a
handful have expired. Registered by the street's police station (invented: ``禾丰派出所``) or
the community.

Names, phones and ID numbers are invented (``communities.demo``); ID numbers carry valid GB 11643
check characters and are unique across the whole city, since a person lives in one household at
a time. Floating residents' numbers start with invented county codes of other provinces.

Deterministic: each household's residents are drawn from ``random.Random`` seeded with
``f"{seed}:residents"`` and the household's address (so a household typed in by hand changes
nobody else's, and a household left with its typed counts stays so), the registrations from
``random.Random(f"{seed}:residents")``; dates are relative to today (never after it), so the demo
works in any year. Idempotent: a household that already has residents is left alone, a rented
home with a landlord keeps it, so a second run writes nothing. Rows are written with
``bulk_create`` and one ``executemany`` (no audit entries, like the households).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from communities.demo import (
    DEFAULT_SEED,
    DISTRICT_CODE,
    DemoStepReport,
    _mobile,
    _person_name,
    backdate_rows,
    register_demo_step,
)
from communities.models import (
    Compound,
    DocumentType,
    Household,
    Occupancy,
    Relation,
    Resident,
    ResidentKind,
)
from communities.validators import id_number_check_char

from .figures import resident_figures

#: Compounds whose 列管率 the demo leaves clearly low (named in the README).
LOW_RATE_COMPOUNDS = ("粮机厂宿舍", "老电厂小区", "湾畔新村")
LOW_RATE = (0.72, 0.82)
DISTRICT_RATE = (0.976, 0.984)
OTHERS_AT_LEAST = 0.92  # the other compounds' rate stays at least this
ROSTER_SHARE = 0.87  # of occupied households with residents recorded
ONE_NOT_RECORDED = 0.3  # a household of several with one person not recorded yet
OWNER_FLOATING = 0.18  # owner-occupied homes with a floating relative or carer
RENTED_FLOATING_EXTRA = 0.5  # rented homes typed as local tenants that are floating after all
FOREIGN_TENANTS = 0.05  # of floating tenant households: from abroad
EMPTY_RENTED = 0.04  # rented homes with a roster: only a former tenant, nobody present
MOVED_OUT = 0.04  # homes with a resident who moved out, kept as history
EXPIRING = 0.04  # of valid registrations: the permit expires within 30 days
EXPIRED_SHARE = 0.35  # of registrations not valid: expired (the rest never registered)
NO_PHONE = 0.1
UNKNOWN_MOVED_IN = 0.05

# County codes of other provinces for floating residents, invented like the district's own 370899.
FLOATING_REGIONS = ("410899", "340899", "130899", "320899", "220899", "510899", "360899")
HMT_REGIONS = ("810000", "820000", "830000")
# fmt: off
LATIN_FAMILY = ("Smith", "Müller", "Kim", "Nguyen", "Tanaka", "Petrova", "Silva", "Khan", "Dubois")
LATIN_GIVEN = ("Anna", "John", "Minjun", "Linh", "Yuki", "Olga", "Lucas", "Amir", "Claire")
# fmt: on
FOREIGN_DOCUMENTS = (
    (DocumentType.PASSPORT, 40),
    (DocumentType.HK_MACAO_PERMIT, 25),
    (DocumentType.TAIWAN_PERMIT, 15),
    (DocumentType.HMT_RESIDENCE, 15),
    (DocumentType.FOREIGN_PERMANENT, 5),
)

VALID, EXPIRING_SOON, EXPIRED, UNREGISTERED = "valid", "expiring", "expired", "unregistered"


@dataclass
class _Draw:
    """What every drawing needs: the generator, today, and the documents already used."""

    rng: random.Random
    today: datetime.date
    taken: set[tuple[str, str]] = field(default_factory=set)

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def birth(self, age: int) -> datetime.date:
        return self.today - datetime.timedelta(days=age * 365 + self.rng.randrange(1, 365))

    def document(self, document_type: str, make) -> str:
        """A number from ``make()`` not yet held by anyone in the city."""
        while True:
            number = make()
            if (document_type, number) not in self.taken:
                self.taken.add((document_type, number))
                return number

    def id_card(self, region: str, birth: datetime.date) -> str:
        def make():
            first17 = f"{region}{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
            return first17 + id_number_check_char(first17)

        return self.document(DocumentType.ID_CARD, make)


def _adult_phone(draw: _Draw, age: int) -> str:
    return _mobile(draw.rng) if age >= 16 and draw.rng.random() >= NO_PHONE else ""


def _person(
    draw: _Draw,
    household: Household,
    *,
    age: int,
    kind: str,
    relation: str,
    moved_in: datetime.date | None,
    surname: str = "",
) -> Resident:
    """A resident of the household with an invented name, phone and document."""
    rng = draw.rng
    birth = draw.birth(age)
    name = _person_name(rng)
    if surname:
        name = surname + name[1:]
    if kind == ResidentKind.FOREIGN:
        document_type, number, name = _foreign_document(draw, birth, name)
    else:
        region = DISTRICT_CODE if kind == ResidentKind.REGISTERED else rng.choice(FLOATING_REGIONS)
        document_type, number = DocumentType.ID_CARD, draw.id_card(region, birth)
    if moved_in is not None:
        moved_in = max(moved_in, birth)
    return Resident(
        household=household,
        name=name,
        document_type=document_type,
        id_number=number,
        phone=_adult_phone(draw, age),
        kind=kind,
        relation=relation,
        moved_in=moved_in,
    )


def _foreign_document(draw: _Draw, birth: datetime.date, name: str) -> tuple[str, str, str]:
    rng = draw.rng
    kinds, weights = zip(*FOREIGN_DOCUMENTS, strict=True)
    document_type = rng.choices(kinds, weights=weights)[0]
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    if document_type == DocumentType.HMT_RESIDENCE:

        def make():
            first17 = f"{rng.choice(HMT_REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
            return first17 + id_number_check_char(first17)
    elif document_type == DocumentType.HK_MACAO_PERMIT:

        def make():
            return rng.choice("HM") + f"{rng.randrange(10**8):08d}"
    elif document_type == DocumentType.TAIWAN_PERMIT:

        def make():
            return f"{rng.randrange(10**8):08d}"
    elif document_type == DocumentType.FOREIGN_PERMANENT:

        def make():
            return "".join(rng.choice(letters) for _ in range(3)) + f"{rng.randrange(10**12):012d}"
    else:

        def make():
            return "".join(rng.choice(letters) for _ in range(2)) + f"{rng.randrange(10**7):07d}"

        name = f"{rng.choice(LATIN_GIVEN)} {rng.choice(LATIN_FAMILY)}"
    return document_type, draw.document(document_type, make), name


def _owner_moved_in(draw: _Draw, household: Household) -> datetime.date | None:
    if draw.rng.random() < UNKNOWN_MOVED_IN:
        return None
    since = datetime.date(max(household.compound.year_built, draw.today.year - 30), 1, 1)
    latest = draw.today - datetime.timedelta(days=30)
    if since >= latest:
        return latest
    return since + datetime.timedelta(days=draw.rng.randint(0, (latest - since).days))


def _owner_home(draw: _Draw, household: Household, size: int) -> list[Resident]:
    """The owner (the household's head where recorded), spouse, children, an elder, and now
    and then a floating relative or a carer (the typed floating resident among them)."""
    rng = draw.rng
    moved_in = _owner_moved_in(draw, household)
    owner_age = rng.randint(30, 78)
    owner = _person(
        draw,
        household,
        age=owner_age,
        kind=ResidentKind.REGISTERED,
        relation=Relation.OWNER,
        moved_in=moved_in,
    )
    head_number = (DocumentType.ID_CARD, household.head_id_number)
    if household.head_id_number and head_number not in draw.taken:
        draw.taken.discard((DocumentType.ID_CARD, owner.id_number))
        draw.taken.add(head_number)
        owner.id_number = household.head_id_number
        owner_age = max(18, draw.today.year - int(household.head_id_number[6:10]))
    owner.name = household.head_name or owner.name
    owner.phone = household.head_phone or owner.phone
    people = [owner]
    surname = owner.name[0]
    floating = household.floating_residents > 0 or rng.random() < OWNER_FLOATING
    for index in range(1, size):
        last = index == size - 1
        if last and floating:
            people.append(_floating_member(draw, household, owner_age, moved_in))
        elif index == 1 and rng.random() < 0.85:
            age = min(95, max(20, owner_age + rng.randint(-5, 5)))
            people.append(_family(draw, household, age, moved_in))
        elif index >= 3 and last and owner_age < 60 and rng.random() < 0.5:
            age = min(98, owner_age + rng.randint(22, 32))
            people.append(_family(draw, household, age, moved_in, surname=surname))
        else:
            age = max(0, owner_age - rng.randint(22, 40))
            people.append(_family(draw, household, age, moved_in, surname=surname))
    return people


def _family(draw, household, age, moved_in, *, surname="") -> Resident:
    return _person(
        draw,
        household,
        age=age,
        kind=ResidentKind.REGISTERED,
        relation=Relation.FAMILY,
        moved_in=moved_in,
        surname=surname,
    )


def _floating_member(draw: _Draw, household, owner_age: int, moved_in) -> Resident:
    """A parent who came to live with their children (随迁老人) or a live-in carer."""
    rng = draw.rng
    if rng.random() < 0.5 and owner_age < 65:
        age = min(95, owner_age + rng.randint(24, 32))
        since = (
            draw.days_ago(20, 1500) if moved_in is None else max(moved_in, draw.days_ago(20, 1500))
        )
        return _person(
            draw,
            household,
            age=age,
            kind=ResidentKind.FLOATING,
            relation=Relation.FAMILY,
            moved_in=since,
        )
    return _person(
        draw,
        household,
        age=rng.randint(35, 62),
        kind=ResidentKind.FLOATING,
        relation=Relation.OTHER,
        moved_in=draw.days_ago(20, 1500),
    )


def _rented_home(draw: _Draw, household: Household, size: int) -> list[Resident]:
    """Tenants: floating where the typed counts say so (and some more), a few from abroad."""
    rng = draw.rng
    floating = household.floating_residents > 0 or rng.random() < RENTED_FLOATING_EXTRA
    kind = ResidentKind.FLOATING if floating else ResidentKind.REGISTERED
    if floating and rng.random() < FOREIGN_TENANTS:
        kind = ResidentKind.FOREIGN
    moved_in = draw.days_ago(15, 1400)
    first_age = rng.randint(20, 55)
    first = _tenant(draw, household, first_age, kind, moved_in)
    people = [first]
    couple = rng.random() < 0.5
    for index in range(1, size):
        if couple and index == 1:
            age = max(20, first_age + rng.randint(-4, 4))
            people.append(_tenant(draw, household, age, kind, moved_in))
        elif couple:
            age = rng.randint(0, max(0, min(30, first_age - 21)))
            surname = "" if kind == ResidentKind.FOREIGN else first.name[0]
            people.append(_tenant(draw, household, age, kind, moved_in, surname=surname))
        else:  # flatmates, each moving in on a day of their own
            since = max(moved_in, draw.days_ago(10, 1400))
            people.append(_tenant(draw, household, rng.randint(19, 45), kind, since))
    return people


def _tenant(draw, household, age, kind, moved_in, *, surname="") -> Resident:
    return _person(
        draw,
        household,
        age=age,
        kind=kind,
        relation=Relation.TENANT,
        moved_in=moved_in,
        surname=surname,
    )


def _moved_out(draw: _Draw, household: Household, before: datetime.date | None) -> Resident:
    """A resident who moved out, kept as history: a former tenant of a rented home (gone
    before ``before``, the present tenants' moving in), a grown child of an owner's."""
    rng = draw.rng
    if household.occupancy == Occupancy.RENTED:
        latest = (before or draw.today) - datetime.timedelta(days=1)
        moved_out = latest - datetime.timedelta(days=rng.randint(0, 300))
        moved_in = moved_out - datetime.timedelta(days=rng.randint(120, 1000))
        person = _tenant(draw, household, rng.randint(20, 50), ResidentKind.FLOATING, moved_in)
        person.registered_on = moved_in + datetime.timedelta(days=rng.randint(0, 20))
        person.registered_by = _registrar(draw, household)
        person.permit_expires = person.registered_on + datetime.timedelta(days=365)
    else:
        person = _family(draw, household, rng.randint(20, 35), before)
        moved_out = draw.days_ago(30, 1500)
        if person.moved_in and moved_out < person.moved_in:
            moved_out = person.moved_in + (draw.today - person.moved_in) / 2
    person.moved_out = moved_out
    return person


def _roster(draw: _Draw, household: Household) -> list[Resident]:
    """The household's residents (present and moved out), or [] to keep the typed counts."""
    rng = draw.rng
    if household.occupancy == Occupancy.VACANT or household.residents == 0:
        return []
    if rng.random() >= ROSTER_SHARE:
        return []
    size = household.residents
    if size > 1 and rng.random() < ONE_NOT_RECORDED:
        size -= 1
    if household.occupancy == Occupancy.RENTED:
        if rng.random() < EMPTY_RENTED:  # between tenants, or the new ones not recorded yet
            return [_moved_out(draw, household, None)]
        people = _rented_home(draw, household, size)
    else:
        people = _owner_home(draw, household, size)
    if rng.random() < MOVED_OUT:
        first_in = min((p.moved_in for p in people if p.moved_in), default=None)
        people.append(_moved_out(draw, household, first_in))
    return people


def _landlord(draw: _Draw, household: Household) -> tuple[str, str, int]:
    """谁出租谁负责: the owner who lets the home (the head of household where recorded)."""
    name = household.head_name or _person_name(draw.rng)
    phone = household.head_phone or _mobile(draw.rng)
    return (name, phone, household.pk)


def _registrar(draw: _Draw, household: Household) -> str:
    """Who registered a residence: the street's police station (invented) or, less often,
    the community."""
    community = household.compound.community
    if draw.rng.random() < 0.75:
        return community.street.name.removesuffix("街道") + "派出所"
    return community.name


def _statuses(rng: random.Random, registering: list[Resident], low: set[int]) -> list[str]:
    """The registration status of each present registering resident: in the low compounds
    enough not validly registered for 70–85 %, elsewhere enough for the district's ~98 %,
    spread so that no other compound falls under ``OTHERS_AT_LEAST``."""
    by_compound: dict[int, list[int]] = {}
    for index, person in enumerate(registering):
        by_compound.setdefault(person.household.compound_id, []).append(index)
    invalid: set[int] = set()
    for compound_id in sorted(low & set(by_compound)):
        indexes = by_compound[compound_id]
        count = max(1, round(len(indexes) * (1 - rng.uniform(*LOW_RATE))))
        invalid.update(rng.sample(indexes, count))
    wanted = round(len(registering) * (1 - rng.uniform(*DISTRICT_RATE))) - len(invalid)
    others = [i for i, p in enumerate(registering) if p.household.compound_id not in low]
    rng.shuffle(others)
    taken: dict[int, int] = {}
    for index in others:
        if wanted <= 0:
            break
        compound_id = registering[index].household.compound_id
        if taken.get(compound_id, 0) + 1 <= len(by_compound[compound_id]) * (1 - OTHERS_AT_LEAST):
            taken[compound_id] = taken.get(compound_id, 0) + 1
            invalid.add(index)
            wanted -= 1
    expired = set(rng.sample(sorted(invalid), round(len(invalid) * EXPIRED_SHARE)))
    statuses = []
    for index in range(len(registering)):
        if index in invalid:
            statuses.append(EXPIRED if index in expired else UNREGISTERED)
        else:
            statuses.append(EXPIRING_SOON if rng.random() < EXPIRING else VALID)
    return statuses


def _register(draw: _Draw, person: Resident, status: str, registrar: str) -> None:
    """Fill the residence registration for the status (dates never after today). A permit runs
    a year from the registration and is renewed each year; an expired one was not renewed."""
    rng, today = draw.rng, draw.today
    if status == UNREGISTERED:
        return
    year = datetime.timedelta(days=365)
    if status == EXPIRED:
        person.permit_expires = draw.days_ago(1, 120)
        person.registered_on = person.permit_expires - year * rng.randint(1, 2)
        if person.moved_in is None or person.moved_in > person.registered_on:
            person.moved_in = person.registered_on - datetime.timedelta(days=rng.randint(0, 20))
    else:
        since = person.moved_in or draw.days_ago(100, 2000)
        person.registered_on = min(today, since + datetime.timedelta(days=rng.randint(0, 25)))
        if status == EXPIRING_SOON:
            person.permit_expires = today + datetime.timedelta(days=rng.randint(0, 30))
        else:
            renewals = (today - person.registered_on).days // 365 + 1
            person.permit_expires = person.registered_on + year * renewals
            if person.permit_expires <= today + datetime.timedelta(days=30):
                person.permit_expires += year
    person.registered_by = registrar


def _district_households():
    return (
        Household.objects.filter(compound__community__street__district__code=DISTRICT_CODE)
        .select_related("compound__community__street")
        .order_by("compound__code", "building", "unit", "room", "pk")
    )


def _plan(
    key: str, today: datetime.date, taken: set[tuple[str, str]]
) -> tuple[list[Resident], list[tuple[str, str, int]]]:
    """The residents to write and the landlords ``(name, phone, household id)`` to set."""
    in_district = {"household__compound__community__street__district__code": DISTRICT_CODE}
    filled = set(Resident.objects.filter(**in_district).values_list("household_id", flat=True))
    draw = _Draw(random.Random(key), today, taken)
    new: list[Resident] = []
    landlords = []
    for household in _district_households():
        if household.pk in filled:
            continue
        # Each household from a generator of its own: whatever was typed by hand elsewhere,
        # a household draws the same residents (and a second run the same "no roster").
        address = (household.compound.code, household.building, household.unit, household.room)
        draw.rng = random.Random(f"{key}:{'/'.join(address)}")
        new += _roster(draw, household)
        if household.occupancy == Occupancy.RENTED and not household.landlord_name:
            landlords.append(_landlord(draw, household))
    registering = [p for p in new if p.moved_out is None and p.kind != ResidentKind.REGISTERED]
    low = set(
        Compound.objects.filter(
            community__street__district__code=DISTRICT_CODE, name__in=LOW_RATE_COMPOUNDS
        ).values_list("pk", flat=True)
    )
    draw.rng = random.Random(key)
    for person, status in zip(registering, _statuses(draw.rng, registering, low), strict=True):
        _register(draw, person, status, _registrar(draw, person.household))
    return new, landlords


def _present_documents() -> set[tuple[str, str]]:
    return set(
        Resident.objects.filter(moved_out__isnull=True).values_list("document_type", "id_number")
    )


def residents_demo_counts(today: datetime.date | None = None) -> dict[str, int]:
    compounds = Compound.objects.filter(community__street__district__code=DISTRICT_CODE)
    figures = resident_figures(compounds, today)
    return {
        "residents recorded": Resident.objects.filter(household__compound__in=compounds).count(),
        "households with residents": figures.with_roster,
        "residents counted": figures.residents,  # rosters, else typed counts
        "  floating or from abroad": figures.floating,
        "  registered (列管)": figures.rate.registered,
        "rented homes without a tenant": figures.rented_without_tenant,
    }


def residents_demo_seed(*, seed: int = DEFAULT_SEED) -> DemoStepReport:
    """Write the demo's residents and landlords once (households with residents are left
    alone)."""
    today = timezone.localdate()
    with transaction.atomic():
        new, landlords = _plan(f"{seed}:residents", today, _present_documents())
        Resident.objects.bulk_create(new, batch_size=500)
        backdate_rows(Household, ["landlord_name", "landlord_phone"], landlords)
    return DemoStepReport(
        title="Residents demo (实有人口, 以房管人)",
        counts=residents_demo_counts(today),
        created=len(new),
    )


register_demo_step(residents_demo_seed)
