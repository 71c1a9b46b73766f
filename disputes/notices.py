"""The notices of the disputes app: their words, put together when each reader reads them."""

from django.utils.translation import gettext_lazy as _

from communities.notifications import NoticeText
from disputes.models import Level, Status

REGISTERED = "dispute_registered"  # waiting for the level's organisation to accept it
ESCALATED = "dispute_escalated"
ASSIGNED = "dispute_assigned"
PROGRESS = "dispute_progress"
DUE = "dispute_due"
OVERDUE = "dispute_overdue"

NOTICE_TEXTS = {
    REGISTERED: NoticeText(_("A dispute %(number)s in %(compound)s awaits acceptance.")),
    ESCALATED: NoticeText(_("Dispute %(number)s was escalated to you; accept it by %(deadline)s.")),
    ASSIGNED: NoticeText(_("Dispute %(number)s is yours to handle by %(deadline)s.")),
    PROGRESS: NoticeText(
        _("Dispute %(number)s: %(status)s (%(level)s)."),
        choices={"status": Status, "level": Level},
    ),
    DUE: NoticeText(_("Dispute %(number)s is due on %(deadline)s.")),
    OVERDUE: NoticeText(_("Dispute %(number)s is past its deadline %(deadline)s.")),
}
