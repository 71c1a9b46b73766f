"""Personal data in full only for a stated reason, and not too often (PIPL arts. 6 and 10; issue
10). A role allowed to see names, phones and ID numbers in full (``view_personal_data``, and for
dispute parties ``disputes.view_party_data``) sees them masked until it states why it needs them
— a purpose and a note, kept in the session for ``PERSONAL_DATA_REASON_MINUTES`` and written to
the audit trail — and again masked once it has opened ``PERSONAL_DATA_VIEWS_PER_HOUR`` pages
with personal data in full within the last hour.

The one gate is ``unmasking_allowed(user)``, which the permission checks
(``communities.privacy.can_see_personal_data``, ``disputes.roles.sees_parties``) call: in a
request it reads that request's session; an export job reads what its request decided when it
was started; a command or a test without a request is not gated.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "personal_data_reason"
UNMASKED_PARAM = "personal_data_in_full"  # an export job's params: what its request decided
PURPOSES = [
    ("dispute", _("mediating a dispute")),
    ("register", _("checking the household register")),
    ("security", _("public security work")),
    ("request", _("a request of the person concerned")),
    ("other", _("other")),
]
_job_decision: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "unmasking_job_decision", default=None
)
_RATE_ATTR = "_personal_data_over_rate"
_MASKED_ATTR = "_personal_data_masked_for_now"
# The permissions that show personal data in full; apps above add theirs from ready().
PERMISSIONS = {"communities.view_personal_data"}


def register_permission(code: str) -> None:
    PERMISSIONS.add(code)


def may_see_personal_data(user) -> bool:
    """Does the user's role allow some personal data in full (shown with a stated reason)?"""
    return bool(user and user.is_authenticated and any(user.has_perm(p) for p in PERMISSIONS))


def reason_required() -> bool:
    return settings.PERSONAL_DATA_REASON_REQUIRED


def stated_reason(request) -> dict | None:
    """The reason stated in this session, while it holds; else None."""
    session = getattr(request, "session", None)
    reason = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(reason, dict):
        return None
    age = time.time() - float(reason.get("at", 0))
    if not 0 <= age <= settings.PERSONAL_DATA_REASON_MINUTES * 60:
        return None
    return reason


def reason_state(request, purpose: str, note: str) -> None:
    request.session[SESSION_KEY] = {"purpose": purpose, "note": note, "at": time.time()}


def over_rate(request) -> bool:
    """Has the user opened the hour's allowance of pages with personal data in full? Counted
    once per request from the audit trail."""
    if not hasattr(request, _RATE_ATTR):
        from auditlog.models import LogEntry

        from communities import audit

        since = timezone.now() - datetime.timedelta(hours=1)
        seen = LogEntry.objects.filter(
            actor_id=request.user.pk,
            timestamp__gte=since,
            additional_data__event=audit.PERSONAL_DATA_VIEW,
        ).count()
        setattr(request, _RATE_ATTR, seen >= settings.PERSONAL_DATA_VIEWS_PER_HOUR)
    return getattr(request, _RATE_ATTR)


def _request_of(user):
    from communities.accounts.context import current_request

    request = current_request()
    if request is None or getattr(getattr(request, "user", None), "pk", None) != user.pk:
        return None
    return request


def unmasking_allowed(user) -> bool:
    """May personal data be shown in full to ``user`` now (beyond their permission)?"""
    if not reason_required():
        return True
    decided = _job_decision.get()
    if decided is not None:
        return decided
    request = _request_of(user)
    if request is None:
        return True
    allowed = stated_reason(request) is not None and not over_rate(request)
    if not allowed:
        setattr(request, _MASKED_ATTR, True)  # this page masks what its reader may see
    return allowed


def gate_for(request) -> dict:
    """What a page that masked personal data its reader may see says (the banner): state a
    reason, or wait for the hour's allowance. Pages that masked nothing say nothing."""
    if not reason_required() or not getattr(request, _MASKED_ATTR, False):
        return {}
    if stated_reason(request) is None:
        return {"needs_reason": True}
    return {"over_rate": True}


@contextlib.contextmanager
def job_decision(unmasked: bool | None):
    """Inside an export job: what its request decided when the job was started."""
    token = _job_decision.set(unmasked)
    try:
        yield
    finally:
        _job_decision.reset(token)
