"""URLs of the inspections app: each views module lists its own routes."""

from .views import checks, exports, hazards, key_management

app_name = "inspections"

urlpatterns = (
    checks.urlpatterns + hazards.urlpatterns + key_management.urlpatterns + exports.urlpatterns
)
