"""URLs of the patrols app: each views module lists its own routes."""

from .views import facilities, groups, overview, patrol_logs, teams

app_name = "patrols"

urlpatterns = (
    overview.urlpatterns
    + groups.urlpatterns
    + teams.urlpatterns
    + patrol_logs.urlpatterns
    + facilities.urlpatterns
)
