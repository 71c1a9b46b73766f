"""The addresses of the residents' export buttons: the residents list (or figures page) and the
registration work list post here with their own query string. The view is the one every list
export uses (``communities.exports.views.export_begin``: a POST, the exporter's permission, a
small file at once or a job); the exporters read the query with the pages' own filter forms
(``communities.residents.filters``), so they never reach another area's residents.

Included by ``communities/urls.py`` (namespace ``communities``).
"""

from django.urls import path

from communities.exports.views import export_begin

from .exporting import RESIDENTS_KEY, WORKLIST_KEY

urlpatterns = [
    path("residents/export/", export_begin, {"key": RESIDENTS_KEY}, name="resident_export"),
    path(
        "residents/worklist/export/",
        export_begin,
        {"key": WORKLIST_KEY},
        name="resident_worklist_export",
    ),
]
