from django.urls import path

from . import compound_choice_views, unmasking_views, views
from .activities import views as activities
from .exports import views as exports
from .residents import export_urls as resident_exports
from .residents import views as residents

app_name = "communities"

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("help/", views.guide, name="guide"),
    path("help/<slug:name>/", views.guide, name="guide_page"),
    path(
        "privacy/reason/",
        unmasking_views.personal_data_reason,
        name="personal_data_reason",
    ),
    path(
        "compounds/autocomplete/",
        compound_choice_views.compound_autocomplete,
        name="compound_autocomplete",
    ),
    path(
        "streets/autocomplete/",
        compound_choice_views.street_autocomplete,
        name="street_autocomplete",
    ),
    path(
        "communities/autocomplete/",
        compound_choice_views.community_autocomplete,
        name="community_autocomplete",
    ),
    path("compounds/<str:code>/", views.compound_detail, name="compound_detail"),
    path("exports/new/<str:key>/", exports.export_begin, name="export_begin"),
    path("exports/<int:pk>/", exports.export_job, name="export_job"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
urlpatterns += activities.urlpatterns
urlpatterns += residents.urlpatterns
urlpatterns += resident_exports.urlpatterns
