"""What each role may do in disputes; registered into the role groups at start-up.

Handling (accept, mediate, escalate, close) also needs the user to act for the organisation at
the case's level: see ``disputes.handlers``.

Dispute parties' names, phones and ID numbers in full (``PARTY_DATA``) go to the roles that see
households' personal data, except property companies' (PIPL: a company has no need of the
people in a dispute, which is often about itself); ``disputes.conflict`` masks them besides for
anyone tied to the company a case concerns, whatever their role.
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
PARTY_DATA_PERMISSION = "disputes.view_party_data"
PARTY_DATA = {PARTY_DATA_PERMISSION}

ACTING = VIEW | EXPORT | REGISTER | HANDLE

DISPUTE_ROLE_PERMISSIONS = {
    (K.BUREAU, R.ADMIN): ACTING | IMPORT | CALENDAR_EDIT | PARTY_DATA,
    (K.BUREAU, R.STAFF): ACTING | IMPORT | CALENDAR_VIEW,
    (K.BUREAU, R.VIEWER): VIEW | EXPORT,
    (K.STREET_OFFICE, R.ADMIN): ACTING | IMPORT | PARTY_DATA,
    (K.STREET_OFFICE, R.STAFF): ACTING | IMPORT,
    (K.STREET_OFFICE, R.VIEWER): VIEW | EXPORT,
    (K.COMMUNITY_COMMITTEE, R.ADMIN): ACTING | PARTY_DATA,
    (K.COMMUNITY_COMMITTEE, R.STAFF): ACTING | PARTY_DATA,
    (K.COMMUNITY_COMMITTEE, R.VIEWER): VIEW | EXPORT,
    (K.PROPERTY_COMPANY, R.ADMIN): ACTING,
    (K.PROPERTY_COMPANY, R.STAFF): ACTING,
    (K.PROPERTY_COMPANY, R.VIEWER): VIEW,
}


def sees_parties(user) -> bool:
    """May the user's role see dispute parties in full (on a case that does not concern their
    company: ``disputes.privacy.shows_parties``)?"""
    from communities.unmasking import unmasking_allowed

    return bool(
        user
        and user.is_authenticated
        and user.has_perm(PARTY_DATA_PERMISSION)
        and unmasking_allowed(user)
    )
