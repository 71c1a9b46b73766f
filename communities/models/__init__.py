from .activities import LEGAL_EDUCATION_KINDS, Activity, ActivityKind, ActivityPhoto
from .audit import AuditEntry
from .companies import ManagementTerm, PropertyCompany
from .compounds import Compound, CompoundKind, ManagementMode, SafeTitleLevel
from .exports import ExportJob, ExportStatus
from .households import Household, Occupancy
from .notifications import Notification
from .organisations import Membership, Organisation, OrganisationKind, Role
from .regions import Community, District, Street

__all__ = [
    "LEGAL_EDUCATION_KINDS",
    "Activity",
    "ActivityKind",
    "ActivityPhoto",
    "AuditEntry",
    "Community",
    "Compound",
    "CompoundKind",
    "District",
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
    "Role",
    "SafeTitleLevel",
    "Street",
]
