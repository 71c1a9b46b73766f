"""The pages of two-factor login: enrol, type a code at login, and the security page where a
user sees their state, gets new recovery codes or turns it off (when it is optional)."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from . import services
from .forms import CodeForm
from .middleware import SETUP, is_verified, next_url, step_done, step_for
from .policy import two_factor_required


def _qr_svg(device) -> str:
    """The enrolment QR code as inline SVG, drawn here: the secret never leaves the server."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", svgclass="twofactor-qr__image"
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup, no user text in it


def _verified(request) -> None:
    """The session has passed the second step: a new session key, nothing more owed."""
    request.session.cycle_key()
    step_done(request, verified=True)


def _codes_page(request, codes, *, first_time: bool):
    return render(
        request,
        "twofactor/recovery_codes.html",
        {"codes": codes, "first_time": first_time, "next": next_url(request)},
    )


@login_required
def setup(request):
    user = request.user
    if services.has_device(user):
        messages.info(request, _("Two-factor login is already on for your account."))
        return redirect("twofactor:security")
    device = services.enrolment_device(user)
    form = CodeForm(request.POST or None, digits_only=True)
    if request.method == "POST" and form.is_valid():
        result, codes = services.enrolment_confirm(
            user=user, code=form.cleaned_data["code"], request=request
        )
        if result.ok:
            otp_login(request, result.device)
            _verified(request)
            return _codes_page(request, codes, first_time=True)
        form.add_error("code", result.error)
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret": services.secret_base32(device),
        "required": two_factor_required(user),
        "pending": not is_verified(user),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "twofactor/setup.html", context)


@login_required
def verify(request):
    user = request.user
    step = step_for(user)
    if is_verified(user) or not step:
        step_done(request)
        return redirect(next_url(request))
    if step == SETUP:
        return redirect(f"{reverse('twofactor:setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.code_verify(user=user, code=form.cleaned_data["code"], request=request)
        if result.ok:
            otp_login(request, result.device)
            _verified(request)
            if result.recovery:
                messages.warning(
                    request,
                    ngettext(
                        "You logged in with a recovery code; it cannot be used again. "
                        "%(count)d code is left: make new ones on the security page.",
                        "You logged in with a recovery code; it cannot be used again. "
                        "%(count)d codes are left: make new ones on the security page.",
                        result.remaining,
                    )
                    % {"count": result.remaining},
                )
            return redirect(next_url(request))
        form.add_error("code", result.error)
    context = {
        "form": form,
        "pending": True,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "twofactor/verify.html", context)


def _security_page(request, *, regenerate_form=None, disable_form=None, status=200):
    user = request.user
    enabled = services.has_device(user)
    context = {
        "enabled": enabled,
        "required": two_factor_required(user),
        "codes_left": services.recovery_codes_left(user) if enabled else 0,
        "regenerate_form": regenerate_form or CodeForm(digits_only=True, prefix="regenerate"),
        "disable_form": disable_form or CodeForm(digits_only=True, prefix="disable"),
    }
    return render(request, "twofactor/security.html", context, status=status)


@login_required
def security(request):
    return _security_page(request)


@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes, after the app's code: the old ones stop working."""
    form = CodeForm(request.POST, digits_only=True, prefix="regenerate")
    if not services.has_device(request.user):
        return redirect("twofactor:security")
    if form.is_valid():
        result = services.code_verify(
            user=request.user, code=form.cleaned_data["code"], request=request, stage="confirm"
        )
        if result.ok:
            codes = services.recovery_codes_new(user=request.user)
            return _codes_page(request, codes, first_time=False)
        form.add_error("code", result.error)
    return _security_page(request, regenerate_form=form, status=400)


@login_required
@require_POST
def disable(request):
    """Turning it off, after the app's code; not for a user who must use it."""
    user = request.user
    if two_factor_required(user):
        messages.error(request, _("Your role must use two-factor login: it cannot be turned off."))
        return redirect("twofactor:security")
    form = CodeForm(request.POST, digits_only=True, prefix="disable")
    if form.is_valid():
        result = services.code_verify(
            user=user, code=form.cleaned_data["code"], request=request, stage="confirm"
        )
        if result.ok:
            services.two_factor_disable(user=user, request=request)
            step_done(request)
            messages.success(request, _("Two-factor login is off for your account."))
            return redirect("twofactor:security")
        form.add_error("code", result.error)
    return _security_page(request, disable_form=form, status=400)
