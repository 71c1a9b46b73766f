"""The spreadsheet formats of dispute cases: the screening ledger (排查台账) that is imported and
the case list that is exported.

One vocabulary (``communities.vocabulary``): column headers are the screens' words for the
fields (verbose names, in the file's language), and a choice is written with its model label
and read from its label, its stored value or an older spelling (the aliases below, "also
accepted" in the ledger's help sheet).
"""

from django.utils.translation import gettext_lazy as _

from communities.models import Compound
from communities.resources import EXAMPLE_ID_NUMBER
from communities.vocabulary import ChoiceReader, choice_label, field_word, file_word
from disputes.models import Category, DisputeCase, Level, Party, PartyRole, Source, Status

# Choices are written with their model labels (communities.vocabulary: the zh-hans catalogue's
# words, as on the screens); the import also reads the stored value and these older spellings.
CATEGORY_ALIASES = {
    "装修": Category.RENOVATION,
    "停车": Category.PARKING,
    "噪声": Category.NOISE,
    "劳动争议": Category.LABOUR,
    "土地": Category.LAND,
}
STATUS_ALIASES = {"已上报": Status.ESCALATED, "调解不成已转出": Status.CLOSED_UNRESOLVED}

CATEGORY_READER = ChoiceReader(Category, CATEGORY_ALIASES)
SOURCE_READER = ChoiceReader(Source)
LEVEL_READER = ChoiceReader(Level)
STATUS_READER = ChoiceReader(Status, STATUS_ALIASES)
YES, NO = "是", "否"

# --- the screening ledger (import) --------------------------------------------------------------

# Headers are the catalogue's words (the screens' field names) in the file's language; the
# ledger also reads the older headers in HEADER_ALIASES.
COMPOUND = field_word(Compound, "code")
CATEGORY = field_word(DisputeCase, "category")
SOURCE = field_word(DisputeCase, "source")
LEVEL = field_word(DisputeCase, "level")
REGISTERED_ON = file_word(_("registered on"))
DESCRIPTION = field_word(DisputeCase, "description")
AMOUNT = field_word(DisputeCase, "amount")
APPLICANT = file_word(PartyRole.APPLICANT.label)
APPLICANT_PHONE = file_word(_("applicant's phone"))
APPLICANT_ID = file_word(_("applicant's ID number"))
RESPONDENT = file_word(PartyRole.RESPONDENT.label)
RESPONDENT_PHONE = file_word(_("respondent's phone"))
RESPONDENT_ID = file_word(_("respondent's ID number"))
ROW_NUMBER = "序号"  # a ledger's own running number: read past
HEADER_ALIASES = {"小区编号": COMPOUND, "类别": CATEGORY, "涉及金额": AMOUNT}

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


def ledger_example(compound_code: str) -> list:
    return [
        compound_code,
        str(Category.NOISE.label),
        str(Source.SCREENING.label),
        str(Level.COMMUNITY.label),
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


def ledger_help() -> list[tuple[str, str, str]]:
    """One line per column: header, required or not, how to fill it in (the choices by their
    labels in the active language, then the older spellings also accepted)."""
    screening = choice_label(Source, Source.SCREENING)
    community = choice_label(Level, Level.COMMUNITY)
    return [
        (COMPOUND, "必填", "小区编号(与小区台账一致);只能填写本单位辖区内的小区"),
        (CATEGORY, "必填", CATEGORY_READER.help_text()),
        (SOURCE, "选填", f"{SOURCE_READER.help_text()};不填为“{screening}”"),
        (LEVEL, "选填", f"{LEVEL_READER.help_text()};不填为“{community}”"),
        (REGISTERED_ON, "选填", "如 2026-01-05;不能晚于今天;不填为导入当天;办结时限从此日起算"),
        (DESCRIPTION, "必填", "纠纷的基本情况"),
        (AMOUNT, "选填", "涉及金额(元),不小于 0 的数字"),
        (APPLICANT, "至少填一方", "申请人姓名"),
        (APPLICANT_PHONE, "选填", "手机号或带区号的固定电话"),
        (APPLICANT_ID, "选填", ID_HELP),
        (RESPONDENT, "至少填一方", "被申请人姓名"),
        (RESPONDENT_PHONE, "选填", "手机号或带区号的固定电话"),
        (RESPONDENT_ID, "选填", ID_HELP),
    ]


ID_HELP = "18 位居民身份证号;请将单元格设为文本格式,以免 Excel 改写末几位"

# --- the case list (export) ---------------------------------------------------------------------

CASES_SHEET = "纠纷案件"
PARTIES_SHEET = file_word(Party._meta.verbose_name_plural)
PARTY_ROLE = field_word(Party, "role")
PARTY_NAME = field_word(Party, "name")
PARTY_PHONE = field_word(Party, "phone")
PARTY_ID_NUMBER = field_word(Party, "id_number")
FIGURES_SHEET = "统计"
CASE_HEADERS = [
    field_word(DisputeCase, "number"),
    field_word(DisputeCase, "street"),
    file_word(_("community")),
    COMPOUND,
    field_word(DisputeCase, "compound"),
    CATEGORY,
    SOURCE,
    LEVEL,
    field_word(DisputeCase, "status"),
    REGISTERED_ON,
    field_word(DisputeCase, "deadline"),
    file_word(_("Overdue")),
    field_word(DisputeCase, "handler"),
    field_word(DisputeCase, "leader"),
    field_word(DisputeCase, "escalations"),
    DESCRIPTION,
    AMOUNT,
    field_word(DisputeCase, "outcome"),
    file_word(_("closed on")),
    field_word(DisputeCase, "satisfaction"),
    file_word(Party._meta.verbose_name_plural),
]
FIGURE_HEADERS = [file_word(_("Figure")), file_word(_("Breakdown")), file_word(_("Value"))]
# The figures by the words of the list page's figures (the same msgids).
FIGURE_ROWS = [
    ("total", _("Total")),
    ("resolved", Status.RESOLVED.label),
    ("resolved_by_respondent", _("of which resolved by the respondent company (not counted)")),
    ("unresolved", Status.CLOSED_UNRESOLVED.label),
    ("withdrawn", Status.WITHDRAWN.label),
    ("open", _("Open")),
    ("overdue", _("Overdue")),
    ("escalated", _("Escalated")),
    ("visited", _("Return visits made")),
    ("satisfied", _("Satisfied at the return visit")),
    ("closure_rate", _("Closure rate (结案率)")),
    ("satisfaction_rate", _("Satisfaction rate")),
    ("average_days_to_resolve", _("Average days to resolve")),
]
# Percentages carry a unit in the figure's name.
PERCENT_FIGURES = {"closure_rate", "satisfaction_rate"}
BREAKDOWNS = [
    ("by_category", _("By category")),
    ("by_level", _("By level")),
    ("by_source", _("By source")),
]
