"""``seed_scale``: a province's worth of records on top of the demo city (issue 14).

At scale 1.0 (``FULL``): 20,000 compounds in new streets and communities of the demo district
青禾区 (a few communities in the demo's 禾丰街道, so ``street`` sees more), 2,000 new property
companies (demo companies A and B get a share of the new compounds, so ``manager`` and
``manager2`` see more), a million households with their residents, 300,000 dispute cases and
100,000 hazards spread from the first generated month to now (15 months with the default
three months: a month's 同比 has data), and a self-check for every company-run compound in
each of the last ``months`` complete months and the same months a year before (so 同比 has
data), each with its answers and timeline. Each record's status agrees with its timeline, so
the apps' monthly figures read the generated months as they read real ones.

Why not the services: they save row by row (and audit each row); a million households would
take hours. Here rows are drawn in memory from ``random.Random(seed)`` and written table by
table through ``scale.writer.TableWriter`` (COPY on PostgreSQL). Everything is invented: names
from the demo's name helpers, codes and numbers valid by construction (ID numbers carry their
check digit and are unique per document while the resident lives there; credit codes carry
theirs). Dates are relative to today, never after now.

Patrol teams and logs, watch groups and facilities come from ``scale.patrols``. Not generated
yet: activities, key management, supervision inspections, patrol findings, evidence files.
Organisations are made for the new companies only (the new streets and communities have no
office or committee logins).
"""

from __future__ import annotations

import datetime
import math
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

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
    CompoundKind,
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
from communities.months import month_moments, previous_month, same_month_last_year
from communities.validators import credit_code_check_char, id_number_check_char
from disputes.demo import CATEGORY_WEIGHTS, MEDIATION, PLANS, SOURCE_WEIGHTS
from disputes.models import (
    CaseAction,
    CaseEvent,
    Category,
    DisputeCase,
    Level,
    MediationSession,
    Party,
    PartyRole,
    ReturnVisit,
    Satisfaction,
    Status,
)
from disputes.services.deadlines import time_limit
from disputes.workdays import _exceptions, is_working_day
from inspections.models import (
    Answer,
    AnswerType,
    ChecklistItem,
    ChecklistTemplate,
    Hazard,
    HazardAction,
    HazardCategory,
    HazardEvent,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionAction,
    InspectionEvent,
    InspectionKind,
    InspectionStatus,
    Severity,
)
from inspections.scoring import score_answers

from .patrols import facilities_seed, patrols_seed, watch_groups_seed
from .writer import TableWriter

#: What scale 1.0 loads.
FULL = {
    "compounds": 20_000,
    "companies": 2_000,
    "households": 1_000_000,
    "disputes": 300_000,
    "hazards": 100_000,
}
DEFAULT_SEED = 14
DEFAULT_MONTHS = 3  # months of self-checks (each also a year before)
COMPOUNDS_PER_COMMUNITY = 10
COMMUNITIES_PER_STREET = 15
HEFENG_SHARE = 0.03  # of the new communities, in the demo's 禾丰街道
COMPANY_AB_SHARE = 0.01  # of the new company-run compounds, each for demo companies A and B
COMPANY_RUN = 0.92  # of the new compounds, run by a property company
CHUNK = 200  # compounds per batch of households and residents
BATCH = 5_000  # compounds per batch of self-checks; hazards or cases per batch
REGISTERED_SHARE = 0.97  # of floating residents, with a residence registration
LAPSED_SHARE = 0.02  # of those, the permit expired

#: Marks the generated companies' credit codes (the demo's own start ``91370899MA``): a run
#: finds them and refuses a second one.
CREDIT_PREFIX = "91370897MB"
# Invented region codes of the generated residents' ID numbers, none used by the demo.
REGISTERED_REGION = "370897"
FLOATING_REGIONS = ("410897", "340897", "130897", "320897")

K = CompoundKind
KIND_WEIGHTS = {K.COMMODITY: 45, K.OLD: 25, K.RESETTLEMENT: 12, K.WORK_UNIT: 10, K.OTHER: 8}
YEARS_BUILT = {
    K.OLD: (1980, 1999),
    K.WORK_UNIT: (1975, 1997),
    K.RESETTLEMENT: (2006, 2020),
    K.COMMODITY: (2000, 2022),
    K.OTHER: (2010, 2021),
}
SUFFIXES = {
    K.COMMODITY: ("花园", "家园", "名苑", "华庭", "雅居", "佳苑", "嘉园", "府"),
    K.OLD: ("小区", "新村", "里"),
    K.RESETTLEMENT: ("安置小区", "安置一区", "安置二区"),
    K.WORK_UNIT: ("宿舍", "家属院"),
    K.OTHER: ("公寓", "人才公寓"),
}
PLACE_CHARS = (
    "安宁和康泰福瑞祥丰华兴盛永嘉景明德惠清秀锦翠金玉春秋桂兰松柏竹梅荷桃杏柳泉溪湖河山岭坪湾岸桥园"
)
ROADS = ("路", "街", "大道", "巷")
SATISFACTION_WEIGHTS = {
    Satisfaction.VERY_SATISFIED: 45,
    Satisfaction.SATISFIED: 36,
    Satisfaction.NEUTRAL: 14,
    Satisfaction.DISSATISFIED: 5,
}
HAZARD_CATEGORY_WEIGHTS = {
    HazardCategory.FIRE: 35,
    HazardCategory.ELECTRICAL: 20,
    HazardCategory.BUILDING: 15,
    HazardCategory.TRAFFIC: 15,
    HazardCategory.PUBLIC_ORDER: 10,
    HazardCategory.OTHER: 5,
}
HAZARD_TEXT = {
    HazardCategory.FIRE: "楼道堆放杂物，堵塞消防通道。",
    HazardCategory.ELECTRICAL: "电动自行车在楼道内充电，飞线充电。",
    HazardCategory.BUILDING: "外墙瓷砖空鼓，有脱落风险。",
    HazardCategory.TRAFFIC: "车辆占用消防车通道停放。",
    HazardCategory.PUBLIC_ORDER: "单元门禁损坏，外来人员可随意进出。",
    HazardCategory.OTHER: "小区围墙局部破损。",
}
CASE_TEXT = "{compound}居民反映的纠纷，需调解处理。"
WORKER_NAMES = ("调解员", "网格员")


@dataclass
class Plan:
    """What the run writes: sizes from the scale, and the months it covers."""

    scale: float
    seed: int
    months: int
    today: datetime.date
    now: datetime.datetime

    def size(self, key: str) -> int:
        return max(1, round(FULL[key] * self.scale))

    @property
    def history_start(self) -> datetime.datetime:
        """Where disputes and hazards begin: the first generated month (a year before the
        earliest recent one), so every generated month's 同比 has something to compare."""
        return month_moments(self.check_months[0])[0]

    @property
    def check_months(self) -> list[datetime.date]:
        recent, month = [], self.today.replace(day=1)
        for _ in range(self.months):
            month = previous_month(month)
            recent.append(month)
        return sorted(recent + [same_month_last_year(m) for m in recent])


@dataclass
class Place:
    """A generated compound, with what later tables need to know about it."""

    pk: int
    code: str
    name: str
    street_id: int
    kind: str
    mode: str
    company_id: int | None = None
    company_name: str = ""
    organisation_id: int | None = None
    year_built: int = 2000


@dataclass
class Run:
    plan: Plan
    rng: random.Random
    writers: dict[str, TableWriter] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    holidays: dict = field(default_factory=dict)
    pending_logs: list = field(default_factory=list)  # patrol logs waiting for their batch

    def writer(self, model) -> TableWriter:
        label = model._meta.db_table
        if label not in self.writers:
            self.writers[label] = TableWriter(model)
        return self.writers[label]

    def at(self, day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
        naive = datetime.datetime.combine(day, datetime.time(hour, minute))
        return timezone.make_aware(naive)

    def moment_between(self, start: datetime.datetime, end: datetime.datetime):
        seconds = max(0, int((end - start).total_seconds()))
        return start + datetime.timedelta(seconds=self.rng.randrange(seconds + 1))


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
        _phase(run, "regions and compounds", lambda: _regions(run, district))
        _phase(run, "companies and terms", lambda: _companies(run, district))
        _phase(run, "households and residents", lambda: _homes(run))
        _phase(run, "self-checks", lambda: _self_checks(run))
        _phase(run, "hazards", lambda: _hazards(run))
        _phase(run, "disputes", lambda: _disputes(run))
        _phase(run, "patrols", lambda: patrols_seed(run))
        _phase(run, "facilities", lambda: facilities_seed(run))
    if connection.vendor == "postgresql":  # fresh statistics, so the planner sees the size
        started = time.monotonic()
        with connection.cursor() as cursor:
            for table in run.writers:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        run.phases["analyze"] = time.monotonic() - started
    tables = [(t, w.written, w.seconds) for t, w in run.writers.items()]
    return ScaleReport(tables=tables, steps=run.phases)


def _phase(run: Run, name: str, step) -> None:
    started = time.monotonic()
    step()
    run.phases[name] = time.monotonic() - started


# --- regions and compounds ------------------------------------------------------------------


def _place_name(rng: random.Random) -> str:
    return rng.choice(PLACE_CHARS) + rng.choice(PLACE_CHARS)


def _address(rng: random.Random) -> str:
    return f"{DISTRICT_NAME}{_place_name(rng)}{rng.choice(ROADS)}{rng.randint(1, 399)}号"


def _regions(run: Run, district: District) -> None:
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
            "name": f"{_place_name(rng)}街道",
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
            "name": f"{_place_name(rng)}社区",
        }
        for i, (street_id, street_code, n) in enumerate(slots)
    ]
    communities.write(community_rows)
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
        name = _place_name(rng) + rng.choice(SUFFIXES[kind])
        place = Place(
            pk=pk + i,
            code=f"{community['code']}{number:03d}",
            name=name,
            street_id=community["street_id"],
            kind=kind,
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
                "address": f"{DISTRICT_NAME}{_place_name(rng)}{rng.choice(ROADS)}"
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
    pairs = [a + b for a in PLACE_CHARS for b in PLACE_CHARS if a != b]
    rng.shuffle(pairs)
    kinds = ("物业服务有限公司", "物业管理有限公司")
    names = []
    for i in range(n):
        pair = pairs[i % len(pairs)]
        round_ = i // len(pairs)
        names.append(f"青禾{pair}{'' if round_ == 0 else round_}{kinds[i % 2]}")
    return names


def _companies(run: Run, district: District) -> None:
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
                "address": _address(rng),
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


def _homes(run: Run) -> None:
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


# --- self-checks ----------------------------------------------------------------------------


class _Answer:
    """An answer in memory, as ``inspections.scoring`` reads one (no model instance: cheap)."""

    __slots__ = (
        "item",
        "not_applicable",
        "value_bool",
        "value_number",
        "value_score",
        "value_text",
    )

    def __init__(self, item):
        self.item = item
        self.not_applicable = False
        self.value_bool = self.value_score = self.value_number = None
        self.value_text = ""


def _answers(rng: random.Random, items, quality: float) -> list[_Answer]:
    critical = [i for i in items if i.critical]
    failing = rng.choice(critical).pk if critical and rng.random() < 0.02 else None
    answers = []
    for item in items:
        a = _Answer(item)
        if item.answer_type == AnswerType.YES_NO:
            a.value_bool = item.pk != failing and rng.random() < quality + 0.08
        elif item.answer_type == AnswerType.SCORE:
            share = rng.uniform(0.2, 0.5) if item.pk == failing else rng.gauss(quality, 0.07)
            a.value_score = round(float(item.points) * min(1.0, max(0.0, share)))
        elif item.answer_type == AnswerType.NUMBER:
            a.value_number = rng.randint(1, 2) if item.pk == failing else 0
        else:
            a.value_text = "无"
        answers.append(a)
    return answers


def _self_checks(run: Run) -> None:
    template = ChecklistTemplate.objects.current()
    if template is None:
        return
    items = list(
        ChecklistItem.objects.filter(section__template=template).order_by(
            "section__order", "order", "pk"
        )
    )
    places = [p for p in run.places if p.company_id]
    quality = {p.pk: min(0.99, max(0.6, run.rng.gauss(0.9, 0.06))) for p in places}
    last = max(run.plan.check_months)
    for month in run.plan.check_months:
        for start in range(0, len(places), BATCH):  # a batch's answers stay in memory
            batch = places[start : start + BATCH]
            _month_checks(run, template, items, batch, quality, month, month == last)


def _check_status(rng: random.Random, last: bool) -> list[str]:
    """The check's steps: drafts, submitted, returned, approved (some returned once)."""
    roll = rng.random()
    if last and roll < 0.04:
        return []
    if last and roll < 0.2:
        return ["submit"]
    if last and roll < 0.23:
        return ["submit", "return"]
    if rng.random() < 0.05:
        return ["submit", "return", "submit", "approve"]
    return ["submit", "approve"]


TO_STATUS = {
    "open": InspectionStatus.DRAFT,
    "submit": InspectionStatus.SUBMITTED,
    "return": InspectionStatus.RETURNED,
    "approve": InspectionStatus.APPROVED,
}
ACTIONS = {
    "open": InspectionAction.OPEN,
    "submit": InspectionAction.SUBMIT,
    "return": InspectionAction.RETURN,
    "approve": InspectionAction.APPROVE,
}


def _check_times(run: Run, month: datetime.date, steps: list[str]) -> list[datetime.datetime]:
    rng = run.rng
    start, _end = month_moments(month)
    opened = start + datetime.timedelta(hours=1, minutes=rng.randrange(60))
    times = [opened]
    due = settings.INSPECTION_DUE_DAY
    moment = opened
    for step in steps:
        if step == "submit" and moment == opened:
            days = rng.randint(0, due - 1) if rng.random() < 0.85 else rng.randint(due, due + 12)
            moment = opened + datetime.timedelta(days=days, hours=rng.randint(1, 12))
        else:
            moment += datetime.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 6))
        times.append(moment)
    return times


def _month_checks(run, template, items, places, quality, month, last: bool) -> None:
    rng, now = run.rng, run.plan.now
    inspections, answers, events = (
        run.writer(Inspection),
        run.writer(Answer),
        run.writer(InspectionEvent),
    )
    pk = inspections.ids(len(places))
    check_rows, answer_rows, event_rows = [], [], []
    for i, place in enumerate(places):
        steps = ["open", *_check_status(rng, last)]
        times = _check_times(run, month, steps[1:])
        while times[-1] > now:  # a step not yet taken
            steps.pop()
            times.pop()
        row = {
            "id": pk + i,
            "compound_id": place.pk,
            "template_id": template.pk,
            "period": month,
            "kind": InspectionKind.SELF_CHECK,
            "status": TO_STATUS[steps[-1]],
            "organisation_id": place.organisation_id,
            "created_at": times[0],
            "updated_at": times[-1],
        }
        if len(steps) > 1:
            given = _answers(rng, items, rng.gauss(quality[place.pk], 0.03))
            score = score_answers(template, items, {a.item.pk: a for a in given})
            row["score"], row["result"] = score.percent, score.result
            submits = [t for s, t in zip(steps, times, strict=True) if s == "submit"]
            row["submitted_at"] = submits[-1]
            if steps[-1] in ("return", "approve"):
                row["reviewed_at"] = times[-1]
            if steps[-1] == "return":
                row["review_comment"] = "请补充整改说明。"
            for a in given:
                answer_rows.append(
                    {
                        "inspection_id": pk + i,
                        "item_id": a.item.pk,
                        "value_bool": a.value_bool,
                        "value_score": a.value_score,
                        "value_number": a.value_number,
                        "value_text": a.value_text,
                        "updated_at": row["submitted_at"],
                    }
                )
        check_rows.append(row)
        before = ""
        for step, at in zip(steps, times, strict=True):
            event_rows.append(
                {
                    "inspection_id": pk + i,
                    "action": ACTIONS[step],
                    "from_status": before,
                    "to_status": TO_STATUS[step],
                    "at": at,
                }
            )
            before = TO_STATUS[step]
    inspections.write(check_rows)
    _with_ids(answers, answer_rows)
    _with_ids(events, event_rows)


def _with_ids(writer: TableWriter, rows: list[dict]) -> None:
    first = writer.ids(len(rows))
    for i, row in enumerate(rows):
        row["id"] = first + i
    writer.write(rows)


# --- hazards --------------------------------------------------------------------------------


HAZARD_STEPS = [
    (HazardAction.RAISE, HazardStatus.OPEN),
    (HazardAction.START, HazardStatus.RECTIFYING),
    (HazardAction.RECTIFY, HazardStatus.RECTIFIED),
    (HazardAction.VERIFY, HazardStatus.VERIFIED),
]


def _hazards(run: Run) -> None:
    """Raised evenly from the first generated month to now; each moves on at its own pace (a
    slow few stay open past their deadline), so old ones are mostly verified, recent ones open."""
    plan = run.plan
    n = plan.size("hazards")
    span_start = plan.history_start
    raised = sorted(run.moment_between(span_start, plan.now) for _ in range(n))
    for start in range(0, n, BATCH):
        _hazard_batch(run, raised[start : start + BATCH])


def _hazard_batch(run: Run, raised: list[datetime.datetime]) -> None:
    rng, plan = run.rng, run.plan
    hazards, events = run.writer(Hazard), run.writer(HazardEvent)
    pk = hazards.ids(len(raised))
    rows, event_rows = [], []
    categories = list(HAZARD_CATEGORY_WEIGHTS)
    weights = list(HAZARD_CATEGORY_WEIGHTS.values())
    for i, at in enumerate(raised):
        place = rng.choice(run.places)
        category = rng.choices(categories, weights=weights)[0]
        deadline = timezone.localdate(at) + datetime.timedelta(days=rng.choice((7, 15, 30)))
        slow = rng.random() < 0.08
        times, moment = [at], at
        for _ in HAZARD_STEPS[1:]:
            gap = rng.randint(8, 40) if slow else rng.randint(1, 8)
            moment = moment + datetime.timedelta(days=gap, hours=rng.randint(0, 8))
            if moment > plan.now:
                break
            times.append(moment)
        status = HAZARD_STEPS[len(times) - 1][1]
        row = {
            "id": pk + i,
            "compound_id": place.pk,
            "source": rng.choice([HazardSource.PATROL, HazardSource.OTHER]),
            "category": category,
            "severity": rng.choices(
                [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.MAJOR],
                weights=[35, 45, 17, 3],
            )[0],
            "description": HAZARD_TEXT[category],
            "responsible_party": place.company_name or "社区居民委员会",
            "deadline": deadline,
            "status": status,
            "created_at": at,
            "updated_at": times[-1],
        }
        if len(times) > 2:
            row["rectified_at"] = times[2]
            row["rectification_note"] = "已按要求整改完毕。"
        if len(times) > 3:
            row["verified_at"] = times[3]
        rows.append(row)
        before = ""
        for (step_action, step_status), moment in zip(HAZARD_STEPS, times, strict=False):
            event_rows.append(
                {
                    "hazard_id": pk + i,
                    "action": step_action,
                    "from_status": before,
                    "to_status": step_status,
                    "at": moment,
                    "deadline": deadline,
                }
            )
            before = step_status
    hazards.write(rows)
    _with_ids(events, event_rows)


# --- disputes -------------------------------------------------------------------------------


def _add_working_days(run: Run, start: datetime.date, n: int) -> datetime.date:
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if is_working_day(day, run.holidays):
            counted += 1
    return day


@dataclass
class CaseDraft:
    """One case's timeline as drawn: steps (action, moment, status after, level after)."""

    place: Place
    category: str
    level: str
    registered_at: datetime.datetime
    steps: list = field(default_factory=list)
    deadline: datetime.date | None = None


def _case_script(run: Run, place: Place, at: datetime.datetime) -> CaseDraft:
    """Register, accept, one or two sessions, then resolve (most), escalate and resolve at the
    street, close unresolved or withdraw; each step after the last is cut where it would pass
    now, so recent cases are still open. A slow few take weeks between steps (overdue)."""
    rng = run.rng
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    draft = CaseDraft(place, category, Level.COMMUNITY, at)
    slow = rng.random() < 0.06
    moment = at

    def step(action: str, status: str, level: str, low: int, high: int) -> None:
        nonlocal moment
        gap = rng.randint(low, high) + (rng.randint(10, 30) if slow else 0)
        moment = moment + datetime.timedelta(days=gap, hours=rng.randint(0, 6))
        draft.steps.append((action, moment, status, level))

    draft.steps.append(("register", at, Status.REGISTERED, Level.COMMUNITY))
    roll = rng.random()
    if roll < 0.04:
        step("withdraw", Status.WITHDRAWN, Level.COMMUNITY, 1, 3)
        return draft
    level = Level.COMMUNITY
    if roll < 0.12:  # mediation fails at the community: the street takes it
        step("accept", Status.ACCEPTED, level, 0, 2)
        step("session", Status.MEDIATING, level, 2, 6)
        step("escalate", Status.ESCALATED, Level.STREET, 0, 2)
        level = Level.STREET
    step("accept", Status.ACCEPTED, level, 0, 2)
    step("session", Status.MEDIATING, level, 2, 6)
    if rng.random() < 0.4:
        step("session", Status.MEDIATING, level, 2, 6)
    if roll < 0.17:
        step("close", Status.CLOSED_UNRESOLVED, level, 0, 2)
        return draft
    step("resolve", Status.RESOLVED, level, 0, 2)
    if rng.random() < 0.85:
        step("visit", Status.RESOLVED, level, 4, 20)
    return draft


def _disputes(run: Run) -> None:
    """Registered evenly from the first generated month to now, numbered per street and year
    in order."""
    rng, plan = run.rng, run.plan
    n = plan.size("disputes")
    span_start = plan.history_start
    moments = sorted(run.moment_between(span_start, plan.now) for _ in range(n))
    numbers: dict[tuple[int, int], int] = {}
    for street_id, year, top in _top_sequences():
        numbers[(street_id, year)] = top
    street_codes = dict(Street.objects.values_list("pk", "code"))
    for start in range(0, n, BATCH):
        drafts = [
            _case_script(run, rng.choice(run.places), at) for at in moments[start : start + BATCH]
        ]
        _write_cases(run, drafts, numbers, street_codes)


def _top_sequences():
    from django.db.models import Max

    rows = DisputeCase.objects.values("street_id", "year").annotate(top=Max("sequence"))
    return [(r["street_id"], r["year"], r["top"]) for r in rows]


CASE_ACTIONS = {
    "register": CaseAction.REGISTER,
    "accept": CaseAction.ACCEPT,
    "session": CaseAction.SESSION,
    "escalate": CaseAction.ESCALATE,
    "resolve": CaseAction.RESOLVE,
    "close": CaseAction.CLOSE,
    "withdraw": CaseAction.WITHDRAW,
    "visit": CaseAction.VISIT,
}


def _write_cases(run: Run, drafts: list[CaseDraft], numbers, street_codes) -> None:
    rng, now = run.rng, run.plan.now
    cases = run.writer(DisputeCase)
    pk = cases.ids(len(drafts))
    case_rows, party_rows, event_rows, session_rows, visit_rows = [], [], [], [], []
    for i, draft in enumerate(drafts):
        case_id = pk + i
        steps = [s for s in draft.steps if s[1] <= now]
        place, category = draft.place, draft.category
        first_text, second_text, outcome = MEDIATION[category]
        year = timezone.localtime(draft.registered_at).year
        sequence = numbers.get((place.street_id, year), 0) + 1
        numbers[(place.street_id, year)] = sequence
        day = timezone.localdate(draft.registered_at)
        deadline = _add_working_days(run, day, time_limit(Level.COMMUNITY, category))
        row = {
            "id": case_id,
            "number": f"{street_codes[place.street_id]}-{year}-{sequence:04d}",
            "street_id": place.street_id,
            "year": year,
            "sequence": sequence,
            "compound_id": place.pk,
            "category": category,
            "source": rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0],
            "description": CASE_TEXT.format(compound=place.name),
            "registered_at": draft.registered_at,
            "created_at": draft.registered_at,
        }
        if category == Category.PROPERTY_SERVICE and place.company_id:
            row["respondent_company_id"] = place.company_id
        status, level, before, sessions, escalations = Status.REGISTERED, Level.COMMUNITY, "", 0, 0
        for action, at, to_status, to_level in steps:
            event = {
                "case_id": case_id,
                "action": CASE_ACTIONS[action],
                "from_status": before,
                "to_status": to_status,
                "at": at,
            }
            if action == "escalate":
                escalations += 1
                event["from_level"], event["to_level"] = level, to_level
                deadline = _add_working_days(
                    run, timezone.localdate(at), time_limit(to_level, category)
                )
            elif action in ("register", "accept"):
                event["to_level"] = to_level
                if action == "accept":
                    row["plan"] = PLANS[to_level]
                    deadline = _add_working_days(
                        run, timezone.localdate(at), time_limit(to_level, category)
                    )
            elif action == "session":
                held = timezone.localdate(at)
                agreed = (first_text, second_text)[min(sessions, 1)]
                sessions += 1
                event["note"] = f"{held.isoformat()} {agreed}"
                session_rows.append(
                    {
                        "case_id": case_id,
                        "held_on": held,
                        "mediators": f"{_person_name(rng)}、{_person_name(rng)}",
                        "agreed": agreed,
                        "recorded_at": at,
                    }
                )
            elif action == "resolve":
                row["outcome"] = outcome
                row["agreement_reached"] = rng.random() < 0.6
                row["closed_at"] = at
            elif action in ("close", "withdraw"):
                row["closed_at"] = at
                if action == "close":
                    row["referred_to"] = "court"
                    row["referred_where"] = "青禾区人民法院"
                    row["outcome"] = "调解不成，引导当事人依法诉讼。"
            elif action == "visit":
                satisfaction = rng.choices(
                    list(SATISFACTION_WEIGHTS), weights=list(SATISFACTION_WEIGHTS.values())
                )[0]
                row["satisfaction"] = satisfaction
                event["note"] = str(Satisfaction(satisfaction).label)
                visit_rows.append(
                    {
                        "case_id": case_id,
                        "visited_on": timezone.localdate(at),
                        "satisfaction": satisfaction,
                        "recorded_at": at,
                    }
                )
            event["deadline"] = deadline
            event_rows.append(event)
            status, level, before = to_status, to_level, to_status
        row.update(
            status=status,
            level=level,
            deadline=deadline,
            escalations=escalations,
            updated_at=steps[-1][1],
        )
        case_rows.append(row)
        for role in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
            party_rows.append(
                {"case_id": case_id, "role": role, "name": _person_name(rng), "phone": _mobile(rng)}
            )
    cases.write(case_rows)
    _with_ids(run.writer(Party), party_rows)
    _with_ids(run.writer(CaseEvent), event_rows)
    _with_ids(run.writer(MediationSession), session_rows)
    _with_ids(run.writer(ReturnVisit), visit_rows)
