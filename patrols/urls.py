"""URLs of the patrols app: each views module lists its own routes."""

from .views import facilities, groups, teams

app_name = "patrols"

urlpatterns = groups.urlpatterns + teams.urlpatterns + facilities.urlpatterns
