"""What a ``seed_scale`` run knows: its sizes and months, the generated places, the
writers; and the name helpers the parts share."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from communities.demo import DISTRICT_NAME
from communities.models import CompoundKind
from communities.months import month_moments, previous_month, same_month_last_year
from disputes.models import Satisfaction
from inspections.models import HazardCategory

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
    community_id: int
    community_name: str
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
    communities: list[tuple[int, str]] = field(default_factory=list)  # the new ones: (pk, name)
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


def place_name(rng: random.Random) -> str:
    return rng.choice(PLACE_CHARS) + rng.choice(PLACE_CHARS)


def address(rng: random.Random) -> str:
    return f"{DISTRICT_NAME}{place_name(rng)}{rng.choice(ROADS)}{rng.randint(1, 399)}号"


def with_ids(writer: TableWriter, rows: list[dict]) -> int:
    """Give the rows their keys (a reserved block) and write them; returns the first key."""
    first = writer.ids(len(rows))
    for i, row in enumerate(rows):
        row["id"] = first + i
    writer.write(rows)
    return first
