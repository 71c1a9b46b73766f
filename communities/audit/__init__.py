"""The audit trail (section 13 of docs/architecture.md): one append-only log of who did what.

django-auditlog writes an entry for every create, update and delete of a registered model
(personal fields masked). This module adds the events it does not see — logins, failures and
lockouts, logouts, password and two-factor changes, exports, imports, views of personal data in
full, refused access to objects out of scope — as entries of the same table with the action
"access" and the event in ``additional_data``. Every entry carries the time (aware, shown in
Asia/Shanghai), the user, the client address, the object, the result and the request id.

``record`` raises when the entry cannot be written: an export or an unmasking that cannot be
audited does not happen (the caller's transaction is rolled back with it).
"""

from __future__ import annotations

import contextvars
import re
import uuid

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import pgettext_lazy

# Events (stored in additional_data["event"]); labels for the audit administrator's pages.
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOCKED_OUT = "locked_out"
LOGOUT = "logout"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an event name)
TWO_FACTOR = "two_factor"
EXPORT = "export"
IMPORT = "import"
PERSONAL_DATA_VIEW = "personal_data_view"
ACCESS_REFUSED = "access_refused"
AUDIT_EXPORT = "audit_export"
DUTY_CHANGED = "duty_changed"
USER_DISABLED = "user_disabled"
PERSONAL_DATA_REASON = "personal_data_reason"

EVENT_LABELS = {
    LOGIN: pgettext_lazy("audit", "login"),
    LOGIN_FAILED: pgettext_lazy("audit", "failed login"),
    LOCKED_OUT: pgettext_lazy("audit", "account locked"),
    LOGOUT: pgettext_lazy("audit", "logout"),
    PASSWORD_CHANGED: pgettext_lazy("audit", "password changed"),
    TWO_FACTOR: pgettext_lazy("audit", "two-factor change"),
    EXPORT: pgettext_lazy("audit", "export"),
    IMPORT: pgettext_lazy("audit", "import"),
    PERSONAL_DATA_VIEW: pgettext_lazy("audit", "personal data viewed in full"),
    ACCESS_REFUSED: pgettext_lazy("audit", "access refused"),
    AUDIT_EXPORT: pgettext_lazy("audit", "audit trail exported"),
    DUTY_CHANGED: pgettext_lazy("audit", "administrator duty changed"),
    USER_DISABLED: pgettext_lazy("audit", "account disabled"),
    PERSONAL_DATA_REASON: pgettext_lazy("audit", "reason stated for personal data"),
}

OK, FAILED, REFUSED = "ok", "failed", "refused"
RESULT_LABELS = {
    OK: pgettext_lazy("audit", "succeeded"),
    FAILED: pgettext_lazy("audit", "failed"),
    REFUSED: pgettext_lazy("audit", "refused"),
}

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "safecompound_request_id", default=None
)
_REQUEST_ID_SHAPE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id() -> str | None:
    """This request's id (django-auditlog's correlation id getter: AUDITLOG_CID_GETTER)."""
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def new_request_id(header_value: str | None) -> str:
    """The id a proxy in front sent (X-Request-ID, when it looks like one), or a new one."""
    if header_value and _REQUEST_ID_SHAPE.match(header_value):
        return header_value
    return uuid.uuid4().hex


def client_address(request) -> str | None:
    """The client's address, read as the lockout reads it (``communities.accounts.addresses``:
    REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the address the outermost one saw)."""
    if request is None:
        return None
    from communities.accounts.addresses import client_address as address_of

    return address_of(request)


def refused(request, model, object_pk, *, whatever_the_answer: bool = False) -> None:
    """Note a refused access to ``model``'s object ``object_pk`` (it exists, outside the user's
    scope). The view then raises ``Http404``, which rolls its transaction back, so the entry is
    written after it by ``AuditMiddleware`` — for the refused object only, never for an id that
    does not exist (the answer itself is the same for both).

    ``whatever_the_answer``: the page answers without a 404 (a form refusing to register a
    person who lives outside the user's area, an import's preview naming such rows); the entry
    is written after the view all the same, so a search for who lives where leaves a trace."""
    if request is None:
        return
    if whatever_the_answer:
        request.__dict__.setdefault("audit_refused_more", []).append((model, str(object_pk)))
    else:
        request.audit_refused = (model, str(object_pk))


def write_refused(request, response, refusal=None) -> None:
    model, object_pk = refusal or request.audit_refused
    record(
        ACCESS_REFUSED,
        request=request,
        model=model,
        object_pk=object_pk,
        label=f"{request.method} {request.path}"[:500],
        result=REFUSED,
        status=response.status_code,
    )


def personal_data_viewed(request, *, target=None, model=None, objects=(), fields=()) -> None:
    """A page showed personal data in full (a role allowed to see it): who, which records,
    which fields."""
    record(
        PERSONAL_DATA_VIEW,
        request=request,
        target=target,
        model=model,
        label="" if target is not None else str(model._meta.verbose_name_plural),
        fields=sorted(fields),
        objects=[str(pk) for pk in objects][:500],
    )


def current_request():
    """The request being served, for code that was not handed it (a service), or None."""
    return _request_being_served()


def _request_being_served():
    """The request a signal fired in without passing it (a model signal, a validator hook)."""
    from communities.accounts.context import current_request

    return current_request()


def _actor(request, actor):
    if actor is not None:
        return actor if getattr(actor, "is_authenticated", False) else None
    user = getattr(request, "user", None)
    if isinstance(user, get_user_model()) and user.is_authenticated:
        return user
    return None


def record(
    event: str,
    *,
    request=None,
    actor=None,
    target=None,
    model=None,
    object_pk: str = "",
    label: str = "",
    result: str = OK,
    **details,
) -> LogEntry:
    """Write one entry for ``event`` about ``target`` (an instance) or ``model`` (a class,
    with ``object_pk``/``label`` naming what was asked for). Raises when it cannot be written."""
    if request is None:
        request = _request_being_served()
    if target is not None:
        model = target._meta.model
        object_pk = str(target.pk)
        label = label or str(target)
    if model is None:
        model = get_user_model()
    who = _actor(request, actor)
    pk_text = str(object_pk or "")[:255]
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_pk=pk_text,
        object_id=int(pk_text) if pk_text.isascii() and pk_text.isdigit() else None,
        object_repr=str(label)[:500],
        action=LogEntry.Action.ACCESS,
        actor=who,
        actor_email=(getattr(who, "email", "") or None) if who else None,
        remote_addr=client_address(request),
        cid=request_id(),
        additional_data={"event": event, "result": result, **details},
    )
