"""The summaries page (``reports:summaries``): pick a kind and a month or range; the export
starts on the one export path (``communities.exports.views.export_start``), so a small file
comes back at once and a large one becomes a job whose page shows its progress.

Only roles holding ``reports.export_summary`` (the bureau's and street offices') reach it;
anyone else gets 403. The rows are the user's scope, whatever the form says."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from communities.exports import get_exporter
from communities.exports.views import export_start
from reports.exporting.base import MAX_MONTHS, SUMMARY_PERMISSION
from reports.summary_form import SummaryForm


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(SUMMARY_PERMISSION, raise_exception=True)
def summaries(request):
    today = timezone.localdate()
    if request.method == "POST":
        form = SummaryForm(request.POST, today=today)
        if form.is_valid():
            return export_start(request, get_exporter(form.exporter_key()), form.params())
        status = 400
    else:
        form = SummaryForm(today=today)
        status = 200
    context = {"form": form, "max_months": MAX_MONTHS}
    return render(request, "reports/summaries.html", context, status=status)


urlpatterns = [path("summaries/", summaries, name="summaries")]
