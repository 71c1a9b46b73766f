"""Error texts of the dispute workflow (tests reuse them)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.workflow import (  # noqa: F401  (re-exported: the workflow's shared parts)
    MSG_DEADLINE_RANGE,
    MSG_NOT_ALLOWED,
    MSG_REASON_REQUIRED,
    WorkflowError,
)

MSG_WRONG_STATE = _("This cannot be done while the case is “{status}”.")
MSG_FOUR_FIXES = _("Accepting a case needs all four fixes (四定); missing: {missing}.")
MSG_NOT_AT_LEVEL = _("{user} does not work for an organisation handling this case at its level.")
MSG_TOP_LEVEL = _("A case at district level cannot be escalated further.")
MSG_LEVEL_NOT_ALLOWED = _("You cannot register a case at this level.")
MSG_NOBODY_AT_LEVEL = _(
    "No organisation in the system handles this compound's cases at that level; "
    "choose another level or ask the housing bureau to set one up."
)
MSG_DEADLINE_PAST = pgettext_lazy("dispute", "The deadline cannot be in the past.")
MSG_OUTCOME_REQUIRED = _("Describe the outcome.")
MSG_AGREEMENT_FILE = _("Attach the mediation agreement, or say that none was reached.")
MSG_AGREED_REQUIRED = _("Say what was agreed (or that nothing was).")
MSG_SESSION_DATE = _("The session date must lie between the registration and today.")
MSG_VISIT_DATE = _("The visit date must lie between the resolution and today.")
MSG_REFERRAL_REQUIRED = _("Say where the case was referred to.")
MSG_NO_PARTY = _("Name at least one party.")
MSG_ATTENDEE_NOT_PARTY = _("Only this case's own parties can be recorded as present.")
# 回避: a case about property service, or against the compound's property company.
MSG_RECUSED = _(
    "This case concerns your property company (property service, or the company is the "
    "respondent), so your company steps aside: the community committee handles it."
)
MSG_RECUSED_PERSON = _(
    "{user} belongs to the property company this case concerns and cannot lead or handle it."
)
MSG_NO_COMPANY = _("No property company runs this compound, so it cannot be the respondent.")

# The four fixes (四定), named in MSG_FOUR_FIXES.
FIX_LEADER = pgettext_lazy("four fixes", "leader")
FIX_HANDLER = pgettext_lazy("four fixes", "handler")
FIX_PLAN = pgettext_lazy("four fixes", "plan")
FIX_DEADLINE = pgettext_lazy("four fixes", "deadline")
