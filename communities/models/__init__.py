from .activities import LEGAL_EDUCATION_KINDS, Activity, ActivityKind, ActivityPhoto
from .audit import AuditEntry
from .companies import ManagementTerm, PropertyCompany
from .compounds import Compound, CompoundKind, ManagementMode, SafeTitleLevel
from .exports import ExportJob, ExportStatus
from .households import Household, Occupancy
from .notifications import Notification
from .organisations import Membership, Organisation, OrganisationKind, Role
from .regions import Community, District, Street
from .residents import (
    REGISTERING_KINDS,
    DocumentType,
    Relation,
    Resident,
    ResidentKind,
)
from .tallies import ResidentTally

__all__ = [
    "LEGAL_EDUCATION_KINDS",
    "REGISTERING_KINDS",
    "Activity",
    "ActivityKind",
    "ActivityPhoto",
    "AuditEntry",
    "Community",
    "Compound",
    "CompoundKind",
    "District",
    "DocumentType",
    "ExportJob",
    "ExportStatus",
    "Household",
    "ManagementMode",
    "ManagementTerm",
    "Membership",
    "Notification",
    "Occupancy",
    "Organisation",
    "OrganisationKind",
    "PropertyCompany",
    "Relation",
    "Resident",
    "ResidentKind",
    "ResidentTally",
    "Role",
    "SafeTitleLevel",
    "Street",
]
