"""The workbench exports of the checks list and the hazard list: the list's rows, with the
list's own filters (its query string), as .xlsx.

The list page's export button posts here with the list's query string (a POST: starting an
export writes a job and costs a worker, so no other site can start one through a link or an
image). ``inspections.exporting`` reads it with the list's own form and selectors, starting
from ``visible_to(user)``, so a file holds exactly what the list shows the user. Small exports
answer at once, big ones become a job (``communities.exports``).
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.urls import path
from django.views.decorators.http import require_POST

from communities.exports import get_exporter
from communities.exports.views import export_start
from inspections.exporting import HazardsExporter, InspectionsExporter


@require_POST
@login_required
@permission_required(InspectionsExporter.permission, raise_exception=True)
def check_export(request):
    exporter = get_exporter(InspectionsExporter.key)
    return export_start(request, exporter, {"query": request.GET.urlencode()})


@require_POST
@login_required
@permission_required(HazardsExporter.permission, raise_exception=True)
def hazard_export(request):
    exporter = get_exporter(HazardsExporter.key)
    return export_start(request, exporter, {"query": request.GET.urlencode()})


urlpatterns = [
    path("inspections/export/", check_export, name="check_export"),
    path("hazards/export/", hazard_export, name="hazard_export"),
]
