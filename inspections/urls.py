"""URLs of the inspections app: each views module lists its own routes."""

from django.urls import path

from .views import checks, hazards

app_name = "inspections"

urlpatterns = [
    path("inspections/", checks.check_list, name="check_list"),
    path("inspections/<int:pk>/", checks.inspection_detail, name="inspection_detail"),
    path("hazards/", hazards.hazard_list, name="hazard_list"),
    path("hazards/<int:pk>/", hazards.hazard_detail, name="hazard_detail"),
]
