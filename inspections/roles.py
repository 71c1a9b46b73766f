"""What each role may do in inspections; registered into the role groups at start-up."""

from communities.models import OrganisationKind as K
from communities.models import Role as R


def _p(actions, models):
    return {f"inspections.{a}_{m}" for a in actions for m in models}


VIEW = (
    _p(["view"], ["checklisttemplate", "checklistsection", "checklistitem"])
    | _p(["view"], ["inspection", "answer", "evidence", "inspectionevent", "hazard", "hazardevent"])
    | _p(["view"], ["keymanagement"])
)
EXPORT = {"inspections.export_inspection", "inspections.export_hazard"}
TEMPLATES = _p(
    ["add", "change", "delete"], ["checklisttemplate", "checklistsection", "checklistitem"]
)
REVIEW = {"inspections.review_inspection", "inspections.supervise_inspection"}
HAZARD_RAISE = _p(["add"], ["hazard"])
VERIFY = {"inspections.verify_hazard"}
FILL = _p(["add", "change"], ["inspection", "answer", "evidence"]) | _p(["delete"], ["evidence"])
RECTIFY = {"inspections.rectify_hazard"}
KEY_MANAGE = {"inspections.manage_keymanagement"} | _p(["add", "change"], ["keymanagement"])
REOPEN = {"inspections.reopen_inspection"}

INSPECTION_ROLE_PERMISSIONS = {
    (K.BUREAU, R.ADMIN): VIEW
    | EXPORT
    | TEMPLATES
    | REVIEW
    | HAZARD_RAISE
    | VERIFY
    | KEY_MANAGE
    | REOPEN,
    (K.BUREAU, R.STAFF): VIEW | EXPORT | REVIEW | HAZARD_RAISE | VERIFY | KEY_MANAGE,
    (K.BUREAU, R.VIEWER): VIEW | EXPORT,
    (K.STREET_OFFICE, R.ADMIN): VIEW | EXPORT | REVIEW | HAZARD_RAISE | VERIFY | REOPEN,
    (K.STREET_OFFICE, R.STAFF): VIEW | EXPORT | REVIEW | HAZARD_RAISE | VERIFY,
    (K.STREET_OFFICE, R.VIEWER): VIEW | EXPORT,
    (K.COMMUNITY_COMMITTEE, R.ADMIN): VIEW | EXPORT | HAZARD_RAISE,
    (K.COMMUNITY_COMMITTEE, R.STAFF): VIEW | EXPORT | HAZARD_RAISE,
    (K.COMMUNITY_COMMITTEE, R.VIEWER): VIEW | EXPORT,
    (K.PROPERTY_COMPANY, R.ADMIN): VIEW | EXPORT | FILL | RECTIFY | HAZARD_RAISE,
    (K.PROPERTY_COMPANY, R.STAFF): VIEW | EXPORT | FILL | RECTIFY | HAZARD_RAISE,
    (K.PROPERTY_COMPANY, R.VIEWER): VIEW | EXPORT,
}
