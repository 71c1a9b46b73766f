"""The workbench exports of the checks list and the hazard list: the list's rows, with the
list's own filters (its query string), as .xlsx.

The addresses are the app's own; the view is the one every list export uses
(``communities.exports.views.export_begin``: a POST, the exporter's permission, a small file at
once or a job). ``inspections.exporting`` reads the query with the list's own form and selectors,
starting from ``visible_to(user)``, so a file holds exactly what the list shows the user.
"""

from django.urls import path

from communities.exports.views import export_begin
from inspections.exporting import HazardsExporter, InspectionsExporter

urlpatterns = [
    path(
        "inspections/export/", export_begin, {"key": InspectionsExporter.key}, name="check_export"
    ),
    path("hazards/export/", export_begin, {"key": HazardsExporter.key}, name="hazard_export"),
]
