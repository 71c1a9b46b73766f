"""What each role may do in 群防群治; registered into the role groups at start-up.

Members' names and phones of a team run by another organisation (a street office's officers
patrolling a company's compound) go in full only to roles that see personal data
(``MEMBER_DATA``), never to property companies; the organisation running a team sees its own
members in full (``patrols.privacy``).
"""

from communities.models import OrganisationKind as K
from communities.models import Role as R


def _p(actions, models):
    return {f"patrols.{a}_{m}" for a in actions for m in models}


GROUP_MODELS = ["watchgroup", "watchgroupmembership"]
TEAM_MODELS = ["patrolteam", "teammember", "patrolplanslot"]
LOG_MODELS = ["patrollog", "patrolfinding"]
FACILITY_MODELS = ["entrance", "facility"]

VIEW = _p(["view"], GROUP_MODELS + TEAM_MODELS + LOG_MODELS + FACILITY_MODELS)
EXPORT = {
    "patrols.export_watchgroup",
    "patrols.export_patrolteam",
    "patrols.export_patrollog",
    "patrols.export_facility",
}
GROUPS = _p(["add", "change", "delete"], GROUP_MODELS) | {"patrols.import_watchgroup"}
TEAMS = _p(["add", "change", "delete"], TEAM_MODELS)
LOG = _p(["add", "change"], LOG_MODELS)
FACILITIES = _p(["add", "change", "delete"], FACILITY_MODELS)
MEMBER_DATA_PERMISSION = "patrols.view_member_data"
MEMBER_DATA = {MEMBER_DATA_PERMISSION}

ACTING = VIEW | EXPORT | GROUPS | TEAMS | LOG | FACILITIES

PATROL_ROLE_PERMISSIONS = {
    (K.BUREAU, R.ADMIN): ACTING | MEMBER_DATA,
    (K.BUREAU, R.STAFF): VIEW | EXPORT,
    (K.BUREAU, R.VIEWER): VIEW | EXPORT,
    (K.STREET_OFFICE, R.ADMIN): ACTING | MEMBER_DATA,
    (K.STREET_OFFICE, R.STAFF): ACTING,
    (K.STREET_OFFICE, R.VIEWER): VIEW | EXPORT,
    (K.COMMUNITY_COMMITTEE, R.ADMIN): ACTING | MEMBER_DATA,
    (K.COMMUNITY_COMMITTEE, R.STAFF): ACTING | MEMBER_DATA,
    (K.COMMUNITY_COMMITTEE, R.VIEWER): VIEW | EXPORT,
    (K.PROPERTY_COMPANY, R.ADMIN): ACTING,
    (K.PROPERTY_COMPANY, R.STAFF): ACTING,
    (K.PROPERTY_COMPANY, R.VIEWER): VIEW,
}
