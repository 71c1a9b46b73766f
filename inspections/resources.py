"""The words of the inspections and hazards files: Chinese headers and cell words, the file
format (hence literal Chinese). The exporters themselves are in ``inspections.exporting``.
"""

from communities.exporting import cell_number
from inspections.models import (
    AnswerType,
    HazardCategory,
    HazardSource,
    HazardStatus,
    InspectionKind,
    InspectionStatus,
    Result,
    Severity,
)

KIND_WORDS = {InspectionKind.SELF_CHECK: "月度自查", InspectionKind.SUPERVISION: "督导检查"}
STATUS_WORDS = {
    InspectionStatus.DRAFT: "草稿",
    InspectionStatus.SUBMITTED: "已提交待审核",
    InspectionStatus.RETURNED: "已退回",
    InspectionStatus.APPROVED: "已通过",
}
RESULT_WORDS = {Result.PASS: "达标", Result.BASIC: "基本达标", Result.FAIL: "不达标"}
SOURCE_WORDS = {
    HazardSource.SELF_CHECK: "月度自查",
    HazardSource.SUPERVISION: "督导检查",
    HazardSource.PATROL: "巡逻",
    HazardSource.OTHER: "其他",
}
CATEGORY_WORDS = {
    HazardCategory.FIRE: "消防安全",
    HazardCategory.PUBLIC_ORDER: "治安",
    HazardCategory.BUILDING: "房屋建筑",
    HazardCategory.ELECTRICAL: "用电安全",
    HazardCategory.TRAFFIC: "交通与停车",
    HazardCategory.OTHER: "其他",
}
SEVERITY_WORDS = {
    Severity.LOW: "低",
    Severity.MEDIUM: "中",
    Severity.HIGH: "高",
    Severity.MAJOR: "重大",
}
HAZARD_STATUS_WORDS = {
    HazardStatus.OPEN: "待整改",
    HazardStatus.RECTIFYING: "整改中",
    HazardStatus.RECTIFIED: "已整改待验收",
    HazardStatus.VERIFIED: "已验收",
}
YES, NO, NOT_APPLICABLE = "是", "否", "不适用"


def answer_value(answer_type: str, not_applicable: bool, value_bool, score, count, text):
    """An answer as a cell: 是 / 否 / 不适用, a score, a number or the text ("" unanswered)."""
    if not_applicable:
        return NOT_APPLICABLE
    if answer_type == AnswerType.YES_NO:
        return "" if value_bool is None else (YES if value_bool else NO)
    if answer_type == AnswerType.SCORE:
        return cell_number(score)
    if answer_type == AnswerType.NUMBER:
        return cell_number(count)
    return text or ""
