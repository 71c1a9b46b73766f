"""The demo city that ``manage.py seed_demo`` loads: invented names, valid codes, idempotent.

青禾区 (district code 370899) does not exist; neither do its streets, communities, compounds,
companies or people. Codes and numbers are valid by construction: street = district code +
3 digits, community = street code + 3 digits, credit codes and ID numbers carry the right
check character, phones are well-formed mobile numbers.

Two steps: ``demo_city_plan`` draws the whole city from ``random.Random(seed)`` without
touching the database (the same seed gives the same city), and ``demo_city_seed`` writes what
is missing. Rows that exist are found by their natural keys (codes, names, usernames)
and left as they are, so a second run writes nothing; households are registered only in demo
compounds that have none yet. They are inserted with ``bulk_create`` for speed, so
django-auditlog does not log those rows.

Other apps add their own demo data as *steps* (``register_demo_step``), which ``seed_demo`` runs
after the city: communities never imports them (imports point one way).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from communities.models import (
    Community,
    Compound,
    CompoundKind,
    District,
    Household,
    ManagementMode,
    ManagementTerm,
    Membership,
    Occupancy,
    Organisation,
    OrganisationKind,
    PropertyCompany,
    Role,
    SafeTitleLevel,
    Street,
)
from communities.services import membership_set, membership_sync_user
from communities.validators import credit_code_check_char, id_number_check_char

# A published demo password, for the demo city only.
DEMO_PASSWORD = "SafeCompound-2026"  # noqa: S105
DEFAULT_SEED = 2026
DEFAULT_HOUSEHOLDS_PER_COMPOUND = 70

DISTRICT_CODE = "370899"
DISTRICT_NAME = "青禾区"
BUREAU_NAME = "青禾区住房和城乡建设局"

K = CompoundKind
# Street name, its roads, and its communities with their compounds (name, type).
# fmt: off
STREETS: list[tuple[str, list[str], list[tuple[str, list[tuple[str, str]]]]]] = [
    (
        "禾丰街道",
        ["禾丰路", "稻香街", "丰乐大道", "晓园路"],
        [
            ("稻香社区", [("稻香苑", K.COMMODITY), ("禾丰家园", K.COMMODITY),
                          ("丰收新村", K.OLD), ("粮机厂宿舍", K.WORK_UNIT),
                          ("锦禾华庭", K.COMMODITY)]),
            ("丰乐社区", [("丰乐小区", K.OLD), ("御禾湾", K.COMMODITY),
                          ("丰乐安置小区", K.RESETTLEMENT), ("金穗花园", K.COMMODITY),
                          ("农机站家属院", K.WORK_UNIT)]),
            ("晓园社区", [("晓园新村", K.OLD), ("春晖里", K.COMMODITY),
                          ("翠禾名苑", K.COMMODITY), ("供销社宿舍", K.WORK_UNIT),
                          ("麦浪嘉园", K.COMMODITY)]),
        ],
    ),
    (
        "泉源街道",
        ["泉源路", "玉泉街", "石桥路", "润泽巷"],
        [
            ("玉泉社区", [("玉泉花园", K.COMMODITY), ("泉韵雅居", K.COMMODITY),
                          ("玉泉西区", K.OLD), ("水务局家属院", K.WORK_UNIT),
                          ("泉畔人家", K.COMMODITY)]),
            ("泉润社区", [("泉润佳苑", K.COMMODITY), ("润泽园", K.COMMODITY),
                          ("泉润南苑安置小区", K.RESETTLEMENT), ("老电厂小区", K.OLD),
                          ("清泉湾", K.COMMODITY)]),
            ("石桥社区", [("石桥新村", K.OLD), ("石桥安置一区", K.RESETTLEMENT),
                          ("石桥安置二区", K.RESETTLEMENT), ("桥东花园", K.COMMODITY),
                          ("仪表厂宿舍", K.WORK_UNIT)]),
        ],
    ),
    (
        "柳湾街道",
        ["柳湾大道", "滨河路", "杏林街", "观澜路"],
        [
            ("柳岸社区", [("柳岸名居", K.COMMODITY), ("柳荫小区", K.OLD),
                          ("河畔公寓", K.OTHER), ("柳岸春天", K.COMMODITY),
                          ("纺织厂宿舍", K.WORK_UNIT)]),
            ("湾畔社区", [("湾畔花园", K.COMMODITY), ("滨湾华府", K.COMMODITY),
                          ("湾畔新村", K.OLD), ("渔港安置小区", K.RESETTLEMENT),
                          ("观澜苑", K.COMMODITY)]),
            ("杏林社区", [("杏林小区", K.OLD), ("杏林雅苑", K.COMMODITY),
                          ("区医院家属院", K.WORK_UNIT), ("杏坛佳园", K.COMMODITY),
                          ("杏林人才公寓", K.OTHER)]),
        ],
    ),
    (
        "东坪街道",
        ["东坪路", "松坪街", "向阳路", "坪西大道"],
        [
            ("坪西社区", [("坪西新村", K.OLD), ("坪西安置小区", K.RESETTLEMENT),
                          ("东坪印象", K.COMMODITY), ("西坪花苑", K.COMMODITY),
                          ("砖瓦厂宿舍", K.WORK_UNIT)]),
            ("松坪社区", [("松坪苑", K.COMMODITY), ("松涛小区", K.OLD),
                          ("松坪安置小区", K.RESETTLEMENT), ("翠松华庭", K.COMMODITY),
                          ("林场家属院", K.WORK_UNIT)]),
            ("向阳社区", [("向阳小区", K.OLD), ("向阳新城", K.COMMODITY),
                          ("朝晖嘉苑", K.COMMODITY), ("农机修造厂宿舍", K.WORK_UNIT),
                          ("向阳安置小区", K.RESETTLEMENT)]),
        ],
    ),
]
# fmt: on

COMPANY_NAMES = [
    "青禾安居物业服务有限公司",  # company A
    "泉润和家物业管理有限公司",  # company B
    "禾丰瑞祥物业服务有限公司",
    "柳湾德润物业管理有限公司",
    "东坪锦程物业服务有限公司",
    "青禾康泰物业管理有限公司",
    "泉源祥和物业服务有限公司",
    "禾城鑫诚物业服务有限公司",
    "柳岸众邦物业管理有限公司",
    "青禾惠民物业服务有限公司",
    "坪西润泽物业服务有限公司",
    "禾丰青松物业管理有限公司",
    "泉源明苑物业服务有限公司",
    "青禾城投物业服务有限公司",
    "柳湾和顺物业服务有限公司",
]
# Company A and B each run several compounds; B runs one in 禾丰街道 (the `street` user's
# street) outside 稻香社区 (the `community` user's), so the isolation is visible on screen.
COMPANY_A_COMPOUNDS = ["稻香苑", "禾丰家园", "御禾湾", "玉泉花园", "泉韵雅居", "柳岸名居"]
COMPANY_B_COMPOUNDS = ["麦浪嘉园", "桥东花园", "清泉湾", "东坪印象", "松坪苑"]
# Company B ran 稻香苑 before company A took over: manager2 must not see it any more.
B_FORMERLY_RAN = "稻香苑"

DEMO_USERS = [
    # username, full name (invented), what the user sees
    ("bureau", "孟庆和", "整个青禾区 / the whole district"),
    ("street", "韩雪梅", "禾丰街道 / one street"),
    ("community", "邵志远", "稻香社区 / one community"),
    ("manager", "钱立新", "公司A所管小区 / company A's compounds"),
    ("manager2", "汤文静", "公司B所管小区 / company B's compounds"),
]

SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许"
    "傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文海波辉鹏飞宇浩晨欣怡佳雨"
    "婷雪梅凤德庆春秋东亮振宏丹瑞琳晓慧颖倩嘉俊峰岩松林森彬锋淑云琴桂芝翠永福荣"
)
MOBILE_PREFIXES = [
    *("134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159"),
    *("182", "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "176"),
    *("133", "153", "180", "181", "189", "177", "199", "198"),
]

# Per compound type: units per building, floors, rooms per floor, size relative to average,
# and occupancy weights (owner-occupied, rented, vacant).
LAYOUT = {
    K.OLD: ((1, 3), (4, 6), 2, 0.7, (62, 28, 10)),
    K.WORK_UNIT: ((1, 2), (3, 5), 2, 0.5, (60, 30, 10)),
    K.RESETTLEMENT: ((2, 3), (6, 11), 2, 1.3, (70, 20, 10)),
    K.COMMODITY: ((2, 2), (6, 18), 2, 1.3, (74, 14, 12)),
    K.OTHER: ((1, 1), (5, 12), 4, 0.8, (30, 60, 10)),
}
YEARS_BUILT = {
    K.OLD: (1982, 1998),
    K.WORK_UNIT: (1978, 1996),
    K.RESETTLEMENT: (2008, 2019),
    K.COMMODITY: (2003, 2021),
    K.OTHER: (2012, 2020),
}
OCCUPANCIES = [Occupancy.OWNER, Occupancy.RENTED, Occupancy.VACANT]


@dataclass
class PlannedCompound:
    code: str
    community_code: str
    name: str
    address: str
    kind: str
    year_built: int
    management_mode: str = ManagementMode.PROPERTY_COMPANY
    has_owners_committee: bool = False
    title_level: str = SafeTitleLevel.NONE
    title_year: int | None = None
    building_count: int = 0
    household_count: int = 0
    households: list[dict] = field(default_factory=list)


@dataclass
class PlannedTerm:
    compound_code: str
    company_name: str
    start: datetime.date
    end: datetime.date | None
    contract_number: str


@dataclass
class DemoCity:
    streets: list[tuple[str, str]]  # code, name
    communities: list[tuple[str, str, str]]  # code, name, street code
    compounds: list[PlannedCompound]
    companies: list[dict]
    terms: list[PlannedTerm]


@dataclass
class DemoSummary:
    counts: dict[str, int]
    households_created: int
    users: list[tuple[str, str, str]]  # username, organisation, what they see


def _person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.8:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _id_number(rng: random.Random) -> str:
    birth = datetime.date(rng.randint(1942, 2003), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{DISTRICT_CODE}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_number_check_char(first17)


def _credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = f"91{DISTRICT_CODE}MA" + "".join(rng.choice(alphabet) for _ in range(7))
    return first17 + credit_code_check_char(first17)


def _households(rng: random.Random, compound: PlannedCompound, per_compound: int) -> None:
    (units_lo, units_hi), (floors_lo, floors_hi), rooms, size, weights = LAYOUT[compound.kind]
    units = rng.randint(units_lo, units_hi)
    floors = rng.randint(floors_lo, floors_hi)
    target = per_compound * size * rng.uniform(0.6, 1.4)
    buildings = max(1, round(target / (units * floors * rooms)))
    compound.building_count = buildings
    compound.household_count = buildings * units * floors * rooms
    # One-unit buildings often leave the unit out of the address; a compound decides once.
    unit_label = units > 1 or rng.random() < 0.5
    for building in range(1, buildings + 1):
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for room in range(1, rooms + 1):
                    if rng.random() < 0.04:  # not registered yet
                        continue
                    compound.households.append(
                        _household(
                            rng,
                            weights,
                            building=str(building),
                            unit=str(unit) if unit_label else "",
                            room=f"{floor}{room:02d}",
                        )
                    )


def _household(rng: random.Random, weights, *, building: str, unit: str, room: str) -> dict:
    occupancy = rng.choices(OCCUPANCIES, weights=weights)[0]
    residents = floating = 0
    if occupancy == Occupancy.OWNER:
        residents = rng.choices(range(1, 7), weights=(10, 25, 30, 22, 10, 3))[0]
        floating = 1 if rng.random() < 0.05 else 0
    elif occupancy == Occupancy.RENTED:
        residents = rng.choices(range(1, 5), weights=(30, 35, 25, 10))[0]
        floating = residents if rng.random() < 0.8 else 0
    named = rng.random() < (0.5 if occupancy == Occupancy.VACANT else 0.9)
    name = _person_name(rng) if named else ""
    phone = _mobile(rng) if named and rng.random() < 0.8 else ""
    id_number = _id_number(rng) if named and rng.random() < 0.45 else ""
    return {
        "building": building,
        "unit": unit,
        "room": room,
        "occupancy": occupancy,
        "residents": residents,
        "floating_residents": floating,
        "head_name": name,
        "head_phone": phone,
        "head_id_number": id_number,
    }


def _management(rng: random.Random, compounds: list[PlannedCompound]) -> None:
    """Old and work-unit compounds: some quasi-property, some none, a few self-managed."""
    older = [c for c in compounds if c.kind in (K.OLD, K.WORK_UNIT)]
    rng.shuffle(older)
    modes = [ManagementMode.QUASI] * 9 + [ManagementMode.NONE] * 4 + [ManagementMode.SELF] * 2
    for compound, mode in zip(older, modes, strict=False):
        compound.management_mode = mode
    for compound in compounds:
        newer = compound.kind in (K.COMMODITY, K.RESETTLEMENT)
        compound.has_owners_committee = rng.random() < (0.55 if newer else 0.15)
    titled = [c for c in compounds if c.management_mode != ManagementMode.NONE]
    levels = [SafeTitleLevel.PROVINCE] + [SafeTitleLevel.CITY] * 3 + [SafeTitleLevel.COUNTY] * 5
    for compound, level in zip(rng.sample(titled, len(levels)), levels, strict=True):
        compound.title_level = level
        compound.title_year = rng.randint(2021, 2025)


def _terms(rng: random.Random, compounds: list[PlannedCompound]) -> list[PlannedTerm]:
    by_name = {c.name: c for c in compounds}
    company_of: dict[str, str] = {}
    for name in COMPANY_A_COMPOUNDS:
        company_of[name] = COMPANY_NAMES[0]
    for name in COMPANY_B_COMPOUNDS:
        company_of[name] = COMPANY_NAMES[1]
    others = [
        c.name
        for c in compounds
        if c.management_mode == ManagementMode.PROPERTY_COMPANY and c.name not in company_of
    ]
    rng.shuffle(others)
    # Every other company runs at least two compounds; the rest go to them at random.
    rest = COMPANY_NAMES[2:]
    for i, name in enumerate(others):
        company_of[name] = rest[i % len(rest)] if i < 2 * len(rest) else rng.choice(rest)
    terms = []
    handed_over = {B_FORMERLY_RAN, *rng.sample(sorted(others), 4)}
    for name in sorted(company_of, key=lambda n: by_name[n].code):
        compound = by_name[name]
        start = datetime.date(rng.randint(2017, 2023), rng.choice((1, 4, 7, 10)), 1)
        if name in handed_over:
            before = COMPANY_NAMES[1] if name == B_FORMERLY_RAN else rng.choice(rest)
            if before == company_of[name]:
                before = rest[(rest.index(before) + 1) % len(rest)]
            start = datetime.date(rng.randint(2020, 2023), 1, 1)
            past_start = datetime.date(start.year - rng.randint(3, 6), 1, 1)
            terms.append(_term(compound, before, past_start, start - datetime.timedelta(days=1)))
        terms.append(_term(compound, company_of[name], start, None))
    # A company that withdrew: the street's service centre has run it since (准物业).
    quasi = sorted(
        (c for c in compounds if c.management_mode == ManagementMode.QUASI), key=lambda c: c.code
    )
    if quasi:
        terms.append(
            _term(quasi[0], rest[-1], datetime.date(2012, 1, 1), datetime.date(2019, 6, 30))
        )
    return terms


def _term(compound: PlannedCompound, company: str, start, end) -> PlannedTerm:
    number = f"QHWY-{start.year}-{compound.code[-6:]}"
    return PlannedTerm(compound.code, company, start, end, number)


def demo_city_plan(
    *, seed: int = DEFAULT_SEED, households_per_compound: int = DEFAULT_HOUSEHOLDS_PER_COMPOUND
) -> DemoCity:
    """Draw the whole demo city from ``seed``: no database access; same seed, same city."""
    rng = random.Random(seed)
    streets, communities, compounds = [], [], []
    for s, (street_name, roads, community_rows) in enumerate(STREETS, start=1):
        street_code = f"{DISTRICT_CODE}{s:03d}"
        streets.append((street_code, street_name))
        for c, (community_name, compound_rows) in enumerate(community_rows, start=1):
            community_code = f"{street_code}{c:03d}"
            communities.append((community_code, community_name, street_code))
            for n, (name, kind) in enumerate(compound_rows, start=1):
                compound = PlannedCompound(
                    code=f"{community_code}{n:03d}",
                    community_code=community_code,
                    name=name,
                    address=f"{DISTRICT_NAME}{rng.choice(roads)}{rng.randint(1, 399)}号",
                    kind=kind,
                    year_built=rng.randint(*YEARS_BUILT[kind]),
                )
                _households(rng, compound, households_per_compound)
                compounds.append(compound)
    _management(rng, compounds)
    companies = [
        {
            "name": name,
            "credit_code": _credit_code(rng),
            "contact_person": _person_name(rng),
            "contact_phone": _mobile(rng),
            "address": f"{DISTRICT_NAME}{rng.choice(rng.choice(STREETS)[1])}"
            f"{rng.randint(1, 399)}号",
        }
        for name in COMPANY_NAMES
    ]
    return DemoCity(streets, communities, compounds, companies, _terms(rng, compounds))


@transaction.atomic
def demo_city_seed(
    *, seed: int = DEFAULT_SEED, households_per_compound: int = DEFAULT_HOUSEHOLDS_PER_COMPOUND
) -> DemoSummary:
    """Write the demo city: what exists (by code, name or username) is left alone."""
    city = demo_city_plan(seed=seed, households_per_compound=households_per_compound)
    district, _ = District.objects.get_or_create(
        code=DISTRICT_CODE, defaults={"name": DISTRICT_NAME}
    )
    streets = {
        code: Street.objects.get_or_create(code=code, defaults={"district": district, "name": n})[0]
        for code, n in city.streets
    }
    communities = {
        code: Community.objects.get_or_create(
            code=code, defaults={"street": streets[street_code], "name": n}
        )[0]
        for code, n, street_code in city.communities
    }
    compounds = {}
    for p in city.compounds:
        compounds[p.code], _ = Compound.objects.get_or_create(
            code=p.code,
            defaults={
                "community": communities[p.community_code],
                "name": p.name,
                "address": p.address,
                "kind": p.kind,
                "year_built": p.year_built,
                "management_mode": p.management_mode,
                "has_owners_committee": p.has_owners_committee,
                "title_level": p.title_level,
                "title_year": p.title_year,
                "building_count": p.building_count,
                "household_count": p.household_count,
            },
        )
    companies = {}
    for row in city.companies:
        company, _ = PropertyCompany.objects.get_or_create(
            name=row["name"], defaults={**row, "district": district}
        )
        companies[company.name] = company
    for t in city.terms:
        ManagementTerm.objects.get_or_create(
            compound=compounds[t.compound_code],
            company=companies[t.company_name],
            start=t.start,
            defaults={"end": t.end, "contract_number": t.contract_number},
        )
    organisations = _organisations(district, streets, communities, companies)
    users = _users(organisations)
    created = _households_seed(city, compounds)
    return DemoSummary(counts=demo_city_counts(), households_created=created, users=users)


def _organisation(name: str, kind: str, **area) -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind, **area})[0]


def _organisations(district, streets, communities, companies) -> dict[str, Organisation]:
    """Every unit gets its organisation; returns the five the demo users belong to."""
    bureau = _organisation(BUREAU_NAME, OrganisationKind.BUREAU, district=district)
    offices = [
        _organisation(f"{s.name}办事处", OrganisationKind.STREET_OFFICE, street=s)
        for s in streets.values()
    ]
    committees = [
        _organisation(f"{c.name}居民委员会", OrganisationKind.COMMUNITY_COMMITTEE, community=c)
        for c in communities.values()
    ]
    firms = [
        _organisation(c.name, OrganisationKind.PROPERTY_COMPANY, property_company=c)
        for c in companies.values()
    ]
    return {
        "bureau": bureau,
        "street": offices[0],
        "community": committees[0],
        "manager": firms[0],
        "manager2": firms[1],
    }


def _users(organisations: dict[str, Organisation]) -> list[tuple[str, str, str]]:
    """The five demo logins, admins of their organisations; a password is set only once."""
    user_model = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is the slow part
    rows = []
    for username, full_name, sees in DEMO_USERS:
        organisation = organisations[username]
        user, _ = user_model.objects.get_or_create(
            username=username, defaults={"password": password, "first_name": full_name}
        )
        has_role = Membership.objects.filter(
            user=user, organisation=organisation, role=Role.ADMIN
        ).exists()
        if has_role:
            membership_sync_user(user=user)  # writes nothing when groups already follow
        else:
            membership_set(user=user, organisation=organisation, role=Role.ADMIN)
        rows.append((username, organisation.name, sees))
    return rows


def _households_seed(city: DemoCity, compounds: dict[str, Compound]) -> int:
    """Register the households of demo compounds that have none yet, in bulk.

    A compound that has households (seeded before, or typed in by hand) is left alone.
    Returns how many were created.
    """
    filled = set(
        Household.objects.filter(compound__in=compounds.values())
        .values_list("compound_id", flat=True)
        .distinct()
    )
    new = [
        Household(compound=compounds[p.code], **row)
        for p in city.compounds
        if compounds[p.code].pk not in filled
        for row in p.households
    ]
    Household.objects.bulk_create(new, batch_size=500)
    return len(new)


def demo_city_counts() -> dict[str, int]:
    """How many rows of each kind the demo district holds."""
    in_district = {"community__street__district__code": DISTRICT_CODE}
    return {
        "districts": District.objects.filter(code=DISTRICT_CODE).count(),
        "streets": Street.objects.filter(district__code=DISTRICT_CODE).count(),
        "communities": Community.objects.filter(street__district__code=DISTRICT_CODE).count(),
        "compounds": Compound.objects.filter(**in_district).count(),
        "property companies": PropertyCompany.objects.filter(district__code=DISTRICT_CODE).count(),
        "management terms": ManagementTerm.objects.filter(
            compound__community__street__district__code=DISTRICT_CODE
        ).count(),
        "households": Household.objects.filter(
            compound__community__street__district__code=DISTRICT_CODE
        ).count(),
    }


@dataclass
class DemoStepReport:
    """What a demo step reports: a title, counts of what the demo holds, and how many rows it
    wrote this run (0 on a second run)."""

    title: str
    counts: dict[str, int]
    created: int


DemoStep = Callable[..., DemoStepReport]

#: Steps other apps registered (from their ``AppConfig.ready``), run in order after the city.
DEMO_STEPS: list[DemoStep] = []


def register_demo_step(step: DemoStep) -> DemoStep:
    """Add a step ``step(*, seed: int) -> DemoStepReport`` to ``seed_demo``; registering the same
    step twice keeps one. A step must be idempotent and find the city by its natural keys."""
    if step not in DEMO_STEPS:
        DEMO_STEPS.append(step)
    return step


def demo_steps_run(*, seed: int = DEFAULT_SEED) -> list[DemoStepReport]:
    """Run the registered steps on the demo city, in order (each in its own transaction)."""
    return [step(seed=seed) for step in DEMO_STEPS]


def backdate_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """``UPDATE … SET field = value, … WHERE pk = …`` for each row ``(*values, pk)``, as one
    ``executemany`` (``bulk_update`` builds a CASE per row: far slower for thousands of rows).
    The demo steps move what the services stamped "now" back into the past with it. Values
    are prepared by their fields as ``QuerySet.update()`` would (an aware datetime is stored
    the way Django stores it: in UTC on SQLite)."""
    if not rows:
        return
    opts = model._meta
    columns = [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name  # names from the model's metadata; values are parameters
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    table, pk = quote(opts.db_table), quote(opts.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_value(v, connection) for f, v in zip(columns, row[:-1], strict=True)]
        + [row[-1]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
