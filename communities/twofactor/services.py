"""Enrolling, checking codes, recovery codes, turning two-factor login off.

A user has at most one confirmed TOTP device (their authenticator app) and one static device
holding their unused recovery codes. A code is checked against one device, chosen by its
shape (six digits: the app; eight letters and digits: a recovery code), with django-otp's
throttling: after each failure the device refuses every code for 1, 2, 4, 8… seconds times
``OTP_TOTP_THROTTLE_FACTOR`` (``OTP_STATIC_THROTTLE_FACTOR`` for recovery codes). A recovery
code is deleted when it is used. Nothing here raises after a failure is counted: the request's
transaction must commit the count.
"""

from __future__ import annotations

import math
import re
import unicodedata
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import signals

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"
_TOTP_CODE = re.compile(r"^[0-9]{6}$", re.ASCII)
_RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$", re.ASCII)


@dataclass(frozen=True)
class CodeResult:
    """What checking a code found: the device that accepted it, else the reason shown."""

    device: TOTPDevice | StaticDevice | None = None
    error: str = ""
    recovery: bool = False
    remaining: int | None = None  # recovery codes left after one was used

    @property
    def ok(self) -> bool:
        return self.device is not None


def _send(signal, user, request, **extra) -> None:
    signal.send(sender=get_user_model(), user=user, request=request, **extra)


def code_clean(code: str) -> str:
    """Full-width digits, spaces, hyphens and capitals as people type them, made ASCII."""
    code = unicodedata.normalize("NFKC", code or "")
    return re.sub(r"[\s\-]", "", code).lower()


def app_device(user, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_device(user) -> bool:
    """Whether the user has enrolled (an app; recovery codes alone do not count)."""
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_base32(device: TOTPDevice) -> str:
    """The key as people type it into an app, in groups of four."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _throttled(device) -> str:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return ""
    until = (info or {}).get("locked_until")
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
    return _("Too many wrong codes. Wait %(seconds)s seconds, then try again.") % {
        "seconds": seconds
    }


def _wrong() -> str:
    return _(
        "That code is not right or has expired. Enter the 6 digits your authenticator app "
        "shows now, or one of your recovery codes."
    )


def _check(device, code: str):
    """Checks a code on one device, locked against concurrent checks: (device, error)."""
    device = type(device).objects.select_for_update().get(pk=device.pk)
    if message := _throttled(device):
        return device, message
    return device, "" if device.verify_token(code) else _wrong()


@transaction.atomic
def code_verify(*, user, code: str, request=None, stage: str = "login") -> CodeResult:
    """A code typed at login (or to confirm a change): the app's six digits or a recovery
    code, which is used up. Anything else counts as a wrong code for the app."""
    code = code_clean(code)
    device, recovery = None, False
    if _TOTP_CODE.match(code):
        device = app_device(user)
    elif _RECOVERY_CODE.match(code):
        device, recovery = recovery_device(user), True
    if device is None:
        device, recovery = app_device(user), False
        if device is None:
            return CodeResult(error=_wrong())
    device, error = _check(device, code)
    if error:
        reason = "wrong" if error == _wrong() else "throttled"
        _send(signals.two_factor_failed, user, request, reason=reason, stage=stage)
        return CodeResult(error=error)
    if not recovery:
        return CodeResult(device=device)
    remaining = recovery_codes_left(user)
    _send(signals.recovery_code_used, user, request, remaining=remaining)
    return CodeResult(device=device, recovery=True, remaining=remaining)


@transaction.atomic
def enrolment_device(user) -> TOTPDevice:
    """The app being enrolled: one unconfirmed device per user, the same until confirmed, so
    reloading the page shows the same QR code."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def enrolment_confirm(*, user, code: str, request=None) -> tuple[CodeResult, list[str]]:
    """The first code from the app confirms it; returns the new recovery codes (shown once)."""
    device = app_device(user, confirmed=False)
    if device is None:
        return CodeResult(error=_wrong()), []
    device, error = _check(device, code_clean(code))
    if error:
        reason = "wrong" if error == _wrong() else "throttled"
        _send(signals.two_factor_failed, user, request, reason=reason, stage="setup")
        return CodeResult(error=error), []
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = recovery_codes_new(user=user)
    _send(signals.two_factor_enabled, user, request)
    return CodeResult(device=device), codes


@transaction.atomic
def recovery_codes_new(*, user) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in codes)
    return codes


@transaction.atomic
def two_factor_disable(*, user, request=None, actor=None) -> bool:
    """Remove the user's app and recovery codes (the user turning it off, or an administrator
    resetting a lost phone: ``actor``). Returns whether there was anything to remove."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    if removed:
        extra = {"by": actor or user, "reset": actor is not None and actor.pk != user.pk}
        _send(signals.two_factor_disabled, user, request, **extra)
    return bool(removed)
