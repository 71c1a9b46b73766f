"""What writes the trail without being asked: logins, failures, lockouts and logouts (Django's
and django-axes's signals, the password and two-factor signals of the account modules), and
the guards that keep it append-only inside the application (the database refuses too, on
PostgreSQL: migration 0006)."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_delete, pre_save

from . import (
    FAILED,
    LOCKED_OUT,
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    OK,
    PASSWORD_CHANGED,
    TWO_FACTOR,
    USER_DISABLED,
    record,
)
from .retention import purging

MSG_APPEND_ONLY = "audit entries cannot be changed or deleted"
USERNAME_CHARS = 150
RECORD_ARGUMENTS = {"request", "actor", "target", "model", "object_pk", "label", "result"}


def _logged_in(sender, request, user, **kwargs) -> None:
    record(LOGIN, request=request, actor=user, target=user, superuser=user.is_superuser)


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(LOGOUT, request=request, actor=user, target=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    _failed_for_name(LOGIN_FAILED, request, credentials.get("username"))


def _locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    _failed_for_name(LOCKED_OUT, request, username)


def _failed_for_name(event: str, request, typed) -> None:
    """An entry about the account a typed name names, or — an unknown name — about nobody,
    with what was typed as its label."""
    name = str(typed or "")[:USERNAME_CHARS]
    user = get_user_model().objects.filter(username=name).first() if name else None
    if user is not None:
        record(event, request=request, target=user, result=FAILED)
    else:
        record(event, request=request, label=name, result=FAILED, unknown_user=True)


def account_event(event: str, result: str = OK, **fixed):
    """A receiver for an account module's signal (password changed, two-factor enabled…),
    sent with ``user`` and ``request`` (None outside a request: a command, a job); the
    signal's other arguments go into the entry's details."""

    def receiver(sender, user, request=None, **kwargs) -> None:
        # A signal's own word that record() also takes (``actor``…) keeps its value as a detail.
        details = {
            (f"signal_{k}" if k in RECORD_ARGUMENTS else k): str(v)
            for k, v in kwargs.items()
            if k != "signal"
        }
        actor = getattr(request, "user", None)
        record(event, request=request, actor=actor, target=user, result=result, **fixed, **details)

    return receiver


def _refuse_change(sender, instance, raw=False, **kwargs) -> None:
    if instance.pk is not None and LogEntry.objects.filter(pk=instance.pk).exists():
        raise PermissionDenied(MSG_APPEND_ONLY)


def _refuse_delete(sender, instance, **kwargs) -> None:
    if not purging():
        raise PermissionDenied(MSG_APPEND_ONLY)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
    pre_save.connect(_refuse_change, sender=LogEntry, dispatch_uid="audit_append_only")
    pre_delete.connect(_refuse_delete, sender=LogEntry, dispatch_uid="audit_no_delete")
    from django.apps import apps

    if apps.is_installed("communities.accounts"):
        from communities.accounts import signals as accounts

        accounts.password_changed.connect(
            account_event(PASSWORD_CHANGED), weak=False, dispatch_uid="audit_password_changed"
        )
        accounts.user_disabled.connect(
            account_event(USER_DISABLED), weak=False, dispatch_uid="audit_user_disabled"
        )
    if apps.is_installed("communities.twofactor"):
        from communities.twofactor import signals as two_factor

        for signal, change, result in (
            (two_factor.two_factor_enabled, "enabled", OK),
            (two_factor.two_factor_disabled, "disabled", OK),
            (two_factor.recovery_code_used, "recovery_code_used", OK),
            (two_factor.two_factor_failed, "code_refused", FAILED),
        ):
            signal.connect(
                account_event(TWO_FACTOR, result, change=change),
                weak=False,
                dispatch_uid=f"audit_two_factor_{change}",
            )
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(_locked_out, dispatch_uid="audit_locked_out")
