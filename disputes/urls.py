"""URLs of the disputes app: each views module lists its own routes."""

from .views import actions, cases, exports, printing

app_name = "disputes"

urlpatterns = cases.urlpatterns + actions.urlpatterns + exports.urlpatterns + printing.urlpatterns
