"""Six months of dispute cases (矛盾纠纷) in the demo city: a step of ``manage.py seed_demo``.

Eighty cases registered over the last six months across the demo city's compounds (more in
禾丰街道 and 东坪街道), with invented parties and Chinese descriptions per category, walked
through the services to every state and level (三级调解):

- most are resolved at compound/community level after one or two mediation sessions, many with
  a mediation agreement (a small generated PDF, stored once per case by ``case_resolve``);
- some are escalated to the street and resolved there, a few go on to the district;
- three are closed unresolved (court, labour arbitration, another department), two withdrawn;
- six are open: awaiting acceptance, accepted, mediating, escalated and waiting for the bureau;
  three of them are overdue (by a few working days: not long enough for the daily job to
  escalate a community case automatically);
- most resolved cases have a return visit with the residents' satisfaction.

The closure rate comes out at 69 of 80 (86 %), like the seed's 51 of 59.

Who acts: the demo logins where the case is theirs (``community`` leads 稻香社区's cases,
``manager``/``manager2`` handle some cases of their companies' compounds, ``street`` leads
禾丰街道's, ``bureau`` the district's and registers 12345 hotline cases). The city has no other
people in its organisations, and accepting needs a leader and a handler who act at the case's
level, so this step adds, once, a leader (``leader-<area code>``, admin) and a mediator
(``mediator-<area code>``, staff) to each community committee, street office and the bureau
that lacks a demo login for the role. They have invented names and no usable password: they
are the cases' handlers, not logins (an operator may give them a password).

The services stamp "now" (closed_at, event times, escalation deadlines, return visits) and
refuse a deadline in the past, so each case is walked with the dates it may take, then its
dates are moved back to the planned ones: registered and closed times, event times and
deadlines (counted with ``default_deadline`` from the moved dates), session and visit records.

Deterministic: everything is drawn from ``random.Random(seed)`` (dates relative to today).
Idempotent: when the demo district has any dispute case, the step writes nothing. Like the
other demo steps it runs with django-auditlog disabled: the log's entries would all be stamped
now, while the cases' own timelines are dated in their months.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from communities.demo import (
    COMPANY_NAMES,
    DEFAULT_SEED,
    DISTRICT_CODE,
    GIVEN_CHARS,
    MOBILE_PREFIXES,
    SURNAMES,
    DemoStepReport,
    backdate_rows,
    register_demo_step,
)
from communities.models import (
    Compound,
    CompoundKind,
    ManagementTerm,
    Membership,
    Notification,
    Organisation,
    OrganisationKind,
    Role,
)
from communities.services import membership_set
from communities.validators import id_number_check_char
from disputes import services
from disputes.conflict import in_conflict
from disputes.figures import closure_rate, dispute_figures
from disputes.models import (
    LEVEL_ORDER,
    OPEN_STATUSES,
    CalendarDay,
    CaseEvent,
    Category,
    DisputeCase,
    Level,
    MediationSession,
    Party,
    PartyRole,
    ReferredTo,
    ReturnVisit,
    Satisfaction,
    Source,
    Status,
    level_above,
)
from disputes.workdays import add_working_days, is_working_day, working_days_between

User = get_user_model()
C, L = Category, Level
LOGINS = ("bureau", "street", "community", "manager", "manager2")
COMPANY_LOGINS = {COMPANY_NAMES[0]: "manager", COMPANY_NAMES[1]: "manager2"}
WINDOW_DAYS = 182  # six months back

# What happens to each case. 69 resolved of 80: a closure rate of 86 %.
# fmt: off
FATES = (
    ["resolved"] * 55 + ["resolved_street"] * 11 + ["resolved_district"] * 3
    + ["court", "arbitration", "department", "withdrawn_early", "withdrawn_mediating"]
    + ["open_registered", "open_registered_overdue", "open_accepted_overdue",
       "open_mediating", "open_mediating_overdue", "open_escalated"]
)
# fmt: on

# More cases in 禾丰 and 东坪 (old and resettlement compounds), fewer in 柳湾.
STREET_WEIGHTS = [32, 24, 14, 30]
KIND_WEIGHTS = {
    CompoundKind.OLD: 3,
    CompoundKind.RESETTLEMENT: 3,
    CompoundKind.WORK_UNIT: 2,
    CompoundKind.COMMODITY: 2,
    CompoundKind.OTHER: 1,
}
CATEGORY_WEIGHTS = {
    C.NEIGHBOURS: 18,
    C.PROPERTY_SERVICE: 16,
    C.FAMILY: 7,
    C.RENOVATION: 14,
    C.PARKING: 13,
    C.NOISE: 12,
    C.LABOUR: 5,
    C.LAND: 4,
    C.LAW_PETITION: 4,
    C.OTHER: 7,
}
# Categories that tend to go up a level.
HARD_CATEGORIES = [C.PROPERTY_SERVICE, C.LABOUR, C.LAND, C.LAW_PETITION, C.RENOVATION]
SOURCE_WEIGHTS = {
    Source.SCREENING: 42,
    Source.RESIDENT: 24,
    Source.PATROL: 10,
    Source.HOTLINE: 14,
    Source.REFERRAL: 10,
}

# category → descriptions, each with the range of the amount at stake (yuan) or None
# ({b} building, {r} room, {n} people).
DESCRIPTIONS: dict[str, list[tuple[str, tuple[int, int] | None]]] = {
    C.NEIGHBOURS: [
        ("{b}号楼{r}室住户长期在楼道堆放鞋柜和杂物，对门住户认为影响通行和消防安全，双方多次争吵。",
         None),
        ("{b}号楼{r}室卫生间渗水至楼下住户顶棚，楼下要求赔偿维修费用，楼上认为系公共管道老化所致。",
         (2000, 8000)),
        ("{b}号楼一楼住户在楼前绿地私自种菜、圈占空地，其他住户反映后双方发生口角。", None),
        ("{b}号楼{r}室饲养的大型犬未拴绳，咬伤邻居家孩子，双方就医疗费用赔偿产生争议。",
         (1500, 6000)),
    ],
    C.PROPERTY_SERVICE: [
        ("{b}号楼多户业主以电梯频繁故障、维修不及时为由拒交物业费，物业公司催缴未果，矛盾激化。",
         (3000, 12000)),
        ("业主反映保洁、绿化服务质量下降，物业公司却拟上调物业费，部分业主强烈反对。", None),
        ("{b}号楼{r}室业主的电动车在小区车棚内被盗，要求物业公司赔偿，物业公司认为不应担责。",
         (2500, 4500)),
        ("业主认为物业公司多收了停车管理费，要求退还，双方对收费标准理解不一致。", (600, 2400)),
    ],
    C.FAMILY: [
        ("{b}号楼{r}室兄妹三人因父母遗留房屋的继承问题产生纠纷，多次争吵，影响邻里。", None),
        ("{b}号楼{r}室老人反映子女未按约定支付赡养费，请求社区协调。", (6000, 18000)),
        ("{b}号楼{r}室夫妻因家庭琐事经常争吵，邻居反映有肢体冲突苗头。", None),
    ],
    C.RENOVATION: [
        ("{b}号楼{r}室装修时拆改承重墙，楼上楼下住户担心房屋安全，要求立即停工。", None),
        ("{b}号楼{r}室装修破坏防水层，导致楼下住户墙面、地板受损，双方就赔偿金额协商未果。",
         (3000, 15000)),
        ("{b}号楼{r}室业主与装修队因工程质量和尾款支付发生纠纷。", (5000, 30000)),
        ("{b}号楼{r}室装修垃圾长期堆放在楼道和单元门口，邻居多次投诉无果。", None),
    ],
    C.PARKING: [
        ("{b}号楼前公共车位被个别住户用地锁长期占用，其他住户无法停车，双方发生争执。", None),
        ("业主车辆在小区内被剐蹭，双方对责任认定和维修费用有争议。", (800, 3500)),
        ("消防通道被私家车长期占用，物业劝阻无效，车主与物业人员发生冲突。", None),
        ("地下车位出租收益归属不清，业主与开发商、物业公司各执一词。", (10000, 60000)),
    ],
    C.NOISE: [
        ("{b}号楼{r}室住户夜间经常大声播放音乐，楼下老人无法休息，多次敲门交涉未果。", None),
        ("小区广场舞音响音量过大，临近楼栋住户多次投诉，与跳舞人员发生口角。", None),
        ("{b}号楼底商餐馆的排风机和空调外机噪声扰民，住户要求整改。", None),
    ],
    C.LABOUR: [
        ("小区外墙维修工程施工队{n}名农民工反映被拖欠工资，要求施工方和物业公司结清。",
         (18000, 60000)),
        ("物业公司{n}名保安反映加班费未足额发放，要求补发。", (4000, 15000)),
        ("保洁员在工作中摔伤，与物业公司就医疗费用和误工费承担发生争议。", (5000, 20000)),
    ],
    C.LAND: [
        ("{b}号楼一楼住户在公共绿地上私自搭建围栏和棚屋，其他业主要求拆除恢复。", None),
        ("部分安置户反映分房面积与安置协议不符，要求补偿面积差价。", (20000, 80000)),
        ("小区与相邻单位就围墙边界和通道使用权发生争议。", None),
    ],
    C.LAW_PETITION: [
        ("{b}号楼{r}室住户对法院已生效的房屋买卖合同纠纷判决不服，多次到街道、区里上访。", None),
        ("部分安置户对拆迁补偿标准有异议，酝酿集体到市里上访。", None),
        ("住户反映房屋不动产证多年未办理，多次拨打热线并到区信访局上访。", None),
    ],
    C.OTHER: [
        ("小区内有住户违规饲养家禽，气味和卫生问题引发周边住户不满。", None),
        ("高空抛物砸坏楼下住户电动车，具体住户尚未查明，多户之间相互猜疑。", (1000, 3000)),
        ("{b}号楼屋面防水失效，顶层住户要求动用专项维修资金，部分业主不同意。", None),
    ],
}  # fmt: skip

# category → (first session, second session, outcome)
MEDIATION: dict[str, tuple[str, str, str]] = {
    C.NEIGHBOURS: (
        "分别听取双方意见，讲解《民法典》相邻关系规定，双方同意各退一步。",
        "双方当面协商，确定整改和补偿方式，约定一周内履行。",
        "双方达成一致：责任方按约定整改并承担相应费用，双方表示今后互谅互让，协议已履行。",
    ),
    C.PROPERTY_SERVICE: (
        "组织业主代表与物业公司面对面沟通，物业公司承诺限期整改服务问题。",
        "物业公司出示整改情况和收费依据，业主同意补交物业费，物业公司减免滞纳金。",
        "物业公司完成整改并公示收费明细，业主补交物业费，双方签订调解协议。",
    ),
    C.FAMILY: (
        "调解员上门了解情况，对当事人进行法治宣传和情感疏导。",
        "召开家庭会议，亲属共同见证，明确各方责任和费用分担。",
        "家庭成员达成书面协议，明确赡养和房屋安排，社区定期走访。",
    ),
    C.RENOVATION: (
        "现场查看受损情况，请物业工程人员说明原因，双方对责任基本认可。",
        "双方就维修方式和赔偿金额达成一致，约定由责任方负责修复。",
        "责任方已完成修复并支付赔偿款，受损方签字确认，纠纷化解。",
    ),
    C.PARKING: (
        "物业公司调取监控，调解员组织车主和相关住户协商。",
        "双方同意按小区停车管理规约处理，拆除地锁、赔偿维修费用。",
        "占用问题已清理，双方按协议处理完毕，物业公司加强停车秩序管理。",
    ),
    C.NOISE: (
        "调解员上门劝导，讲解《噪声污染防治法》有关规定，当事人表示理解。",
        "双方约定作息时段和音量标准，物业公司负责日常监督。",
        "噪声问题已整改，投诉住户确认夜间不再受影响。",
    ),
    C.LABOUR: (
        "召集施工方、物业公司和工人代表核对工资清单和考勤记录。",
        "施工方同意分两期支付拖欠款项，物业公司从应付工程款中代扣保障。",
        "拖欠款项已全部支付到位，工人代表签字确认。",
    ),
    C.LAND: (
        "会同城管、规划人员现场勘查，明确公共区域和用地边界。",
        "当事人同意自行拆除违建，恢复公共区域原状。",
        "违建已拆除，公共区域恢复原状，相关方签订协议。",
    ),
    C.LAW_PETITION: (
        "包保领导接访，听取诉求，讲解相关法律政策和依法维权途径。",
        "联系司法所提供法律援助，当事人表示通过法定途径解决，不再越级上访。",
        "当事人息诉罢访，签订承诺书，包保领导定期走访。",
    ),
    C.OTHER: (
        "组织相关住户座谈，了解事情经过和各方诉求。",
        "各方协商一致，明确处理办法和费用分担。",
        "问题已按协商结果处理完毕，各方表示认可。",
    ),
}
FAILED_SESSION = "双方分歧较大，对责任认定和赔偿金额意见不一，本级调解未能达成一致。"
PLANS = {
    L.COMMUNITY: "约双方当事人到社区人民调解室面对面调解，必要时邀请楼长、物业公司参加。",
    L.STREET: "由街道人民调解委员会牵头，司法所、派出所、综治中心联合调解。",
    L.DISTRICT: "区住建局牵头，会同相关职能部门和街道联合调处，定期报告进展。",
}
ESCALATE_REASONS = {
    L.COMMUNITY: "案情复杂、涉及金额较大，社区调解未果，提请街道调解。",
    L.STREET: "涉及多个部门职责，街道协调未果，提请区级调解。",
}
REFERRALS = {
    "court": (ReferredTo.COURT, "青禾区人民法院", "调解不成，告知当事人依法向人民法院起诉。"),
    "arbitration": (
        ReferredTo.ARBITRATION,
        "青禾区劳动人事争议仲裁委员会",
        "调解不成，引导工人依法申请劳动仲裁，并协助准备材料。",
    ),
    "department": (
        ReferredTo.DEPARTMENT,
        "青禾区自然资源局",
        "属于行政职能范围，移交职能部门依法处理。",
    ),
}
WITHDRAW_EARLY = "当事人双方已自行和解，申请撤回。"
WITHDRAW_LATER = "当事人表示已通过亲友协调解决，申请撤回调解。"
EXTEND = "当事人外出务工，经双方同意延长调解期限。"
REASSIGN = "涉及多户业主，转由社区人民调解员主办。"
VISIT_NOTES = {
    Satisfaction.VERY_SATISFIED: "当事人对调解结果非常满意，协议履行良好。",
    Satisfaction.SATISFIED: "协议已履行，双方关系缓和。",
    Satisfaction.NEUTRAL: "协议基本履行，当事人仍有少许意见。",
    Satisfaction.DISSATISFIED: "当事人认为赔偿偏低，已做解释工作。",
}
THIRD_PARTIES = ["青禾区顺达装饰工程部", "青禾区建安劳务有限公司", "青禾区宏远电梯维保有限公司"]


@dataclass
class Team:
    """Who acts for an organisation on a case: the leader (包保领导) accepts and escalates, the
    mediator (专人) records sessions and closes."""

    leader: object
    mediator: object


@dataclass
class Cast:
    logins: dict
    compounds: list  # all demo compounds, by code
    company_team: dict  # compound id → the demo login's team, where its company runs it
    company_name: dict  # compound id → name of the company running it
    committees: dict  # community id → Team
    streets: dict  # street id → Team
    bureau: Team


@dataclass
class Step:
    action: str
    day: datetime.date
    at: datetime.datetime | None = None
    data: dict = field(default_factory=dict)


@dataclass
class Plan:
    fate: str
    compound: Compound
    category: str
    source: str
    description: str
    amount: Decimal | None
    parties: list[dict]
    level: str  # where it is registered
    registrant: object
    community_team: Team
    steps: list[Step]


# --- people --------------------------------------------------------------------------------------


def _person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.8 else "")
    return rng.choice(SURNAMES) + given


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _id_number(rng: random.Random) -> str:
    birth = datetime.date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{DISTRICT_CODE}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_number_check_char(first17)


def _staff(rng: random.Random, username: str, organisation: Organisation, role: str):
    name = _person_name(rng)  # drawn even when the user exists: the same seed, the same draws
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=name)
        user.set_unusable_password()
        user.save()
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        membership_set(user=user, organisation=organisation, role=role)
    return user


def _team(rng, organisation: Organisation, code: str, logins: dict) -> Team:
    members = set(organisation.memberships.values_list("user_id", flat=True))
    login = next((u for u in logins.values() if u.pk in members), None)
    leader = login or _staff(rng, f"leader-{code}", organisation, Role.ADMIN)
    return Team(leader, _staff(rng, f"mediator-{code}", organisation, Role.STAFF))


def _cast(rng: random.Random, logins: dict, compounds: list) -> Cast:
    orgs = Organisation.objects.select_related("community", "street", "district")
    committee_orgs = orgs.filter(
        kind=OrganisationKind.COMMUNITY_COMMITTEE, community__street__district__code=DISTRICT_CODE
    ).order_by("community__code")
    committees = {o.community_id: _team(rng, o, o.community.code, logins) for o in committee_orgs}
    offices = orgs.filter(
        kind=OrganisationKind.STREET_OFFICE, street__district__code=DISTRICT_CODE
    ).order_by("street__code")
    streets = {o.street_id: _team(rng, o, o.street.code, logins) for o in offices}
    bureau = orgs.get(kind=OrganisationKind.BUREAU, district__code=DISTRICT_CODE)
    terms = ManagementTerm.objects.current().filter(compound__in=compounds)
    company_name = dict(terms.values_list("compound_id", "company__name"))
    company_team = {
        pk: Team(logins[COMPANY_LOGINS[name]], logins[COMPANY_LOGINS[name]])
        for pk, name in company_name.items()
        if name in COMPANY_LOGINS
    }
    return Cast(
        logins=logins,
        compounds=compounds,
        company_team=company_team,
        company_name=company_name,
        committees=committees,
        streets=streets,
        bureau=_team(rng, bureau, bureau.district.code, logins),
    )


# --- what each case is ---------------------------------------------------------------------------


def _street_of(compound: Compound) -> str:
    return compound.community.street.code


def _pick_compound(rng, cast: Cast, fate: str) -> Compound:
    streets = sorted({_street_of(c) for c in cast.compounds})
    first_community = min(c.community.code for c in cast.compounds)
    # The open cases land where a demo login finds them waiting.
    wanted = {
        "open_registered": lambda c: (
            cast.company_team.get(c.pk) and cast.company_team[c.pk].leader.username == "manager2"
        ),
        "open_registered_overdue": lambda c: c.community.code == first_community,
        "open_accepted_overdue": lambda c: _street_of(c) == streets[0],
        "open_mediating": lambda c: (
            cast.company_team.get(c.pk) and cast.company_team[c.pk].leader.username == "manager"
        ),
        "open_mediating_overdue": lambda c: _street_of(c) == streets[-1],
        "open_escalated": lambda c: _street_of(c) == streets[1],
    }.get(fate)
    if wanted:
        return rng.choice([c for c in cast.compounds if wanted(c)])
    street = rng.choices(streets, weights=STREET_WEIGHTS[: len(streets)])[0]
    here = [c for c in cast.compounds if _street_of(c) == street]
    return rng.choices(here, weights=[KIND_WEIGHTS.get(c.kind, 1) for c in here])[0]


def _pick_category(rng, fate: str) -> str:
    if fate == "arbitration":
        return C.LABOUR
    if fate in ("department", "open_escalated"):
        return rng.choice([C.LAND, C.LAW_PETITION])
    if fate == "court":
        return rng.choice([C.NEIGHBOURS, C.RENOVATION])
    if fate in ("resolved_street", "resolved_district") and rng.random() < 0.6:
        return rng.choice(HARD_CATEGORIES)
    return rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]


def _describe(rng, category: str) -> tuple[str, Decimal | None]:
    text, amount = rng.choice(DESCRIPTIONS[category])
    text = text.format(
        b=rng.randint(1, 12), r=f"{rng.randint(1, 6)}0{rng.randint(1, 2)}", n=rng.randint(4, 16)
    )
    if amount is None or rng.random() < 0.15:  # not every claim is put in numbers
        return text, None
    return text, Decimal(rng.randrange(amount[0], amount[1] + 1, 100))


def _parties(rng, cast: Cast, compound: Compound, category: str) -> list[dict]:
    def person(role: str) -> dict:
        return {
            "role": role,
            "name": _person_name(rng),
            "phone": _mobile(rng) if rng.random() < 0.85 else "",
            "id_number": _id_number(rng) if rng.random() < 0.35 else "",
        }

    applicants = [person(PartyRole.APPLICANT) for _ in range(1 if rng.random() < 0.8 else 2)]
    if category == C.PROPERTY_SERVICE:
        company = cast.company_name.get(compound.pk) or f"{compound.name}物业服务中心"
        return [*applicants, {"role": PartyRole.RESPONDENT, "name": company}]
    if category == C.LABOUR:
        return [*applicants, {"role": PartyRole.RESPONDENT, "name": THIRD_PARTIES[1]}]
    if category == C.LAW_PETITION:
        return applicants
    return [*applicants, person(PartyRole.RESPONDENT)]


def _registrant(rng, cast: Cast, compound: Compound, source: str, level: str):
    street_team = cast.streets[compound.community.street_id]
    if source == Source.HOTLINE:
        return cast.logins["bureau"]  # the bureau takes the 12345 work orders
    if level == L.STREET:
        return rng.choice([street_team.leader, street_team.mediator])
    committee = cast.committees[compound.community_id]
    choices = [committee.mediator] * 3 + [committee.leader] * 2
    if compound.pk in cast.company_team:
        choices += [cast.company_team[compound.pk].leader] * 2
    if street_team.leader.username == "street" and source == Source.SCREENING:
        choices.append(street_team.leader)
    return rng.choice(choices)


def _plan(rng, cast: Cast, fate: str, category: str | None = None) -> Plan:
    compound = _pick_compound(rng, cast, fate)
    category = category or _pick_category(rng, fate)
    source = rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0]
    level = L.COMMUNITY
    # Some street cases are registered at the street; the district's three always climb from
    # the community (escalated twice), whatever the dates drawn.
    if fate in ("arbitration", "open_escalated") or (
        fate == "resolved_street" and rng.random() < 0.3
    ):
        level, source = L.STREET, rng.choice([Source.SCREENING, Source.REFERRAL])
    description, amount = _describe(rng, category)
    committee = cast.committees[compound.community_id]
    company = cast.company_team.get(compound.pk)
    handled_by_company = company is not None and (
        fate == "open_mediating" or (fate == "resolved" and rng.random() < 0.5)
    )
    # 回避: a property-service case is never in the company's hands (drawn as before, so the
    # demo's other cases stay the same).
    handled_by_company = handled_by_company and category != C.PROPERTY_SERVICE
    return Plan(
        fate=fate,
        compound=compound,
        category=category,
        source=source,
        description=description,
        amount=amount,
        parties=_parties(rng, cast, compound, category),
        level=level,
        registrant=_registrant(rng, cast, compound, source, level),
        community_team=company if handled_by_company else committee,
        steps=[],
    )


# --- each case's timeline ------------------------------------------------------------------------


def _leg(rng, steps: list, end: str, *, sessions: int | None = None, extras=()) -> None:
    """One level's work: accept, one or two sessions, then ``end`` (resolve, escalate, close,
    withdraw) or nothing (still open). Days are offsets from the registration."""
    day = steps[-1][1] + rng.randint(0, 2)
    steps.append(("accept", day))
    if sessions is None:
        sessions = 1 if rng.random() < 0.6 else 2
    for i in range(sessions):
        day += rng.randint(2, 6)
        failed = end in ("escalate", "close") and i == sessions - 1
        steps.append(("failed" if failed else "session", day))
        if i == 0:
            for extra in extras:
                day += rng.randint(0, 1)
                steps.append((extra, day))
    if end:
        steps.append((end, day + rng.randint(0, 2)))


# The level where each fate's case ends up (it is registered at ``plan.level``, lower or the same).
FINAL_LEVEL = {
    "resolved_street": L.STREET,
    "resolved_district": L.DISTRICT,
    "arbitration": L.STREET,
    "department": L.DISTRICT,
    "open_accepted_overdue": L.STREET,
    "open_escalated": L.STREET,
}


def _script(rng, plan: Plan) -> list[tuple[str, int]]:
    """The steps of the case as (action, day offset from the registration)."""
    fate, steps = plan.fate, [("register", 0)]
    final = FINAL_LEVEL.get(fate, L.COMMUNITY)
    # Below the final level, mediation fails and the case goes up (sometimes straight away).
    for _level in LEVEL_ORDER[LEVEL_ORDER.index(plan.level) : LEVEL_ORDER.index(final)]:
        if rng.random() < 0.25:
            steps.append(("escalate", steps[-1][1] + rng.randint(1, 2)))
        else:
            _leg(rng, steps, "escalate", sessions=rng.randint(1, 2))
    if fate.startswith("resolved"):
        extras = []
        if plan.community_team.leader.username.startswith("manager") and rng.random() < 0.3:
            extras.append("reassign")  # the company hands it to the community's mediator
        if plan.category in (C.RENOVATION, C.PROPERTY_SERVICE) and rng.random() < 0.3:
            extras.append("party")
        if rng.random() < 0.1:
            extras.append("deadline")
        _leg(rng, steps, "resolve", extras=extras)
        if rng.random() < 0.88:
            steps.append(("visit", steps[-1][1] + rng.randint(4, 20)))
    elif fate in REFERRALS:
        _leg(rng, steps, "close", sessions=rng.randint(1, 2))
    elif fate == "withdrawn_early":
        steps.append(("withdraw", rng.randint(1, 3)))
    elif fate == "withdrawn_mediating":
        _leg(rng, steps, "withdraw", sessions=1)
    elif fate == "open_escalated":
        _leg(rng, steps, "escalate", sessions=2)
    else:  # still open: accepted, or mediating
        sessions = {"open_mediating": 1, "open_mediating_overdue": 2}.get(fate, 0)
        if fate != "open_registered" and fate != "open_registered_overdue":
            _leg(rng, steps, "", sessions=sessions)
    return steps


def _working_day(day: datetime.date, exceptions: dict, *, earliest: datetime.date, latest):
    """The first working day from ``day`` on; if that is after ``latest``, the last one before
    it (but not before ``earliest``). Mediators work on working days."""
    day = max(day, earliest)
    moved = day
    while not is_working_day(moved, exceptions):
        moved += datetime.timedelta(days=1)
    if moved <= latest:
        return moved
    moved = min(day, latest)
    while moved > earliest and not is_working_day(moved, exceptions):
        moved -= datetime.timedelta(days=1)
    return moved


def _overdue_anchor(rng, level: str, category: str, today: datetime.date, exceptions: dict):
    """A working day from which the default time limit ran out one to three working days ago
    (so the daily job does not escalate the case at once)."""
    behind = rng.randint(1, 3)
    day = today - datetime.timedelta(days=1)
    while True:
        if is_working_day(day, exceptions):
            deadline = services.default_deadline(level, category, day)
            if deadline < today and working_days_between(deadline, today) >= behind:
                return day
        day -= datetime.timedelta(days=1)


OVERDUE_FATES = ("open_registered_overdue", "open_mediating_overdue", "open_accepted_overdue")


def _date_steps(rng, plan: Plan, script: list[tuple[str, int]], today, exceptions) -> None:
    """Place the script in time, on working days: closed cases anywhere in the six months, open
    ones recently (overdue ones so that their deadline has just passed); nothing later than
    yesterday."""
    span = script[-1][1]
    yesterday = today - datetime.timedelta(days=1)
    if plan.fate in OVERDUE_FATES:
        anchor = max(i for i, (action, _) in enumerate(script) if action in ("register", "accept"))
        level = L.STREET if plan.fate == "open_accepted_overdue" else L.COMMUNITY
        start = _overdue_anchor(rng, level, plan.category, today, exceptions)
        start -= datetime.timedelta(days=script[anchor][1])
        start = min(start, today - datetime.timedelta(days=span + 1))
    elif plan.fate.startswith("open"):
        start = today - datetime.timedelta(days=span + rng.randint(1, 3))
    else:
        start = today - datetime.timedelta(days=rng.randint(span + 1, max(span + 1, WINDOW_DAYS)))
    moment, earliest = None, start - datetime.timedelta(days=7)
    for action, offset in script:
        day = _working_day(
            start + datetime.timedelta(days=offset), exceptions, earliest=earliest, latest=yesterday
        )
        earliest = day
        at = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(rng.randint(8, 16), rng.randint(0, 59)))
        )
        if moment is not None and at <= moment:
            at = moment + datetime.timedelta(minutes=rng.randint(10, 50))
        moment = at
        plan.steps.append(Step(action, timezone.localtime(at).date(), at))


# --- walking a case through the services ---------------------------------------------------------


def _agreement_pdf() -> bytes:
    """A one-page PDF standing in for a signed mediation agreement."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (595, 842), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle([60, 60, 535, 782], outline=(120, 120, 120), width=2)
    draw.rectangle([200, 90, 395, 120], fill=(60, 60, 60))  # the title
    for y in range(170, 640, 28):
        draw.line([90, y, 505, y], fill=(170, 170, 170), width=2)
    draw.ellipse([400, 660, 500, 760], outline=(200, 30, 30), width=4)  # the seal
    out = io.BytesIO()
    image.save(out, format="PDF")
    return out.getvalue()


def _team_at(cast: Cast, plan: Plan, level: str) -> Team:
    if level == L.COMMUNITY:
        return plan.community_team
    if level == L.STREET:
        return cast.streets[plan.compound.community.street_id]
    return cast.bureau


def _mediators(team: Team) -> str:
    names = dict.fromkeys([team.mediator.first_name, team.leader.first_name])
    return "、".join(n for n in names if n)


def _walk(rng, cast: Cast, plan: Plan, pdf: bytes, today: datetime.date) -> DisputeCase:
    """Run the plan's steps through the services; record the dates each step should carry."""
    case = services.case_register(
        actor=plan.registrant,
        compound=plan.compound,
        category=plan.category,
        source=plan.source,
        description=plan.description,
        parties=plan.parties,
        level=plan.level,
        amount=plan.amount,
        registered_at=plan.steps[0].at,
    )
    level, team, sessions = plan.level, _team_at(cast, plan, plan.level), 0
    first, second, outcome = MEDIATION[plan.category]
    plan.steps[0].data["deadline"] = case.deadline
    for step in plan.steps[1:]:
        action = step.action
        if action == "accept":
            team = _team_at(cast, plan, level)
            deadline = services.default_deadline(level, plan.category, step.day)
            step.data["deadline"] = deadline
            case = services.case_accept(
                case=case,
                actor=team.leader,
                leader=team.leader,
                handler=team.mediator,
                plan=PLANS[level],
                deadline=max(deadline, today),
            )
        elif action in ("session", "failed"):
            agreed = FAILED_SESSION if action == "failed" else (first, second)[min(sessions, 1)]
            sessions += 1
            services.session_record(
                case=case,
                actor=team.mediator,
                held_on=step.day,
                mediators=_mediators(team),
                # Who came: the case's own parties (masked like them), and the 楼长 half the time.
                parties_present=list(case.parties.order_by("pk")),
                other_attendees="楼长" if rng.random() < 0.5 else "",
                agreed=agreed,
            )
        elif action == "reassign":
            team = cast.committees[plan.compound.community_id]
            case = services.case_reassign(
                case=case,
                actor=case.leader,
                leader=team.leader,
                handler=team.mediator,
                reason=REASSIGN,
            )
        elif action == "party":
            name = cast.company_name.get(plan.compound.pk) or THIRD_PARTIES[0]
            if plan.category == C.PROPERTY_SERVICE:
                name = THIRD_PARTIES[2]
            services.party_add(
                case=case, actor=team.mediator, role=PartyRole.THIRD_PARTY, name=name
            )
        elif action == "deadline":
            step.data["old"] = _planned_deadline(plan, step)
            step.data["deadline"] = add_working_days(step.data["old"], 5)
            case = services.case_set_deadline(
                case=case,
                actor=team.mediator,
                deadline=max(step.data["deadline"], today),
                reason=EXTEND,
            )
        elif action == "escalate":
            case = services.case_escalate(
                case=case, actor=_team_at(cast, plan, level).leader, reason=ESCALATE_REASONS[level]
            )
            level, sessions = level_above(level), 0
            step.data["deadline"] = services.default_deadline(level, plan.category, step.day)
        elif action == "resolve":
            agreement = rng.random() < 0.6
            case = services.case_resolve(
                case=case,
                actor=team.mediator,
                outcome=outcome,
                agreement_reached=agreement,
                agreement_file=ContentFile(pdf, name="调解协议书.pdf") if agreement else None,
            )
        elif action == "close":
            referred_to, where, note = REFERRALS[plan.fate]
            if plan.category == C.LAW_PETITION:
                where = "青禾区信访局"
            case = services.case_close_unresolved(
                case=case, actor=team.mediator, referred_to=referred_to, where=where, note=note
            )
        elif action == "withdraw":
            early = case.status == Status.REGISTERED
            # 回避: a company that registered a case about itself does not withdraw it.
            by_registrant = early and not in_conflict(plan.registrant, case)
            case = services.case_withdraw(
                case=case,
                actor=plan.registrant if by_registrant else team.mediator,
                reason=WITHDRAW_EARLY if early else WITHDRAW_LATER,
            )
        elif action == "visit":
            satisfaction = rng.choices(list(VISIT_NOTES), weights=[45, 36, 14, 5])[0]
            step.data["satisfaction"] = satisfaction
            services.return_visit_record(
                case=case,
                actor=team.mediator,
                visited_on=today,
                satisfaction=satisfaction,
                # Names the applicant, as a real note does (masked for roles that may not see it).
                note=f"回访{plan.parties[0]['name']}：{VISIT_NOTES[satisfaction]}",
            )
    return case


def _planned_deadline(plan: Plan, upto: Step) -> datetime.date:
    """The case's deadline as planned just before ``upto``."""
    deadline = None
    for step in plan.steps:
        if step is upto:
            break
        deadline = step.data.get("deadline", deadline)
    return deadline


# --- moving the dates back -----------------------------------------------------------------------


def _backdate(walked: list[tuple[Plan, DisputeCase]]) -> None:
    """Give the cases, their timelines, sessions and visits the planned dates.

    The timeline is permanent (``CaseEvent.save()`` refuses edits). Here, once, the demo's
    invented history is rewritten with the dates it would have had, by an UPDATE that bypasses
    ``save()`` on purpose (what ``QuerySet.update()`` does, as one ``executemany`` for speed);
    nothing changes it after that.
    """
    ids = [case.pk for _plan, case in walked]
    events, sessions, visits = {}, {}, {}
    for pk, case_id, action in CaseEvent.objects.filter(case_id__in=ids).values_list(
        "pk", "case_id", "action"
    ):
        events.setdefault(case_id, []).append((pk, action))
    for pk, case_id in MediationSession.objects.filter(case_id__in=ids).values_list("pk", "case"):
        sessions.setdefault(case_id, []).append(pk)
    for pk, case_id in ReturnVisit.objects.filter(case_id__in=ids).values_list("pk", "case"):
        visits.setdefault(case_id, []).append(pk)
    rows = {"events": [], "notes": [], "sessions": [], "visits": [], "cases": []}
    for plan, case in walked:
        mine = sorted(events[case.pk])
        assert [a for _, a in mine] == [_action(s.action) for s in plan.steps], plan.fate
        closed_at = None
        for (pk, _action_name), step in zip(mine, plan.steps, strict=True):
            deadline = step.data.get("deadline") or _planned_deadline(plan, step)
            step.data["deadline"] = deadline
            rows["events"].append((step.at, deadline, pk))
            if step.action == "deadline":
                note = f"{step.data['old'].isoformat()} → {deadline.isoformat()}: {EXTEND}"
                rows["notes"].append((note, pk))
            if step.action in ("resolve", "close", "withdraw"):
                closed_at = step.at
        held = [s for s in plan.steps if s.action in ("session", "failed")]
        for pk, step in zip(sorted(sessions.get(case.pk, [])), held, strict=True):
            rows["sessions"].append((step.at, pk))
        visited = [s for s in plan.steps if s.action == "visit"]
        for pk, step in zip(sorted(visits.get(case.pk, [])), visited, strict=True):
            rows["visits"].append((step.day, step.at, pk))
        first, last = plan.steps[0], plan.steps[-1]
        rows["cases"].append((last.data["deadline"], closed_at, first.at, last.at, case.pk))
    backdate_rows(CaseEvent, ["at", "deadline"], rows["events"])
    backdate_rows(CaseEvent, ["note"], rows["notes"])
    backdate_rows(MediationSession, ["recorded_at"], rows["sessions"])
    backdate_rows(ReturnVisit, ["visited_on", "recorded_at"], rows["visits"])
    backdate_rows(DisputeCase, ["deadline", "closed_at", "created_at", "updated_at"], rows["cases"])


def _action(step_action: str) -> str:
    """The event a step writes (a failed session is a session on the timeline)."""
    return "session" if step_action == "failed" else step_action


# --- the step ------------------------------------------------------------------------------------


def _totals() -> int:
    models = (DisputeCase, Party, CaseEvent, MediationSession, ReturnVisit, User, Membership)
    return sum(model.objects.count() for model in models)


def _demo_cases():
    return DisputeCase.objects.filter(compound__community__street__district__code=DISTRICT_CODE)


@transaction.atomic
def disputes_demo_seed(*, seed: int = DEFAULT_SEED) -> DemoStepReport:
    """Seed six months of dispute cases, unless the demo district has cases already."""
    logins = {u.username: u for u in User.objects.filter(username__in=LOGINS)}
    compounds = list(
        Compound.objects.filter(community__street__district__code=DISTRICT_CODE)
        .select_related("community__street")
        .order_by("code")
    )
    if set(logins) != set(LOGINS) or not compounds:
        return DemoStepReport(title="Disputes demo (no demo city)", counts={}, created=0)
    before = _totals()
    if not _demo_cases().exists():
        last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True)
        after_pk = last_notification.first() or 0
        with disable_auditlog():
            _seed(random.Random(f"{seed}:disputes"), logins, compounds)
        _read_closed_notifications(after_pk)
    return DemoStepReport(
        title="Disputes demo (矛盾纠纷, six months)",
        counts=disputes_demo_counts(),
        created=_totals() - before,
    )


def _seed(rng: random.Random, logins: dict, compounds: list) -> None:
    today = timezone.localdate()
    cast = _cast(rng, logins, compounds)
    first = today - datetime.timedelta(days=WINDOW_DAYS + 60)
    exceptions = dict(
        CalendarDay.objects.filter(date__range=(first, today)).values_list("date", "kind")
    )
    plans = []
    for index, fate in enumerate(FATES):
        # The first cases (resolved ones) show every category once; the rest are drawn.
        plan = _plan(rng, cast, fate, Category.values[index] if index < len(Category) else None)
        _date_steps(rng, plan, _script(rng, plan), today, exceptions)
        plans.append(plan)
    pdf = _agreement_pdf()
    # Registered in date order, so that numbers run with the dates in each street and year.
    walked = [
        (plan, _walk(rng, cast, plan, pdf, today))
        for plan in sorted(plans, key=lambda p: p.steps[0].at)
    ]
    _backdate(walked)


def _read_closed_notifications(after_pk: int) -> None:
    """What the closed cases notified is read; the open ones still wait in the bell."""
    closed = _demo_cases().exclude(status__in=OPEN_STATUSES)
    urls = [
        reverse("disputes:case_detail", args=[pk]) for pk in closed.values_list("pk", flat=True)
    ]
    Notification.objects.filter(pk__gt=after_pk, url__in=urls).update(read_at=timezone.now())


def disputes_demo_counts() -> dict[str, int]:
    """What the demo district holds of the disputes."""
    figures = dispute_figures(_demo_cases())
    rate = closure_rate(figures)
    return {
        "cases": figures["total"],
        "  resolved": figures["resolved"],
        "  closed unresolved": figures["unresolved"],
        "  withdrawn": figures["withdrawn"],
        "  open": figures["open"],
        "  overdue": figures["overdue"],
        "escalated": figures["escalated"],
        "return visits": figures["visited"],
        "closure rate %": round(rate) if rate is not None else 0,
    }


register_demo_step(disputes_demo_seed)
