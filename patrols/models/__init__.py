"""群防群治: watch groups (十户联防), patrol teams and their logs, 物防/技防 facilities."""

from .facilities import Entrance, EntranceKind, Facility, FacilityKind, FacilityLocation
from .groups import GroupKind, WatchGroup, WatchGroupMembership
from .patrols import PatrolFinding, PatrolLog, PatrolPlanSlot
from .teams import MemberCategory, PatrolTeam, TeamKind, TeamMember

__all__ = [
    "Entrance",
    "EntranceKind",
    "Facility",
    "FacilityKind",
    "FacilityLocation",
    "GroupKind",
    "MemberCategory",
    "PatrolFinding",
    "PatrolLog",
    "PatrolPlanSlot",
    "PatrolTeam",
    "TeamKind",
    "TeamMember",
    "WatchGroup",
    "WatchGroupMembership",
]
