"""The refusal texts of patrol teams and logs (services raise them; tests reuse them)."""

from django.utils.translation import gettext_lazy as _

from communities.workflow import MSG_NOT_ALLOWED

__all__ = ["MSG_NOT_ALLOWED"]

MSG_NOT_OURS = _("Only the organisation running the team (or one above it) may do this.")
MSG_ORGANISATION = _("Your role may not run a team for this organisation.")
MSG_ORGANISATION_KIND = _(
    "A bureau does not run patrol teams; choose a street, community or company."
)
MSG_COMPOUND_OUTSIDE = _("%(compound)s does not lie in the area of %(organisation)s.")
MSG_NO_COMPOUND = _("Choose at least one compound.")
MSG_TEAM_INACTIVE = _("This team is no longer active.")
MSG_MEMBER_LEFT = _("This member has already left the team.")
MSG_LEFT_BEFORE_JOINED = _("A member cannot leave before joining.")
MSG_NOT_IN_FUTURE = _("The date cannot be in the future.")
MSG_WINDOW_ORDER = _("A window must not end at the time it starts.")
MSG_WINDOW_OVERLAP = _("Two windows on %(day)s overlap.")
MSG_ENDS_BEFORE_START = _("A patrol must end after it starts.")
MSG_IN_FUTURE = _("A patrol cannot start or end in the future.")
MSG_TOO_LONG = _("A patrol lasts at most %(hours)s hours.")
MSG_ALREADY_OPEN = _("This team already has a patrol under way: end it first.")
MSG_ALREADY_ENDED = _("This patrol has already ended.")
MSG_LOG_COMPOUND = _("%(compound)s is not covered by this team.")
MSG_LOG_MEMBER = _("%(member)s is not an active member of this team.")
MSG_FINDING_COMPOUND = _("The finding must be in a compound this patrol covered.")
MSG_FINDING_TEXT = _("Say what was found.")
