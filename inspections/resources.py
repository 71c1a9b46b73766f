"""The words of the inspections and hazards files. Choices are the models' labels
(``communities.vocabulary``); the readers below also take the older spellings. The exporters
themselves are in ``inspections.exporting``.
"""

from communities.exporting import cell_number
from communities.vocabulary import ChoiceReader
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

# Choices are written with their model labels (communities.vocabulary), as on the screens; these
# are the words earlier files used for the same things ("also accepted" by any import).
KIND_ALIASES = {"月度自查": InspectionKind.SELF_CHECK}
STATUS_ALIASES = {"已提交待审核": InspectionStatus.SUBMITTED}
SOURCE_ALIASES = {"月度自查": HazardSource.SELF_CHECK}
CATEGORY_ALIASES = {"治安": HazardCategory.PUBLIC_ORDER, "房屋建筑": HazardCategory.BUILDING}
HAZARD_STATUS_ALIASES = {"已整改待验收": HazardStatus.RECTIFIED}

KIND_READER = ChoiceReader(InspectionKind, KIND_ALIASES)
STATUS_READER = ChoiceReader(InspectionStatus, STATUS_ALIASES)
RESULT_READER = ChoiceReader(Result)
SOURCE_READER = ChoiceReader(HazardSource, SOURCE_ALIASES)
CATEGORY_READER = ChoiceReader(HazardCategory, CATEGORY_ALIASES)
SEVERITY_READER = ChoiceReader(Severity)
HAZARD_STATUS_READER = ChoiceReader(HazardStatus, HAZARD_STATUS_ALIASES)
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
