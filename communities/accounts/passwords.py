"""The password policy (GB/T 22239 8.1.4.1 a): validators, the history of the last passwords,
and the password's age.

Validators (``AUTH_PASSWORD_VALIDATORS``): Django's minimum length (10), similarity to the
user's attributes and common-password list, and here: at least three of four character
classes, not containing the login name, none of the last ``PASSWORD_HISTORY_COUNT``.

``PasswordHistoryValidator.password_changed`` is Django's hook, called whenever a password is
saved (``set_password`` then ``save``) on any path: it records the new hash, marks it
``must_change`` when someone other than the user set it inside a request (an administrator
creating or resetting an account), and sends ``signals.password_changed``.

``PasswordAgeMiddleware`` sends a user whose password is due (set by an administrator, or
older than ``PASSWORD_MAX_AGE_DAYS``) to the change page until they change it. The due time is
read once at login and kept in the session, so ordinary requests cost no query.
"""

import datetime
import time

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.accounts import signals
from communities.accounts.context import bind_request, current_request, unbind_request
from communities.accounts.models import PasswordHistory

# Session keys: when the password falls due (a POSIX time; 0 = now), why, and for which
# password (the session's auth hash when it was computed: a change in this session renews it).
DUE_KEY = "accounts.password_due"
REASON_KEY = "accounts.password_reason"
MARK_KEY = "accounts.password_mark"
REASON_SET_BY_ADMIN = "set_by_admin"
REASON_EXPIRED = "expired"
NEVER = float("inf")


class MinimumLengthValidator(DjangoMinimumLength):
    """Django's, with a message our catalogue translates (Django 5.2's own Chinese catalogue
    lacks the error's current wording, so it showed in English)."""

    def get_error_message(self):
        return ngettext(
            "The password is too short: it must have at least %(count)d character.",
            "The password is too short: it must have at least %(count)d characters.",
            self.min_length,
        ) % {"count": self.min_length}


def _classes(password: str) -> int:
    upper = any("A" <= c <= "Z" for c in password)
    lower = any("a" <= c <= "z" for c in password)
    digit = any("0" <= c <= "9" for c in password)
    other = any(not ("A" <= c <= "Z" or "a" <= c <= "z" or "0" <= c <= "9") for c in password)
    return upper + lower + digit + other


class CharacterClassesValidator:
    """At least ``min_classes`` of: capital letters, small letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if _classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "The password must mix at least %(count)d of: capital letters, small letters, "
            "digits and symbols."
        ) % {"count": self.min_classes}


class UsernameNotContainedValidator:
    """The login name does not appear in the password, in any letter case."""

    def __init__(self, min_username_length: int = 3):
        self.min_username_length = min_username_length

    def validate(self, password, user=None):
        username = (user.get_username() if user is not None else "") or ""
        if len(username) >= self.min_username_length and username.lower() in password.lower():
            raise ValidationError(
                _("The password must not contain the login name."), code="password_has_username"
            )

    def get_help_text(self):
        return _("The password must not contain your login name.")


def _recent_hashes(user, count: int) -> list[str]:
    hashes = list(
        PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count]
    )
    if user.password and user.password not in hashes:
        hashes.insert(0, user.password)  # an account with no history yet: its current one
    return hashes


class PasswordHistoryValidator:
    """None of the user's last ``count`` passwords again; records each new one."""

    def __init__(self, count: int | None = None):
        self.count = count or settings.PASSWORD_HISTORY_COUNT

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        for encoded in _recent_hashes(user, self.count):
            if check_password(password, encoded):
                raise ValidationError(
                    ngettext(
                        "The password must differ from your last password.",
                        "The password must differ from your last %(count)d passwords.",
                        self.count,
                    )
                    % {"count": self.count},
                    code="password_reused",
                )

    def get_help_text(self):
        return ngettext(
            "It must differ from your last password.",
            "It must differ from your last %(count)d passwords.",
            self.count,
        ) % {"count": self.count}

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        password_record(user=user, request=current_request(), keep=self.count)


def password_record(*, user, request=None, keep: int | None = None) -> PasswordHistory:
    """Record the password ``user`` now has; who set it decides whether it must be changed.

    Set inside a request by another logged-in person (an administrator creating the account or
    resetting its password): the user changes it at their next login. Set by the user, or
    outside a request (a command, the demo data): it stands.
    """
    keep = keep or settings.PASSWORD_HISTORY_COUNT
    actor = getattr(request, "user", None)
    by_other = bool(actor is not None and actor.is_authenticated and actor.pk != user.pk)
    entry = PasswordHistory.objects.create(user=user, password=user.password, must_change=by_other)
    old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()
    signals.password_changed.send(sender=type(user), user=user, request=request)
    return entry


def password_due(user) -> tuple[float, str]:
    """When the user's password falls due (a POSIX time, ``NEVER``, or already past) and why."""
    latest = PasswordHistory.objects.filter(user=user).only("changed_at", "must_change").first()
    if latest is not None and latest.must_change:
        return latest.changed_at.timestamp(), REASON_SET_BY_ADMIN
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age:
        return NEVER, REASON_EXPIRED
    start = latest.changed_at if latest is not None else user.date_joined
    return (start + datetime.timedelta(days=max_age)).timestamp(), REASON_EXPIRED


def remember_password_due(request, user) -> None:
    """Read once (at login, or after a change in this session) and keep in the session."""
    due, reason = password_due(user)
    request.session[DUE_KEY] = None if due == NEVER else due
    request.session[REASON_KEY] = reason
    request.session[MARK_KEY] = request.session.get(HASH_SESSION_KEY)


def password_due_reason(request) -> str | None:
    """Why the logged-in user must change their password now, for the change page; None if
    they need not."""
    due = request.session.get(DUE_KEY)
    if due is None or time.time() < due:
        return None
    if request.session.get(REASON_KEY) == REASON_SET_BY_ADMIN:
        return _("Your password was set by an administrator: choose your own to continue.")
    return _("Your password is more than %(days)d days old: choose a new one to continue.") % {
        "days": settings.PASSWORD_MAX_AGE_DAYS
    }


def _exempt(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.PASSWORD_CHANGE_EXEMPT_PATHS) or (
        path.startswith("/" + settings.STATIC_URL.lstrip("/"))
    )


class PasswordAgeMiddleware:
    """Until a due password is changed, every page but the change page (and logout, the login
    pages, language, static files, the guide) redirects to it. Also binds the request for
    ``password_changed`` hooks called inside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = bind_request(request)
        try:
            redirect_to = self._check(request)
            if redirect_to is not None:
                return redirect_to
            return self.get_response(request)
        finally:
            unbind_request(token)

    def _check(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        session = request.session
        if DUE_KEY not in session or session.get(MARK_KEY) != session.get(HASH_SESSION_KEY):
            remember_password_due(request, user)  # a session from before, or a new password
        due = session.get(DUE_KEY)
        if due is None or time.time() < due or _exempt(request.path_info):
            return None
        return redirect("password_change")
