from .hazards import (
    OPEN_STATUSES,
    Hazard,
    HazardCategory,
    HazardEvent,
    HazardSource,
    HazardStatus,
    KeyManagement,
    Severity,
)
from .inspections import (
    Answer,
    Evidence,
    Inspection,
    InspectionEvent,
    InspectionKind,
    InspectionStatus,
    Result,
)
from .templates import (
    AnswerType,
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    TemplateStatus,
)

__all__ = [
    "OPEN_STATUSES",
    "Answer",
    "AnswerType",
    "ChecklistItem",
    "ChecklistSection",
    "ChecklistTemplate",
    "Evidence",
    "Hazard",
    "HazardCategory",
    "HazardEvent",
    "HazardSource",
    "HazardStatus",
    "Inspection",
    "InspectionEvent",
    "InspectionKind",
    "InspectionStatus",
    "KeyManagement",
    "Result",
    "Severity",
    "TemplateStatus",
]
