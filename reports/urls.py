"""URLs of the reports app: each views module lists its own routes."""

from .views import dashboard, monthly, summaries

app_name = "reports"

urlpatterns = monthly.urlpatterns + dashboard.urlpatterns + summaries.urlpatterns
