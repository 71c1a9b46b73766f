"""The register's share of ``seed_scale``: streets, communities (a few in 禾丰街道), compounds,
companies with their organisations and management terms, households with their residents."""

from __future__ import annotations

import datetime
import math
import random

from django.db import connection

from communities.demo import (
    COMPANY_NAMES,
    DISTRICT_CODE,
    DISTRICT_NAME,
    PlannedCompound,
    _households,
    _mobile,
    _person_name,
)
from communities.models import (
    Community,
    Compound,
    District,
    DocumentType,
    Household,
    ManagementMode,
    ManagementTerm,
    Occupancy,
    Organisation,
    OrganisationKind,
    PropertyCompany,
    Relation,
    Resident,
    ResidentKind,
    Street,
)
from communities.validators import credit_code_check_char, id_number_check_char

from .patrols import watch_groups_seed
from .plan import (
    CHUNK,
    COMMUNITIES_PER_STREET,
    COMPANY_AB_SHARE,
    COMPANY_RUN,
    COMPOUNDS_PER_COMMUNITY,
    CREDIT_PREFIX,
    FLOATING_REGIONS,
    FULL,
    HEFENG_SHARE,
    KIND_WEIGHTS,
    LAPSED_SHARE,
    PLACE_CHARS,
    REGISTERED_REGION,
    REGISTERED_SHARE,
    ROADS,
    SUFFIXES,
    YEARS_BUILT,
    Place,
    Run,
    address,
    place_name,
)

# --- regions and compounds ------------------------------------------------------------------


def regions_seed(run: Run, district: District) -> None:
    """New streets and communities (a few in 禾丰街道), and their compounds."""
    rng, plan = run.rng, run.plan
    n_compounds = plan.size("compounds")
    n_communities = max(2, math.ceil(n_compounds / COMPOUNDS_PER_COMMUNITY))
    in_hefeng = max(1, round(n_communities * HEFENG_SHARE))
    n_streets = max(1, math.ceil((n_communities - in_hefeng) / COMMUNITIES_PER_STREET))
    hefeng = Street.objects.get(code=f"{DISTRICT_CODE}001")
    codes = Street.objects.filter(district=district).values_list("code", flat=True)
    next_street = max(int(c[6:]) for c in codes) + 1
    if next_street + n_streets > 1000:
        raise ValueError("The demo district has no room for that many streets (999 at most).")
    now = plan.now
    streets = run.writer(Street)
    first = streets.ids(n_streets)
    street_rows = [
        {
            "id": first + i,
            "district_id": district.pk,
            "code": f"{DISTRICT_CODE}{next_street + i:03d}",
            "name": f"{place_name(rng)}街道",
        }
        for i in range(n_streets)
    ]
    streets.write(street_rows)
    hefeng_codes = Community.objects.filter(street=hefeng).values_list("code", flat=True)
    next_hefeng = max(int(c[9:]) for c in hefeng_codes) + 1
    slots = [(hefeng.pk, hefeng.code, next_hefeng + i) for i in range(in_hefeng)]
    for i in range(n_communities - in_hefeng):
        row = street_rows[i // COMMUNITIES_PER_STREET]
        slots.append((row["id"], row["code"], i % COMMUNITIES_PER_STREET + 1))
    communities = run.writer(Community)
    first = communities.ids(len(slots))
    community_rows = [
        {
            "id": first + i,
            "street_id": street_id,
            "code": f"{street_code}{n:03d}",
            "name": f"{place_name(rng)}社区",
        }
        for i, (street_id, street_code, n) in enumerate(slots)
    ]
    communities.write(community_rows)
    run.communities = [(row["id"], row["name"]) for row in community_rows]
    compounds = run.writer(Compound)
    pk = compounds.ids(n_compounds)
    rows = []
    for i in range(n_compounds):
        community = community_rows[i % len(community_rows)]
        number = i // len(community_rows) + 1
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        mode = ManagementMode.PROPERTY_COMPANY
        if rng.random() > COMPANY_RUN:
            mode = rng.choice([ManagementMode.QUASI, ManagementMode.NONE, ManagementMode.SELF])
        name = place_name(rng) + rng.choice(SUFFIXES[kind])
        place = Place(
            pk=pk + i,
            code=f"{community['code']}{number:03d}",
            name=name,
            street_id=community["street_id"],
            kind=kind,
            community_id=community["id"],
            community_name=community["name"],
            mode=mode,
            year_built=rng.randint(*YEARS_BUILT[kind]),
        )
        run.places.append(place)
        created = now - datetime.timedelta(days=rng.randint(800, 2000))
        rows.append(
            {
                "id": place.pk,
                "community_id": community["id"],
                "code": place.code,
                "name": name,
                "address": f"{DISTRICT_NAME}{place_name(rng)}{rng.choice(ROADS)}"
                f"{rng.randint(1, 399)}号",
                "kind": kind,
                "year_built": place.year_built,
                "management_mode": mode,
                "has_owners_committee": rng.random() < 0.4,
                "created_at": created,
                "updated_at": created,
            }
        )
    compounds.write(rows)


# --- companies, their organisations and management terms ------------------------------------


def _base31(n: int, width: int) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    digits = []
    for _ in range(width):
        n, r = divmod(n, 31)
        digits.append(alphabet[r])
    return "".join(reversed(digits))


def _company_names(rng: random.Random, n: int) -> list[str]:
    """Invented names, none already taken by a company or an organisation (both unique)."""
    taken = set(PropertyCompany.objects.values_list("name", flat=True))
    taken |= set(Organisation.objects.values_list("name", flat=True))
    pairs = [a + b for a in PLACE_CHARS for b in PLACE_CHARS if a != b]
    rng.shuffle(pairs)
    kinds = ("物业服务有限公司", "物业管理有限公司")
    names, i = [], 0
    while len(names) < n:
        pair, round_ = pairs[i % len(pairs)], i // len(pairs)
        name = f"青禾{pair}{'' if round_ == 0 else round_}{kinds[i % 2]}"
        if name not in taken:
            names.append(name)
        i += 1
    return names


def companies_seed(run: Run, district: District) -> None:
    """New companies with their organisations; every company-run compound gets its current
    term, begun before the first generated month; A and B get their share."""
    rng, plan = run.rng, run.plan
    n = plan.size("companies")
    companies = run.writer(PropertyCompany)
    first = companies.ids(n)
    rows = []
    for i, name in enumerate(_company_names(rng, n)):
        first17 = CREDIT_PREFIX + _base31(i, 7)
        rows.append(
            {
                "id": first + i,
                "name": name,
                "credit_code": first17 + credit_code_check_char(first17),
                "district_id": district.pk,
                "contact_person": _person_name(rng),
                "contact_phone": _mobile(rng),
                "address": address(rng),
                "created_at": plan.now,
                "updated_at": plan.now,
            }
        )
    companies.write(rows)
    organisations = run.writer(Organisation)
    first_org = organisations.ids(n)
    organisations.write(
        [
            {
                "id": first_org + i,
                "name": row["name"],
                "kind": OrganisationKind.PROPERTY_COMPANY,
                "property_company_id": row["id"],
            }
            for i, row in enumerate(rows)
        ]
    )
    demo = {
        c.name: c
        for c in PropertyCompany.objects.filter(name__in=COMPANY_NAMES[:2]).select_related(
            "organisation"
        )
    }
    ours = [(row["id"], row["name"], first_org + i) for i, row in enumerate(rows)]
    ab = [(c.pk, c.name, c.organisation.pk) for c in (demo[n] for n in COMPANY_NAMES[:2])]
    run_by_company = [p for p in run.places if p.mode == ManagementMode.PROPERTY_COMPANY]
    share = max(1, round(len(run_by_company) * COMPANY_AB_SHARE))
    earliest = plan.check_months[0]
    terms = run.writer(ManagementTerm)
    pk = terms.ids(len(run_by_company))
    term_rows = []
    for i, place in enumerate(run_by_company):
        if i < 2 * share:
            company = ab[i % 2]
        else:
            company = ours[i % len(ours)] if i < len(ours) + 2 * share else rng.choice(ours)
        place.company_id, place.company_name, place.organisation_id = company
        start = datetime.date(rng.randint(2014, earliest.year - 1), rng.choice((1, 4, 7, 10)), 1)
        term_rows.append(
            {
                "id": pk + i,
                "compound_id": place.pk,
                "company_id": place.company_id,
                "start": start,
                "contract_number": f"QHWY-{start.year}-{place.code[-8:]}",
            }
        )
    terms.write(term_rows)


# --- households and residents ---------------------------------------------------------------


class Documents:
    """Unique ID-card numbers: a running number per region and birthday (1000 a day, then the
    next day), so no two residents share a document."""

    def __init__(self):
        self.used: dict[tuple[str, datetime.date], int] = {}

    def id_card(self, region: str, birth: datetime.date) -> str:
        while True:
            n = self.used.get((region, birth), 0)
            if n < 1000:
                self.used[(region, birth)] = n + 1
                first17 = f"{region}{birth:%Y%m%d}{n:03d}"
                return first17 + id_number_check_char(first17)
            birth += datetime.timedelta(days=1)


def homes_seed(run: Run) -> None:
    per_compound = max(1, round(FULL["households"] / FULL["compounds"]))
    documents = Documents()
    for start in range(0, len(run.places), CHUNK):
        chunk = run.places[start : start + CHUNK]
        households = []
        for place in chunk:
            planned = PlannedCompound(
                code=place.code,
                community_code="",
                name=place.name,
                address="",
                kind=place.kind,
                year_built=place.year_built,
            )
            _households(run.rng, planned, per_compound)
            households.append((place, planned.households))
        _write_homes(run, households, documents)
        _compound_counts(households)


def _compound_counts(households) -> None:
    """The register's typed counts (buildings, households) follow the generated rooms."""
    rows = []
    for place, homes in households:
        buildings = len({h["building"] for h in homes})
        rows.append((buildings, len(homes), place.pk))
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE communities_compound SET building_count = %s, household_count = %s "
            "WHERE id = %s",
            rows,
        )


def _write_homes(run: Run, households, documents: Documents) -> None:
    rng, plan = run.rng, run.plan
    residents, grouped = [], []
    writer = run.writer(Household)
    total = sum(len(homes) for _place, homes in households)
    pk = writer.ids(total)
    rows = []
    for place, homes in households:
        grouped.append((place, [(pk + i, home) for i, home in enumerate(homes)]))
        for home in homes:
            row = {"id": pk, "compound_id": place.pk, **home}
            row["created_at"] = row["updated_at"] = plan.now - datetime.timedelta(
                days=rng.randint(400, 900)
            )
            if home["occupancy"] == Occupancy.RENTED:
                row["landlord_name"] = home["head_name"] or _person_name(rng)
                row["landlord_phone"] = home["head_phone"] or _mobile(rng)
            rows.append(row)
            residents.extend(_people(run, documents, pk, home))
            pk += 1
    writer.write(rows)
    people = run.writer(Resident)
    first = people.ids(len(residents))
    for i, row in enumerate(residents):
        row["id"] = first + i
    people.write(residents)
    watch_groups_seed(run, grouped)


def _registration(rng: random.Random, today: datetime.date, moved_in: datetime.date) -> dict:
    """The latest residence registration: within a month of moving in, renewed since (a permit
    runs three years); a few have let it lapse (expired within the last months)."""
    registered = min(today, moved_in + datetime.timedelta(days=rng.randint(1, 30)))
    registered = max(registered, today - datetime.timedelta(days=rng.randint(30, 900)))
    expires = registered + datetime.timedelta(days=3 * 365)
    if registered < today - datetime.timedelta(days=100) and rng.random() < LAPSED_SHARE:
        expires = today - datetime.timedelta(days=rng.randint(1, 90))
    return {
        "registered_on": registered,
        "registered_by": "青禾区公安分局派出所",
        "permit_expires": expires,
    }


def _people(run: Run, documents: Documents, household_id: int, home: dict) -> list[dict]:
    """The roster: as many people as the typed count, the floating ones last."""
    rng, today = run.rng, run.plan.today
    count, floating = home["residents"], home["floating_residents"]
    rented = home["occupancy"] == Occupancy.RENTED
    moved_in = today - datetime.timedelta(days=rng.randint(60, 4000 if not rented else 1200))
    rows = []
    for index in range(count):
        is_floating = index >= count - floating
        age = rng.randint(20, 75) if index == 0 else rng.randint(1, 85)
        birth = today - datetime.timedelta(days=age * 365 + rng.randrange(1, 365))
        region = rng.choice(FLOATING_REGIONS) if is_floating else REGISTERED_REGION
        relation = Relation.OWNER if index == 0 else Relation.FAMILY
        relation = Relation.TENANT if rented else relation
        row = {
            "household_id": household_id,
            "name": (home["head_name"] if index == 0 and home["head_name"] else "")
            or _person_name(rng),
            "document_type": DocumentType.ID_CARD,
            "id_number": documents.id_card(region, birth),
            "phone": _mobile(rng) if age >= 16 and rng.random() < 0.9 else "",
            "kind": ResidentKind.FLOATING if is_floating else ResidentKind.REGISTERED,
            "relation": relation,
            "moved_in": max(moved_in, birth),
            "created_at": run.plan.now,
            "updated_at": run.plan.now,
        }
        if is_floating and rng.random() < REGISTERED_SHARE:
            row.update(_registration(rng, today, row["moved_in"]))
        rows.append(row)
    return rows
