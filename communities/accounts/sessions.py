"""Session limits (GB/T 22239 8.1.4.1 d): an absolute lifetime (``SESSION_COOKIE_AGE``, 12 h
from login, however active) and an idle timeout (``SESSION_IDLE_TIMEOUT_SECONDS``, 30 min);
and a disabled account's sessions end at once.

The login time and the last activity are kept in the session (POSIX times). The last activity
is written at most once every ``SESSION_ACTIVITY_RESOLUTION_SECONDS`` (60 s), so a burst of
requests does not write the session each time.

Ending a user's sessions: with the database session backend (the only one this project uses)
the live sessions (``expire_date`` in the future: at most ``SESSION_COOKIE_AGE`` old, so about
one day's logins) are decoded and those of the user deleted. Disabling is rare and the scan
stays that small because sessions live 12 h; no table has to follow the session key as Django
cycles it at login and at a password change.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.accounts import signals
from communities.accounts.context import current_request

LOGIN_AT_KEY = "accounts.login_at"
SEEN_AT_KEY = "accounts.seen_at"


def session_start(request) -> None:
    now = time.time()
    request.session[LOGIN_AT_KEY] = now
    request.session[SEEN_AT_KEY] = now


def _on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    from communities.accounts.passwords import remember_password_due

    session_start(request)
    remember_password_due(request, user)


def session_expired(session, now: float | None = None) -> bool:
    """Past the absolute lifetime or the idle limit."""
    now = time.time() if now is None else now
    login_at = session.get(LOGIN_AT_KEY)
    seen_at = session.get(SEEN_AT_KEY, login_at)
    if login_at is not None and now - login_at >= settings.SESSION_COOKIE_AGE:
        return True
    return seen_at is not None and now - seen_at >= settings.SESSION_IDLE_TIMEOUT_SECONDS


class SessionLimitsMiddleware:
    """Logs out a session past its limits and sends the person to the login page with
    "会话已超时，请重新登录"; otherwise notes the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = time.time()
            if LOGIN_AT_KEY not in session:
                session_start(request)  # a session older than these limits: they start now
            elif session_expired(session, now):
                return self._timed_out(request)
            elif now - session.get(SEEN_AT_KEY, 0) >= settings.SESSION_ACTIVITY_RESOLUTION_SECONDS:
                session[SEEN_AT_KEY] = now
        return self.get_response(request)

    def _timed_out(self, request):
        path = request.get_full_path()
        logout(request)
        messages.warning(request, _("Your session has timed out. Please log in again."))
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(path)["Location"]
            return response
        return redirect_to_login(path if request.method == "GET" else "/")


def user_sessions_end(*, user_ids) -> int:
    """Delete every live session of these users; returns how many."""
    wanted = {str(pk) for pk in user_ids}
    if not wanted:
        return 0
    keys = []
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for key, data in live.values_list("session_key", "session_data").iterator():
        decoded = Session(session_key=key, session_data=data).get_decoded()
        if str(decoded.get("_auth_user_id")) in wanted:
            keys.append(key)
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _before_user_save(sender, instance, **kwargs) -> None:
    """Remember whether an account being saved inactive was active until now."""
    if instance.pk is None or instance.is_active:
        return
    was = sender._default_manager.filter(pk=instance.pk).values_list("is_active", flat=True)
    instance._accounts_was_active = bool(was and was[0])


def _after_user_save(sender, instance, created, **kwargs) -> None:
    if created or not getattr(instance, "_accounts_was_active", False):
        return
    instance._accounts_was_active = False
    user_sessions_end(user_ids=[instance.pk])
    signals.user_disabled.send(sender=sender, user=instance, request=current_request())


def connect_signals() -> None:
    user_model = get_user_model()
    user_logged_in.connect(_on_login, dispatch_uid="accounts_session_start")
    pre_save.connect(_before_user_save, sender=user_model, dispatch_uid="accounts_user_pre")
    post_save.connect(_after_user_save, sender=user_model, dispatch_uid="accounts_user_post")
