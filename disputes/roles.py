"""What each role may do in disputes; registered into the role groups at start-up.

Handling (accept, mediate, escalate, close) also needs the user to act for the organisation at
the case's level: see ``disputes.handlers``.
"""

from communities.models import OrganisationKind as K
from communities.models import Role as R


def _p(actions, models):
    return {f"disputes.{a}_{m}" for a in actions for m in models}


VIEW = _p(["view"], ["disputecase", "party", "mediationsession", "returnvisit", "caseevent"])
EXPORT = {"disputes.export_disputecase"}
REGISTER = {"disputes.add_disputecase"}
HANDLE = {"disputes.handle_disputecase"}
IMPORT = {"disputes.import_disputecase"}
CALENDAR_EDIT = _p(["add", "change", "delete", "view"], ["calendarday"])
CALENDAR_VIEW = {"disputes.view_calendarday"}

ACTING = VIEW | EXPORT | REGISTER | HANDLE

DISPUTE_ROLE_PERMISSIONS = {
    (K.BUREAU, R.ADMIN): ACTING | IMPORT | CALENDAR_EDIT,
    (K.BUREAU, R.STAFF): ACTING | IMPORT | CALENDAR_VIEW,
    (K.BUREAU, R.VIEWER): VIEW | EXPORT,
    (K.STREET_OFFICE, R.ADMIN): ACTING | IMPORT,
    (K.STREET_OFFICE, R.STAFF): ACTING | IMPORT,
    (K.STREET_OFFICE, R.VIEWER): VIEW | EXPORT,
    (K.COMMUNITY_COMMITTEE, R.ADMIN): ACTING,
    (K.COMMUNITY_COMMITTEE, R.STAFF): ACTING,
    (K.COMMUNITY_COMMITTEE, R.VIEWER): VIEW | EXPORT,
    (K.PROPERTY_COMPANY, R.ADMIN): ACTING,
    (K.PROPERTY_COMPANY, R.STAFF): ACTING,
    (K.PROPERTY_COMPANY, R.VIEWER): VIEW,
}
