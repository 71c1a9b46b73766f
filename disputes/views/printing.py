"""The printable case file (卷宗) of a dispute case, for the paper archive.

One page with everything on record — the case, its parties, the timeline, the mediation
sessions, how it ended (the agreement) and the return visits — laid out for A4 by the print
style sheet, so the browser's «打印» makes the paper copy or a PDF. It is read exactly like the
case page (``disputes.privacy.case_file``): in scope or 404, and parties' names, phones and ID
numbers masked, in their fields and in the texts, for a role that may not see personal data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from disputes.privacy import case_file, case_file_seen

from .cases import case_or_404


@login_required
@permission_required("disputes.view_disputecase", raise_exception=True)
@require_GET
def case_print(request, pk: int):
    case = case_or_404(request, pk)
    seen = case_file(user=request.user, case=case)
    case_file_seen(request, seen)
    context = {
        "case": case,
        "parties": seen.parties,
        "sessions": seen.sessions,
        "visits": seen.visits,
        "events": seen.events,
        "personal_data_masked": seen.masked,
        "printed_at": timezone.localtime(),
    }
    return render(request, "disputes/case_print.html", context)


urlpatterns = [
    path("disputes/<int:pk>/print/", case_print, name="case_print"),
]
