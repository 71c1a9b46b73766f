"""URLs of the reports app: each views module lists its own routes."""

from .views import dashboard, summaries

app_name = "reports"

urlpatterns = dashboard.urlpatterns + summaries.urlpatterns
