"""The spreadsheet formats of dispute cases: the screening ledger (排查台账) that is imported and
the case list that is exported.

Column headers and the words in the cells are the file format, hence literal Chinese (as in
``communities.resources``). A choice is read from its Chinese word or its stored value, and
written as the word.
"""

from communities.resources import EXAMPLE_ID_NUMBER
from disputes.models import Category, Level, PartyRole, Satisfaction, Source, Status

CATEGORY_WORDS = {
    Category.NEIGHBOURS: "邻里纠纷",
    Category.PROPERTY_SERVICE: "物业服务",
    Category.FAMILY: "婚姻家庭",
    Category.RENOVATION: "装修纠纷",
    Category.PARKING: "停车纠纷",
    Category.NOISE: "噪声扰民",
    Category.LABOUR: "劳资纠纷",
    Category.LAND: "土地纠纷",
    Category.LAW_PETITION: "涉法上访",
    Category.OTHER: "其他",
}
SOURCE_WORDS = {
    Source.SCREENING: "排查",
    Source.RESIDENT: "群众反映",
    Source.PATROL: "巡逻发现",
    Source.HOTLINE: "12345热线",
    Source.REFERRAL: "转办",
}
LEVEL_WORDS = {
    Level.COMMUNITY: "小区/社区",
    Level.STREET: "街道",
    Level.DISTRICT: "区县",
}
STATUS_WORDS = {
    Status.REGISTERED: "已登记",
    Status.ACCEPTED: "已受理",
    Status.MEDIATING: "调解中",
    Status.ESCALATED: "已上报",
    Status.RESOLVED: "已化解",
    Status.CLOSED_UNRESOLVED: "调解不成已转出",
    Status.WITHDRAWN: "已撤回",
}
SATISFACTION_WORDS = {
    Satisfaction.VERY_SATISFIED: "非常满意",
    Satisfaction.SATISFIED: "满意",
    Satisfaction.NEUTRAL: "基本满意",
    Satisfaction.DISSATISFIED: "不满意",
}
ROLE_WORDS = {
    PartyRole.APPLICANT: "申请人",
    PartyRole.RESPONDENT: "被申请人",
    PartyRole.THIRD_PARTY: "第三人",
}
YES, NO = "是", "否"

# --- the screening ledger (import) --------------------------------------------------------------

COMPOUND = "小区编号"
COMPOUND_ALIASES = ("小区编码",)  # the register's files call it so; both are read
CATEGORY = "类别"
SOURCE = "来源"
LEVEL = "层级"
REGISTERED_ON = "登记日期"
DESCRIPTION = "纠纷情况"
AMOUNT = "涉及金额"
APPLICANT = "申请人"
APPLICANT_PHONE = "申请人电话"
APPLICANT_ID = "申请人身份证号"
RESPONDENT = "被申请人"
RESPONDENT_PHONE = "被申请人电话"
RESPONDENT_ID = "被申请人身份证号"
ROW_NUMBER = "序号"  # a ledger's own running number: read past

LEDGER_HEADERS = [
    COMPOUND,
    CATEGORY,
    SOURCE,
    LEVEL,
    REGISTERED_ON,
    DESCRIPTION,
    AMOUNT,
    APPLICANT,
    APPLICANT_PHONE,
    APPLICANT_ID,
    RESPONDENT,
    RESPONDENT_PHONE,
    RESPONDENT_ID,
]
REQUIRED_HEADERS = [COMPOUND, CATEGORY, DESCRIPTION]

# (role, name column, phone column, ID column)
PARTY_COLUMNS = [
    (PartyRole.APPLICANT, APPLICANT, APPLICANT_PHONE, APPLICANT_ID),
    (PartyRole.RESPONDENT, RESPONDENT, RESPONDENT_PHONE, RESPONDENT_ID),
]

LEDGER_SHEET = "排查台账"
EXAMPLE_SHEET = "示例"
HELP_SHEET = "填写说明"


def _words(words: dict) -> str:
    return "、".join(words.values())


def ledger_example(compound_code: str) -> list:
    return [
        compound_code,
        CATEGORY_WORDS[Category.NOISE],
        SOURCE_WORDS[Source.SCREENING],
        LEVEL_WORDS[Level.COMMUNITY],
        "2026-01-05",
        "3号楼502室夜间装修噪声扰民,楼下住户多次反映",
        "",
        "王小明",
        "13800000000",
        EXAMPLE_ID_NUMBER,
        "李大海",
        "",
        "",
    ]


# One line per column: header, required or not, how to fill it in.
HELP_HEADERS = ["列名", "是否必填", "填写说明"]
LEDGER_HELP = [
    (COMPOUND, "必填", "小区编号(与小区台账一致);只能填写本单位辖区内的小区"),
    (CATEGORY, "必填", _words(CATEGORY_WORDS)),
    (SOURCE, "选填", f"{_words(SOURCE_WORDS)};不填为“排查”"),
    (LEVEL, "选填", f"{_words(LEVEL_WORDS)};不填为“小区/社区”"),
    (REGISTERED_ON, "选填", "如 2026-01-05;不能晚于今天;不填为导入当天;办理时限从此日起算"),
    (DESCRIPTION, "必填", "纠纷的基本情况"),
    (AMOUNT, "选填", "涉及金额(元),不小于 0 的数字"),
    (APPLICANT, "至少填一方", "申请人姓名"),
    (APPLICANT_PHONE, "选填", "手机号或带区号的固定电话"),
    (APPLICANT_ID, "选填", "18 位居民身份证号;请将单元格设为文本格式,以免 Excel 改写末几位"),
    (RESPONDENT, "至少填一方", "被申请人姓名"),
    (RESPONDENT_PHONE, "选填", "手机号或带区号的固定电话"),
    (RESPONDENT_ID, "选填", "18 位居民身份证号;请将单元格设为文本格式,以免 Excel 改写末几位"),
]

# --- the case list (export) ---------------------------------------------------------------------

CASES_SHEET = "纠纷案件"
FIGURES_SHEET = "统计"
CASE_HEADERS = [
    "案件编号",
    "街道",
    "社区",
    "小区编号",
    "小区",
    "类别",
    "来源",
    "层级",
    "状态",
    "登记日期",
    "办理时限",
    "是否超期",
    "承办人",
    "包保领导",
    "升级次数",
    "纠纷情况",
    "涉及金额",
    "办理结果",
    "结案日期",
    "满意度",
    "当事人",
]
FIGURE_HEADERS = ["指标", "分项", "数值"]
FIGURE_ROWS = [
    ("total", "案件总数"),
    ("resolved", "已化解"),
    ("unresolved", "调解不成已转出"),
    ("withdrawn", "已撤回"),
    ("open", "在办"),
    ("overdue", "超期"),
    ("escalated", "曾上报升级"),
    ("visited", "已回访"),
    ("satisfied", "回访满意"),
    ("closure_rate", "结案率(%)"),
    ("satisfaction_rate", "满意率(%)"),
    ("average_days_to_resolve", "平均化解天数"),
]
BREAKDOWNS = [
    ("by_category", "按类别", CATEGORY_WORDS),
    ("by_level", "按层级", LEVEL_WORDS),
    ("by_source", "按来源", SOURCE_WORDS),
]
