"""The notices of patrol teams: their words, put together when each reader reads them."""

from django.utils.translation import gettext_lazy as _

from communities.notifications import NoticeText

PATROL_MISSED = "patrol_missed"

NOTICE_TEXTS = {
    PATROL_MISSED: NoticeText(_("%(team)s missed its planned patrol on %(day)s, %(window)s.")),
}
