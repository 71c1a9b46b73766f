"""The notices of the inspections app: their words, put together when each reader reads them."""

from django.utils.translation import gettext_lazy as _

from communities.notifications import NoticeText

HAZARD_ASSIGNED = "hazard_assigned"
HAZARD_REJECTED = "hazard_rejected"
HAZARD_OVERDUE = "hazard_overdue"
CHECK_OPENED = "check_opened"
CHECK_DUE = "check_due"
CHECK_OVERDUE = "check_overdue"
CHECK_RETURNED = "check_returned"

NOTICE_TEXTS = {
    HAZARD_ASSIGNED: NoticeText(_("A hazard to rectify in %(compound)s by %(deadline)s.")),
    HAZARD_REJECTED: NoticeText(
        _("A rectification in %(compound)s was rejected; new deadline %(deadline)s.")
    ),
    HAZARD_OVERDUE: NoticeText(_("A hazard in %(compound)s is past its deadline %(deadline)s.")),
    CHECK_OPENED: NoticeText(_("The %(month)s self-check of %(compound)s is open.")),
    CHECK_DUE: NoticeText(_("The %(month)s self-check of %(compound)s is due by %(due)s.")),
    CHECK_OVERDUE: NoticeText(
        _("The %(month)s self-check of %(compound)s is overdue: it was due by %(due)s.")
    ),
    CHECK_RETURNED: NoticeText(_("The %(month)s self-check of %(compound)s was returned.")),
}
