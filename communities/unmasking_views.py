"""The page where a role allowed to see personal data in full says why it needs it
(``communities.unmasking``): a purpose and a note, kept in the session and in the audit trail."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from communities import audit
from communities.forms import WorkbenchForm
from communities.unmasking import PURPOSES, may_see_personal_data, reason_state, stated_reason
from communities.validators import normalize_text

NOTE_MIN, NOTE_MAX = 4, 200


class ReasonForm(WorkbenchForm):
    purpose = forms.ChoiceField(label=_("purpose"), choices=[("", ""), *PURPOSES])
    note = forms.CharField(
        label=_("what for"),
        min_length=NOTE_MIN,
        max_length=NOTE_MAX,
        help_text=_("For example the case number, or the household and what is checked."),
    )

    def clean_note(self):
        return normalize_text(self.cleaned_data["note"])


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def personal_data_reason(request):
    if not may_see_personal_data(request.user):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason_state(request, form.cleaned_data["purpose"], form.cleaned_data["note"])
        audit.record(
            audit.PERSONAL_DATA_REASON,
            request=request,
            target=request.user,
            purpose=form.cleaned_data["purpose"],
            note=form.cleaned_data["note"],
        )
        return redirect(_next_url(request) or "communities:home")
    context = {
        "form": form,
        "next": _next_url(request),
        "stated": stated_reason(request),
        "reason_minutes": settings.PERSONAL_DATA_REASON_MINUTES,
    }
    return render(request, "communities/personal_data_reason.html", context)
